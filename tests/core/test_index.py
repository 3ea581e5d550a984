"""The inverted index: rare words select candidates; additions are searchable at once."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.index import TermIndex
from bot.core.normalize import match_text

TEXTS = [
    "Russia is ready to work with the Ukrainian side on a memorandum on a possible future peace accord",
    "The tone and spirit of the conversation were excellent",
    "If the Russians are not ready to stop the killings, there must be stronger sanctions",
    "Pressure on Russia will push it toward real peace",
    "Sanctions are inflicting harm but this harm is not critical for macroeconomics of Russia",
]


def built() -> TermIndex:
    index = TermIndex()
    index.add_many(list(range(len(TEXTS))), [match_text(t) for t in TEXTS])
    return index


def test_rare_words_find_their_statement_first() -> None:
    ids, scores = built().top(match_text("stronger sanctions killings").split(), limit=3)
    assert ids[0] == 2
    assert list(scores) == sorted(scores, reverse=True)


def test_document_frequencies_and_postings() -> None:
    index = built()
    assert index.df("russia") == 3
    assert sorted(index.postings("sanctions").tolist()) == [2, 4]
    assert index.df("unknownword") == 0


def test_added_document_is_searchable_without_rebuild() -> None:
    index = built()
    index.add(5, match_text("Zelenskyy urged a tough stance on Moscow").split())
    ids, _ = index.top(["zelenskyy", "moscow"], limit=2)
    assert ids[0] == 5
    # A later bulk load merges the additions into the compact block.
    index.add_many([6], [match_text("Moscow remains capable of meeting its military objectives")])
    assert sorted(index.postings("moscow").tolist()) == [5, 6]


def test_mask_hides_documents() -> None:
    ids, _ = built().top(["russia", "peace"], limit=5, mask=lambda found: found != 0)
    assert 0 not in ids.tolist() and 3 in ids.tolist()


def test_budget_keeps_the_rarest_terms() -> None:
    index = built()
    chosen = index.select(["russia", "memorandum", "accord", "peace", "the"], limit=16, max_share=1.0, budget=1)
    assert len(chosen) == 3  # three at least, rarest first
    rare = {index._vocab["memorandum"], index._vocab["accord"]}
    assert rare <= {tid for tid, _ in chosen}


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.sampled_from("abcdefghij"), min_size=1, max_size=6), min_size=1, max_size=30), st.data())
def test_postings_hold_exactly_the_documents_with_the_term(docs: list[list[str]], data: st.DataObject) -> None:
    index = TermIndex()
    split = data.draw(st.integers(0, len(docs)))
    index.add_many(list(range(split)), [" ".join(d) for d in docs[:split]])
    for n in range(split, len(docs)):
        index.add(n, docs[n])
    for term in "abcdefghij":
        expected = [n for n, d in enumerate(docs) if term in d]
        assert sorted(index.postings(term).tolist()) == expected
        assert index.df(term) == len(expected)
    ids, _ = index.top(["a", "b"], limit=len(docs))
    assert set(ids.tolist()) == {n for n, d in enumerate(docs) if "a" in d or "b" in d}
    assert isinstance(ids, np.ndarray)


def test_conjunction_narrows_by_every_term_and_skips_typos() -> None:
    index = TermIndex()
    texts = ["there is no way to love", "love is the way", "no way", "there is a way to love life", "way to go"]
    index.add_many(list(range(len(texts))), texts)
    assert index.conjunction(["there", "is", "no", "way", "to", "love"], limit=1).tolist() == [0]
    # "lvoe" is unknown and "zzz" absent: they never empty the result.
    assert index.conjunction(["lvoe", "way", "no", "zzz"], limit=1).tolist() in ([0], [2])
    assert index.conjunction(["way"], limit=10, mask=lambda ids: ids != 4).tolist() == [0, 1, 2, 3]


def test_conjunction_narrows_by_a_group_of_which_a_document_holds_one() -> None:
    index = TermIndex()
    texts = ["now is the time as the world is", "is the time as the worm is", "is the time as the word is", "time is as the"]
    index.add_many(list(range(len(texts))), texts)
    # "worlj" may stand for "world" or "word": documents holding either, and not the others.
    assert index.conjunction(["is", "the", "time", "as"], limit=2, any_of=[["world", "word"]]).tolist() == [0, 2]
    # A group none of whose words is known narrows nothing, as an unknown term.
    assert index.conjunction(["is", "the", "time", "as"], limit=3, any_of=[["wurld"]]).tolist() == [0, 1, 2]
