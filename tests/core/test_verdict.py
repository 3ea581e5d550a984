"""Verdict levels and differences on real statements (the seed article, debates, State of the Union)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.verdict import compare, opposite

# From the seed article (NPR, 2025-05-19).
ZELENSKYY = "If the Russians are not ready to stop the killings, there must be stronger sanctions,"
PUTIN = (
    "is ready to work with the Ukrainian side on a memorandum on a possible future peace accord, defining a "
    "number of positions, such as, for example, the principles of a settlement, the timing of a possible peace agreement,"
)
TRUMP = (
    "I'll tell you big egos involved, but I think something's going to happen. And if it doesn't, I just back away, "
    "and they're going to have to keep going again,"
)
PRISONERS = "both sides said they would each exchange 1,000 prisoners of war but failed to agree on an immediate ceasefire."
# US presidential debates (transcripts of 1960-2016 lost their apostrophes).
BUSH_1984 = "Well, I dont think theres a great difference, Mr. Mashek, between my views and President Reagans."
# State of the Union, 1941.
FDR = "We look forward to a world founded upon four essential human freedoms."
# State of the Union, 1829.
HONOR = "Humanity and national honor demand that every effort should be made to avert so great a calamity."


def kinds(quote: str, statement: str) -> list[tuple[str, bool, str | None]]:
    return [(d.kind, d.meaningful, d.reason) for d in compare(quote, statement).differences]


@pytest.mark.parametrize(
    "quote, statement",
    [
        ("the Russians are not ready to stop the killings", ZELENSKYY),
        ("\u201cIF THE RUSSIANS ARE NOT READY TO STOP THE KILLINGS\u201d", ZELENSKYY),
        ("ready to work with the Ukrainian side \u2026 a possible future peace accord", PUTIN),
        ("ready to work [...] on a memorandum ... the timing of a possible peace agreement", PUTIN),
        ("we look forward to a world founded upon four essential human freedoms", FDR),
        ("I don\u2019t think there\u2019s a great difference", BUSH_1984),
    ],
)
def test_verbatim_fragments_are_verified(quote: str, statement: str) -> None:
    result = compare(quote, statement)
    assert result.level == "verified", result.differences
    assert result.coverage == 1.0


def test_elided_pieces_out_of_order_are_not_verified() -> None:
    assert compare("the timing of a possible peace agreement \u2026 ready to work", PUTIN).level != "verified"


@pytest.mark.parametrize(
    "quote, statement, reason",
    [
        ("the Russians are not ready to stop the kilings", ZELENSKYY, "typo"),
        ("we look forward to a world founded upon four esential human fredoms", FDR, "typo"),
        # A slip in the statement, which the quote spells right, is a typo too.
        ("we look forward to a world founded upon four essential human freedoms", FDR.replace("world", "wurld"), "typo"),
        ("Humanity and national honour demand that every effort should be made", HONOR, "spelling"),
        ("Well, the Russians are not ready to stop the killings", ZELENSKYY, "filler"),
        ("the Russians are, you know, not ready to stop the killings", ZELENSKYY, "filler"),
        ("If the Russians aren't ready to stop the killings", ZELENSKYY, "contraction"),
        ("I do not think there is a great difference", BUSH_1984, "contraction"),
        ("they would each exchange one thousand prisoners of war", PRISONERS, "number form"),
    ],
)
def test_changes_that_keep_the_meaning_are_close(quote: str, statement: str, reason: str) -> None:
    result = compare(quote, statement)
    assert result.level == "close"
    assert (reason, False) in [(d.reason, d.meaningful) for d in result.differences]


@pytest.mark.parametrize(
    "quote, statement, reason",
    [
        ("the Russians are ready to stop the killings", ZELENSKYY, "negation"),
        ("the Russians are never ready to stop the killings", ZELENSKYY, "negation"),
        ("I do think theres a great difference", BUSH_1984, "negation"),
        ("And if it does, I just back away", TRUMP, "negation"),
        ("we look forward to a world founded upon no essential human freedoms", FDR, "negation"),
        ("they would each exchange 10,000 prisoners of war", PRISONERS, "number"),
        ("they would each exchange ten thousand prisoners of war", PRISONERS, "number"),
        ("we look forward to a world founded upon three essential human freedoms", FDR, "number"),
        ("If the Ukrainians are not ready to stop the killings", ZELENSKYY, "name"),
        ("there must be weaker sanctions", ZELENSKYY, "antonym"),
        ("the Russians are not ready to stop the killings, there must be stronger sanctions on China and its banks", ZELENSKYY, "insertion"),
        ("is ready to work with the Ukrainian side on a memorandum, defining a number of positions", PUTIN, "deletion"),
    ],
)
def test_changes_of_meaning_are_altered(quote: str, statement: str, reason: str) -> None:
    result = compare(quote, statement)
    assert result.level == "altered"
    meaningful = [d for d in result.differences if d.meaningful]
    assert meaningful and meaningful[0].reason == reason, result.differences


def test_difference_carries_both_sides_as_written() -> None:
    (difference,) = compare("they would each exchange 10,000 prisoners", PRISONERS).differences
    assert (difference.kind, difference.quoted, difference.original) == ("replace", "10,000", "1,000")
    (difference,) = compare("If the Russians are ready to stop", ZELENSKYY).differences
    assert (difference.kind, difference.quoted, difference.original) == ("delete", "", "not")
    (difference,) = compare("If the Russians aren't ready", "If the Russians are ready").differences
    assert difference.meaningful and difference.reason == "negation" and difference.quoted == "aren't"


@pytest.mark.parametrize(
    ("quote", "quoted", "original"),
    [
        ("The tone and spirit of the conversation were terrible", "terrible", "excellent"),
        ("Awful tone and spirit of the conversation were excellent", "Awful", "The"),
    ],
)
def test_a_word_changed_at_the_edge_of_the_statement_is_a_replacement(quote: str, quoted: str, original: str) -> None:
    result = compare(quote, "The tone and spirit of the conversation were excellent")
    assert result.level == "altered"
    assert [(d.kind, d.quoted, d.original) for d in result.differences] == [("replace", quoted, original)]


def test_filler_added_at_the_edge_stays_an_insertion() -> None:
    result = compare("The tone and spirit of the conversation were excellent, really", "The tone and spirit of the conversation were excellent")
    assert result.level == "close"
    assert [(d.kind, d.quoted) for d in result.differences] == [("insert", "really")]


def test_words_added_after_a_fragment_are_an_insertion_not_a_swap() -> None:
    result = compare("the conversation were excellent and historic", "The tone and spirit of the conversation were excellent")
    assert [(d.kind, d.quoted, d.meaningful) for d in result.differences] == [("insert", "and historic", True)]


def test_numbers_in_words_and_digits() -> None:
    assert compare("exchange 1000 prisoners", PRISONERS).level == "verified"
    assert compare("exchange one thousand prisoners", PRISONERS).level == "close"
    assert compare("exchange one hundred prisoners", PRISONERS).level == "altered"


def test_opposites() -> None:
    assert opposite("increase", "decrease")
    assert opposite("legal", "illegal")
    assert opposite("possible", "impossible")
    assert not opposite("legal", "regal")
    assert compare("unemployment will decrease next year", "unemployment will increase next year").level == "altered"


def test_coverage_counts_words_found() -> None:
    result = compare("stronger sanctions against everyone who buys Russian oil", ZELENSKYY)
    assert result.coverage < 0.5
    assert result.level == "altered"


def test_number_spans_read_words_digits_and_slips() -> None:
    from bot.core.normalize import keys
    from bot.core.numbers import number_spans

    def values(text: str) -> list[str]:
        return [value for _, _, value in number_spans(keys(text))]

    assert values("one hundred and five") == ["105"]
    assert values("1.5 million people") == ["1500000"]
    assert values("twenty five six") == ["25", "6"]
    assert values("one and two") == ["1", "2"]
    assert values("two thousand three hundred twelve") == ["2312"]
    assert values("stopped $16 billoin in spending") == ["16000000000"]  # a slip next to a number
    assert values("the fifth of them") == []


def test_misspelt_number_word_is_close_not_a_changed_number() -> None:
    statement = "And among those vetoes, I stopped $16 billion in additional spending."
    assert compare("I stopped $16 billoin in additional spending", statement).level == "close"
    assert compare("I stopped $16 million in additional spending", statement).level == "altered"


ASKED = "I asked him [Trump] before his conversation with Putin not to make decisions about Ukraine without us,"


def test_editorial_brackets_are_not_the_speakers_words() -> None:
    assert compare("I asked him before his conversation with Putin not to make decisions", ASKED).level == "verified"
    assert compare("I asked him [Trump] before his conversation with Putin", ASKED).level == "verified"
    result = compare("I asked him [the president] before his conversation", "I asked him before his conversation")
    assert result.level == "close" and result.differences[0].reason == "editorial"


def test_a_quote_running_into_the_surrounding_words_is_close() -> None:
    before = "Trump and Italy's government said the Vatican might host the negotiations. Russia"
    result = compare("Russia is ready to work with the Ukrainian side", PUTIN, before=before)
    assert result.level == "close"
    assert [(d.kind, d.quoted, d.reason) for d in result.differences] == [("insert", "Russia", "context")]
    # Other added words stay an insertion.
    assert compare("Ukraine is ready to work with the Ukrainian side", PUTIN, before=before).level == "altered"
    after = "Putin said in a briefing"
    assert compare("the timing of a possible peace agreement, Putin said", PUTIN, after=after).level == "close"


SENTENCES = [ZELENSKYY, PUTIN, TRUMP, PRISONERS, BUSH_1984, FDR]


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(SENTENCES), st.data())
def test_any_inserted_negation_is_caught(sentence: str, data: st.DataObject) -> None:
    words = sentence.split()
    at = data.draw(st.integers(min_value=1, max_value=len(words) - 1))
    word = data.draw(st.sampled_from(["not", "never", "no"]))
    quote = " ".join(words[:at] + [word] + words[at:])
    result = compare(quote, sentence)
    assert result.level == "altered"
    assert any(d.reason == "negation" for d in result.differences)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from([ZELENSKYY, PUTIN, PRISONERS, FDR]), st.data())
def test_a_dropped_or_doubled_letter_is_close(sentence: str, data: st.DataObject) -> None:
    words = sentence.split()
    spots = [i for i, w in enumerate(words) if len(w) >= 7 and w.isalpha() and w.islower()]
    i = data.draw(st.sampled_from(spots))
    j = data.draw(st.integers(min_value=1, max_value=len(words[i]) - 2))
    doubled = data.draw(st.booleans())
    words[i] = words[i][:j] + words[i][j] + words[i][j:] if doubled else words[i][:j] + words[i][j + 1 :]
    assert compare(" ".join(words), sentence).level == "close"


def test_a_slip_in_the_first_word_quotes_that_word_even_when_it_is_a_negation() -> None:
    statement = "When you dont have any ideas, I guess you say the other persons ideas are old."
    slipped = compare("dowt have any ideas, I guess you say the other persons", statement)
    assert slipped.level == "close" and [d.kind for d in slipped.differences] == ["typo"]
    # Without the word, the negation governing the quote is left out: altered, as before.
    cut = compare("have any ideas, I guess you say the other persons", statement)
    assert cut.level == "altered" and cut.differences[0].kind == "context" and cut.differences[0].reason == "negation"
    sonnet = "It is an ever fixed mark that looks on tempests and is never shaken; it is the star to every wandering bark"
    assert compare("niver shaken; it is the star to", sonnet).level == "close"
    assert compare("shaken; it is the star to", sonnet).level == "altered"


def test_a_slip_in_a_number_word_is_a_typo_and_another_number_stays_a_change() -> None:
    statement = "We have added employment of about four million in the last seventeen months."
    slipped = compare("about fdur million in the last seventeen months", statement)
    assert slipped.level == "close" and [(d.kind, d.quoted) for d in slipped.differences] == [("typo", "fdur million")]
    assert compare("about five million in the last seventeen months", statement).level == "altered"
    assert compare("about for million in the last seventeen months", statement).level == "altered"  # a real word


# From the quotations data set (its statements write some apostrophes as acute accents).
INTERFERE = (
    "It´s natural to want someone you love to do what you want, or what you think would be good for them, but you "
    "have to let everything happen to them. You can't interfere with people you love any more than you're supposed to "
    "interfere with people you don't even know. And that's hard, ..., because you often feel like interfering -you want "
    "to be the one who makes the plans."
)
MONDALE = (
    "And Im not sure, because of my concept of the vice presidency, that if I didnt, Id go doing what Mr. Mondale has "
    "done with Jimmy Carter; jump away from him."
)
RUSSIAN = (
    "I want to play hide-and-seek and give you my clothes and speak German to you badly and Hebrew to you worse and "
    "make love with you at three in the morning and somehow somehow somehow communicate some of the overwhelming "
    "undying overpowering unconditional all-encompassing heart-enriching mind-expanding on-going never-ending love I have for you."
)
# State of the Union, 1945 and 1946.
ARMY = "Over 5 million from the Army have already passed through the separation centers."
ROUNDS = "We produced 181 million rounds of artillery ammunition, twelve times greater than our 1941 production."


def test_an_apostrophe_written_as_an_accent_is_still_an_apostrophe() -> None:
    assert compare("It's natural to want someone you love to do what you want", INTERFERE).level == "verified"
    slipped = compare("It's natural to want someone you love to do what you wabt", INTERFERE)
    assert slipped.level == "close" and [d.kind for d in slipped.differences] == ["typo"]


def test_a_slip_next_to_a_repeated_word_or_after_an_elision_is_a_typo() -> None:
    # A slip of the same length as its word in a short word ("somehiw", "wznt") is not a spelling
    # variant; next to a repeated word, or opening a piece after "…", it once read as an added word.
    repeated = compare("somehow somehiw somehow communicate some of the overwhelming", RUSSIAN)
    assert repeated.level == "close" and [(d.kind, d.quoted, d.original) for d in repeated.differences] == [("typo", "somehiw", "somehow")]
    elided = compare("because you often feel like interfering ... wznt to be the one who makes the plans", INTERFERE)
    assert elided.level == "close" and [(d.kind, d.quoted) for d in elided.differences] == [("typo", "wznt")]
    # Another real word stays a change.
    assert compare("because you often feel like interfering ... went to be the one who makes the plans", INTERFERE).level == "altered"


def test_a_slip_in_a_last_word_that_contracts_a_negation_quotes_the_negation() -> None:
    slipped = compare("because of my concept of the vice presidency, that if I didnx", MONDALE)
    assert slipped.level == "close" and [(d.kind, d.original) for d in slipped.differences] == [("typo", "didnt")]
    # Without the word's "not", the negation is left out: altered, as before.
    assert compare("because of my concept of the vice presidency, that if I did", MONDALE).level == "altered"


def test_a_quote_that_cuts_a_number_in_two_is_altered_and_names_the_number_words_left_out() -> None:
    # The contract: a cut end that leaves out a number governing the quoted words changes the sense.
    for quote in ("million from the Army have already passed through", "millipn from the Army have already passed through"):
        cut = compare(quote, ARMY)
        assert cut.level == "altered"
        assert [(d.kind, d.original, d.reason) for d in cut.differences] == [("context", "5", "number")]
    stopped = compare("We produced 181", ROUNDS)
    assert stopped.level == "altered" and [(d.kind, d.original) for d in stopped.differences] == [("context", "million")]
    assert compare("We prodused 181", ROUNDS).level == "altered"
    split_words = compare("five thousand troops came home", "We sent twenty five thousand troops came home.")
    assert [(d.kind, d.original) for d in split_words.differences] == [("context", "twenty")]
    # Cut before or after the whole number, the quote gives no number: words as said.
    assert compare("from the Army have already passed through", ARMY).level == "verified"
    assert compare("We produced 181 million rounds", ROUNDS).level == "verified"
    # Another number, or the number's own words changed, stays a change.
    assert compare("Over 6 million from the Army have already passed", ARMY).level == "altered"
    assert compare("billion from the Army have already passed through", ARMY).level == "altered"
    assert compare("We produced 180", ROUNDS).level == "altered"


def test_a_piece_before_an_elision_takes_the_first_place_it_is_said() -> None:
    # "you" is said three times; the piece after "..." follows the second, so the first piece is not the last "you".
    statement = "When you're hot the lowlifes really shoot at you... and they try hitting from every angle! Never let them get you down."
    assert compare("you... and they try hitting from every angle!", statement).level == "verified"
    assert compare("you... and they try hitting from every angle! Nevr let them", statement).level == "close"
