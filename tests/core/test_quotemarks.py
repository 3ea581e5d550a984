"""Pairing quotation marks into regions, apostrophes apart."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.quotemarks import quote_regions
from bot.core.sentences import paragraph_spans


def inside(text: str) -> list[str]:
    return [text[r.start : r.end] for r in quote_regions(text, paragraph_spans(text))]


def test_apostrophes_are_not_quotes():
    assert inside("Russia's leaders don't remember the '90s or rock 'n' roll.") == []


def test_double_quote_styles():
    assert inside('He said "yes" and “no” and \'\'maybe\'\' today.') == ["yes", "no", "maybe"]


def test_nested_quotes_stay_in_the_outer_one():
    assert inside("She said \"this 'bloodbath' must end\" loudly.") == ["this 'bloodbath' must end"]
    assert inside("Blair said: 'People say \"no way\" to me.'") == ['People say "no way" to me.']
    assert inside('Ward stated: "The agency isn’t about “Equal Justice” anymore."') == [
        "The agency isn’t about “Equal Justice” anymore."
    ]


def test_quote_left_open_at_paragraph_end_and_reopened():
    text = '"First part of it.\n\n"Second part," he said.'
    regions = quote_regions(text, paragraph_spans(text))
    assert [text[r.start : r.end] for r in regions] == ["First part of it.", "Second part,"]
    assert not regions[0].closed and regions[1].closed


def test_single_quote_left_open_without_continuation_is_dropped():
    assert inside("The players' union met.\n\nNothing else.") == []


@given(st.lists(st.sampled_from(list("ab .'\"“”‘’\n") + ["''", "don't"]), max_size=80).map("".join))
def test_regions_are_ordered_disjoint_and_inside_the_text(text):
    previous = -1
    for region in quote_regions(text, paragraph_spans(text)):
        assert previous <= region.open_at < region.start <= region.end <= region.close_end <= len(text)
        previous = region.close_end
