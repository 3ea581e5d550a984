"""Which words are real words, so a slip of the keyboard is told apart from a changed word.

A word replaced by a non-word a small edit away ("thuir" for "their") is a typo; a word replaced by
another real word ("Iraq" for "Iran", "now" for "not") is a change. Real words are those of an English
word-frequency list (the `wordfreq` package's own data, read directly so its heavier imports are not
paid) and those of the corpus itself. Both lists hold misspellings too ("thier", "teh"): a word counts
as real only when it is common in the list (one use per million words) and no more than a thousand
times rarer than the word it replaced, or recurs in the corpus no more than a hundred times rarer:
common misspellings stay typos, and the corpus's own names and terms stay words.

The list is read once, on the first question (about 0.2 s of CPU), not at start-up; every question
after that is a dictionary lookup.
"""

from __future__ import annotations

import gzip
import importlib.util
import threading
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import OSA

# A document frequency in the corpus: how many statements hold a word key (0 for none).
CorpusFrequency = Callable[[str], int]

# A word of the list counts as real from one use per million words (3 on the Zipf scale): the list's
# long tail holds slips people make often ("exten", "boses", "baus").
_COMMON = 3.0
# How much rarer than the original a real word may be: 3 on the Zipf scale is a thousand times.
_RARER = 3.0
# In the corpus, which holds its own slips, a word must recur and be no more than a hundred times rarer.
_CORPUS_SEEN = 3
_CORPUS_RARER_FACTOR = 100
# Words shorter than this are left alone: one changed letter of "of" or "is" is usually another word.
_MIN_LENGTH = 3


class WordFrequencies:
    """English word keys (lower case, apostrophes dropped) with their Zipf frequency, read lazily."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._centibels: dict[str, int] | None = None
        self._lock = threading.Lock()

    def zipf(self, key: str) -> float:
        """Zipf frequency of a word key (log10 of uses per billion words); 0.0 for a word the list lacks."""
        table = self._centibels if self._centibels is not None else self._load()
        cb = table.get(key)
        return 0.0 if cb is None else 9.0 - cb / 100.0

    @property
    def available(self) -> bool:
        """Whether the list could be read (a missing list makes no word a typo)."""
        return bool(self._centibels if self._centibels is not None else self._load())

    def _load(self) -> dict[str, int]:
        with self._lock:
            if self._centibels is None:
                self._centibels = _read(self._path or _default_path())
            return self._centibels


def _default_path() -> Path | None:
    # Found without importing the package: its import pulls in several text libraries we do not use.
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "large_en.msgpack.gz"


def _read(path: Path | None) -> dict[str, int]:
    """The list as key → centibels below 9 Zipf; empty when it cannot be read."""
    if path is None or not path.is_file():
        return {}
    try:
        import msgpack  # shipped with wordfreq

        with open(path, "rb") as fh:
            data = msgpack.unpackb(gzip.decompress(fh.read()), raw=False)
    except Exception:
        return {}
    if not isinstance(data, list) or not data or not isinstance(data[0], dict) or data[0].get("format") != "cB":
        return {}
    table: dict[str, int] = {}
    # Rarest band first, so a more frequent spelling of the same key overwrites a rarer one.
    for cb in range(len(data) - 1, 0, -1):
        band = data[cb]
        if not band:
            continue
        table.update(dict.fromkeys(band, cb - 1))
    for word in [w for w in table if "'" in w]:
        key = word.replace("'", "")
        cb = table.pop(word)
        if table.get(key, 10**6) > cb:
            table[key] = cb
    return table


ENGLISH = WordFrequencies()


def small_edit(quoted: str, original: str) -> bool:
    """True when two different word keys are one slip apart (two for long words): a typo's distance."""
    if quoted == original or min(len(quoted), len(original)) < _MIN_LENGTH:
        return False
    if not (quoted.isalpha() and original.isalpha()):
        return False
    allowed = 1 if max(len(quoted), len(original)) <= 7 else 2
    if abs(len(quoted) - len(original)) > allowed:
        return False
    return OSA.distance(quoted, original, score_cutoff=allowed + 1) <= allowed


_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Of the words one slip away from a quoted non-word, the commonest few are looked up (as a speller would).
_NEIGHBOURS = 3


@lru_cache(maxsize=4096)  # one lookup asks for a slip's neighbours in each search it runs
def one_slip_away(key: str) -> frozenset[str]:
    """Every string one letter dropped, added, changed or two swapped away from `key` (letters a-z)."""
    splits = [(key[:i], key[i:]) for i in range(len(key) + 1)]
    found = {a + b[1:] for a, b in splits if b}
    found |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    found |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    found |= {a + c + b for a, b in splits for c in _LETTERS}
    found.discard(key)
    return frozenset(found)


def typo_neighbours(
    key: str,
    corpus: CorpusFrequency,
    words: WordFrequencies = ENGLISH,
    limit: int = _NEIGHBOURS,
    known: Callable[[frozenset[str]], Iterable[str]] | None = None,
) -> list[str]:
    """The corpus words a quoted non-word is most likely a slip of: those one slip away, commonest in
    the corpus first (`limit` of them, 0 for all); none for a word of the corpus or of the list, or one
    too short to tell. `known` keeps the corpus's own words of a set: one set operation instead of a
    count for each of the hundreds of strings one slip away."""
    if len(key) < _MIN_LENGTH + 1 or not key.isalpha() or corpus(key) >= _CORPUS_SEEN:
        return []
    if words.available and words.zipf(key) >= _COMMON:
        return []
    near = one_slip_away(key)
    seen = [(corpus(other), other) for other in (known(near) if known is not None else near)]
    found = sorted((item for item in seen if item[0] > 0), reverse=True)
    return [other for count, other in (found[:limit] if limit else found)]


def may_be_slip(key: str, corpus: CorpusFrequency | None = None, words: WordFrequencies = ENGLISH) -> bool:
    """Whether a quoted word key may be a slip for another word: not one the list and the corpus both
    hold commonly. A cheap first look; `is_typo` decides against the word it would stand for."""
    if len(key) < _MIN_LENGTH or not key.isalpha() or not words.available:
        return False
    return words.zipf(key) < _COMMON or (corpus is not None and corpus(key) < _CORPUS_SEEN)


def is_word(key: str, instead_of: str, corpus: CorpusFrequency | None = None, words: WordFrequencies = ENGLISH) -> bool:
    """True when `key` is a real word where it replaced `instead_of`: a common word of the list, not a
    thousand times rarer than `instead_of`, or a word the corpus holds often enough."""
    if not words.available:
        return True  # nothing to tell words from slips: every word is taken for a real one
    zipf = words.zipf(key)
    if zipf >= _COMMON and zipf >= words.zipf(instead_of) - _RARER:
        return True
    if corpus is not None:
        seen = corpus(key)
        if seen >= _CORPUS_SEEN and seen * _CORPUS_RARER_FACTOR >= corpus(instead_of):
            return True
    return False


def is_typo(quoted: str, original: str, corpus: CorpusFrequency | None = None, words: WordFrequencies = ENGLISH) -> bool:
    """True when one of two word keys a small edit apart is a non-word: a typo, usually in the quote
    ("thuir" for "their"), sometimes in the statement, which the quote spells right."""
    if not small_edit(quoted, original):
        return False
    return not is_word(quoted, original, corpus, words) or not is_word(original, quoted, corpus, words)
