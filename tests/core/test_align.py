"""Word alignment: a fragment inside a statement, contractions and numbers as equal keys."""

from __future__ import annotations

from bot.core.align import align, expand, similar, tokens
from bot.core.normalize import words


def toks(text: str):
    return tokens(words(text))


def test_contractions_expand() -> None:
    assert expand("isn't") == ["is", "not"]
    assert expand("Won\u2019t") == ["will", "not"]
    assert expand("can't") == ["can", "not"]
    assert expand("dont") == ["do", "not"]  # transcripts that lost their apostrophes
    assert expand("it's") == ["it", "is"]
    assert expand("Trump's") is None  # a possessive
    assert expand("were") is None


def test_number_words_become_values() -> None:
    assert [t.key for t in toks("exchange one thousand prisoners")] == ["exchange", "1000", "prisoners"]
    assert [t.key for t in toks("exchange 1,000 prisoners")] == ["exchange", "1000", "prisoners"]
    assert [t.key for t in toks("at least 11 people")] == ["at", "least", "11", "people"]


def test_typos_and_variants_are_similar_but_other_words_are_not() -> None:
    assert similar("ceasefire", "ceasfire")
    assert similar("colour", "color")
    assert similar("organisation", "organization")
    assert not similar("now", "not")
    assert not similar("iran", "iraq")
    assert not similar("1000", "10000")


def test_fragment_aligns_without_the_rest_of_the_statement() -> None:
    statement = toks("Putin did not agree to an immediate ceasefire, long sought by Ukraine")
    ops = align(toks("agree to an immediate ceasefire"), statement)
    assert [op.tag for op in ops] == ["equal"] * 5
    assert ops[0].s0 == 3


def test_insertions_and_typos_are_ops() -> None:
    statement = toks("Putin did not agree to an immediate ceasefire")
    ops = align(toks("Putin did agree to an immediate ceasfire"), statement)
    tags = [op.tag for op in ops]
    assert tags.count("delete") == 1 and tags.count("similar") == 1
    ops = align(toks("well Putin did not agree"), statement)
    assert ops[0].tag == "insert"


def test_alignment_starts_after_a_given_position() -> None:
    statement = toks("peace now and peace later")
    ops = align(toks("peace"), statement, start=1)
    assert next(op for op in ops if op.tag == "equal").s0 == 3
