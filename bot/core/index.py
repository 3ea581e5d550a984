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
from collections.abc import Set as AbstractSet
from itertools import islice
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

    def add_many(self, docs: Sequence[int], texts: Sequence[str]) -> np.ndarray:
        """Index many documents at once, each a text of space-separated terms, and rebuild the
        compact postings (start-up); returns how many words each text holds. Vectorised, a slice
        of documents at a time (10^6 documents hold ~3 * 10^7 words)."""
        doc_ids = _doc_ids(docs)
        numbering = _Numbering(self._vocab)  # numbers new words into self._vocab
        slices: list[np.ndarray] = []
        lengths = np.zeros(len(texts), dtype=np.int64)
        for k in range(0, len(texts), _SLICE):
            pairs, lengths[k : k + _SLICE] = self._pairs(numbering, doc_ids[k : k + _SLICE], texts[k : k + _SLICE])
            slices.append(pairs)
        del numbering
        self._add_pairs(doc_ids, slices)
        return lengths

    def add_grouped(self, docs: Sequence[int], groups: Sequence[int] | np.ndarray, texts: Sequence[str]) -> None:
        """Index many documents at once whose texts repeat: document `docs[k]` holds the terms of
        `texts[groups[k]]` (nothing where `groups[k]` is negative). The same index as `add_many` of
        each document's own text, with each distinct text split and numbered once."""
        doc_ids = _doc_ids(docs)
        group_of = np.asarray(groups, dtype=np.int64)
        held = group_of >= 0
        if not held.any():
            self._add_pairs(doc_ids, [])
            return
        used, first = np.unique(group_of[held], return_index=True)
        order = used[np.argsort(first)]  # groups in order of first appearance: words numbered so
        tids, lengths = _Numbering(self._vocab).number([texts[g] for g in order.tolist()])
        # Each group's distinct term ids, sorted: (group rank << 32 | term id), deduplicated.
        rank = np.repeat(np.arange(len(order), dtype=np.int64), lengths)
        keys = _unique((rank << 32) | tids)
        sizes = np.bincount(keys >> 32, minlength=len(order))
        offsets = np.zeros(len(order) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        rank_of = np.zeros(int(group_of.max()) + 1, dtype=np.int64)
        rank_of[order] = np.arange(len(order))
        ranks = rank_of[np.where(held, group_of, 0)]
        counts = np.where(held, sizes[ranks], 0)
        # Every (document, term of its group) pair: the group's terms repeated for each of its documents.
        owner = np.repeat(doc_ids, counts)
        step = np.arange(len(owner), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
        terms = keys[np.repeat(offsets[ranks], counts) + step] & 0xFFFFFFFF
        self._add_pairs(doc_ids, [np.sort((terms << 32) | owner)])

    def _add_pairs(self, doc_ids: np.ndarray, slices: list[np.ndarray]) -> None:
        """Add the (term id << 32 | document) pairs of the documents `doc_ids`, given in slices
        each sorted, each slice's documents after the previous one's when `doc_ids` ascend."""
        vocab = self._vocab
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
    def _pairs(numbering: _Numbering, docs: np.ndarray, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The distinct (term id << 32 | document) of some documents, sorted, and how many words each
        text holds; new words are numbered in the order of first appearance."""
        tids, lengths = numbering.number(texts)
        if len(texts) <= _LOCAL and len(numbering.vocab) <= _SMALL_VOCAB:
            # (term, position in the slice) fits 31 bits: an int32 sort is twice as fast.
            local = np.repeat(np.arange(len(texts), dtype=np.int32), lengths)
            keys = _unique((tids.astype(np.int32) << _LOCAL_BITS) | local)
            pairs: np.ndarray = ((keys >> _LOCAL_BITS).astype(np.int64) << 32) | docs[keys & (_LOCAL - 1)]
            return pairs, lengths
        return _unique((tids << 32) | np.repeat(docs, lengths)), lengths

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

    def known(self, terms: AbstractSet[str]) -> set[str]:
        """The terms of `terms` the index has held (some perhaps in no document now)."""
        return terms & self._vocab.keys()

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

    def conjunction(
        self, terms: Iterable[str], limit: int, mask: Mask | None = None, any_of: Sequence[Iterable[str]] = ()
    ) -> np.ndarray:
        """Documents holding as many of the query's terms as possible, common ones included: the
        rarest term's documents, narrowed by each next term while more than `limit` remain (a
        term that would leave none, a typo, is skipped). For quotes made only of common words,
        where summed rarity ties across thousands of statements. `any_of`: groups of terms of
        which a document holds one (the words a slip in the quote may stand for), each narrowing
        as one term would."""
        known: list[tuple[int, tuple[int, ...]]] = sorted(
            (self._df[tid], (tid,)) for term in set(terms) if (tid := self._vocab.get(term)) is not None
        )
        for group in any_of:
            tids = tuple(sorted({tid for term in group if (tid := self._vocab.get(term)) is not None and self._df[tid] > 0}))
            if tids:
                known.append((sum(self._df[tid] for tid in tids), tids))
        known = sorted((df, tids) for df, tids in known if df > 0)
        if not known:
            return np.zeros(0, dtype=np.int32)
        current = self._postings_of_any(known[0][1])
        if mask is not None and len(current):
            current = current[mask(current)]
        marks = self._scratch()
        for _, tids in known[1:]:
            if len(current) <= limit:
                break
            for tid in tids:
                marks[self._postings_of(tid)] = 1.0
            narrowed = current[marks[current] == 1.0]
            for tid in tids:
                marks[self._postings_of(tid)] = 0.0
            if len(narrowed):
                current = narrowed
        return current[:limit]

    def _postings_of_any(self, tids: tuple[int, ...]) -> np.ndarray:
        """Ids of the documents holding any of the terms, ascending."""
        if len(tids) == 1:
            return self._postings_of(tids[0])
        return np.unique(np.concatenate([self._postings_of(tid) for tid in tids]))

    def _scratch(self) -> np.ndarray:
        # Grown by doubling so a stream of additions does not reallocate it every time. Not
        # thread-safe: the caller serialises lookups.
        if len(self._acc) < self._docs:
            self._acc = np.zeros(max(self._docs, 2 * len(self._acc), 1024), dtype=np.float64)
        return self._acc


class _Numbering:
    """Word → term id for many words at once, without a Python string per word occurrence.

    A slice's words are read from its UTF-8 bytes: a word of up to 16 bytes is its bytes (two
    little-endian 64-bit lanes, zero-padded; a word holds no zero byte, so the lanes are the word
    itself, not a hash of it), looked up in an open-addressing table with numpy. Longer words take
    the dictionary, and so do slices holding whitespace other than single spaces. New words are
    numbered in order of first appearance, as one dictionary would number them; `vocab` stays the
    one record of the ids."""

    def __init__(self, vocab: dict[str, int]) -> None:
        self.vocab = vocab
        # Term id → lanes; the last entry, (0, 0), marks an empty slot and is no word's.
        self._lane0 = np.zeros(1, dtype=np.uint64)
        self._lane1 = np.zeros(1, dtype=np.uint64)
        self._bits = 10
        self._table = np.zeros(1 << self._bits, dtype=np.int64)  # slot → term id, or the empty mark
        self._held = 0
        self._learn(list(vocab), np.fromiter(vocab.values(), dtype=np.int64, count=len(vocab)))

    @property
    def _empty(self) -> int:
        return len(self._lane0) - 1

    def number(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(term id of every word, in order; how many words each text holds)."""
        joined = "\n".join(texts)
        if "\x00" in joined or joined.count("\n") != max(len(texts) - 1, 0):
            return self._by_dictionary(texts)
        raw = joined.encode("utf-8") + bytes(16)
        data = np.frombuffer(raw, dtype=np.uint8)[:-16]
        low = data <= 32
        spaces = data[low]
        if np.any((spaces != 32) & (spaces != 10)) or (not joined.isascii() and any(c in joined for c in _WIDE_SPACES)):
            return self._by_dictionary(texts)
        separators = np.flatnonzero(low)
        starts = np.empty(len(separators) + 1, dtype=np.int64)
        starts[0] = 0
        starts[1:] = separators + 1
        sizes = np.empty(len(separators) + 1, dtype=np.int64)
        sizes[:-1] = separators
        sizes[-1] = len(data)
        sizes -= starts
        breaks = np.flatnonzero(data[separators] == 10)  # the separators between texts
        if len(sizes) and sizes.min() == 0:
            # Empty texts or runs of spaces: words of no letters dropped, as str.split drops them.
            text_of = np.zeros(len(starts), dtype=np.int64)
            text_of[breaks + 1] = 1
            np.cumsum(text_of, out=text_of)
            filled = sizes > 0
            starts, sizes = starts[filled], sizes[filled]
            lengths = np.bincount(text_of[filled], minlength=len(texts)).astype(np.int64)
        else:
            bounds = np.empty(len(breaks) + 2, dtype=np.int64)
            bounds[0] = -1
            bounds[1:-1] = breaks
            bounds[-1] = len(separators)
            lengths = np.diff(bounds)
        # Unaligned 8-byte reads at any byte: the first and second lanes of each word.
        lanes = np.ndarray(shape=(len(raw) - 7,), dtype="<u8", buffer=raw, strides=(1,))
        lane0 = lanes[starts]
        lane0 &= _LOW_BYTES[np.minimum(sizes, 8)]
        lane1 = np.zeros(len(starts), dtype=np.uint64)
        wide = np.flatnonzero(sizes > 8)
        lane1[wide] = lanes[starts[wide] + 8] & _LOW_BYTES[np.minimum(sizes[wide] - 8, 8)]
        tids = self._find(lane0, lane1)
        long = wide[sizes[wide] > 16].tolist()
        long_words = {k: raw[int(starts[k]) : int(starts[k] + sizes[k])].decode("utf-8") for k in long}
        tids[long] = [self.vocab.get(w, -1) for w in long_words.values()]
        missing = np.flatnonzero(tids < 0)
        if len(missing):
            self._add(missing, tids, lane0, lane1, sizes, raw, starts, long_words)
        return tids, lengths

    def _by_dictionary(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        lengths = np.fromiter(map(len, map(str.split, texts)), dtype=np.int64, count=len(texts))
        words = " ".join(texts).split()
        new = [w for w in dict.fromkeys(words) if w not in self.vocab]
        if new:
            self._number_new(new)
        tids = np.fromiter(map(self.vocab.__getitem__, words), dtype=np.int64, count=len(words))
        return tids, lengths

    def _add(
        self, missing: np.ndarray, tids: np.ndarray, lane0: np.ndarray, lane1: np.ndarray, sizes: np.ndarray,
        raw: bytes, starts: np.ndarray, long_words: dict[int, str],
    ) -> None:
        """Number the words at positions `missing` (not known yet) in order of first appearance, and
        fill in their ids."""
        short = missing[sizes[missing] <= 16]
        firsts: list[tuple[int, str]] = []
        if len(short):
            # Each distinct word at its first occurrence (the sort is stable, positions ascend).
            order = np.lexsort((lane1[short], lane0[short]))
            ranked = short[order]
            a0, a1 = lane0[ranked], lane1[ranked]
            head = np.ones(len(ranked), dtype=bool)
            head[1:] = (a0[1:] != a0[:-1]) | (a1[1:] != a1[:-1])
            firsts_at = np.sort(ranked[head])
            begins, ends = starts[firsts_at].tolist(), (starts[firsts_at] + sizes[firsts_at]).tolist()
            firsts = list(zip(firsts_at.tolist(), [raw[b:e].decode("utf-8") for b, e in zip(begins, ends)]))
        if long_words:
            firsts.extend((pos, word) for word, pos in {w: p for p, w in reversed(long_words.items())}.items())
            firsts.sort()
        self._number_new([word for _, word in firsts if word not in self.vocab])
        if len(short):
            tids[short] = self._find(lane0[short], lane1[short])
        for pos, word in long_words.items():
            tids[pos] = self.vocab[word]

    def _number_new(self, words: list[str]) -> None:
        """Give the next ids to `words` (distinct, none known) in this order."""
        start = len(self.vocab)
        self.vocab.update(zip(words, range(start, start + len(words))))
        self._learn(words, np.arange(start, start + len(words), dtype=np.int64))

    def _learn(self, words: list[str], ids: np.ndarray) -> None:
        """Put words of at most 16 bytes into the table."""
        if not words:
            return
        joined = "\n".join(words)
        if "\x00" in joined or joined.count("\n") != len(words) - 1 or "" in words:
            # Never a word split from text; such terms are found through the dictionary alone.
            kept = [k for k, w in enumerate(words) if w and "\n" not in w and "\x00" not in w]
            words, ids = [words[k] for k in kept], ids[kept]
            if not words:
                return
            joined = "\n".join(words)
        raw = joined.encode("utf-8") + bytes(16)
        data = np.frombuffer(raw, dtype=np.uint8)[:-16]
        separators = np.flatnonzero(data == 10)
        starts = np.r_[0, separators + 1].astype(np.int64)
        sizes = np.r_[separators, len(data)].astype(np.int64) - starts
        lanes = np.ndarray(shape=(len(raw) - 7,), dtype="<u8", buffer=raw, strides=(1,))
        lane0 = lanes[starts] & _LOW_BYTES[np.minimum(sizes, 8)]
        lane1 = np.where(sizes > 8, lanes[starts + 8] & _LOW_BYTES[np.clip(sizes - 8, 0, 8)], np.uint64(0))
        short = sizes <= 16
        ids, lane0, lane1 = ids[short], lane0[short], lane1[short]
        top = int(ids.max()) + 1 if len(ids) else 0
        if top >= len(self._lane0):
            # Grown (the empty mark moves to the new last entry, so the table is refilled below).
            grown = max(top + 1, 2 * len(self._lane0))
            self._lane0 = np.concatenate([self._lane0[:-1], np.zeros(grown - len(self._lane0) + 1, dtype=np.uint64)])
            self._lane1 = np.concatenate([self._lane1[:-1], np.zeros(grown - len(self._lane1) + 1, dtype=np.uint64)])
            self._held = -1
        self._lane0[ids] = lane0
        self._lane1[ids] = lane1
        if self._held < 0 or 4 * (self._held + len(ids)) > len(self._table):
            every = np.flatnonzero(self._lane0)
            self._held = len(every)
            while 4 * self._held > (1 << self._bits):
                self._bits += 1
            self._table = np.full(1 << self._bits, self._empty, dtype=np.int64)
            self._place(every, self._lane0[every], self._lane1[every])
        else:
            self._held += len(ids)
            self._place(ids, lane0, lane1)

    def _slots(self, lane0: np.ndarray, lane1: np.ndarray) -> np.ndarray:
        mixed = lane0 * _MIX0
        mixed ^= lane1 * _MIX1
        mixed >>= np.uint64(64 - self._bits)
        slots: np.ndarray = mixed.astype(np.int64)
        return slots

    def _place(self, ids: np.ndarray, lane0: np.ndarray, lane1: np.ndarray) -> None:
        """Insert distinct words (not in the table yet) by linear probing, all at once."""
        table, mask, empty = self._table, (1 << self._bits) - 1, self._empty
        slots = self._slots(lane0, lane1)
        while len(ids):
            free = table[slots] == empty
            # Of the words wanting the same free slot, the first takes it; the others probe on.
            wanted, first = np.unique(slots[free], return_index=True)
            taken = np.flatnonzero(free)[first]
            table[wanted] = ids[taken]
            moving = np.ones(len(ids), dtype=bool)
            moving[taken] = False
            ids, slots = ids[moving], (slots[moving] + 1) & mask

    def _find(self, lane0: np.ndarray, lane1: np.ndarray) -> np.ndarray:
        """Term ids of words (as lanes) of at most 16 bytes; -1 for words not in the table."""
        table, mask, empty = self._table, (1 << self._bits) - 1, self._empty
        slots = self._slots(lane0, lane1)
        found: np.ndarray = table[slots]
        going = (self._lane0[found] != lane0) | (self._lane1[found] != lane1)
        todo = np.flatnonzero(going)
        while len(todo):
            # Past a slot held by another word: the next slot (few words get this far).
            held = found[todo]
            open_ = held != empty
            todo = todo[open_]
            slots[todo] = (slots[todo] + 1) & mask
            held = found[todo] = table[slots[todo]]
            going = (self._lane0[held] != lane0[todo]) | (self._lane1[held] != lane1[todo])
            todo = todo[going]
        found[found == empty] = -1
        return found


# Whitespace outside ASCII, where str.split splits (ASCII whitespace is found among the bytes).
_WIDE_SPACES = tuple(chr(c) for c in range(128, 0x3001) if chr(c).isspace())
_LOW_BYTES = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
_MIX0 = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xC2B2AE3D27D4EB4F)


def _doc_ids(docs: Sequence[int]) -> np.ndarray:
    """Document ids as an array (a range without a Python int per document)."""
    if isinstance(docs, range):
        return np.arange(docs.start, docs.stop, docs.step, dtype=np.int64)
    return np.asarray(docs, dtype=np.int64)


def _unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values; numpy's own `unique` is many times slower on large int64 arrays."""
    if not len(values):
        return values
    ordered = np.sort(values)
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]
