"""Words a quote leaves out (elided or cut off), on real debate and State of the Union sentences."""

from __future__ import annotations

import pytest

from bot.core.normalize import match_text, split_elisions
from bot.core.omissions import may_omit_meaning, meaning_of
from bot.core.verdict import compare

# Bill Clinton, presidential debate of 1992-10-19.
CLINTON = "I will not raise taxes on the middle class to pay for these programs."
# State of the Union addresses (Truman 1948, 1946, 1947, 1949; Madison 1809; Tyler 1844; Trump 2026).
TRUMAN_1948 = "We believe that the United States can be an effective force for world peace only if it is strong."
TRUMAN = "It will now expire, unless further extended, on June 30, 1946."
TRUMAN_CONTROLS = "The remaining controls will be retained only as long as they are needed to protect the public."
TRUMAN_1949 = "We can keep our present prosperity, and increase it, only if free enterprise and free government work together to that end."
HEALTH = "The blessing of health has never been more universal."
TYLER = "A currency nearly uniform in its value has taken the place of one depreciated and almost worthless."
AUTO_LOANS = "And we also made interest on auto loans tax deductible—the first time—but only if the car is made in America."


def context(quote: str, statement: str) -> list[tuple[str, str, str | None]]:
    return [(d.quoted, d.original, d.reason) for d in compare(quote, statement).differences if d.kind == "context"]


@pytest.mark.parametrize("mark", ["...", "\u2026", "[...]", "[\u2026]", ". . ."])
def test_an_elided_negation_is_altered_and_named(mark: str) -> None:
    result = compare(f"I will {mark} raise taxes on the middle class to pay for these programs.", CLINTON)
    assert result.level == "altered"
    first = result.differences[0]
    assert (first.kind, first.original, first.meaningful, first.reason) == ("context", "not", True, "negation")
    assert first.passage.startswith("I will not raise taxes")


@pytest.mark.parametrize(
    "quote, statement, left_out, reason",
    [
        ("The blessing of health has … been more universal.", HEALTH, "never", "negation"),
        ("It will now expire, unless further extended, on June … 1946.", TRUMAN, "30", "number"),
        ("A currency … uniform in its value", TYLER, "nearly", "limiter"),
        ("has taken the place of one depreciated and ... worthless", TYLER, "almost", "limiter"),
    ],
)
def test_elided_words_that_carry_the_sense_are_named(quote: str, statement: str, left_out: str, reason: str) -> None:
    result = compare(quote, statement)
    assert result.level == "altered"
    assert context(quote, statement) == [("\u2026", left_out, reason)]


@pytest.mark.parametrize(
    "quote, statement",
    [
        ("I will not raise taxes … to pay for these programs", CLINTON),
        ("We can keep our present prosperity [...] only if free enterprise and free government work together", TRUMAN_1949),
        ("The remaining controls will be retained only as long as they are needed … the public", TRUMAN_CONTROLS),
    ],
)
def test_elisions_of_words_that_carry_no_such_sense_stay_verified(quote: str, statement: str) -> None:
    assert compare(quote, statement).level == "verified"


def test_the_elision_stands_for_the_fewest_words() -> None:
    # "we will" occurs twice: read next to the elision, the mark leaves out nothing but "and".
    statement = "We will not raise taxes, and we will cut spending."
    assert compare("we will … cut spending", statement).level == "verified"


@pytest.mark.parametrize(
    "quote, statement, cut",
    [
        ("the United States can be an effective force for world peace", TRUMAN_1948, "only if it is strong"),
        ("the United States can be an effective force for world peace only", TRUMAN_1948, "if it is strong"),
        ("The remaining controls will be retained", TRUMAN_CONTROLS, "only as long as they are needed to protect the public"),
        ("It will now expire", TRUMAN, "unless further extended, on June 30, 1946"),
        ("we also made interest on auto loans tax deductible—the first time", AUTO_LOANS, "but only if the car is made in America"),
    ],
)
def test_a_quote_cut_before_its_condition_is_altered(quote: str, statement: str, cut: str) -> None:
    result = compare(quote, statement)
    assert result.level == "altered"
    assert context(quote, statement) == [("", cut, "condition")]


def test_a_quote_starting_right_after_its_negation_is_altered() -> None:
    quote = "raise taxes on the middle class to pay for these programs"
    assert compare(quote, CLINTON).level == "altered"
    assert context(quote, CLINTON) == [("", "not", "negation")]
    # Transcripts without apostrophes: "dont" still governs the words after it.
    assert context("question his concern about the war", "I dont question his concern about the war in Vietnam.") == [
        ("", "dont", "negation")
    ]


@pytest.mark.parametrize(
    "quote, statement",
    [
        ("We believe that the United States can be an effective force", TRUMAN_1948),
        ("has taken the place of one depreciated", TYLER),
        ("more universal", HEALTH),
        # "not only …" leaves the words after it standing.
        ("only enlarged the capacity of the Government", "It has not only enlarged the capacity of the Government."),
        # "even if" concedes, "know if" asks: neither sets a condition on the quoted words.
        ("We will keep our word", "We will keep our word, even if it costs us."),
        ("I dont know", "I dont know if you saw the debate the other night."),
        # A condition in the next sentence governs that sentence, also when the quote takes its first word.
        ("We will win this war", "We will win this war. If they attack, we will answer."),
        ("We will win this war. But", "We will win this war. But if they attack, we will answer."),
        # "No," answering a question does not negate what follows it.
        ("we will not abandon them", "No, we will not abandon them."),
    ],
)
def test_fragments_cut_where_nothing_governs_them_stay_verified(quote: str, statement: str) -> None:
    assert compare(quote, statement).level == "verified", compare(quote, statement).differences


def test_the_first_look_lets_plain_fragments_through_and_sends_suspects_to_the_comparison() -> None:
    def spans(quote: str, statement: str) -> tuple[str, list[tuple[int, int]]]:
        text = f" {match_text(statement)} "
        out, position = [], 0
        for piece in (match_text(p) for p in split_elisions(quote)):
            found = text.find(f" {piece} ", position)
            out.append((found + 1, found + 1 + len(piece)))
            position = found + len(piece) + 1
        return text, out

    assert not may_omit_meaning(*spans("the United States can be an effective force", TRUMAN_1948))
    assert may_omit_meaning(*spans("an effective force for world peace", TRUMAN_1948))
    assert may_omit_meaning(*spans("I will ... raise taxes", CLINTON))
    assert may_omit_meaning(*spans("we also made interest on auto loans tax deductible—the first time", AUTO_LOANS))
    assert may_omit_meaning(*spans("raise taxes on the middle class", CLINTON))
    assert may_omit_meaning(*spans("expire, unless further extended, on June ... 1946", TRUMAN))
    assert not may_omit_meaning(*spans("I will not raise taxes ... these programs", CLINTON))


def test_meaning_of_left_out_words() -> None:
    assert meaning_of(["we", "not"]) == "negation"
    assert meaning_of(["1000"]) == meaning_of(["million"]) == "number"
    assert meaning_of(["only"]) == "limiter"
    assert meaning_of(["probably"]) == "qualifier"
    assert meaning_of(["if", "possible"]) == "condition"
    assert meaning_of(["and", "the", "people"]) is None
