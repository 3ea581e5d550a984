"""Matching keys: styles, invisibles, look-alikes and case never matter; words do."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.normalize import keys, match_text, normalize, split_elisions, word_key, words

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)
PLAIN = st.text(alphabet=string.ascii_letters + string.digits + " .,;:!?-'\"", max_size=80)


@given(TEXT)
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(TEXT)
def test_normalize_has_no_invisible_or_repeated_space(text: str) -> None:
    out = normalize(text)
    assert "\u200b" not in out and "\u202e" not in out and "\ufeff" not in out
    assert "  " not in out
    assert out == out.strip()


@given(PLAIN)
def test_case_and_spacing_do_not_change_keys(text: str) -> None:
    assert keys(text.upper()) == keys(text.lower()) == keys("  " + text.replace(" ", " \t\n ") + " ")


@given(PLAIN, st.sampled_from(["\u200b", "\u200d", "\u2060", "\ufeff", "\u202e"]))
def test_invisible_characters_do_not_change_keys(text: str, invisible: str) -> None:
    doctored = invisible.join(text)
    assert keys(doctored) == keys(text)


@given(st.lists(st.sampled_from(["peace", "talks", "Russia", "don't", "1,000", "war"]), min_size=1, max_size=8))
def test_quote_and_dash_styles_do_not_change_keys(parts: list[str]) -> None:
    plain = "\"" + " - ".join(parts) + "\""
    styled = "\u201c" + " \u2014 ".join(p.replace("'", "\u2019") for p in parts) + "\u201d"
    assert keys(styled) == keys(plain)


def test_homoglyphs_and_full_width_forms_fold_to_latin() -> None:
    # Cyrillic "Р", "у", "о" and full-width "ｐｅａｃｅ".
    assert keys("\u0420ut\u0456n wants \uff50\uff45\uff41\uff43\uff45") == ["putin", "wants", "peace"]
    assert normalize("Caf\u00e9 \u2026") == "cafe ..."


def test_words_keep_the_surface_and_give_keys() -> None:
    found = words("I don\u2019t know \u201cwhy\u201d 1,000 men")
    assert [w.surface for w in found] == ["I", "don\u2019t", "know", "why", "1,000", "men"]
    assert [w.key for w in found] == ["i", "dont", "know", "why", "1000", "men"]
    assert word_key("Don't") == "dont"


@pytest.mark.parametrize("mark", ["'", "\u2019", "\u00b4", "\u2032", "\uff07", "\u201b", "`"])
def test_every_apostrophe_style_joins_a_word_as_the_keys_do(mark: str) -> None:
    text = f"It{mark}s natural, and I don{mark}t mind"
    assert [w.key for w in words(text)] == keys(text) == ["its", "natural", "and", "i", "dont", "mind"]


def test_numbers_keep_their_value() -> None:
    assert keys("1,000 and 10,000 and 3.5") == ["1000", "and", "10000", "and", "3.5"]
    assert match_text("1,000") != match_text("10,000")


def test_elision_marks_split_a_quote() -> None:
    assert split_elisions("Russia is ready \u2026 a possible peace accord") == ["Russia is ready", "a possible peace accord"]
    assert split_elisions("ready [...] to work ... with") == ["ready", "to work", "with"]
    assert split_elisions("... just one piece...") == ["just one piece"]
    assert split_elisions("no elision here") == ["no elision here"]
