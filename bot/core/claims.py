"""Quotations a chat message asks about, for the "Verify quotes" message command.

Chat is looser than news copy: people write `"…" - Abraham Lincoln`, `Putin: "…"`, a Discord block
quote followed by `— Name`, or no quotation marks at all (`Trump said the talks went well`). The
news extractor finds the marked quotations and their speakers; the chat forms are handled here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.extract import extract_quotes
from bot.core.lexicon import CHAT_NAME_BEFORE_VERBS, CHAT_NAME_PARTICLES, CHAT_SAID_ADVERBS, CHAT_SAID_VERBS, alternation
from bot.core.speakers import CAP_TOKEN, strip_titles

_NAME = rf"(?:{CAP_TOKEN})(?:\s+(?:(?:{alternation(CHAT_NAME_PARTICLES)})\s+)*(?:{CAP_TOKEN})){{0,4}}"
# Mentions, channels, custom emoji, links and code: never quotations, so blanked (same length).
_MARKUP = re.compile(r"<[@#:a-zA-Z!&]{1,3}[^>\s]*>|https?://\S+|```.*?```|`[^`\n]*`", re.DOTALL)
_BLOCK_QUOTE = re.compile(r"^>>?>?\s?(.*)$")
_SIGNATURE = re.compile(rf"^\s*(?:[-–—~]+|\u2015)\s*(?P<name>{_NAME})\s*(?:[,(].*)?$")
_NAME_BEFORE = re.compile(rf"(?:^|[\n.!?]\s*)(?P<name>{_NAME})\s*(?:[:\-–—]|{alternation(CHAT_NAME_BEFORE_VERBS)})\s*[,:]?\s*$")
# After a quotation: `- Lincoln`, `— Abraham Lincoln, 1863`, `George H. W. Bush, 1988`, `-donald trump`.
_NAME_AFTER = re.compile(rf"^[\"'”’»,.]*\s*(?:[-–—―~]+\s*(?P<signed>{_NAME})|(?P<name>{_NAME})\s*(?:[,(]|$))")
_LOWER_SIGNATURE = re.compile(r"^[\"'”’»,.]*\s*[-–—―~]+\s*(?P<name>[a-z][a-z.'’-]+(?:\s+[a-z][a-z.'’-]+){1,3})\b")
_SAID_LINE = re.compile(
    rf"^\s*(?P<name>{_NAME})\s+(?:(?:{alternation(CHAT_SAID_ADVERBS)})\s+)?"
    rf"(?:{alternation(CHAT_SAID_VERBS)})\s*[,:]?\s+(?:that\s+)?(?P<quote>.+?)\s*$"
)
_COLON_LINE = re.compile(rf"^\s*(?P<name>{_NAME})\s*:\s+(?P<quote>.+?)\s*$")
_QUOTE_MARKS = re.compile(r"[\"“”„«»]|(?<!\w)['‘’]|['‘’](?!\w)")
_MIN_WORDS = 3  # one or two words are scare quotes, not claims to check


def find_claims(message: str) -> list[tuple[str, str | None]]:
    """Every quotation in a chat message with the speaker it is given to (None when none is named).

    Handles quotation marks of any style (with the news extractor's attribution rules), chat
    signatures (`"…" - Lincoln`, `Putin: "…"`), block quotes followed by `— Name`, and lines with
    no quotation marks written `Name said …` or `Name: …`.
    """
    text = _MARKUP.sub(lambda m: " " * len(m.group(0)), message)
    claims: list[tuple[str, str | None]] = []
    seen: set[str] = set()

    def add(quote: str, speaker: str | None) -> None:
        quote = quote.strip().strip("\"“”„«»'‘’").strip()
        if len(quote.split()) < _MIN_WORDS or quote.casefold() in seen:
            return
        seen.add(quote.casefold())
        claims.append((quote, strip_titles(speaker) if speaker else None))

    remaining_lines = _block_quotes(text, add)
    for quote in extract_quotes(text):
        if quote.scare and len(quote.text.split()) < _MIN_WORDS:
            continue
        speaker = quote.speaker or _chat_speaker(text, quote.start, quote.end)
        add(quote.text, speaker)
    for line in remaining_lines:
        if _QUOTE_MARKS.search(line):
            continue  # its quotations were found above
        said = _SAID_LINE.match(line) or _COLON_LINE.match(line)
        if said:
            add(said.group("quote"), said.group("name"))
    return claims


def _chat_speaker(text: str, start: int, end: int) -> str | None:
    """A name written next to a quotation the news rules left without speaker: `Putin: "…"`,
    `"…" - Lincoln`."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before = _NAME_BEFORE.search(text[max(line_start, start - 200) : start].rstrip("\"“„«'‘ "))
    if before:
        return before.group("name")
    after = _NAME_AFTER.match(text[end:line_end])
    if after:
        return after.group("signed") or after.group("name")
    lower = _LOWER_SIGNATURE.match(text[end:line_end])
    if lower:
        return lower.group("name").title()  # chat signatures are often typed in lower case
    return None


def _block_quotes(text: str, add: Callable[[str, str | None], None]) -> list[str]:
    """Adds Discord block quotes (`> …` lines, optionally signed `— Name` on the next line) and
    returns the lines that are not part of one."""
    lines = text.split("\n")
    remaining: list[str] = []
    index = 0
    while index < len(lines):
        block: list[str] = []
        while index < len(lines) and (line := _BLOCK_QUOTE.match(lines[index])):
            block.append(line.group(1))
            index += 1
        if not block:
            remaining.append(lines[index])
            index += 1
            continue
        speaker = None
        signature = _SIGNATURE.match(block[-1])
        if signature and len(block) > 1:
            speaker = signature.group("name")
            block = block[:-1]
        elif index < len(lines) and (signed := _SIGNATURE.match(lines[index])):
            speaker = signed.group("name")
            index += 1
        body = " ".join(part.strip() for part in block if part.strip())
        if not _QUOTE_MARKS.search(body.strip()[1:-1]):
            add(body, speaker)
        else:
            remaining.extend(block)
    return remaining


def attributed_quote(text: str) -> tuple[str, str] | None:
    """(quote, speaker) when the whole of `text` is one claim naming its speaker, else None.

    People paste `Putin said Russia is ready to work…` or `"…" - Lincoln` into a single-quote
    lookup; the words to look for are then only the quoted part.
    """
    claims = find_claims(text)
    if len(claims) != 1 or claims[0][1] is None:
        return None
    quote, speaker = claims[0]
    if speaker is None or len(quote) < len(text.strip()) / 2:
        return None  # most of the text is something else: not a single attributed quote
    return quote, speaker
