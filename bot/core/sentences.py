"""Sentence boundaries in news and speech text, as character spans.

Every sentence of a speech becomes a statement and every extracted quote carries the sentences
around it, so the splitter must not break on "Mr.", "U.S.", "Jan. 5", initials ("George W. Bush"),
decimals or a mid-sentence ellipsis, and must end a sentence after a closing quotation mark
(`excellent." Then`).
"""

from __future__ import annotations

import re

# Words whose trailing period almost never ends a sentence: titles, initial-like abbreviations,
# months before a day number, street and company suffixes.
_NEVER_FINAL = frozenset(
    """
    mr mrs ms messrs mme dr prof sen sens rep reps gov govs lt col gen maj capt cmdr adm sgt cpl pvt
    rev fr st mt ft hon pres supt insp det atty sec amb brig cdr lieut esq
    jan feb mar apr jun jul aug sep sept oct nov dec
    no nos vol vols pp fig figs art ch op cf vs v approx est
    bros dept univ assn ave blvd rd hwy
    """.split()
)
# Dotted abbreviations that may end a sentence ("moved to the U.S. The next year").
_AMBIGUOUS_FINAL = frozenset("us uk un eu dc am pm etc ie eg usa ussr jr sr inc co corp ltd al".split())
# Abbreviations that stay inside the sentence only before a number ("Jan. 5", "No. 1").
_BEFORE_NUMBER = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec no nos vol vols pp fig figs art ch".split())
# Capitalised words that usually begin a sentence, used to decide after ambiguous abbreviations.
_SENTENCE_STARTERS = frozenset(
    """
    the a an he she it they we i you but and or so yet if in on at for this that these those there
    then when while after before his her its their our my your as also however meanwhile still now
    what why how who where some many most no not one two both all each
    """.split()
)

_CLOSERS = "\"'”’»)]}"
# A candidate end: terminal punctuation, then any closing quotes/brackets, then whitespace.
_CANDIDATE = re.compile(r"(?:[.!?]+|…|\.\s?\.\s?\.)[\"'”’»)\]}]*(?=\s)")
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_LINE_BREAK = re.compile(r"\n")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_NEXT_TOKEN = re.compile(r"\s+([\"'“‘«(\[{]*)(\S*)")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans (start, end) of the sentences of `text`, in order, without outer whitespace.

    Blank lines always end a sentence; inside a paragraph a sentence ends at `.`, `!`, `?` or an
    ellipsis (plus closing quotes) followed by whitespace and a capital, digit or opening quote,
    unless the period belongs to a title, an initial or another abbreviation.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _PARAGRAPH.finditer(text):
        _split_paragraph(text, start, match.start(), spans)
        start = match.end()
    _split_paragraph(text, start, len(text), spans)
    return spans


def _split_paragraph(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    sentence_start = start
    for match in _CANDIDATE.finditer(text, start, end):
        if _is_boundary(text, match, end):
            _emit(text, sentence_start, match.end(), out)
            sentence_start = match.end()
    _emit(text, sentence_start, end, out)


def _emit(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        out.append((start, end))


def _is_boundary(text: str, match: re.Match[str], limit: int) -> bool:
    following = _NEXT_TOKEN.match(text, match.end(), limit)
    if following is None:
        return False
    opening, word = following.group(1), following.group(2)
    if "\n" in text[match.end() : following.start(2)]:
        return True  # a line break after terminal punctuation: a new line of a speech or list
    if not word:
        return bool(opening)
    first = word[0]
    if not (first.isupper() or first.isdigit() or opening):
        return False  # "he asked?" said X / "ready to work ... with" / "10 a.m. on Monday"
    punct = match.group(0).rstrip(_CLOSERS)
    if punct != ".":
        return True  # "!", "?", ellipsis followed by a capital
    if match.group(0) != punct:
        return True  # `."` closes a quotation and the sentence
    before = _WORD_BEFORE.search(text, max(0, match.start() - 40), match.start())
    if before is None:
        return True
    token = before.group(1)
    bare = token.replace(".", "").lower()
    if len(token) == 1 and token.isupper():
        return False  # an initial: "George W. Bush"
    if "." in token:  # dotted abbreviation: U.S., a.m., D.C.
        return _starts_sentence(word)
    if bare in _NEVER_FINAL:
        if bare in _BEFORE_NUMBER:
            return not first.isdigit()
        return False
    if bare in _AMBIGUOUS_FINAL:
        return _starts_sentence(word)
    return True


def _starts_sentence(word: str) -> bool:
    return word.strip(".,;:!?\"'”’").lower() in _SENTENCE_STARTERS


def sentences(text: str) -> list[str]:
    """The sentences of `text` as strings (see `split_sentences`)."""
    return [text[start:end] for start, end in split_sentences(text)]


def paragraph_spans(body: str) -> list[tuple[int, int]]:
    """Paragraphs: split at blank lines, or at every line break when the text has no blank line."""
    pattern = _PARAGRAPH_BREAK if _PARAGRAPH_BREAK.search(body) else _LINE_BREAK
    spans: list[tuple[int, int]] = []
    start = 0
    for match in pattern.finditer(body):
        if body[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if body[start:].strip():
        spans.append((start, len(body)))
    return spans
