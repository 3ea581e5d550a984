"""Statements a paraphrase, a remembered quote or a pasted post most likely refers to.

A hybrid ranking. Words first: BM25 over the statement's words and its source's title (Snowball
stems, so "protesters" finds "protest"), read from the matcher's word index and a title index
beside it. Then the best lexical candidates are reranked with the cosine of dense sentence vectors
(`bot.core.embedding`), which puts "peace deal" near "peaceful settlement". Posts are cleaned first
(`bot.core.posts`). Measured on tweets about fact-checked claims (bench/claims.py): the dense
rerank of the 20 best lexical candidates loses nothing against scoring every statement densely
(nor against reranking 50, at less than half the time), and it keeps the cost per query
independent of the corpus size.

Identical statements (the same words and title) are listed once: the one stored first.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import cast

import numpy as np
import Stemmer

from bot.core.embedding import SentenceEmbedder
from bot.core.index import TermIndex
from bot.core.normalize import keys, match_text, match_texts
from bot.core.posts import clean_post

Mask = Callable[[np.ndarray], np.ndarray]

# English function words (Snowball's list, as word keys): they carry no claim, and in a small
# corpus they are not common enough to be skipped by their share alone.
FUNCTION_WORDS = frozenset("""
a about above after again against all am an and any are arent as at be because been before being below
between both but by cant cannot could couldnt did didnt do does doesnt doing dont down during each few
for from further had hadnt has hasnt have havent having he hed hell hes her here heres hers herself him
himself his how hows i id ill im ive if in into is isnt it its itself lets me more most mustnt my myself
no nor not of off on once only or other ought our ours ourselves out over own same shant she shed shell
shes should shouldnt so some such than that thats the their theirs them themselves then there theres
these they theyd theyll theyre theyve this those through to too under until up very was wasnt we wed
well were weve werent what whats when whens where wheres which while who whos whom why whys with wont
would wouldnt you youd youll youre youve your yours yourself yourselves
""".split())


@dataclass(frozen=True, slots=True)
class RelatedSettings:
    """The ranking's constants, chosen by cross-validation on the training posts (bench/claims.py)."""

    k1: float = 1.2
    b: float = 0.75
    # Lexical candidates reranked densely: on the training posts no right claim in a top 5 ranked
    # below 20th by BM25, and the vectors of 50 cost twice the time of 20.
    candidates: int = 20
    lexical_weight: float = 0.4  # of the BM25 score (scaled to the best candidate's) against the cosine
    max_share: float = 0.25  # stems in more statements than this carry almost no weight: skipped
    budget: int = 30_000  # postings read per query; past it the commoner stems are left out
    floor: float = 30.0  # below this score (0-100) a statement is not shown as related


@dataclass(frozen=True, slots=True)
class Related:
    """One related statement: its position in the index and its score (0-100)."""

    doc: int
    score: float


class RelatedIndex:
    """The title words and lengths of indexed statements, beside the matcher's word index (documents
    are the matcher's statement positions), and the ranking over both."""

    def __init__(self, settings: RelatedSettings | None = None, embedder: SentenceEmbedder | None = None) -> None:
        self.settings = settings or RelatedSettings()
        self.embedder = embedder or SentenceEmbedder()
        self.titles = TermIndex()  # document = statement position, terms = its source title's word keys
        self._title_of = array("i")  # statement position → title number (-1: none)
        self._title_names: list[str] = []  # title number → match text of the title
        self._title_numbers: dict[str, int] = {}
        self._lengths = array("H")  # words in statement + title, capped
        self._total_length = 0
        self._stemmer = Stemmer.Stemmer("english")
        self._stems: dict[int, dict[str, list[str]]] = {}  # id(index) → stem → its words there
        self._stemmed: dict[int, int] = {}  # id(index) → how many of its terms are in _stems
        self._sums: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._norm_key: tuple[int, int, float, float] | None = None
        self._norm_values: np.ndarray = np.zeros(0)

    # -- building ---------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._title_of)

    def _title_number(self, title_key: str) -> int:
        if not title_key:
            return -1
        number = self._title_numbers.get(title_key)
        if number is None:
            number = self._title_numbers[title_key] = len(self._title_names)
            self._title_names.append(title_key)
        return number

    def add(self, doc: int, text_key: str, title: str | None) -> None:
        """Statement `doc` (the next position), its match text and its source title; searchable at
        once (the title's words go to the index's per-word additions, not a rebuild)."""
        if doc != len(self._title_of):
            raise ValueError("related statements are added at the next positions")
        number = self._title_number(match_text(title or ""))
        title_key = self._title_names[number] if number >= 0 else ""
        self._title_of.append(number)
        self.titles.add(doc, title_key.split())
        length = min(65535, _words(title_key) + _words(text_key))
        self._lengths.append(length)
        self._total_length += length

    def add_many(
        self, docs: Sequence[int], text_keys: Sequence[str], titles: Sequence[str | None], text_words: np.ndarray | None = None
    ) -> None:
        """Many statements at the next positions, in order (start-up); `text_words`: how many words
        each text key holds, when the caller has counted them already."""
        if not docs:
            return
        if docs[0] != len(self._title_of) or len(docs) != len(text_keys) or len(docs) != len(titles):
            raise ValueError("related statements are added at the next positions, one title per text")
        # Titles repeat (one per source): each distinct title is keyed, numbered (in order of first
        # appearance, as one at a time) and counted once; the per-statement work is dictionary lookups.
        distinct = list(dict.fromkeys(titles))
        keyed = dict(zip(distinct, match_texts([t or "" for t in distinct])))
        number_of = {t: self._title_number(keyed[t]) for t in distinct}
        count = len(text_keys)
        numbers = np.fromiter(map(number_of.__getitem__, titles), dtype=np.int32, count=count)
        self._title_of.frombytes(numbers.tobytes())
        # The title index: each distinct title's words split and numbered once, not once per statement.
        self.titles.add_grouped(docs, numbers, self._title_names)
        if text_words is None:
            text_words = np.fromiter(map(str.count, text_keys, repeat(" ")), dtype=np.int64, count=count)
            text_words += np.fromiter(map(bool, text_keys), dtype=np.int64, count=count)  # _words, in bulk
        title_words = np.array([_words(k) for k in self._title_names] + [0], dtype=np.int64)  # [-1]: no title
        words = text_words + title_words[numbers]
        lengths = np.minimum(words, 65535).astype(np.uint16)
        self._lengths.frombytes(lengths.tobytes())
        self._total_length += int(lengths.sum(dtype=np.int64))

    def state(self) -> dict[str, object]:
        """Plain values for a snapshot."""
        self.titles.compact()
        return {
            "titles": self.titles.state(),
            "title_of": self._title_of.tobytes(),
            "title_names": list(self._title_names),
            "lengths": self._lengths.tobytes(),
        }

    def restore(self, state: dict[str, object]) -> None:
        """Load what `state` returned."""
        self.titles.restore(state["titles"])  # type: ignore[arg-type]
        self._title_of = array("i")
        self._title_of.frombytes(state["title_of"])  # type: ignore[arg-type]
        self._title_names = list(state["title_names"])  # type: ignore[call-overload]
        self._title_numbers = {name: k for k, name in enumerate(self._title_names)}
        self._lengths = array("H")
        self._lengths.frombytes(state["lengths"])  # type: ignore[arg-type]
        self._total_length = int(np.frombuffer(self._lengths, dtype=np.uint16).sum(dtype=np.int64))
        if len(self._title_of) != len(self._lengths):
            raise ValueError("inconsistent related index")

    def nbytes(self) -> int:
        """Memory held for the statements (title index, title numbers, lengths, distinct titles)."""
        index = self.titles.state()
        arrays = [cast("np.ndarray", index[k]) for k in ("offsets", "postings")]
        held = sum(int(a.nbytes) for a in arrays) + len(cast("bytes", index["df"]))
        held += sum(len(t) + 49 for t in self._title_names) + 100 * len(self._title_numbers)
        held += sum(len(w) + 49 + 100 for w in cast("list[str]", index["vocab"]))
        return held + self._title_of.itemsize * len(self._title_of) + self._lengths.itemsize * len(self._lengths)

    def title(self, doc: int) -> str:
        """The match text of statement `doc`'s source title ("" when it has none)."""
        number = self._title_of[doc]
        return self._title_names[number] if number >= 0 else ""

    # -- ranking ----------------------------------------------------------------------------------

    def rank(
        self, query: str, words: TermIndex, texts: Sequence[str], mask: Mask | None = None, limit: int = 5,
        *, pool: int | None = None, among: Sequence[int] | None = None,
    ) -> list[Related]:
        """The statements `query` most likely refers to, best first, each scored 0-100 (none below
        the floor). `words` is the matcher's index of statement words over the same positions and
        `texts` their match texts; `mask` keeps only the positions it marks True; `pool` lexical
        candidates are reranked (the setting's when None); `among`: only these positions are
        ranked, each scored as in the ranking of every statement."""
        cleaned, content = related_words(query)
        if not content or not len(self):
            return []
        wanted = max(pool or self.settings.candidates, limit)
        within = None if among is None else np.unique(np.asarray(among, dtype=np.int64))
        ids, lexical, coverage = self._lexical(content, words, mask, wanted, within)
        if not len(ids):
            return []
        docs = ids.tolist()
        fused, shown = hybrid(self.embedder, self.settings, cleaned, [_joined(texts[d], self.title(d)) for d in docs], lexical, coverage)
        # Identical statements (the same words and title) listed once: the first stored.
        keys_of = [texts[d] + "\x1f" + self.title(d) for d in docs]
        listed = best_first(fused, shown, keys_of, np.asarray(ids), self.settings.floor, limit)
        return [Related(_first_of(docs[k], keys_of[k], docs, texts, self), score) for k, score in listed]

    def _lexical(
        self, content: Sequence[str], words: TermIndex, mask: Mask | None, wanted: int, within: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The best candidates by BM25 of the query's content words, as (positions, BM25 scores, share
        of the query's weight matched); only positions in `within` (sorted) when given."""
        s = self.settings
        n = len(self)
        avg = max(self._total_length / max(n, 1), 1.0)
        # Corpus-sized sums, kept between queries and cleared where touched: fresh arrays would
        # cost a page fault per page a query's postings reach (thousands at 10^6 statements).
        bm25, matched, tf = self._scratch(n)  # matched: idf of the query stems each statement holds
        norms = self._norms(n, avg)
        touched: list[np.ndarray] = []
        weights: list[np.ndarray] = []  # what each posting adds to its statement's BM25 score
        shares: list[np.ndarray] = []  # and to its matched weight
        spent = 0
        common = max(s.max_share * n, 50.0)  # a small corpus has no common words to skip
        found, unknown = self._stem_postings(content, words, n)
        # Words no statement holds are the rarest of all: they weigh in what a statement leaves unmatched.
        total_weight = unknown * math.log(1.0 + (n + 0.5) / 0.5)
        for df, arrays in found:
            if df > common or (spent + df > s.budget and len(touched) >= 3):
                break  # rarest first: what is left weighs little and costs the most
            spent += df
            idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
            total_weight += idf
            if within is not None:  # the same stems and weights as over every statement
                arrays = [_kept(a, within) for a in arrays]
            touched.extend(arrays)
            if len(arrays) == 1:  # one word of the stem, in statements only or titles only: tf is 1
                a = arrays[0]
                weights.append(idf * (s.k1 + 1.0) / (1.0 + norms[a]))
                shares.append(np.full(len(a), idf))
                continue
            # A statement may hold the stem in several words and in its title: tf counts them. Each
            # posting adds its share of the saturated weight, so the shares sum to BM25's term weight.
            held = np.concatenate(arrays)
            np.add.at(tf, held, 1.0)
            count = tf[held]
            tf[held] = 0.0
            weights.append(idf * (s.k1 + 1.0) / (count + norms[held]))
            shares.append(idf / count)
        if not touched or total_weight == 0.0:
            return np.zeros(0, np.int64), np.zeros(0), np.zeros(0)
        every = np.concatenate(touched)
        # Summed posting by posting in the order above, in one call each.
        np.add.at(bm25, every, np.concatenate(weights))
        np.add.at(matched, every, np.concatenate(shares))
        ids = self._best(every, bm25, mask, wanted)
        found_bm25, found_matched = bm25[ids], matched[ids]
        bm25[every] = 0.0
        matched[every] = 0.0
        return ids, found_bm25, np.minimum(found_matched / total_weight, 1.0)

    def _norms(self, n: int, avg: float) -> np.ndarray:
        """BM25's length norm of each statement, k1 * (1 - b + b * length / average length), kept
        until a statement is added."""
        s = self.settings
        key = (n, self._total_length, s.k1, s.b)
        if self._norm_key != key:
            lengths = np.frombuffer(self._lengths, dtype=np.uint16)[:n]
            self._norm_values = s.k1 * (1.0 - s.b + s.b * lengths / avg)
            self._norm_key = key
        return self._norm_values

    def _scratch(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Three zeroed arrays of at least `n` (the caller clears what it touched; callers are
        serialised by the matcher's lock)."""
        if self._sums is None or len(self._sums[0]) < n:
            size = max(n, 2 * (len(self._sums[0]) if self._sums else 0), 1024)
            self._sums = (np.zeros(size), np.zeros(size), np.zeros(size))
        return self._sums

    @staticmethod
    def _best(touched: np.ndarray, bm25: np.ndarray, mask: Mask | None, wanted: int) -> np.ndarray:
        """The `wanted` best distinct statements among `touched` (repeats allowed) that `mask` keeps.
        The best few are taken first, so a query's long tail of postings is neither deduplicated
        nor masked unless the filter leaves too few of them."""
        head = 8 * wanted
        if len(touched) > head:
            top = _distinct(touched[np.argpartition(-bm25[touched], head - 1)[:head]])
            if mask is not None:
                top = top[mask(top)]
            if len(top) >= wanted:
                return top[np.argpartition(-bm25[top], wanted - 1)[:wanted]] if len(top) > wanted else top
        ids = _distinct(touched)
        if mask is not None and len(ids):
            ids = ids[mask(ids)]
        if len(ids) > wanted:
            ids = ids[np.argpartition(-bm25[ids], wanted - 1)[:wanted]]
        return ids

    def _stem_postings(
        self, content: Sequence[str], words: TermIndex, n: int
    ) -> tuple[list[tuple[int, list[np.ndarray]]], int]:
        """(statements holding it, postings) of each stem of the query's content words (`related_words`)
        found, rarest first, and how many of its stems no statement holds."""
        found = []
        unknown = 0
        for stem in dict.fromkeys(self._stemmer.stemWords(list(content))):
            arrays = [words.postings(w) for w in self._words_of(words, stem)]
            arrays += [self.titles.postings(w) for w in self._words_of(self.titles, stem)]
            arrays = [a[a < n] if len(a) and a[-1] >= n else a for a in arrays if len(a)]
            df = min(n, sum(len(a) for a in arrays))
            if df:
                found.append((df, arrays))
            else:
                unknown += 1
        found.sort(key=lambda item: item[0])
        return found, unknown

    def _words_of(self, index: TermIndex, stem: str) -> list[str]:
        """The words of `index` whose Snowball stem is `stem` (the map follows the index as it grows)."""
        key = id(index)
        done = self._stemmed.get(key, 0)
        stems = self._stems.setdefault(key, {})
        new = index.terms(done)
        if new:
            for word, word_stem in zip(new, self._stemmer.stemWords(new)):
                stems.setdefault(word_stem, []).append(word)
            self._stemmed[key] = done + len(new)
        return stems.get(stem, [])


def related_words(query: str) -> tuple[str, list[str]]:
    """A query as the ranking reads it: the post cleaned (bot/core/posts.py) and its word keys that
    carry content (all of them when every word is a function word)."""
    cleaned = clean_post(query)
    query_keys = keys(cleaned)
    return cleaned, [k for k in query_keys if k not in FUNCTION_WORDS] or list(query_keys)


def hybrid(
    embedder: SentenceEmbedder,
    settings: RelatedSettings,
    cleaned: str,
    texts: Sequence[str],
    lexical: np.ndarray,
    coverage: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The fused ranking score and the shown score (0-1) of lexical candidates: `texts` are their
    match texts with their titles' (words joined by single spaces), `lexical` their BM25 scores and `coverage` the share of the query's
    word weight each holds; both scores add the cosine of the dense sentence vectors."""
    query_vector = embedder.embed([cleaned])[0]
    vectors = embedder.embed_words(texts)
    cosine = np.clip(vectors @ query_vector, 0.0, 1.0)
    w = settings.lexical_weight
    fused = w * lexical / max(float(lexical.max()), 1e-9) + (1 - w) * cosine
    shown = w * coverage + (1 - w) * cosine
    return fused, shown


def best_first(
    fused: np.ndarray, shown: np.ndarray, keys_of: Sequence[str], ties: np.ndarray, floor: float, limit: int
) -> list[tuple[int, float]]:
    """(candidate, score 0-100) best first by `fused` (equal scores in the order of `ties`), each
    `keys_of` once, at most `limit`, none below `floor`. The score shown is absolute (`shown`), kept
    from rising down the list so the list reads best first."""
    order = np.lexsort((ties, -fused))
    out: list[tuple[int, float]] = []
    seen: set[str] = set()
    ceiling = 100.0
    for k in order.tolist():
        if keys_of[k] in seen:
            continue
        seen.add(keys_of[k])
        ceiling = min(ceiling, round(100.0 * float(shown[k]), 1))
        if ceiling < floor or len(out) >= limit:
            break
        out.append((k, ceiling))
    return out


def _kept(postings: np.ndarray, within: np.ndarray) -> np.ndarray:
    """The positions of sorted `within` that sorted `postings` holds: a few binary searches each."""
    if not len(postings) or not len(within):
        return postings[:0]
    at = np.minimum(np.searchsorted(postings, within), len(postings) - 1)
    held: np.ndarray = within[postings[at] == within]
    return held.astype(postings.dtype)


def _distinct(values: np.ndarray) -> np.ndarray:
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered


def _first_of(doc: int, key: str, docs: list[int], texts: Sequence[str], index: RelatedIndex) -> int:
    """The first stored of the candidates identical to `doc`."""
    same = [d for d in docs if d < doc and texts[d] + "\x1f" + index.title(d) == key]
    return min(same) if same else doc


def _words(text: str) -> int:
    return text.count(" ") + 1 if text else 0


def _joined(text: str, title: str) -> str:
    return f"{text} {title}" if title else text
