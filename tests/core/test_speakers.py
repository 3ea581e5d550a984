"""Speaker names: titles, same-person comparison, and the people an article mentions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.speakers import PeopleIndex, fold, name_runs, parse_run, same_person, strip_titles


def mentions(text: str):
    return [m for run in name_runs(text) for m in parse_run(run.group(0), run.start())]


def test_strip_titles():
    assert strip_titles("Russian President Vladimir Putin") == "Vladimir Putin"
    assert strip_titles("European Commission President Ursula von der Leyen") == "Ursula von der Leyen"
    assert strip_titles("President") == "President"


def test_same_person():
    assert same_person("Putin", "Vladimir Putin")
    assert same_person("President Putin", "Vladimir Putin")
    assert same_person("vladimir putin", "Vladimir Putin")
    assert same_person("Zelenskyy", "Volodymyr Zelenskyy")
    assert not same_person("Melania Trump", "Donald Trump")
    assert same_person("Donald J. Trump", "Donald Trump")
    assert same_person("C. Stewart Verdery Jr.", "Stewart Verdery")
    assert same_person("Dinesh D’Souza", "Dinesh D'Souza")
    assert not same_person("Joe Biden", "Hunter Biden")
    assert same_person("Kremlin spokesman", "Dmitry Peskov", aliases=["Kremlin spokesman"])


def test_fold_ignores_accents_case_and_curly_apostrophes():
    assert fold("José  O’Rourke") == fold("jose o'rourke")


def test_parse_run_keeps_the_person_only():
    assert [m.tokens for m in mentions("Russian President Vladimir Putin")] == [("Vladimir", "Putin")]
    assert [m.tokens for m in mentions("But Zelenskyy said")] == [("Zelenskyy",)]
    assert [m.tokens for m in mentions("White House press secretary Karoline Leavitt")] == [("Karoline", "Leavitt")]
    assert [m.tokens for m in mentions("FBI General Counsel James A. Baker")] == [("James", "A.", "Baker")]
    assert [m.tokens for m in mentions("Commentary’s Noah Rothman")] == [("Noah", "Rothman")]
    assert mentions("the Russian International Affairs Council") == []
    assert mentions("New York and South Carolina on Monday") == []


def test_titles_give_gender():
    (mrs,) = mentions("Mrs. Clinton")
    (mr,) = mentions("Mr. Trump")
    assert (mrs.gender, mrs.titled) == ("f", True)
    assert mr.gender == "m"


def test_people_index_canonical_names():
    text = "Russian President Vladimir Putin met President Trump. Putin and Trump spoke. Sen. Ted Cruz agreed."
    people = PeopleIndex(mentions(text))
    assert people.canonical("Putin") == "Vladimir Putin"
    assert people.canonical("President Trump") == "Donald Trump"  # never named in full: well known
    assert people.canonical("Cruz") == "Ted Cruz"
    assert people.canonical("Mayor Hernandez") == "Hernandez"


def test_people_index_prefers_the_most_mentioned_full_name():
    text = "Hillary Clinton spoke. Bill Clinton listened. Hillary Clinton said more. Clinton left."
    people = PeopleIndex(mentions(text))
    assert people.canonical("Clinton") == "Hillary Clinton"
    assert people.gender(("Clinton",)) == "f"


def test_speech_subjects_become_people():
    (bob,) = mentions("Bob")
    assert not PeopleIndex([bob]).is_person(bob)
    assert PeopleIndex([bob], speakers=["Bob"]).is_person(bob)


@given(st.text(max_size=40), st.text(max_size=40))
def test_same_person_is_reflexive_and_never_crashes(a, b):
    same_person(a, b)
    if strip_titles(a).strip() and fold(strip_titles(a)):
        assert same_person(a, a)


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20) | st.sampled_from(
    ["Vladimir Putin", "PUTIN, V.", "O'Brien-Smith", "Pu\u200btin", "Café Owner", "a\nb", "\t x \r y "]), max_size=30))
def test_names_folded_in_bulk_as_one_by_one(names: list[str]) -> None:
    from bot.core.speakers import fold_many

    assert fold_many(names) == [fold(n) for n in names]
