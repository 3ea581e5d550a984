"""What every message the bot sends must satisfy, checked on the requests the local Discord server recorded."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from tests.fakediscord import limits

# A mention Discord would parse: unescaped @everyone/@here or <@id>, <@!id>, <@&id>.
_MENTION = re.compile(r"@everyone|@here|<@[!&]?\d+>")


def live_mentions(text: str) -> list[str]:
    """Mentions that are live in `text`, or would become live after NFKC (full-width and small forms)."""
    found = []
    for candidate in {text, unicodedata.normalize("NFKC", text)}:
        for match in _MENTION.finditer(candidate):
            before = candidate[: match.start()]
            if (len(before) - len(before.rstrip("\\"))) % 2 == 0:  # not escaped by an odd run of backslashes
                found.append(match.group(0))
    return found


def dangling_backslash(text: str) -> bool:
    """Whether `text` ends in an odd run of backslashes (half an escape, which would swallow what follows)."""
    return (len(text) - len(text.rstrip("\\"))) % 2 == 1


def texts_of(message: dict[str, Any]) -> Iterator[str]:
    """Every piece of readable text in a message payload: content and each embed part."""
    if message.get("content"):
        yield message["content"]
    for embed in message.get("embeds") or []:
        for key in ("title", "description"):
            if embed.get(key):
                yield embed[key]
        for field in embed.get("fields") or []:
            yield field.get("name") or ""
            yield field.get("value") or ""
        for key in ("footer", "author"):
            part = embed.get(key) or {}
            if part.get("text") or part.get("name"):
                yield part.get("text") or part.get("name")


def message_payloads(fake: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, payload) of every message the bot created or edited, as recorded by the server."""
    for request in fake.requests:
        body = request.body
        if not isinstance(body, dict) or request.method not in ("POST", "PATCH"):
            continue
        if request.path.endswith("/callback"):
            if body.get("type") in (4, 7) and isinstance(body.get("data"), dict):
                yield f"{request.method} {request.path[:60]}", body["data"]
        elif "/webhooks/" in request.path or request.path.endswith("/messages"):
            yield f"{request.method} {request.path[:60]}", body


def problems(fake: Any) -> list[str]:
    """Everything wrong with what the bot sent: limits, pings, live mentions, dangling escapes, refusals."""
    found: list[str] = []
    for where, payload in message_payloads(fake):
        has_text = bool(payload.get("content") or payload.get("embeds"))
        allowed = payload.get("allowed_mentions")
        if has_text and (allowed is None or allowed.get("parse") or allowed.get("users") or allowed.get("roles")):
            found.append(f"{where}: allowed_mentions is {allowed!r}, not parse=[]")
        found += [f"{where}: {p}" for p in limits.check_message(payload, partial=where.startswith("PATCH"))]
        for text in texts_of(payload):
            mentions = live_mentions(text)
            if mentions:
                found.append(f"{where}: live mention {mentions[:3]}")
            if dangling_backslash(text):
                found.append(f"{where}: ends in a lone backslash: {text[-20:]!r}")
    found += [f"refused {r.method} {r.path[:60]}: {r.status} {r.response}" for r in fake.refused()]
    found += [f"pinged {p}" for p in fake.pinged]
    return found
