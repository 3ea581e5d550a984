"""Quotations found in chat messages for the "Verify quotes" command."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.claims import find_claims


def test_quote_with_dash_signature():
    assert find_claims('"The tone and spirit of the conversation were excellent" - Trump') == [
        ("The tone and spirit of the conversation were excellent", "Donald Trump")
    ]


def test_name_colon_quote():
    assert find_claims('Putin: "Russia is ready to work with the Ukrainian side"') == [
        ("Russia is ready to work with the Ukrainian side", "Vladimir Putin")
    ]


def test_unknown_name_colon_quote_keeps_the_name():
    assert find_claims('Hernandez: "The bridge will reopen next spring"') == [
        ("The bridge will reopen next spring", "Hernandez")
    ]


def test_quote_inside_a_question():
    claims = find_claims('did Zelenskyy really say "Pressure on Russia will push it toward real peace"?')
    assert claims == [("Pressure on Russia will push it toward real peace", "Volodymyr Zelenskyy")]


def test_block_quote_signed_on_the_next_line():
    claims = find_claims("> I asked him before his conversation with Putin\n— Zelenskyy")
    assert claims == [("I asked him before his conversation with Putin", "Zelenskyy")]


def test_lines_without_quotation_marks():
    assert find_claims("Trump said the tone and spirit of the conversation were excellent") == [
        ("the tone and spirit of the conversation were excellent", "Trump")
    ]
    assert find_claims("Ivan Timofeev: Russia at this certain point can continue its military operations") == [
        ("Russia at this certain point can continue its military operations", "Ivan Timofeev")
    ]


def test_several_quotes_and_single_marks():
    claims = find_claims("first \"we will not back down from this\"\nthen 'we shall fight on the beaches' - Churchill")
    assert [quote for quote, _ in claims] == ["we will not back down from this", "we shall fight on the beaches"]
    assert claims[1][1] == "Churchill"


def test_no_speaker_named():
    assert find_claims('someone wrote "the economy grew by three percent last year" lol') == [
        ("the economy grew by three percent last year", None)
    ]


def test_scare_quotes_mentions_and_links_are_not_claims():
    assert find_claims("I don't think that's \"true\" at all") == []
    assert find_claims("see <@123456789> and https://example.com/a\"b\"c") == []


def test_split_quote_is_one_claim():
    claims = find_claims('"I\'ll tell you," he said, "but I think something is going to happen."')
    assert claims == [("I'll tell you, but I think something is going to happen.", None)]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(list("ab Z.,:'\"“”>—-\n") + ["said ", "Putin", "http://x", "<@1>"]), max_size=60).map("".join))
def test_claims_never_crash_and_come_from_the_message(message):
    squashed = " ".join(message.split())
    for quote, speaker in find_claims(message):
        assert len(quote.split()) >= 3
        for word in quote.split():
            assert word.strip("\"'“”‘’") in squashed
        assert speaker is None or speaker.strip()


def test_chat_signatures_in_lower_case_or_without_dash():
    assert find_claims('is this real?? "I will be the greatest jobs president that God ever created" -donald trump') == [
        ("I will be the greatest jobs president that God ever created", "Donald Trump")
    ]
    assert find_claims('"Read my lips: no new taxes." George H. W. Bush, 1988') == [
        ("Read my lips: no new taxes.", "George H. W. Bush")
    ]
    assert find_claims('"we will not back down from this" lol ok') == [("we will not back down from this", None)]


def test_question_words_are_not_part_of_the_name():
    assert find_claims("Did Biden really say 'we finally beat Medicare'?") == [("we finally beat Medicare", "Joe Biden")]
