"""Candidate generation: an inverted index from word keys to statements, scored by rarity.

Scoring a whole corpus with rapidfuzz takes seconds at 10^6 statements; the index instead sums,
for the query's rarest words only, an idf weight per statement that holds them, and hands the few
best statements to the reranker. Postings live in one compressed sparse row block built in bulk
(numpy) plus small per-word lists for statements added later, so an addition is searchable at once
without a rebuild.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Iterable, Sequence

import numpy as np

Mask = Callable[[np.ndarray], np.ndarray]


class TermIndex:
    """Word key → ids of the documents holding it; documents are dense integer ids given by the caller."""

    def __init__(self) -> None:
        self._vocab: dict[str, int] = {}
        self._df = array("i")
        self._offsets = np.zeros(1, dtype=np.int64)
        self._postings = np.zeros(0, dtype=np.int32)
        self._delta: dict[int, array] = {}
        self._docs = 0  # highest document id + 1

    @property
    def documents(self) -> int:
        """How many document ids have been indexed (removed ones included)."""
        return self._docs

    def _term_id(self, term: str) -> int:
        tid = self._vocab.get(term)
        if tid is None:
            tid = len(self._vocab)
            self._vocab[term] = tid
            self._df.append(0)
        return tid

    def add(self, doc: int, terms: Iterable[str]) -> None:
        """Index one document; searchable at once."""
        for term in set(terms):
            tid = self._term_id(term)
            self._df[tid] += 1
            postings = self._delta.get(tid)
            if postings is None:
                postings = self._delta[tid] = array("i")
            postings.append(doc)
        self._docs = max(self._docs, doc + 1)

    def add_many(self, docs: Iterable[tuple[int, Sequence[str]]]) -> None:
        """Index many documents at once and rebuild the compact postings (start-up)."""
        term_ids = array("i")
        doc_ids = array("i")
        vocab = self._vocab
        df = self._df
        top = self._docs
        for doc, terms in docs:
            unique = set(terms)
            for term in unique:
                tid = vocab.get(term)
                if tid is None:
                    tid = len(vocab)
                    vocab[term] = tid
                    df.append(0)
                df[tid] += 1
                term_ids.append(tid)
            doc_ids.extend([doc] * len(unique))
            if doc >= top:
                top = doc + 1
        self._docs = top
        self._compact(np.frombuffer(term_ids, dtype=np.int32), np.frombuffer(doc_ids, dtype=np.int32))

    def _compact(self, new_terms: np.ndarray, new_docs: np.ndarray) -> None:
        # Merge the current block, the per-word additions and the new pairs into one sorted block.
        n_terms = len(self._vocab)
        old_counts = np.diff(self._offsets)
        old_terms = np.repeat(np.arange(len(old_counts), dtype=np.int32), old_counts)
        parts_t = [old_terms, new_terms]
        parts_d = [self._postings, new_docs]
        for tid, postings in self._delta.items():
            parts_t.append(np.full(len(postings), tid, dtype=np.int32))
            parts_d.append(np.frombuffer(postings, dtype=np.int32).copy())
        terms = np.concatenate(parts_t)
        docs = np.concatenate(parts_d)
        # Sort by (term, doc) so each posting list is in document order.
        order = np.lexsort((docs, terms))
        self._postings = docs[order]
        counts = np.bincount(terms, minlength=n_terms)
        self._offsets = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(counts, out=self._offsets[1:])
        self._delta = {}

    def forget(self, doc: int, terms: Iterable[str]) -> None:
        """Lower the document frequencies of a removed document (its postings are masked by the caller)."""
        for term in set(terms):
            tid = self._vocab.get(term)
            if tid is not None and self._df[tid] > 0:
                self._df[tid] -= 1

    def df(self, term: str) -> int:
        """How many documents hold `term`."""
        tid = self._vocab.get(term)
        return 0 if tid is None else self._df[tid]

    def postings(self, term: str) -> np.ndarray:
        """Ids of the documents holding `term` (removed ones included)."""
        tid = self._vocab.get(term)
        if tid is None:
            return np.zeros(0, dtype=np.int32)
        return self._postings_of(tid)

    def _postings_of(self, tid: int) -> np.ndarray:
        base = self._postings[self._offsets[tid] : self._offsets[tid + 1]] if tid + 1 < len(self._offsets) else None
        extra = self._delta.get(tid)
        if extra is None:
            return base if base is not None else np.zeros(0, dtype=np.int32)
        added = np.frombuffer(extra, dtype=np.int32).copy()
        return added if base is None or not len(base) else np.concatenate([base, added])

    def select(self, terms: Iterable[str], limit: int, max_share: float) -> list[tuple[int, float]]:
        """The query's `limit` rarest known terms as (term id, idf weight); terms in more than
        `max_share` of documents are skipped unless nothing rarer is known."""
        n = max(self._docs, 1)
        cap = max(max_share * n, 50.0)
        found = []
        for term in set(terms):
            tid = self._vocab.get(term)
            if tid is None:
                continue
            df = self._df[tid]
            if df > 0:
                found.append((df, tid))
        found.sort()
        rare = [item for item in found if item[0] <= cap]
        chosen = (rare or found)[:limit]
        return [(tid, math.log(1.0 + n / df)) for df, tid in chosen]

    def top(
        self,
        terms: Iterable[str],
        limit: int,
        query_terms: int = 16,
        max_share: float = 0.05,
        mask: Mask | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The `limit` documents with the highest summed weight of the query's rarest terms, best
        first, as (ids, scores); `mask` keeps only the documents it marks True."""
        selected = self.select(terms, query_terms, max_share)
        parts = [self._postings_of(tid) for tid, _ in selected]
        sizes = [len(p) for p in parts]
        total = sum(sizes)
        if total == 0:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float64)
        if total > self._docs // 8:
            # Long lists: a dense accumulator is cheaper than sorting them.
            acc = np.zeros(self._docs, dtype=np.float32)
            for (tid, weight), part in zip(selected, parts):
                acc[part] += weight
            ids = np.flatnonzero(acc).astype(np.int32)
            scores = acc[ids].astype(np.float64)
        else:
            all_ids = np.concatenate(parts)
            weights = np.repeat(np.array([w for _, w in selected]), sizes)
            ids, inverse = np.unique(all_ids, return_inverse=True)
            scores = np.bincount(inverse, weights=weights)
        if mask is not None and len(ids):
            keep = mask(ids)
            ids, scores = ids[keep], scores[keep]
        if len(ids) > limit:
            best = np.argpartition(-scores, limit - 1)[:limit]
            ids, scores = ids[best], scores[best]
        order = np.argsort(-scores, kind="stable")
        return ids[order], scores[order]
