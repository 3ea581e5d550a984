"""Matching keys: the form of a text that comparisons see (never shown to users).

Two texts that differ only in case, Unicode form, quotation-mark/apostrophe/dash/ellipsis style,
invisible characters, look-alike letters or spacing get the same key. Words are cut from the key
with one regular expression so the index, the reranker and the aligner agree on what a word is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.text_rules import MATCH_INVISIBLE as _INVISIBLE

# Punctuation styles folded to one ASCII form each.
_STYLE = {
    **dict.fromkeys("“”„‟″‶«»「」『』＂", '"'),
    **dict.fromkeys("‘’‚‛′‵ʼʻʹʽ‹›`´＇", "'"),
    **dict.fromkeys("‐‑‒–—―−⸺⸻﹘﹣－¯", "-"),
    "\u2026": "...",
    "\u22ef": "...",
    **dict.fromkeys("\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\t\n\r\x0b\x0c", " "),
}

# Look-alike letters from other scripts (lower case after case folding) mapped to Latin ones. A
# doctored quote may swap them in to dodge exact matching; a real quote in English never needs them.
_HOMOGLYPHS = dict(
    zip(
        "асеіјорѕхуԁһӏԛԝаеорсух" "αβεικνορτυχωϲ" "ɑɡіｉ",
        "aceijopsxydhlqwaeopcyx" "abeiknoptuxwc" "agii",
    )
)

_TABLE = str.maketrans({**dict.fromkeys(_INVISIBLE), **_STYLE, **_HOMOGLYPHS})

_SPACES = re.compile(r"\s+")
# Elision marks: "...", "…" (already folded to "..."), "[...]", "[…]", ". . .".
_ELISION = re.compile(r"\s*(?:\[\s*(?:\.\s*){3,}\]|(?:\.\s?){2,}\.)\s*")


# The non-ASCII characters most texts hold (typographic quotes and dashes): replaced directly, as
# that is much faster than a translation table when they are the only ones.
_COMMON = tuple((c, _STYLE[c]) for c in "\u2019\u201c\u201d\u2014\u2013\u2018\u2026\u00a0")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def normalize(text: str) -> str:
    """The matching key of `text`: NFKC, styles unified, invisibles removed, homoglyphs and accents folded, case folded, spaces collapsed."""
    if text.isascii():
        # The only ASCII characters the table changes are the backtick and the control spaces,
        # which the space collapse below handles.
        return _SPACES.sub(" ", text.replace("`", "'").lower()).strip()
    folded = text
    for char, ascii_form in _COMMON:
        if char in folded:
            folded = folded.replace(char, ascii_form)
    if folded.isascii():
        return _SPACES.sub(" ", folded.replace("`", "'").lower()).strip()
    folded = folded.translate(_TABLE)
    if not folded.isascii():
        # Case-fold before the second table pass so upper-case look-alikes land on its lower-case entries.
        folded = unicodedata.normalize("NFKC", folded).casefold().translate(_TABLE)
        if not folded.isascii():
            folded = _COMBINING.sub("", unicodedata.normalize("NFKD", folded))
            folded = unicodedata.normalize("NFKC", folded).translate(_TABLE)
    return _SPACES.sub(" ", folded.casefold()).strip()


def word_key(word: str) -> str:
    """The key of one word: normalised, apostrophes and thousands separators dropped ("Don't" → "dont", "1,000" → "1000")."""
    key = normalize(word).replace("'", "")
    if key[:1].isdigit():
        key = _thousands(key)
    return key


def _thousands(number: str) -> str:
    # "1,000,000" → "1000000"; "3.5" stays; "1,5" (decimal comma) stays as written.
    if "," in number and re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", number):
        return number.replace(",", "")
    return number


_BARE_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+")
_GROUPED = re.compile(r"\d,\d")


def keys(text: str) -> list[str]:
    """The word keys of a text, in order."""
    if text.isascii():
        # Words only: the space collapse of `normalize` is not needed to find them.
        norm = text.lower().replace("'", "").replace("`", "")
    else:
        norm = normalize(text).replace("'", "")
    found = _BARE_WORD.findall(norm)
    if _GROUPED.search(norm):
        found = [_thousands(w) if w[:1].isdigit() else w for w in found]
    return found


# The rules of `match_text` that keys stored in the database were written with (`statements.norm`,
# checked at start by bot/store/match_keys.py). Raise it whenever a change to this module gives any
# text another key: stored keys of an older version are then cleared and computed again.
MATCH_KEYS_VERSION = 1


def match_text(text: str) -> str:
    """The text the fuzzy scorer compares: word keys joined by single spaces."""
    return " ".join(keys(text))


@dataclass(frozen=True, slots=True)
class Word:
    """A word of the original text: as written (for display) and its key (for comparison)."""

    surface: str
    key: str
    start: int
    end: int


# Surface words are cut from text that only lost its invisible characters, so what users see in a
# difference is what they (or the source) wrote. Every mark the key folds to an apostrophe joins a
# word ("It´s" is one word, as its key "its" is), so the words agree with the keys the index holds.
_APOSTROPHE_MARKS = "".join(sorted(mark for mark, folded in _STYLE.items() if folded == "'"))
_SURFACE = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+(?:['" + re.escape(_APOSTROPHE_MARKS) + r"][^\W_]+)*")
_INVISIBLE_TABLE = str.maketrans(dict.fromkeys(_INVISIBLE))


def words(text: str) -> list[Word]:
    """The words of `text` as written, each with its key; words whose key is empty are dropped."""
    clean = text.translate(_INVISIBLE_TABLE)
    out = []
    for m in _SURFACE.finditer(clean):
        for piece in _split_key(m.group()):
            if piece[1]:
                out.append(Word(piece[0], piece[1], m.start(), m.end()))
    return out


def _split_key(surface: str) -> list[tuple[str, str]]:
    # NFKC may turn one surface word into several ("½" → "1⁄2"); keep one Word per key word.
    found = keys(surface)
    if len(found) == 1:
        return [(surface, found[0])]
    return [(surface, k) for k in found]


def split_elisions(quote: str) -> list[str]:
    """The pieces of a quote between elision marks ("…", "...", "[...]"), empty pieces dropped."""
    folded = quote.translate(_TABLE)
    return [piece for piece in _ELISION.split(folded) if keys(piece)]


def quote_pieces(quote: str) -> list[str]:
    """The match texts of a quote's pieces between elision marks, pieces without words dropped: what
    the matcher looks up (the same as `match_text` of each of `split_elisions`, in one pass)."""
    folded = quote.translate(_TABLE)
    return [" ".join(words) for piece in _ELISION.split(folded) if (words := keys(piece))]


# -- bulk ----------------------------------------------------------------------------------------

# Bulk keys of plain ASCII texts: after lower-casing and dropping apostrophes, a word is a run of
# [a-z0-9], unless a digit is followed by "." or "," and a digit (a number such as 3.5) or by a
# letter ("12th" is two words for `keys`). Texts holding either go through `match_text` one by one.
_ASCII_KEEP = bytes(c if chr(c) in "0123456789abcdefghijklmnopqrstuvwxyz\x00" else 32 for c in range(256))
_APOSTROPHES = b"'`"
# Texts per bulk step: a few megabytes, so the array passes stay in the processor's cache.
_BULK_STEP = 16384


def match_texts(texts: Sequence[str]) -> list[str]:
    """`match_text` of each text, in bulk: the same keys, several times faster on many texts."""
    source = list(texts)
    wide = [k for k, text in enumerate(source) if not text.isascii() and "\x00" not in text]
    if wide:
        # Typographic quotes and dashes folded as `normalize` does: most such texts become ASCII,
        # and an ASCII text has the same keys as the text it was folded from.
        folded = "\x00".join([source[k] for k in wide])
        for char, ascii_form in _COMMON:
            folded = folded.replace(char, ascii_form)
        for k, text in zip(wide, folded.split("\x00")):
            source[k] = text
    # Texts the byte path cannot take (still not ASCII, or holding its separator): one by one.
    odd = [k for k, text in enumerate(source) if not text.isascii() or "\x00" in text]
    for k in odd:
        source[k] = ""
    out: list[str] = []
    for start in range(0, len(source), _BULK_STEP):
        keyed, numbered = _ascii_keys(source[start : start + _BULK_STEP])
        for k in numbered:
            keyed[k] = match_text(source[start + k])
        out.extend(keyed)
    for k in odd:
        out[k] = match_text(texts[k])
    return out


def _ascii_keys(texts: list[str]) -> tuple[list[str], list[int]]:
    """Keys of ASCII texts without NUL, and the positions of those whose numbers need `match_text`."""
    import numpy as np  # here, so that importing the normaliser stays cheap for the CLI

    raw = "\x00".join(texts).encode("ascii").lower().translate(None, _APOSTROPHES)
    chars = np.frombuffer(raw, dtype=np.uint8)
    if not len(chars):
        return [""] * len(texts), []
    digit = (chars >= 48) & (chars <= 57)
    after_digit = digit[:-1]
    letter_next = (chars[1:] >= 97) & (chars[1:] <= 122)
    mark_next = (chars[1:-1] == 46) | (chars[1:-1] == 44)
    edge = after_digit & letter_next
    edge[:-1] |= after_digit[:-1] & mark_next & digit[2:]
    separators = np.flatnonzero(chars == 0)
    numbered = np.unique(np.searchsorted(separators, np.flatnonzero(edge))).tolist()
    words = np.frombuffer(raw.translate(_ASCII_KEEP), dtype=np.uint8)
    space = words == 32
    keep = np.ones(len(words), dtype=bool)
    keep[1:] = ~(space[1:] & space[:-1])  # runs of spaces to one
    words = words[keep]
    space = words == 32
    nul = words == 0
    keep = ~space
    keep[1:-1] |= space[1:-1] & ~nul[:-2] & ~nul[2:]  # and none at either end of a text
    return words[keep].tobytes().decode("ascii").split("\x00"), numbered
