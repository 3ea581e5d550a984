"""Marking the words that differ between a quote and the statement, on escaped text, within a length limit."""

from __future__ import annotations

from collections.abc import Iterable

from .safety import ELLIPSIS, cap, clean, cut, escape

OPEN, CLOSE = "**__", "__**"


def _spans(text: str, phrases: Iterable[str]) -> list[tuple[int, int]]:
    """Where each phrase occurs, searched left to right so repeated words mark successive occurrences."""
    folded = text.casefold()
    spans: list[tuple[int, int]] = []
    pos = 0
    for phrase in phrases:
        needle = clean(phrase).strip().casefold()
        if not needle:
            continue
        at = folded.find(needle, pos)
        if at < 0:
            at = folded.find(needle)  # out of order: still mark it, if it does not overlap
        if at < 0 or any(s < at + len(needle) and at < e for s, e in spans):
            continue
        spans.append((at, at + len(needle)))
        pos = at + len(needle)
    return sorted(spans)


def highlight(text: str, phrases: Iterable[str], limit: int) -> str:
    """`text` escaped, with each phrase in bold underline, at most `limit` characters with markup balanced."""
    source = clean(cap(text, limit * 4))
    pieces: list[tuple[str, bool]] = []
    last = 0
    for start, end in _spans(source, phrases):
        pieces.append((source[last:start], False))
        pieces.append((source[start:end], True))
        last = end
    pieces.append((source[last:], False))
    out: list[str] = []
    used = 0
    for raw, marked in pieces:
        if not raw:
            continue
        rendered = escape(raw)
        extra = len(OPEN) + len(CLOSE) if marked else 0
        room = limit - used
        if len(rendered) + extra <= room:
            out.append(OPEN + rendered + CLOSE if marked else rendered)
            used += len(rendered) + extra
            continue
        # This piece does not fit: cut it (inside the markup) and stop.
        inner_room = room - extra
        if inner_room > len(ELLIPSIS):
            piece = cut(rendered, inner_room)
            out.append(OPEN + piece + CLOSE if marked else piece)
        elif room >= len(ELLIPSIS):
            out.append(ELLIPSIS)
        break
    return "".join(out)
