"""Quotation marks paired into quoted regions: straight, curly, the NYT's two apostrophes, and
UK single marks told apart from apostrophes (don't, Russia's, '90s).

Double and single marks are paired separately inside each paragraph; a region inside another is
nested in it and dropped, so `'bloodbath'` inside a double-quoted sentence stays part of it. An
opening mark while a quote of the same kind is open means the earlier one ran on without its
closing mark (a quote continued over paragraphs whose line breaks were lost).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MARK = re.compile(r"''|[\"“”„«»‘’']")
_DOUBLE = frozenset({"''", '"', "“", "”", "„", "«", "»"})
_LEFT_CONTEXT = frozenset(" \t\n([{—–―-/:;\u00a0")
_RIGHT_CONTEXT = frozenset(" \t\n.,;:!?)]}—–―-\u00a0…")
_ELISIONS = re.compile(r"(?:em|til|cause|n|tis|twas|bout|round|\d\d?s?)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class QuoteRegion:
    """The inside of one pair of quotation marks (or of an opening mark left open)."""

    open_at: int  # offset of the opening mark
    start: int  # first character inside
    end: int  # just after the last character inside
    close_end: int  # just after the closing mark (== end when left open)
    double: bool
    closed: bool


def _classify(text: str, mark: str, at: int, end: int) -> str:
    """'open', 'close', 'either' (decided by state), 'close?' (only if open) or 'apostrophe'."""
    before = text[at - 1] if at > 0 else "\n"
    after = text[end] if end < len(text) else "\n"
    if mark in "“„«":
        if before.isalnum() and after in _RIGHT_CONTEXT:
            return "close"  # typed the wrong way round: `states“ with`
        return "open"
    if mark in "”»":
        if before in _LEFT_CONTEXT and after.isalnum():
            return "open"  # `”Mr. Trump embodies …”` at the start of a line
        return "close"
    if mark in ('"', "''"):
        left = before in _LEFT_CONTEXT or before in "“‘'\""
        right = after in _RIGHT_CONTEXT or after in "”’'\""
        if left and not right:
            return "open"
        if right and not left:
            return "close"
        return "either"
    # Single marks: apostrophes inside words (don't, Russia's) and elisions ('90s) are not quotes.
    if before.isalnum() and after.isalnum():
        return "apostrophe"
    if mark == "‘" or before in _LEFT_CONTEXT or before in "“\"":
        if after.isspace() or _ELISIONS.match(text, end):
            return "apostrophe"
        return "open"
    if after in _RIGHT_CONTEXT or after in "”\"":
        return "close?"
    return "apostrophe"


def _style(token: str) -> str:
    return "straight" if token == '"' else "pair" if token == "''" else "curly"


def _scan(text: str, start: int, end: int, double: bool, next_opens: bool, out: list[QuoteRegion]) -> None:
    """Pair the marks of one kind (double or single) inside one paragraph."""
    open_mark: re.Match[str] | None = None
    nested: str | None = None  # style of a double quote nested in one of another style
    for mark in _MARK.finditer(text, start, end):
        token = mark.group(0)
        if (token in _DOUBLE) != double:
            continue
        role = _classify(text, token, mark.start(), mark.end())
        if role == "apostrophe":
            continue
        if token == '"' and (text[mark.end() : mark.end() + 1] == "“" or text[mark.start() - 1 : mark.start()] == "”"):
            continue  # a doubled mark typed by mistake: `"“You don't win…`
        if double and open_mark is not None and _style(token) != _style(open_mark.group(0)):
            # `"… about “Equal Justice Under Law” anymore"`: another style opening inside a quote
            # is nested in it; another style closing it is sloppy typing and closes it.
            if nested == _style(token):
                if role != "open":
                    nested = None
                continue
            if role == "open":
                nested = _style(token)
                continue
            if role == "either":
                continue
        if role == "either":
            role = "open" if open_mark is None else "close"
        if role == "open":
            if open_mark is not None and double:
                # A new opening mark while one is open: the earlier quote ran on without its
                # closing mark (paragraphs run together), so it ends here and continues.
                out.append(QuoteRegion(open_mark.start(), open_mark.end(), mark.start(), mark.start(), True, False))
            open_mark = mark
            nested = None
        elif open_mark is not None:
            out.append(QuoteRegion(open_mark.start(), open_mark.end(), mark.start(), mark.end(), double, True))
            open_mark = None
            nested = None
    if open_mark is not None and (double or next_opens):
        out.append(QuoteRegion(open_mark.start(), open_mark.end(), end, end, double, False))


def quote_regions(text: str, paragraphs: list[tuple[int, int]]) -> list[QuoteRegion]:
    """The quotations of a text, paired paragraph by paragraph, in order; nested ones left out."""
    regions: list[QuoteRegion] = []
    for index, (start, end) in enumerate(paragraphs):
        next_start = paragraphs[index + 1][0] if index + 1 < len(paragraphs) else len(text)
        following = text[next_start : next_start + 3].lstrip()
        next_opens_single = following[:1] in ("‘", "'") and following[:2] != "''"
        _scan(text, start, end, True, False, regions)
        _scan(text, start, end, False, next_opens_single, regions)
    regions.sort(key=lambda r: (r.open_at, -r.close_end))
    kept: list[QuoteRegion] = []
    for region in regions:
        if not text[region.start : region.end].strip():
            continue
        if kept and region.open_at < kept[-1].close_end:
            outer = kept[-1]
            if region.close_end <= outer.close_end:
                continue  # nested inside the previous quote: part of it
            if not region.double and outer.double:
                continue  # crossing marks: trust the double ones
            if region.double and not outer.double:
                kept[-1] = region
                continue
        kept.append(region)
    return kept
