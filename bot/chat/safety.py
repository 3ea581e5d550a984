"""Making untrusted text (user input, corpus text) safe to show in Discord, in linear time.

The order matters (security R5, R6): cap the input, normalise with NFKC (which can turn full-width
`＠ｅｖｅｒｙｏｎｅ` into a live `@everyone`), drop invisible and bidi controls, escape markdown and
mentions, and only then cut to the limit, never leaving half an escape behind. discord.py's own
`escape_markdown` is superlinear on crafted input (11 s for 6,000 characters), so it is not used.
"""

from __future__ import annotations

import re
import unicodedata

from bot.core.text_rules import CONTROL, DISPLAY_INVISIBLE, QUOTE_MAX, replace_surrogates

__all__ = ["QUOTE_MAX", "cap", "check_quote", "clean", "cut", "escape", "storable"]

ELLIPSIS = "…"

# One character class, one pass: every character Discord markdown or mention syntax gives meaning to.
_SPECIAL = re.compile(r"([\\*_`~|>#\-\[\]()<@:.])")
_BLANK_LINES = re.compile(r"\n{3,}")


def cap(text: str, limit: int) -> str:
    """The first `limit` characters of `text`: the bound applied to raw input before any other processing."""
    return text[:limit]


def clean(text: str) -> str:
    """NFKC-normalised text without invisible or direction-changing characters, CRLF folded to LF."""
    text = unicodedata.normalize("NFKC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _BLANK_LINES.sub("\n\n", DISPLAY_INVISIBLE.sub("", text))


def storable(text: str) -> str:
    """`text` as the database can hold it: control characters dropped, lone surrogates replaced by U+FFFD.

    For text passed on rather than checked (a reported quote), where refusing it would help nobody.
    """
    return replace_surrogates(CONTROL.sub("", text))


def escape(text: str) -> str:
    """Backslash-escape every markdown and mention character, in one linear pass."""
    return _SPECIAL.sub(r"\\\1", text)


def cut(rendered: str, limit: int) -> str:
    """Shorten already-escaped text to at most `limit` characters, ending with '…' and no dangling backslash."""
    if len(rendered) <= limit:
        return rendered
    head = rendered[: max(limit - len(ELLIPSIS), 0)]
    trailing = len(head) - len(head.rstrip("\\"))
    if trailing % 2:
        # An odd run of backslashes means the cut split an escape pair; drop its first half.
        head = head[:-1]
    return head + ELLIPSIS


def safe(text: str | None, limit: int, *, source_cap: int | None = None) -> str:
    """Untrusted text ready for a message: capped, cleaned, escaped, then cut to `limit` characters."""
    if not text:
        return ""
    raw = cap(text, source_cap if source_cap is not None else max(limit, 1) * 4)
    return cut(escape(clean(raw)), limit)


def quote_block(text: str, limit: int) -> str:
    """Untrusted text as a markdown block quote (every line prefixed with '> '), within `limit` characters."""
    body = safe(text, max(limit - 2, 1))
    lines = body.split("\n")
    block = "\n".join("> " + line for line in lines)
    return block if len(block) <= limit else cut(block, limit)


def check_quote(text: str) -> str | None:
    """Why a submitted quote cannot be checked, or None when it can (the server-side twin of the option's Range)."""
    if len(text) > QUOTE_MAX:
        return f"The quote is longer than {QUOTE_MAX} characters."
    if not clean(text).strip():
        return "The quote is empty."
    return None


_URL = re.compile(r"https?://[^\s<>()\[\]`|\"'\\]+", re.IGNORECASE)


def safe_url(url: str | None) -> str | None:
    """`url` when it is a plain http(s) link that cannot break out of markdown, else None."""
    if not url:
        return None
    url = url.strip()
    if len(url) > 512 or not _URL.fullmatch(url):
        return None
    return url


_PLAIN_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def id_code(statement_id: str | None) -> str:
    """A statement id for markdown text: in a code span when it is a plain id, else escaped (ids come from files)."""
    if statement_id and _PLAIN_ID.fullmatch(statement_id):
        return f"`{statement_id}`"
    return safe(statement_id, 64) or "?"


def id_plain(statement_id: str | None) -> str:
    """A statement id for places without markdown (titles, footers): cleaned and at most 64 characters."""
    return cut(clean(cap(statement_id or "", 256)), 64) or "?"
