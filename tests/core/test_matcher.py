"""The Matcher end to end on real statements: verdicts, speakers, sources, filters, updates."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import MatchingSettings
from bot.core.matcher import Matcher, quote_score
from bot.core.model import SearchFilter, SourceInfo, StatementRecord

NPR = SourceInfo(title="Trump and Putin talk", url="https://www.npr.org/2025/05/19/putin", outlet="NPR", date="2025-05-19")
SPEECH = SourceInfo(title="Address", url="https://example.org/zelenskyy-address", date="2025-05-18", kind="speech")
DEBATE = SourceInfo(title="Presidential debate", date="1984-10-07", kind="transcript")
SOTU = SourceInfo(title="State of the Union 1941", url="https://www.presidency.ucsb.edu/sotu-1941", date="1941-01-06", kind="speech")

ZELENSKYY = "If the Russians are not ready to stop the killings, there must be stronger sanctions."
PEACE = "Pressure on Russia will push it toward real peace \u2013 this is obvious to everyone around the world."
PUTIN = "Russia is for a peaceful settlement to the Ukraine crisis. But we should determine the most effective path towards that peace."
TIMOFEEV = "Sanctions are inflicting harm but this harm is not critical for macroeconomics of Russia."
TRUMP = "The tone and spirit of the conversation were excellent."
REAGAN = "I will not make age an issue of this campaign."
FDR_1 = "In the future days, which we seek to make secure, we look forward to a world founded upon four essential human freedoms."
FDR_2 = "The first is freedom of speech and expression everywhere in the world."


def record(n: int, text: str, speaker: str | None, source: SourceInfo = NPR, **extra: object) -> StatementRecord:
    return StatementRecord(text=text, speaker=speaker, source=source, position=n, id=f"s{n}", **extra)  # type: ignore[arg-type]


def corpus() -> list[StatementRecord]:
    return [
        record(1, ZELENSKYY, "Volodymyr Zelenskyy"),
        record(2, PEACE, "Volodymyr Zelenskyy"),
        record(3, PUTIN, "Vladimir Putin"),
        record(4, TIMOFEEV, "Ivan Timofeev"),
        record(5, TRUMP, "Donald Trump"),
        record(6, REAGAN, "Ronald Reagan", DEBATE),
        record(7, FDR_1, "Franklin D. Roosevelt", SOTU),
        record(8, FDR_2, "Franklin D. Roosevelt", SOTU),
    ]


@pytest.fixture
def matcher() -> Matcher:
    m = Matcher(MatchingSettings())
    m.add_many(corpus())
    m.set_aliases({"Volodymyr Zelenskyy": ["Zelensky", "Volodymyr Zelensky"]})
    return m


def test_verdicts(matcher: Matcher) -> None:
    assert matcher.check("the Russians are not ready to stop the killings").verdict == "verified"
    assert matcher.check("the Russians are not redy to stop the killings").verdict == "close"
    altered = matcher.check("the Russians are ready to stop the killings")
    assert altered.verdict == "altered" and altered.match is not None and altered.match.id == "s1"
    assert [d.reason for d in altered.differences] == ["negation"]
    unverified = matcher.check("the quick brown fox jumps over the lazy dog near the river bank")
    assert unverified.verdict == "unverified" and unverified.match is None


def test_result_has_score_time_and_json(matcher: Matcher) -> None:
    result = matcher.check("\u201cthe tone and spirit of the conversation were excellent\u201d")
    assert result.verdict == "verified" and result.score == 100.0
    assert result.elapsed_ms > 0.0
    data = result.to_json()
    assert data["match"]["statement_id"] == "s5" and data["match"]["speaker"] == "Donald Trump"


def test_empty_quote_is_an_error(matcher: Matcher) -> None:
    with pytest.raises(ValueError):
        matcher.check("  \u2026  ")


@pytest.mark.parametrize("speaker", ["Zelenskyy", "President Volodymyr Zelenskyy", "ZELENSKYY", "zelensky", "Volodymyr Zelensky"])
def test_the_same_person_in_any_form_is_not_misattribution(matcher: Matcher, speaker: str) -> None:
    assert matcher.check("there must be stronger sanctions", speaker=speaker).verdict == "verified"


@pytest.mark.parametrize("speaker", ["Vladimir Putin", "Putin", "Oleksandr Zelenskyy", "Donald Trump"])
def test_another_speaker_is_misattribution(matcher: Matcher, speaker: str) -> None:
    result = matcher.check("there must be stronger sanctions", speaker=speaker)
    assert result.verdict == "misattributed"
    assert result.match is not None and result.match.speaker == "Volodymyr Zelenskyy"
    assert result.note and "Zelenskyy" in result.note


def test_close_words_with_wrong_speaker_are_misattributed_but_altered_stay_altered(matcher: Matcher) -> None:
    assert matcher.check("the tone and sprit of the conversation were excellent", speaker="Putin").verdict == "misattributed"
    assert matcher.check("the tone and spirit of the conversation were terrible", speaker="Putin").verdict == "altered"


def test_a_close_quote_relates_to_the_statements_its_lookup_found_its_own_first(matcher: Matcher) -> None:
    ranked: list[object] = []
    plain = matcher._related.rank

    def seen(*args: object, **kwargs: object) -> object:
        ranked.append(kwargs.get("among"))
        return plain(*args, **kwargs)  # type: ignore[arg-type]

    matcher._related.rank = seen  # type: ignore[method-assign]
    result = matcher.check("the tone and sprit of the conversation were excellent")
    assert result.verdict == "close"
    assert result.related and result.related[0].statement.text == TRUMP
    assert ranked and ranked[0] is not None and len(ranked[0]) <= matcher.settings.candidates  # type: ignore[arg-type]
    unverified = matcher.check("an entirely made up line about harbour trams and cups of flour")
    assert unverified.verdict == "unverified" and ranked[-1] is None  # not found: every statement is ranked


def test_a_speakers_words_retold_are_not_someone_elses_altered_statement(matcher: Matcher) -> None:
    afghanistan = "The Soviet Union says it wants a peaceful settlement in Afghanistan, yet it continues a brutal war."
    matcher.add(record(9, afghanistan, "Ronald Reagan", SOTU))
    claim = "Russia wants a peaceful settlement in Ukraine"
    retold = matcher.check(claim, speaker="Vladimir Putin")
    assert retold.verdict == "unverified" and retold.match is None and not retold.differences
    assert retold.related and retold.related[0].statement.text == PUTIN
    assert retold.note and "Ronald Reagan" in retold.note
    # Given to the statement's own speaker, the changed names are an alteration of it.
    assert matcher.check(claim, speaker="Ronald Reagan").verdict == "altered"


def test_names_of_another_statement_put_into_a_statement_retell_that_one(matcher: Matcher) -> None:
    afghanistan = "The Soviet Union says it wants a peaceful settlement in Afghanistan, yet it continues a brutal war."
    matcher.add(record(9, afghanistan, "Ronald Reagan", SOTU))
    # Given to no one: the names it puts into Reagan's frame ("Russia", "Ukraine") are Putin's statement's.
    retold = matcher.check("Russia wants a peaceful settlement in Ukraine")
    assert retold.verdict == "unverified" and retold.match is None and not retold.differences
    assert retold.related and retold.related[0].statement.text == PUTIN
    assert retold.note and "Ronald Reagan" in retold.note and "Vladimir Putin" in retold.note
    # Reagan's own words with a name changed stay an alteration of them, whatever else shares the name.
    altered = matcher.check("The Soviet Union says it wants a peaceful settlement in Ukraine, yet it continues a brutal war.")
    assert altered.verdict == "altered" and altered.match is not None and altered.match.speaker == "Ronald Reagan"


def test_earliest_primary_source_is_preferred(matcher: Matcher) -> None:
    later = SourceInfo(title="Report", outlet="Wire", date="2025-05-20")
    matcher.add(record(20, ZELENSKYY, "Volodymyr Zelenskyy", later))
    matcher.add(record(21, ZELENSKYY, "Volodymyr Zelenskyy", SPEECH))
    result = matcher.check("the Russians are not ready to stop the killings")
    assert result.match is not None and result.match.id == "s21"  # the speech, not the reports
    assert result.note and "primary source" in result.note
    assert {a.statement.id for a in result.alternatives} >= {"s1", "s20"}


def test_splice_of_two_statements_is_altered(matcher: Matcher) -> None:
    result = matcher.check("Pressure on Russia will push it toward real peace, sanctions are inflicting harm but this harm is not critical")
    assert result.verdict == "altered"
    assert any(d.reason == "splice" for d in result.differences)
    assert result.note and "spliced" in result.note


def test_quote_across_consecutive_sentences_of_one_speech(matcher: Matcher) -> None:
    result = matcher.check("a world founded upon four essential human freedoms. The first is freedom of speech and expression")
    assert result.verdict == "verified"
    assert result.match is not None and result.match.speaker == "Franklin D. Roosevelt"


def test_add_and_remove_take_effect_at_once(matcher: Matcher) -> None:
    quote = "Moscow remains capable of meeting its military objectives in Ukraine"
    assert matcher.check(quote).verdict == "unverified"
    matcher.add(record(30, "Moscow remains capable of meeting its military objectives in Ukraine.", "Vladimir Putin"))
    assert len(matcher) == 9
    assert matcher.check(quote).verdict == "verified"
    matcher.remove("s30")
    assert len(matcher) == 8
    assert matcher.check(quote).verdict == "unverified"
    matcher.remove("s30")  # unknown ids are ignored
    assert len(matcher) == 8


def test_re_adding_an_id_replaces_the_statement(matcher: Matcher) -> None:
    matcher.add(record(5, "The tone of the call was productive.", "Donald Trump"))
    assert len(matcher) == 8
    assert matcher.check("the tone and spirit of the conversation were excellent").verdict == "unverified"


def test_guild_statements_are_seen_only_in_their_guild(matcher: Matcher) -> None:
    matcher.add(record(40, "Our server keeps its own verified statements here.", "Moderator", guild_id=111))
    quote = "our server keeps its own verified statements"
    assert matcher.check(quote, flt=SearchFilter(guild_id=111)).verdict == "verified"
    assert matcher.check(quote, flt=SearchFilter(guild_id=222)).verdict == "unverified"
    assert matcher.check(quote).verdict == "unverified"
    # The shared corpus stays visible inside a guild.
    assert matcher.check("there must be stronger sanctions", flt=SearchFilter(guild_id=111)).verdict == "verified"


def test_search_with_speaker_and_date_filters(matcher: Matcher) -> None:
    found = matcher.search("sanctions", SearchFilter(speaker="Zelenskyy"))
    assert [r.id for r, _ in found][:1] == ["s1"]
    assert all(r.speaker == "Volodymyr Zelenskyy" for r, _ in found)
    assert matcher.search("sanctions", SearchFilter(speaker="Timofeev"))[0][0].id == "s4"
    assert matcher.search("freedom", SearchFilter(date_from="1900-01-01", date_to="1950-12-31"))[0][0].id == "s8"
    assert matcher.search("freedom", SearchFilter(date_from="2000-01-01")) == []
    latest = matcher.search("", SearchFilter(speaker="Roosevelt"))
    assert {r.id for r, _ in latest} == {"s7", "s8"}


def test_speakers_for_autocomplete(matcher: Matcher) -> None:
    assert matcher.speakers("zel") == ["Volodymyr Zelenskyy"]
    assert matcher.speakers("vl")[0] == "Vladimir Putin"
    assert "Franklin D. Roosevelt" in matcher.speakers("roosvelt")  # fuzzy
    assert matcher.speakers("", limit=1) == ["Volodymyr Zelenskyy"] or matcher.speakers("", limit=1) == ["Franklin D. Roosevelt"]
    matcher.add(record(50, "A guild-only statement for the autocomplete.", "Guild Person", guild_id=7))
    assert "Guild Person" not in matcher.speakers("guild")
    assert matcher.speakers("guild", guild_id=7) == ["Guild Person"]


def test_fetch_loads_records_on_demand() -> None:
    records = {r.id: r for r in corpus()}
    asked: list[list[str]] = []

    def fetch(ids: list[str]) -> dict[str, StatementRecord]:
        asked.append(list(ids))
        return {i: records[i] for i in ids if i in records}

    m = Matcher(fetch=fetch)  # type: ignore[arg-type]
    m.add_many(corpus())
    result = m.check("I will not make age an issue of this campaign")
    assert result.verdict == "verified" and result.match is not None and result.match.speaker == "Ronald Reagan"
    assert asked and all(len(batch) <= 10 for batch in asked)


def test_a_replaced_statement_is_read_again_not_served_from_the_records_kept() -> None:
    records = {r.id: r for r in corpus()}
    m = Matcher(fetch=lambda ids: {i: records[i] for i in ids if i in records})
    m.add_many(corpus())
    assert m.check("I will not make age an issue of this campaign").match.source.title == "Presidential debate"  # type: ignore[union-attr]
    edited = record(6, REAGAN, "Ronald Reagan", SourceInfo(title="Second presidential debate", date="1984-10-21", kind="transcript"))
    records["s6"] = edited
    m.add(edited)
    again = m.check("I will not make age an issue of this campaign")
    assert again.match is not None and again.match.source.title == "Second presidential debate"


def test_a_speaker_filter_follows_the_alias_groups_as_they_are_replaced(matcher: Matcher) -> None:
    by_alias = SearchFilter(speaker="President Frank Roosevelt")  # an alias with a title: not looked up as written
    assert matcher.search("freedom of speech", by_alias) == []
    matcher.set_aliases({"Franklin D. Roosevelt": ["Frank Roosevelt", "FDR"]})
    assert {r.speaker for r, _ in matcher.search("freedom of speech", by_alias)} == {"Franklin D. Roosevelt"}
    matcher.set_aliases({})
    assert matcher.search("freedom of speech", by_alias) == []


def crowded(others: list[StatementRecord], target: StatementRecord, at: int) -> Matcher:
    """A matcher over thousands of statements sharing the quote's words, the one holding it stored at `at`."""
    m = Matcher(MatchingSettings())
    m.add_many([*others[:at], target, *others[at:]])
    return m


def test_quote_score_prefers_the_statement_holding_the_quote() -> None:
    quote = "there must be stronger sanctions on russia"
    assert quote_score([quote], "if they stop there must be stronger sanctions on russia now") == 100.0
    # A short statement inside a long quote does not score as if it held the quote.
    assert quote_score([quote], "stronger sanctions") < MatchingSettings().unverified_below


def test_snapshot_round_trip(matcher: Matcher, tmp_path) -> None:
    matcher.add(record(60, "A statement added after start-up is in the snapshot too.", "Late Speaker", guild_id=5))
    matcher.remove("s4")
    path = tmp_path / "index.snapshot"
    matcher.save(path, token="rev-1")
    assert Matcher.load(path, token="rev-2") is None  # another database revision
    assert Matcher.load(tmp_path / "missing", token="rev-1") is None
    restored = Matcher.load(path, token="rev-1")
    assert restored is not None and len(restored) == len(matcher)
    assert restored.check("the Russians are not ready to stop the killings", speaker="Zelensky").verdict == "verified"
    assert restored.check("this harm is not critical for macroeconomics of Russia").verdict == "unverified"
    assert restored.check("added after start-up is in the snapshot", flt=SearchFilter(guild_id=5)).verdict == "verified"
    assert restored.speakers("late", guild_id=5) == ["Late Speaker"]
    assert restored.search("", SearchFilter(speaker="Roosevelt"))
    restored.add(record(61, "Searchable at once after a restore as well.", "Someone"))
    assert restored.check("searchable at once after a restore").verdict == "verified"


def test_bulk_load_replaces_and_keeps_the_last_of_duplicate_ids(matcher: Matcher) -> None:
    matcher.add_many(
        [
            record(5, "A first version that the second one replaces.", "Donald Trump"),
            record(5, "The tone of the call was productive and warm.", "Donald Trump"),
            record(70, "Another statement loaded in the same batch.", "Someone Else"),
        ]
    )
    assert len(matcher) == 9
    assert matcher.check("the tone of the call was productive and warm").verdict == "verified"
    assert matcher.check("a first version that the second one replaces").verdict == "unverified"
    assert matcher.check("the tone and spirit of the conversation were excellent").verdict == "unverified"
    assert matcher.speakers("someone") == ["Someone Else"]


def test_partial_dates_in_filters(matcher: Matcher) -> None:
    assert matcher.search("freedom", SearchFilter(date_from="1941", date_to="1941"))[0][0].id == "s8"
    assert matcher.search("freedom", SearchFilter(date_from="1941-02", date_to="1941-12")) == []
    assert matcher.search("sanctions", SearchFilter(date_to="2025-05"))[0][0].id == "s1"


SENTENCES = [ZELENSKYY, PEACE, PUTIN, TIMOFEEV, TRUMP, REAGAN, FDR_1, FDR_2]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(SENTENCES), st.data())
def test_any_fragment_of_a_statement_is_verified_from_it(sentence: str, data: st.DataObject) -> None:
    m = _shared_matcher()
    words = sentence.split()
    size = data.draw(st.integers(min_value=min(5, len(words)), max_value=len(words)))
    start = data.draw(st.integers(min_value=0, max_value=len(words) - size))
    fragment = " ".join(words[start : start + size])
    styled = data.draw(st.sampled_from([str.upper, str.lower, lambda t: t.replace("'", "\u2019")]))(fragment)
    result = m.check(styled)
    assert result.match is not None and fragment.lower().strip(",.") in result.match.text.lower()
    if start > 0 and words[start - 1] == "not":
        # A fragment that starts right after the statement's "not" leaves out what governs it.
        assert result.verdict == "altered"
        assert [(d.kind, d.original) for d in result.differences] == [("context", "not")]
    else:
        assert result.verdict == "verified"


_SHARED: list[Matcher] = []


def _shared_matcher() -> Matcher:
    if not _SHARED:
        m = Matcher()
        m.add_many(corpus())
        _SHARED.append(m)
    return _SHARED[0]


def test_short_quote_of_common_words_finds_its_statement() -> None:
    m = Matcher()
    filler = [record(100 + n, f"There you go with {w}, and again we go there.", f"Person {n}") for n, w in enumerate("abcdefghijklmnopqrstuvwxyz" * 12)]
    m.add_many([*filler, record(1, "There you go again.", "Ronald Reagan", DEBATE)])
    result = m.check("There you go again", speaker="Reagan")
    assert result.verdict == "verified" and result.match is not None and result.match.id == "s1"


def test_words_many_people_said_are_verified_for_each_of_them() -> None:
    """The few candidates compared may all be other people's: the speaker's own statement still counts."""
    m = Matcher(MatchingSettings())
    thanks = [record(100 + n, "Thank you very much.", f"Speaker Number{n}", SOTU) for n in range(40)]
    m.add_many([*corpus(), *thanks])
    for n in (0, 17, 39):
        result = m.check("Thank you very much", speaker=f"Speaker Number{n}")
        assert result.verdict == "verified", (n, result.note)
        assert result.match is not None and result.match.speaker == f"Speaker Number{n}"
    stranger = m.check("Thank you very much", speaker="Donald Trump")
    assert stranger.verdict == "misattributed"
    assert m.check("Thank you very much, Madam Speaker", speaker="Speaker Number3").verdict != "verified"


def test_a_slip_in_the_only_rare_word_still_finds_the_statement() -> None:
    # Thousands of statements share the quote's common words; only "peoples", misspelt, singles the
    # right one out. Its corpus neighbours one slip away stand in for it in the search.
    others = [record(100 + n, f"The delegation number {n} spoke of the United Nations at length today.", f"Delegate {n}")
              for n in range(6000)]
    target = record(1, "God bless all the peoples of the United Nations.", "A. Speaker")
    m = crowded(others, target, at=3000)
    result = m.check("the peoppes of the United Nations")
    assert result.verdict == "close" and result.match is not None and result.match.id == "s1"
    assert [d.kind for d in result.differences] == ["typo"]


@pytest.mark.parametrize(
    ("other", "held", "quote"),
    [
        # Every statement holds all the words of "at the time of the Civil War", in another order.
        ("The war at {n} of the clock was civil, the time is over.",
         "The tax imposed at the time of the Civil War was not a direct tax.", "at the time of the Civil War"),
        # Thousands of statements hold every word of the quote, with "end" where it says "time": one
        # that alters it ranks first, and the quote is still not called altered.
        ("And they said that at the end of the Civil War, {n} of them came home at a time of need.",
         "And they said that at the time of the Civil War the tax was not a direct tax.",
         "and they said that at the time of the Civil War"),
    ],
)
def test_an_exact_quote_of_common_words_held_by_thousands_of_statements_is_found(other: str, held: str, quote: str) -> None:
    others = [record(100 + n, other.format(n=n), f"Speaker {n}") for n in range(6000)]
    m = crowded(others, record(1, held, "A. Justice"), at=4000)
    result = m.check(quote)
    assert result.verdict == "verified" and result.match is not None and result.match.id == "s1"


def test_a_slip_among_common_words_finds_the_statement_holding_them_as_quoted() -> None:
    # Thousands of statements hold every word of "is the time, as the world is" but "world", misspelt;
    # the words it may stand for narrow them to the statement that says them in this order.
    others = [record(100 + n, f"The world is at {n}, as it is the time of the year.", f"Speaker {n}") for n in range(6000)]
    target = record(1, "Now is the time, as the world is out of joint.", "A. Writer")
    m = crowded(others, target, at=4000)
    result = m.check("is the time, as the worlj is")
    assert result.verdict == "close" and result.match is not None and result.match.id == "s1"
    assert [(d.kind, d.original) for d in result.differences] == [("typo", "world")]


def test_a_quote_held_by_one_statement_is_not_matched_to_those_saying_a_word_more() -> None:
    # General Assembly speeches open with the same words; thousands congratulate a named president.
    # Theirs are earlier speeches, which a report's equal words would give way to: not these.
    others = [record(100 + n, f"At the outset, I should like to congratulate Mr. Member{n} on his election to preside over the session.",
                     f"Delegate {n}", SOTU) for n in range(6000)]
    target = record(1, "At the outset, I should like to congratulate the President on his election, which honours Africa.", "A. Delegate")
    m = crowded(others, target, at=4000)
    exact = m.check("At the outset, I should like to congratulate the")
    assert exact.verdict == "verified" and exact.match is not None and exact.match.id == "s1"
    slipped = m.check("At the outset, I sfould like to congratulate the")
    assert slipped.verdict == "close" and slipped.match is not None and slipped.match.id == "s1"
    assert [d.kind for d in slipped.differences] == ["typo"]


def test_of_statements_holding_a_slipped_quote_the_one_with_no_other_change_is_chosen() -> None:
    # An earlier speech says it with "don't": a source with the same words would be preferred, this one is not.
    m = Matcher(MatchingSettings())
    m.add_many([
        record(1, "And we do not want to go back to the days when our partners in the region could not trust our word.", "A. Minister"),
        record(2, "And we don't want to go back to the days when our partners in the region could not trust our word.", "A. Minister", SOTU),
    ])
    result = m.check("we do not want to go back to the days when our partners in the region could not trust our wxrd")
    assert result.verdict == "close" and result.match is not None and result.match.id == "s1"
    assert [d.kind for d in result.differences] == ["typo"]
