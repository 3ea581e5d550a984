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
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from itertools import count, islice, repeat
from typing import cast

import numpy as np

Mask = Callable[[np.ndarray], np.ndarray]

# Documents whose words are split and numbered together at start-up.
_SLICE = 8192
_LOCAL_BITS = 13  # a slice's positions, and the vocabulary small enough to sort pairs as int32
_LOCAL = 1 << _LOCAL_BITS
_SMALL_VOCAB = 1 << (31 - _LOCAL_BITS)


class TermIndex:
    """Word key → ids of the documents holding it; documents are dense integer ids given by the caller."""

    def __init__(self) -> None:
        self._vocab: dict[str, int] = {}
        self._df = array("i")
        self._offsets = np.zeros(1, dtype=np.int64)
        self._postings = np.zeros(0, dtype=np.int32)
        self._delta: dict[int, array[int]] = {}
        self._docs = 0  # highest document id + 1
        self._acc = np.zeros(0, dtype=np.float64)

    @property
    def documents(self) -> int:
        """How many document ids have been indexed (removed ones included)."""
        return self._docs

    def terms(self, start: int = 0) -> list[str]:
        """The indexed terms in the order they were first seen, from the `start`-th on (new terms
        are always appended, so a caller can follow the vocabulary as it grows)."""
        if start >= len(self._vocab):
            return []
        return list(islice(self._vocab, start, None))

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

    def add_many(self, docs: Sequence[int], texts: Sequence[str]) -> None:
        """Index many documents at once, each a text of space-separated terms, and rebuild the
        compact postings (start-up). Vectorised, a slice of documents at a time so that the
        words of only one slice are ever Python strings (10^6 documents hold ~3 * 10^7 words)."""
        doc_ids = np.asarray(docs, dtype=np.int64)
        # A word's id in one C-level lookup: a missing word is numbered by the counter on the spot.
        numbering: defaultdict[str, int] = defaultdict(count(len(self._vocab)).__next__, self._vocab)
        slices = [self._pairs(numbering, doc_ids[k : k + _SLICE], texts[k : k + _SLICE]) for k in range(0, len(texts), _SLICE)]
        self._vocab = vocab = dict(numbering)
        del numbering
        if len(vocab) > len(self._df):
            self._df.frombytes(bytes(self._df.itemsize * (len(vocab) - len(self._df))))
        if len(doc_ids):
            self._docs = max(self._docs, int(doc_ids.max()) + 1)
        ascending = bool(np.all(doc_ids[1:] > doc_ids[:-1]))
        if ascending and not len(self._postings) and not self._delta:
            counts = np.zeros(len(vocab), dtype=np.int64)
            for pairs in slices:
                counts += np.bincount(pairs >> 32, minlength=len(vocab))
            self._add_df(counts)
            self._fill(slices, counts)
            return
        pairs = np.concatenate(slices) if slices else np.zeros(0, dtype=np.int64)
        del slices
        if not ascending:
            pairs = _unique(pairs)  # a document given twice
        new_terms, new_docs = (pairs >> 32).astype(np.int32), (pairs & 0xFFFFFFFF).astype(np.int32)
        self._add_df(np.bincount(new_terms, minlength=len(vocab)))
        self._compact(new_terms, new_docs)

    def _add_df(self, counts: np.ndarray) -> None:
        df = np.frombuffer(self._df, dtype=np.int32)
        df += counts.astype(np.int32)

    @staticmethod
    def _pairs(vocab: defaultdict[str, int], docs: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """The distinct (term id << 32 | document) of some documents, sorted; a new word gets the
        next id from `vocab` itself, so ids follow the order of first appearance."""
        spaces = np.fromiter(map(str.count, texts, repeat(" ")), dtype=np.int64, count=len(texts))
        lengths = spaces + np.fromiter(map(bool, texts), dtype=np.int64, count=len(texts))
        words = " ".join(filter(None, texts)).split()
        tids = np.fromiter(map(vocab.__getitem__, words), dtype=np.int64, count=len(words))
        if len(texts) <= _LOCAL and len(vocab) <= _SMALL_VOCAB:
            # (term, position in the slice) fits 31 bits: an int32 sort is twice as fast.
            local = np.repeat(np.arange(len(texts), dtype=np.int32), lengths)
            keys = _unique((tids.astype(np.int32) << _LOCAL_BITS) | local)
            pairs: np.ndarray = ((keys >> _LOCAL_BITS).astype(np.int64) << 32) | docs[keys & (_LOCAL - 1)]
            return pairs
        return _unique((tids << 32) | np.repeat(docs, lengths))

    def _fill(self, slices: list[np.ndarray], counts: np.ndarray) -> None:
        """The compact block of an empty index from slices of sorted pairs, each slice's documents
        after the previous slice's: a counting sort, each term's documents written in its next
        free places, so every term's documents stay in order."""
        offsets = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        postings = np.empty(int(offsets[-1]), dtype=np.int32)
        cursor = offsets[:-1].copy()
        for pairs in slices:
            if not len(pairs):
                continue
            terms = pairs >> 32
            first = np.flatnonzero(np.r_[True, terms[1:] != terms[:-1]])
            sizes = np.diff(np.r_[first, len(terms)])
            rank = np.arange(len(terms)) - np.repeat(first, sizes)
            postings[cursor[terms] + rank] = pairs & 0xFFFFFFFF
            cursor[terms[first]] += sizes
        self._postings = postings
        self._offsets = offsets
        self._delta = {}

    def _compact(self, new_terms: np.ndarray, new_docs: np.ndarray) -> None:
        # Merge the current block, the per-word additions and the new pairs into one sorted block.
        n_terms = len(self._vocab)
        parts_t = [new_terms]
        parts_d = [new_docs]
        if len(self._postings):
            old_counts = np.diff(self._offsets)
            parts_t.append(np.repeat(np.arange(len(old_counts), dtype=np.int32), old_counts))
            parts_d.append(self._postings)
        for tid, postings in self._delta.items():
            parts_t.append(np.full(len(postings), tid, dtype=np.int32))
            parts_d.append(np.frombuffer(postings, dtype=np.int32).copy())
        if len(parts_t) == 1:
            terms, docs = new_terms, new_docs  # already sorted by (term, document)
        else:
            key = np.sort((np.concatenate(parts_t).astype(np.int64) << 32) | np.concatenate(parts_d).astype(np.int64))
            terms = (key >> 32).astype(np.int32)
            docs = (key & 0xFFFFFFFF).astype(np.int32)
        self._postings = docs
        counts = np.bincount(terms, minlength=n_terms)
        self._offsets = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(counts, out=self._offsets[1:])
        self._delta = {}

    def compact(self) -> None:
        """Fold the per-word additions into the compact block."""
        if self._delta:
            self._compact(np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32))

    def state(self) -> dict[str, object]:
        """The index as plain values (for a snapshot); call `compact` first."""
        return {
            "vocab": list(self._vocab),
            "df": self._df.tobytes(),
            "offsets": self._offsets,
            "postings": self._postings,
            "docs": self._docs,
            "delta": {tid: p.tobytes() for tid, p in self._delta.items()},
        }

    def restore(self, state: dict[str, object]) -> None:
        """Load what `state` returned."""
        vocab = cast("list[str]", state["vocab"])
        self._vocab = {term: tid for tid, term in enumerate(vocab)}
        self._df = array("i")
        self._df.frombytes(state["df"])  # type: ignore[arg-type]
        self._offsets = state["offsets"]  # type: ignore[assignment]
        self._postings = state["postings"]  # type: ignore[assignment]
        self._docs = int(state["docs"])  # type: ignore[call-overload]
        self._delta = {}
        for tid, raw in state["delta"].items():  # type: ignore[attr-defined]
            postings = array("i")
            postings.frombytes(raw)
            self._delta[tid] = postings

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

    def select(self, terms: Iterable[str], limit: int, max_share: float, budget: int = 0) -> list[tuple[int, float]]:
        """The query's rarest known terms as (term id, idf weight), at most `limit` of them.

        Terms in more than `max_share` of documents are skipped unless nothing rarer is known; once
        the chosen terms' postings pass `budget` (0: no budget) no further terms are added, except
        to reach three: the rarest words decide, and common ones only cost time."""
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
        rare = [item for item in found if item[0] <= cap] or found
        chosen: list[tuple[int, float]] = []
        spent = 0
        for df, tid in rare[:limit]:
            if budget and spent + df > budget and len(chosen) >= 3:
                break
            chosen.append((tid, math.log(1.0 + n / df)))
            spent += df
        return chosen

    def top(
        self,
        terms: Iterable[str],
        limit: int,
        query_terms: int = 16,
        max_share: float = 0.05,
        mask: Mask | None = None,
        budget: int = 0,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The `limit` documents with the highest summed weight of the query's rarest terms, best
        first, as (ids, scores); `mask` keeps only the documents it marks True."""
        selected = self.select(terms, query_terms, max_share, budget)
        parts = [self._postings_of(tid) for tid, _ in selected]
        sizes = [len(p) for p in parts]
        total = sum(sizes)
        if total == 0:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float64)
        # Sum the weights in a scratch array the size of the corpus (reused, so no allocation and
        # no sort): touched slots are read back, then cleared.
        acc = self._scratch()
        for (_, weight), part in zip(selected, parts):
            acc[part] += weight
        all_ids = np.concatenate(parts) if len(parts) > 1 else parts[0]
        scores_dup = acc[all_ids]
        # One entry per document: write each entry's position, keep the entries that survived.
        acc[all_ids] = np.arange(len(all_ids), dtype=np.float64)
        first = acc[all_ids] == np.arange(len(all_ids))
        acc[all_ids] = 0.0
        ids, scores = all_ids[first], scores_dup[first]
        if mask is not None and len(ids):
            # Mask the best few first; the whole list only when too few of those survive.
            if len(ids) > 4 * limit:
                head = np.argpartition(-scores, 4 * limit - 1)[: 4 * limit]
                keep = mask(ids[head])
                if keep.sum() >= limit:
                    ids, scores = ids[head][keep], scores[head][keep]
                else:
                    keep = mask(ids)
                    ids, scores = ids[keep], scores[keep]
            else:
                keep = mask(ids)
                ids, scores = ids[keep], scores[keep]
        if len(ids) > limit:
            best = np.argpartition(-scores, limit - 1)[:limit]
            ids, scores = ids[best], scores[best]
        order = np.argsort(-scores, kind="stable")
        return ids[order], scores[order]

    def conjunction(self, terms: Iterable[str], limit: int, mask: Mask | None = None) -> np.ndarray:
        """Documents holding as many of the query's terms as possible, common ones included: the
        rarest term's documents, narrowed by each next term while more than `limit` remain (a
        term that would leave none, a typo, is skipped). For quotes made only of common words,
        where summed rarity ties across thousands of statements."""
        known = sorted((self._df[tid], tid) for term in set(terms) if (tid := self._vocab.get(term)) is not None)
        known = [(df, tid) for df, tid in known if df > 0]
        if not known:
            return np.zeros(0, dtype=np.int32)
        current = self._postings_of(known[0][1])
        if mask is not None and len(current):
            current = current[mask(current)]
        marks = self._scratch()
        for _, tid in known[1:]:
            if len(current) <= limit:
                break
            postings = self._postings_of(tid)
            marks[postings] = 1.0
            narrowed = current[marks[current] == 1.0]
            marks[postings] = 0.0
            if len(narrowed):
                current = narrowed
        return current[:limit]

    def _scratch(self) -> np.ndarray:
        # Grown by doubling so a stream of additions does not reallocate it every time. Not
        # thread-safe: the caller serialises lookups.
        if len(self._acc) < self._docs:
            self._acc = np.zeros(max(self._docs, 2 * len(self._acc), 1024), dtype=np.float64)
        return self._acc


def _unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values; numpy's own `unique` is many times slower on large int64 arrays."""
    if not len(values):
        return values
    ordered = np.sort(values)
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]
