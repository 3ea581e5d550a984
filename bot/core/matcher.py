"""The matching engine: statements in, verdicts out.

`Matcher` holds the searchable corpus in memory (`ColumnStore`: an inverted index plus compact
per-statement columns), finds candidates for a quote without scoring the whole corpus, reranks them
with the `quote` score (bot/core/rerank.py), then gives the verdict by the rules of `BaseMatcher`
(bot/core/matching.py). Snapshots: bot/core/snapshots.py; autocomplete: bot/core/autocomplete.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from bot.config import MatchingSettings
from bot.core.autocomplete import speaker_suggestions
from bot.core.column_store import ColumnStore
from bot.core.matching import BaseMatcher
from bot.core.model import RelatedStatement, SearchFilter, StatementRecord
from bot.core.normalize import match_text
from bot.core.rerank import Fetch, quote_score, rerank
from bot.core.snapshots import load_snapshot, save_snapshot
from bot.core.vocabulary import ENGLISH, typo_neighbours

__all__ = ["BaseMatcher", "Fetch", "Matcher", "quote_score"]

# Postings read per lookup (first pass, widened pass): the rarest words are read first.
_BUDGET = 30000
_WIDE_BUDGET = 200000
# Quotes of at most this many distinct words, all fairly common, also get conjunctive candidates.
_SHORT_QUOTE = 8
# With a speaker filter, a speaker with at most this many statements is scanned directly.
_SCAN_LIMIT = 20000
# A quote of common words only looks for its words as quoted among this many times more statements
# holding them all.
_PHRASE_POOL = 25
RECENT_RECORDS = 4096  # records kept from the database: a few MB


class Matcher(ColumnStore):
    """In-memory fuzzy index of statements with verdicts; safe to call from several threads."""

    # -- snapshots -----------------------------------------------------------------------------

    def save(self, path: str | Path, token: str = "", meta: Mapping[str, object] | None = None) -> None:
        """Write the whole index to `path` (see `save_snapshot`)."""
        save_snapshot(self, path, token, meta)

    @classmethod
    def load(
        cls, path: str | Path, settings: MatchingSettings | None = None, fetch: Fetch | None = None, token: str = ""
    ) -> Matcher | None:
        """A matcher restored from a snapshot, or None when it cannot be used (see `load_snapshot`)."""
        return load_snapshot(cls, path, settings, fetch, token)

    def warm_up(self) -> None:
        """Build what the first lookups would otherwise wait for, about a second at 10^6: the English
        word list (typos), the stems of the corpus words and the sentence vectors (related
        statements), the speakers by last name and the alias groups (a speaker named)."""
        ENGLISH.zipf("the")
        self.related("the first lookup")
        with self._lock:
            self._speaker_set("the first speaker")

    # -- related statements ----------------------------------------------------------------------

    def related(
        self, text: str, flt: SearchFilter | None = None, limit: int = 5, *, among: Sequence[int] | None = None
    ) -> tuple[RelatedStatement, ...]:
        """The statements `text` (a quote, a paraphrase or a post) most likely refers to, best first,
        within the filter; none below the floor (bot/core/related.py). `among`: only these
        positions (a lookup's candidates, often long speeches) are ranked, not every statement, and
        only the `limit` best of them by their words are compared by sense."""
        with self._lock:
            pool = limit if among is not None else None
            ranked = self._related.rank(text, self._index, self._texts, self._mask(flt), limit, pool=pool, among=among)
        records = self._load([r.doc for r in ranked])  # the database read, with no lock held
        return tuple(RelatedStatement(records[r.doc], r.score) for r in ranked if r.doc in records)

    def search(self, query: str, flt: SearchFilter | None = None, limit: int = 10) -> list[tuple[StatementRecord, float]]:
        """Statements `query` most likely refers to (the related ranking), best first, within the
        filter; an empty query with a speaker filter lists that speaker's latest statements."""
        if not match_text(query):
            return self._latest(flt, limit)
        return [(r.statement, r.score) for r in self.related(query, flt, limit)]

    # -- lookup --------------------------------------------------------------------------------

    def _rank(
        self, pieces: Sequence[str], flt: SearchFilter | None, limit: int, wide: bool = False
    ) -> list[tuple[int, float]]:
        with self._lock:
            terms = [k for piece in pieces for k in piece.split()]
            mask = self._mask(flt)
            ids: np.ndarray | None = None
            if flt and flt.speaker:
                speakers = self._speaker_set(flt.speaker)
                owned = [self._by_speaker[int(s)] for s in speakers if int(s) in self._by_speaker]
                if sum(len(a) for a in owned) <= _SCAN_LIMIT:
                    ids = np.concatenate([np.frombuffer(a, dtype=np.int32).copy() for a in owned]) if owned else np.zeros(0, np.int32)
                    ids = ids[mask(ids)] if len(ids) else ids
            if ids is None:
                s = self.settings
                # A slip in the quote's rarest word ("peoppes") leaves only its common words to find
                # the statement by: the words it is most likely a slip of stand in beside it.
                terms += [other for term in set(terms) for other in typo_neighbours(term, self._index.df, known=self._index.known)]
                ids, _ = self._index.top(
                    terms,
                    limit * (2 if wide else 1),
                    query_terms=s.query_terms * (2 if wide else 1),
                    max_share=min(1.0, s.max_term_share * 4) if wide else s.max_term_share,
                    mask=mask,
                    budget=_WIDE_BUDGET if wide else _BUDGET,
                )
            return rerank(pieces, ids.tolist(), self._texts.__getitem__)

    def _short(self, pieces: Sequence[str]) -> bool:
        # A short quote of common words ("there you go again") ties with thousands of statements
        # on rarity, and a paraphrase among them can score high: look at every word as well.
        with self._lock:
            terms = {k for piece in pieces for k in piece.split()}
            return len(terms) <= _SHORT_QUOTE and all(
                self._index.df(t) > self.settings.max_term_share * len(self._ids) / 10 for t in terms
            )

    def _rank_common(self, pieces: Sequence[str], flt: SearchFilter | None, limit: int) -> list[tuple[int, float]]:
        # Last resort for quotes of common words only ("there is no way to love"): statements
        # holding most of the words, whatever their rarity.
        with self._lock:
            terms = [k for piece in pieces for k in piece.split()]
            if len(set(terms)) < 3:
                return []
            # A slip ("worlj") is in no statement: it stands for a corpus word one slip away.
            slips = {t: near for t in dict.fromkeys(terms) if (near := typo_neighbours(t, self._index.df, limit=0, known=self._index.known))}
            plain = [t for t in terms if t not in slips]
            mask = self._mask(flt)
            ids = self._index.conjunction(plain, limit, mask).tolist()
            texts = self._texts
            # Thousands of statements may hold every one of these words ("at the time of the Civil
            # War"), and the conjunction keeps an arbitrary few: among more of them (holding a word
            # each slip may stand for), those holding the words as quoted go first.
            holds = _holder(pieces, slips)
            wider = self._index.conjunction(plain, limit * _PHRASE_POOL, mask, list(slips.values())).tolist() if len(ids) >= limit else []
            holding = [i for i in wider if holds(texts[i])][:limit]
            chosen = list(dict.fromkeys(holding + ids))
            return sorted(((i, quote_score(pieces, texts[i])) for i in chosen), key=lambda item: -item[1])

    def _text(self, key: int) -> str:
        with self._lock:
            return self._texts[key]

    def _load(self, indexes: Sequence[int]) -> dict[int, StatementRecord]:
        with self._lock:
            if self._fetch is None:
                return {i: r for i in indexes if (r := self._records[i]) is not None}
            wanted = {self._ids[i]: i for i in indexes if self._alive[i]}
            known = {wanted[sid]: self._recent[sid] for sid in wanted if sid in self._recent}
            missing = [sid for sid in wanted if sid not in self._recent]
            removals = self._removals
        # Read from the database without the lock: positions are never reused, and a statement
        # removed meanwhile is one a lookup a moment earlier would have shown.
        fetched = self._fetch(missing) if missing else {}
        with self._lock:
            if removals == self._removals:  # nothing replaced while it was read: the records are current
                self._recent.update(fetched)
            for sid in wanted:
                if sid in self._recent:
                    self._recent.move_to_end(sid)
            while len(self._recent) > RECENT_RECORDS:
                self._recent.popitem(last=False)
        return known | {wanted[sid]: rec for sid, rec in fetched.items() if sid in wanted}

    def _latest(self, flt: SearchFilter | None, limit: int) -> list[tuple[StatementRecord, float]]:
        if not flt or not flt.speaker:
            return []
        with self._lock:
            owned = [self._by_speaker[int(s)] for s in self._speaker_set(flt.speaker) if int(s) in self._by_speaker]
            if not owned:
                return []
            ids = np.concatenate([np.frombuffer(a, dtype=np.int32).copy() for a in owned])
            ids = ids[self._mask(flt)(ids)]
            dates = np.frombuffer(self._date, dtype=np.int32)[ids]
            order = np.lexsort((-ids, -dates))[:limit]
            chosen = ids[order].tolist()
        records = self._load(chosen)
        return [(records[i], 100.0) for i in chosen if i in records]

    def speakers(self, prefix: str = "", guild_id: int | None = None, limit: int = 25) -> list[str]:
        """Speaker names for autocomplete: names with a word starting with `prefix` (most quoted first), then fuzzy matches."""
        with self._lock:
            return speaker_suggestions(self._speaker_counts, self._speaker_names, prefix, guild_id, limit)


def _holder(pieces: Sequence[str], slips: Mapping[str, Sequence[str]]) -> Callable[[str], bool]:
    """Whether a match text holds the quote pieces as quoted, each slip standing for one of the words given for it."""
    padded = [f" {piece} " for piece in pieces]
    if not slips:
        return lambda text: all(piece in f" {text} " for piece in padded)
    patterns = [
        re.compile(" " + " ".join(f"(?:{'|'.join(slips[w])})" if w in slips else re.escape(w) for w in piece.split()) + " ")
        for piece in pieces
    ]
    return lambda text: all(p.search(f" {text} ") for p in patterns)
