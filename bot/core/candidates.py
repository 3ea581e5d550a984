"""Candidates from outside the process: the matcher's rerank and verdicts over a candidate function.

For corpora too large for each process's memory, an adapter (e.g. PostgreSQL pg_trgm, see
bot/store/trigram.py) finds candidate statements and `CandidateMatcher` does what the in-memory
`Matcher` does with them: the same `quote` score rerank, the same verdicts, alternatives and splice
detection. The core stays pure: it only ever sees a callable and plain values. An adapter may also
supply lexical candidates for related statements (`RelatedFunction`), which the core ranks as the
in-memory index ranks its own (bot/core/related.py: BM25-style weights, then dense vectors).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.config import MatchingSettings
from bot.core.embedding import SentenceEmbedder
from bot.core.matching import BaseMatcher
from bot.core.model import CheckResult, RelatedStatement, SearchFilter, StatementRecord
from bot.core.normalize import match_text
from bot.core.related import RelatedSettings, best_first, hybrid, related_words
from bot.core.rerank import Fetch, rerank


@dataclass(frozen=True, slots=True)
class CandidateQuery:
    """What a candidate function is asked for: statements resembling `pieces` (match texts; empty
    for a speaker's latest statements), within `flt`, at most `limit`, best first. `wide` is the
    second, looser pass made when the first found nothing good."""

    pieces: tuple[str, ...]
    flt: SearchFilter | None
    limit: int
    wide: bool = False


# (statement id, match text of the statement), best first, already filtered by `flt`.
CandidateFunction = Callable[[CandidateQuery], Sequence[tuple[str, str]]]


@dataclass(frozen=True, slots=True)
class RelatedQuery:
    """What a related-statement source is asked for: the statements holding the most weight of
    `words` (a query's content word keys), within `flt`, at most `limit`, best first."""

    words: tuple[str, ...]
    flt: SearchFilter | None
    limit: int


@dataclass(frozen=True, slots=True)
class RelatedCandidate:
    """A statement a related-statement source found: its id, its match text, its source title's
    match text, its BM25-style score and the share of the query's word weight it holds (0-1)."""

    id: str
    text: str
    title: str
    lexical: float
    coverage: float


RelatedFunction = Callable[[RelatedQuery], Sequence[RelatedCandidate]]
SpeakerNames = Callable[[str, "int | None", int], Sequence[str]]


class CandidateMatcher(BaseMatcher[str]):
    """Verdicts over candidates an adapter supplies; nothing of the corpus is held in memory.

    Adding and removing statements are no-ops: the adapter's index is the database itself, so a
    statement written by any process is a candidate at once.
    """

    holds_corpus = False

    def __init__(
        self,
        candidates: CandidateFunction,
        fetch: Fetch,
        settings: MatchingSettings | None = None,
        speaker_names: SpeakerNames | None = None,
        related: RelatedFunction | None = None,
        embedder: SentenceEmbedder | None = None,
    ) -> None:
        """`fetch` loads full records by id; `speaker_names(prefix, guild_id, limit)` serves
        autocomplete; `related` finds lexical candidates for related statements (none without it)."""
        super().__init__(settings)
        self._candidates = candidates
        self._related_source = related
        self._related_settings = RelatedSettings(floor=self.settings.related_floor)
        self._embedder = embedder or SentenceEmbedder()
        self._fetch = fetch
        self._speaker_names = speaker_names
        # Match texts of the candidates of each thread's lookup in progress: lookups run side by side,
        # none holds a lock while the database answers.
        self._local = threading.local()

    def __len__(self) -> int:
        return 0  # nothing is held here; the corpus size is the database's

    def add(self, statement: StatementRecord) -> None:
        """Nothing to do: the database-side index already holds it."""

    def add_many(self, statements: Iterable[StatementRecord]) -> None:
        """Nothing to do: the database-side index already holds them."""

    def remove(self, statement_id: str) -> None:
        """Nothing to do: the candidate function skips removed statements."""

    @property
    def _seen(self) -> dict[str, str]:
        seen: dict[str, str] | None = getattr(self._local, "seen", None)
        if seen is None:
            seen = self._local.seen = {}
        return seen

    def check(
        self, quote: str, speaker: str | None = None, flt: SearchFilter | None = None, *, pieces: Sequence[str] | None = None
    ) -> CheckResult:
        self._seen.clear()
        return super().check(quote, speaker, flt, pieces=pieces)

    def search(self, query: str, flt: SearchFilter | None = None, limit: int = 10) -> list[tuple[StatementRecord, float]]:
        """The related ranking, as in memory, where the adapter supplies it; else the quote ranking."""
        if self._related_source is not None and match_text(query):
            return [(r.statement, r.score) for r in self.related(query, flt, limit) or ()]
        self._seen.clear()
        return super().search(query, flt, limit)

    def related(
        self, text: str, flt: SearchFilter | None = None, limit: int = 5, *, among: Sequence[str] | None = None
    ) -> tuple[RelatedStatement, ...] | None:
        """The statements `text` most likely refers to, best first, none below the floor: the
        adapter's lexical candidates reranked as the in-memory index reranks its own. The database
        ranks every statement at the cost of one query: `among` is not needed to keep it cheap."""
        if self._related_source is None:
            return None
        cleaned, words = related_words(text)
        if not words:
            return ()
        s = self._related_settings
        found = list(self._related_source(RelatedQuery(tuple(words), flt, max(s.candidates, limit))))
        if not found:
            return ()
        lexical = np.array([c.lexical for c in found], dtype=np.float64)
        coverage = np.array([c.coverage for c in found], dtype=np.float64)
        joined = [f"{c.text} {c.title}" if c.title else c.text for c in found]
        fused, shown = hybrid(self._embedder, s, cleaned, joined, lexical, coverage)
        keys_of = [f"{c.text}\x1f{c.title}" for c in found]
        listed = best_first(fused, shown, keys_of, np.arange(len(found)), s.floor, limit)
        records = self._load([found[k].id for k, _ in listed])
        return tuple(RelatedStatement(records[found[k].id], score) for k, score in listed if found[k].id in records)

    def _rank(self, pieces: Sequence[str], flt: SearchFilter | None, limit: int, wide: bool = False) -> list[tuple[str, float]]:
        found = self._candidates(CandidateQuery(tuple(pieces), flt, limit * (2 if wide else 1), wide))
        self._seen.update(found)
        # As in memory: candidates come best first, so a strong match among the first few ends the rerank.
        return rerank(pieces, [sid for sid, _ in found], self._seen.__getitem__)

    def _text(self, key: str) -> str:
        return self._seen.get(key, "")

    def _load(self, keys: Sequence[str]) -> dict[str, StatementRecord]:
        wanted = [str(k) for k in keys]
        return dict(self._fetch(wanted)) if wanted else {}

    def _latest(self, flt: SearchFilter | None, limit: int) -> list[tuple[StatementRecord, float]]:
        if not flt or not flt.speaker:
            return []
        ids = [sid for sid, _ in self._candidates(CandidateQuery((), flt, limit))]
        records = self._load(ids)
        return [(records[sid], 100.0) for sid in ids if sid in records]

    def speakers(self, prefix: str = "", guild_id: int | None = None, limit: int = 25) -> list[str]:
        if self._speaker_names is None:
            return []
        return list(self._speaker_names(prefix, guild_id, limit))
