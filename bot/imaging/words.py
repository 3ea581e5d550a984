"""English word counts for mending words the OCR engine ran together ("toget" → "to get").

The counts are the unigram table that the `wordsegment` package ships (word frequencies of a large
English web corpus, inside the wheel: nothing is downloaded). Loaded once, on first use (about
0.7 s and 40 MB); without the package, words stay as the engine read them.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from importlib import resources

_lock = threading.Lock()
_counts: dict[str, float] | None = None


def english_counts() -> Mapping[str, float] | None:
    """Word → occurrences (the empty word holds the total), or None when the word table is not installed."""
    global _counts
    with _lock:
        if _counts is None:
            try:
                table = resources.files("wordsegment") / "unigrams.txt"
                counts: dict[str, float] = {}
                with table.open(encoding="utf-8") as lines:
                    for line in lines:
                        word, _, count = line.rstrip("\n").partition("\t")
                        counts[word] = float(count)
            except (ModuleNotFoundError, FileNotFoundError, ValueError):
                return None
            counts[""] = sum(counts.values())
            _counts = counts
        return _counts
