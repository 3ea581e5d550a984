"""Long id lists in slices: IN (...) lists stay under SQLite's parameter limit."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

CHUNK = 500  # ids per IN (...) query: well under SQLite's parameter limit


def batches(items: Sequence[str], size: int = CHUNK) -> Iterator[Sequence[str]]:
    """`items` in slices of at most `size`."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
