"""Ranking quote candidates: the `quote` score and the first-tier rerank, shared by every matcher.

Candidates come best first from an index (in memory or in the database); `rerank` scores them with
`quote_score` (partial_ratio when the statement is at least as long as the quote, plain ratio
otherwise, so a short statement sitting inside a long quote does not win).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from rapidfuzz import fuzz

from bot.core.model import StatementRecord

Fetch = Callable[[Sequence[str]], Mapping[str, StatementRecord]]
# A candidate's key: a dense integer in the in-memory index, the statement id from a database-side one.
K = TypeVar("K", int, str)

# Primary sources first: what was said (speech, transcript) before what was reported of it.
KIND_RANK = {"speech": 0, "transcript": 0, "statements": 1, "article": 2}
# Rerank the index's first candidates; stop there when one scores at least STRONG.
FIRST_TIER = 24
STRONG = 90.0


def quote_score(pieces: Sequence[str], statement: str) -> float:
    """How well quote pieces (match texts) occur in a statement's match text, 0-100."""
    if len(pieces) == 1:
        piece = pieces[0]
        if len(statement) >= len(piece):
            return fuzz.partial_ratio(piece, statement)
        return fuzz.ratio(piece, statement)
    total = sum(len(p) for p in pieces) or 1
    score = 0.0
    for piece in pieces:
        part = fuzz.partial_ratio(piece, statement) if len(statement) >= len(piece) else fuzz.ratio(piece, statement)
        score += part * len(piece) / total
    return min(score, 100.0)  # the weighted sum of perfect parts can round to just over 100


def rerank(pieces: Sequence[str], order: Sequence[K], text_of: Callable[[K], str]) -> list[tuple[K, float]]:
    """Candidates (best first from an index) scored with `quote_score`, best score first.

    When the first few hold a strong match, the rest (sharing fewer rare words) cannot beat it, so
    they are not scored."""
    scored = [(key, quote_score(pieces, text_of(key))) for key in order[:FIRST_TIER]]
    if not scored or max(sc for _, sc in scored) < STRONG:
        scored += [(key, quote_score(pieces, text_of(key))) for key in order[FIRST_TIER:]]
    scored.sort(key=lambda item: -item[1])
    return scored


def merge(first: list[tuple[K, float]], second: list[tuple[K, float]]) -> list[tuple[K, float]]:
    seen = dict(first)
    for i, score in second:
        seen.setdefault(i, score)
    return sorted(seen.items(), key=lambda item: -item[1])


def date_number(date: str | None, upper: bool = False) -> int:
    """"2025-05-19" → 20250519, so date filters compare integers in a numpy column; 0 is unknown.
    A partial date ("2025", "2025-05") is the start of its period, or its end when `upper`."""
    if not date:
        return 0
    digits = date[:10].replace("-", "")
    return int(digits.ljust(8, "9" if upper else "0")) if digits.isdigit() else 0
