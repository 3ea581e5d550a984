"""Sentence spans on news and speech text."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bot.core.sentences import sentences, split_sentences


def test_abbreviations_titles_and_initials_do_not_split():
    text = "Mr. Smith met Sen. Ted Cruz and George W. Bush on Jan. 5 in Washington. They talked."
    assert sentences(text) == [
        "Mr. Smith met Sen. Ted Cruz and George W. Bush on Jan. 5 in Washington.",
        "They talked.",
    ]


def test_dotted_abbreviation_splits_only_before_a_sentence_start():
    assert sentences("He moved to the U.S. The next year he returned.") == [
        "He moved to the U.S.",
        "The next year he returned.",
    ]
    assert sentences("The U.S. Senate voted at 10 a.m. on Monday.") == ["The U.S. Senate voted at 10 a.m. on Monday."]


def test_quotation_that_ends_a_sentence():
    text = '"The tone was excellent," he said. "I agree." Then he left. "Why?" she asked.'
    assert sentences(text) == ['"The tone was excellent," he said.', '"I agree."', "Then he left.", '"Why?" she asked.']


def test_decimals_and_ellipses():
    text = "Growth was 3.5 percent... and rising. It fell… Nobody knew why."
    assert sentences(text) == ["Growth was 3.5 percent... and rising.", "It fell…", "Nobody knew why."]


def test_paragraphs_always_split():
    text = "First paragraph without a period\n\nSecond one. Third."
    assert sentences(text) == ["First paragraph without a period", "Second one.", "Third."]


def test_seed_article_sentence_count():
    seed = Path(__file__).resolve().parents[2] / "corpus" / "000_41f3c08ac7623368.txt"
    text = seed.read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1] if text.startswith("---") else text.split("\n", 1)[1]
    found = sentences(body)
    assert "Trump also had calls with Ukrainian President Volodymyr Zelenskyy and other European leaders." in found
    assert "Putin did not agree to an immediate ceasefire, long sought by Ukraine, the U.S. and many NATO countries." in found
    assert (
        '"The tone and spirit of the conversation were excellent," he said, adding, "Russia wants to do largescale '
        "TRADE with the United States when this catastrophic 'bloodbath' is over, and I agree.\"" in found
    )


@given(st.lists(st.sampled_from(list("ab AB.!?\"'”\n3…") + ["Mr.", "U.S."]), max_size=80).map("".join))
def test_spans_are_ordered_disjoint_and_trimmed(text):
    previous_end = 0
    for start, end in split_sentences(text):
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        previous_end = end
    # Nothing but whitespace is left out.
    covered = "".join(text[s:e] for s, e in split_sentences(text))
    assert "".join(covered.split()) == "".join(text.split())
