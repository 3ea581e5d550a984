"""A logging filter that keeps interaction tokens and the bot token out of every log line.

discord.py's DEBUG logs print request URLs (`/interactions/<id>/<token>/callback`,
`/webhooks/<app>/<token>`) and payloads; an interaction token lets anyone answer as the bot for
15 minutes (security R12).
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
_PATTERNS = (
    re.compile(r"(/interactions/\d+/)[^/\s?'\"]+"),
    re.compile(r"(/webhooks/\d+/)[^/\s?'\"]+"),
    re.compile(r"""(["']token["']\s*:\s*["'])[^"']+"""),
    re.compile(r"(Bot )[A-Za-z0-9_\-.]{20,}"),
)
# Loggers that print URLs or payloads; a filter on a logger also covers handlers added later (e.g. tests').
NOISY_LOGGERS = (
    "discord",
    "discord.http",
    "discord.webhook.async_",
    "discord.gateway",
    "discord.client",
    "discord.state",
    "discord.interactions",
    "discord.app_commands.tree",
    "discord.ui.view",
    "discord.ui.modal",
    "bot.chat",
)


def redact(text: str) -> str:
    """`text` with every token-bearing part replaced by '[redacted]'."""
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


class TokenRedactor(logging.Filter):
    """Rewrites each record's message (arguments merged in) with tokens redacted; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logged as it is rather than lost
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when set, so the traceback (aiohttp errors quote URLs) is redacted too.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install_redaction() -> TokenRedactor:
    """Attach one redactor to the noisy loggers and to every handler of the root logger; idempotent."""
    existing = next((f for f in logging.getLogger("discord.http").filters if isinstance(f, TokenRedactor)), None)
    redactor = existing or TokenRedactor()
    for name in NOISY_LOGGERS:
        logger = logging.getLogger(name)
        if redactor not in logger.filters:
            logger.addFilter(redactor)
    for handler in logging.getLogger().handlers:
        if redactor not in handler.filters:
            handler.addFilter(redactor)
    return redactor
