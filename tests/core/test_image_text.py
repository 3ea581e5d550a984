"""The pure part of reading pictures: pieces of OCR text put back into lines, mended, and turned into
quotations with the name printed under them. The pieces are laid out as an engine reports them."""

from __future__ import annotations

import pytest

from bot.core.image_text import OcrPiece, lookalike, mend, mend_against, paragraphs, read_text, reread, rows_of, signature


def lines(*rows: str, top: float = 100, height: float = 40, gap: float = 12, confidence: float = 0.95) -> list[OcrPiece]:
    """One piece per row, stacked from `top` with `gap` pixels between rows."""
    pieces = []
    y = top
    for text in rows:
        pieces.append(OcrPiece(text, 90, y, 90 + 20 * len(text), y + height, confidence))
        y += height + gap
    return pieces


def test_pieces_on_one_line_are_joined_left_to_right_and_lines_read_top_to_bottom():
    pieces = [
        OcrPiece("people,", 400, 152, 560, 190),
        OcrPiece("the", 90, 150, 160, 192),
        OcrPiece("Government of", 90, 100, 380, 140),
        OcrPiece("for", 180, 151, 240, 191),
    ]
    assert [row.text for row in rows_of(pieces)] == ["Government of", "the for people,"]


def test_pieces_the_engine_is_unsure_of_are_dropped():
    pieces = lines("The tone and spirit were excellent") + [OcrPiece("~~%#", 10, 900, 60, 930, 0.2)]
    assert [row.text for row in rows_of(pieces)] == ["The tone and spirit were excellent"]


def test_a_quote_card_gives_its_words_and_the_signed_name():
    pieces = lines("\u201cThe tone and spirit of the", "conversation were excellent.\u201d")
    pieces += lines("\u2014 Donald Trump", top=260, height=30)
    read = read_text(pieces)
    assert read.claims == (("The tone and spirit of the conversation were excellent.", "Donald Trump"),)
    assert read.text.splitlines()[0] == "\u201cThe tone and spirit of the"


def test_the_dash_read_as_a_hyphen_or_lost_still_signs_the_quote():
    for signed in ("- Donald Trump", "-Donald Trump", "~ Donald Trump, 2025", "Donald Trump"):
        pieces = lines('"The tone and spirit of the', 'conversation were excellent."') + lines(signed, top=260, height=30)
        assert read_text(pieces).claims[0][1] == "Donald Trump", signed


def test_a_name_only_line_is_not_a_signature_in_the_middle_of_text():
    pieces = lines("We met with the delegation and", "Donald Trump", "said the talks went well")
    claims = read_text(pieces).claims
    assert claims == (("We met with the delegation and Donald Trump said the talks went well", None),)


def test_titles_in_the_signature_are_dropped():
    assert signature("\u2014 President Abraham Lincoln") == "Abraham Lincoln"
    assert signature("The words of a long line") is None


def test_words_without_quotation_marks_are_one_quotation_signed_by_a_name_set_apart():
    read = read_text(lines("Government of the people, by the", "people, for the people") + lines("Abraham Lincoln", top=300))
    assert read.claims == (("Government of the people, by the people, for the people", "Abraham Lincoln"),)


def test_a_word_broken_at_a_line_end_is_joined():
    read = read_text(lines("The tone of the conver-", "sation was excellent"))
    assert read.claims[0][0] == "The tone of the conversation was excellent"


def test_the_usual_ocr_slips_are_mended():
    assert mend("If 1 didn't think it was excellent, l would say so") == "If I didn't think it was excellent, I would say so"
    assert mend("1'm sure.It was") == "I'm sure. It was"
    assert mend("Donald J.Trump") == "Donald J. Trump"
    assert mend("the Commission'ssubstantive work, it's good") == "the Commission's substantive work, it's good"
    # Real numbers stay numbers.
    assert mend("1 in 10 people, 1,000 jobs, page 1.") == "1 in 10 people, 1,000 jobs, page 1."


def test_two_cards_in_one_picture_give_two_signed_quotations():
    pieces = lines('"The tone and spirit were excellent."') + lines("- Donald Trump", top=160, height=30)
    pieces += lines('"Russia is ready to work with Ukraine."', top=400) + lines("- Vladimir Putin", top=460, height=30)
    assert read_text(pieces).claims == (
        ("The tone and spirit were excellent.", "Donald Trump"),
        ("Russia is ready to work with Ukraine.", "Vladimir Putin"),
    )


def test_a_screenshot_of_a_post_gives_its_author_and_leaves_out_time_and_counts():
    pieces = lines("Donald J.Trump", top=50, height=36) + lines("@realDonaldTrump", top=96, height=28)
    pieces += lines("The tone and spirit of the conversation were", "excellent.", top=175)
    pieces += lines("10:24 AM \u00b7 May 19, 2025", top=300, height=26)
    pieces += lines("1,204 Reposts 312 Quotes 5,318 Likes", top=370, height=26)
    read = read_text(pieces)
    assert read.claims == (("The tone and spirit of the conversation were excellent.", "Donald J. Trump"),)
    assert "5,318 Likes" in read.text  # shown as read, only left out of the quotation


def test_a_quotation_inside_other_text_is_found_with_its_speaker():
    pieces = lines('BREAKING: Putin said "Russia is ready to work with', 'Ukraine on a memorandum" today')
    claims = read_text(pieces).claims
    assert claims[0][0].startswith("Russia is ready to work with Ukraine")
    assert claims[0][1] is not None and claims[0][1].endswith("Putin")


def test_no_text_or_a_few_words_give_no_quotation():
    assert read_text([]).claims == () and read_text([]).text == ""
    assert read_text(lines("SALE")).claims == ()


def test_paragraphs_split_at_gaps_and_size_changes():
    rows = rows_of(lines("one line of text", "two line of text") + lines("small name", top=400, height=20))
    assert [len(block) for block in paragraphs(rows)] == [2, 1]


# Word counts shaped like those of a large English corpus (the real table ships in the `wordsegment` package).
COUNTS = {"": 5e11, "to": 1.2e10, "get": 6e8, "a": 9e9, "better": 1.6e8, "things": 2e8, "we": 2e9, "must": 2.9e8,
          "con": 3e7, "vers": 1.2e6, "at": 2.3e9, "lon": 3.6e6, "plan": 1.6e8, "toget": 3.8e4, "stockdale": 2.6e5,
          "stock": 1e8, "dale": 1e7, "under": 3e8, "estimated": 3e7, "radioisotopes": 6e4, "of": 1.3e10}


def test_words_run_together_are_split_only_into_common_words():
    from bot.core.image_text import split_run_on

    assert split_run_on("thingswemust", COUNTS) == ["things", "we", "must"]
    assert split_run_on("toget", COUNTS) == ["to", "get"]  # a rare word of its own, far less likely than "to get"
    assert split_run_on("ofradioisotopes", COUNTS) == ["of", "radioisotopes"]
    assert split_run_on("stockdale", COUNTS) is None  # a name more common than its pieces together
    assert split_run_on("conversatlon", COUNTS) is None  # a misread word is not cut into syllables
    assert split_run_on("better", COUNTS) is None
    assert mend("we have aplan toget abetter deal", COUNTS) == "we have a plan to get a better deal"


def test_a_handle_split_by_the_engine_still_marks_the_author_line():
    pieces = lines("Morton Kondracke", top=50, height=36) + lines("@Morton kondracke", top=96, height=28)
    pieces += lines("And you vowed swift retaliation against terrorists", top=175)
    assert read_text(pieces).claims == (("And you vowed swift retaliation against terrorists", "Morton Kondracke"),)


def test_a_capital_i_read_as_a_small_l_and_a_dash_read_as_a_chinese_one_are_mended():
    counts = {**COUNTS, "iraq": 3e7, "it": 4e9, "lt": 2e7, "lraq": 10.0, "last": 2e8, "line": 2e8}
    assert mend("talked about lraq. lt is the last line", counts) == "talked about Iraq. It is the last line"
    assert signature("\u4e00Franklin D. Roosevelt") == "Franklin D. Roosevelt"
    assert signature(mend("\u4e00AlGore")) == "Al Gore"


def test_a_capitalised_run_is_split_only_when_it_starts_with_a_common_word():
    counts = {**COUNTS, "the": 2.3e10, "cost": 1.6e8, "fill": 3e7, "i": 1e10, "ifill": 7e4, "american": 3e8, "dollar": 5e7}
    assert mend("Thecostof the Americandollar", counts) == "The cost of the American dollar"
    assert mend("Gwen Ifill", counts) == "Gwen Ifill"  # a name the counts know, not "I fill"
    assert mend("JohnMcCain fighting ISiS") == "John McCain fighting ISiS"


def test_a_pronoun_before_the_quotation_gives_way_to_the_post_author():
    pieces = lines("Bill Gates", top=50, height=36) + lines("@BillGates", top=96, height=28)
    pieces += lines('He said: "Well, I just sat in my dorm and I made computers."', top=175)
    assert read_text(pieces).claims == (("Well, I just sat in my dorm and I made computers.", "Bill Gates"),)


STATEMENT = "I've seen 200 people with Al Gore — and we will not give up, he said."


@pytest.mark.parametrize(("read", "mended"), [
    ("lve seen 2o0 people with AIGore.", "I've seen 200 people with Al Gore."),  # l/I, o/0, a lost space
    ("I've seen 200 peop le with Al Gore, and we wi1l not give up", "I've seen 200 people with Al Gore, and we will not give up"),
    ("seen200peoplewith Al Gore", "seen 200 people with Al Gore"),  # a line whose spaces were lost
    ("Al Gore μ and we vvill not give up", "Al Gore — and we will not give up"),  # vv for w, a dash read as a letter
])
def test_misreadings_of_the_statement_are_put_right(read: str, mended: str) -> None:
    assert mend_against(read, STATEMENT)[0] == mended


@pytest.mark.parametrize("read", [
    "I've seen 300 people with Al Gore",  # a number changed
    "I've seen 2000 people with Al Gore",
    "I've seen 200 people with Al Bore",  # a name changed
    "we will give up",  # a negation dropped
    "and we will never give up",  # a word put in its place
    "I've seen 201 people with Al Gore",  # 1 looks like l, not like 0
])
def test_words_the_card_changed_are_left_as_read(read: str) -> None:
    mended, pairs = mend_against(read, STATEMENT)
    assert mended == read and pairs == []


def test_lookalikes_fold_the_letters_the_engine_confuses_and_nothing_else() -> None:
    assert lookalike("lve") == lookalike("I've") and lookalike("AIGore") == lookalike("Al Gore")
    assert lookalike("rnodern") == lookalike("modern") and lookalike("cIear") == lookalike("dear")
    assert lookalike("not") != lookalike("now") and lookalike("10") != lookalike("11")


def test_a_reread_names_what_was_misread_and_mends_the_printed_name() -> None:
    again = reread("lve seen 200 people", "AIGore", STATEMENT, "Al Gore")
    assert again is not None and again.quote == "I've seen 200 people" and again.speaker == "Al Gore"
    assert "“lve” as “I've”" in again.note and "“AIGore” as “Al Gore”" in again.note
    assert reread("I've seen 200 people", "Al Gore", STATEMENT, "Al Gore") is None
    assert reread("I've seen 200 people", "Bill Clinton", STATEMENT, "Al Gore") is None  # another name is not a misreading


def test_a_quotation_opened_and_not_closed_leaves_the_words_whole():
    # A cut piece of a post: the stray mark opens a quotation that goes on beyond the picture.
    read = read_text(lines("The czar, who has worked for every president since", "Ronald Reagan, said, “Invading Iraq in response"))
    assert read.claims == (("The czar, who has worked for every president since Ronald Reagan, said, “Invading Iraq in response", None),)


def test_a_last_line_of_one_short_word_is_not_a_signature():
    read = read_text(lines("and the social development of a country that we have.", "SO"))
    assert read.claims[0][1] is None
    signed = read_text(lines("and the social development of a country that we have.", "Groer"))
    assert signed.claims[0][1] == "Groer"


def test_a_bare_name_after_words_ending_in_a_colon_signs_them():
    read = read_text(lines("To reduce the gaps in these, I shall propose:", "Dwight D. Eisenhower"))
    assert read.claims == (("To reduce the gaps in these, I shall propose:", "Dwight D. Eisenhower"),)
