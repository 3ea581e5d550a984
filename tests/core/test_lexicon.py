"""The extraction word lists: one home, no entry twice (a duplicate hides which list a word belongs to)."""

from __future__ import annotations

from collections import Counter

import pytest

import bot.core.lexicon as lexicon

LISTS = {name: value for name, value in vars(lexicon).items() if name.isupper() and isinstance(value, tuple)}


def test_every_word_list_is_found() -> None:
    assert {"SPEECH_VERBS", "LEADING_ONLY_VERBS", "NAME_PARTICLES", "ROLE_NOUNS"} <= set(LISTS)
    assert all(isinstance(entry, str) and entry for words in LISTS.values() for entry in words)


@pytest.mark.parametrize("name", sorted(LISTS))
def test_no_list_holds_an_entry_twice(name: str) -> None:
    twice = [entry for entry, n in Counter(entry.lower() for entry in LISTS[name]).items() if n > 1]
    assert not twice, f"{name} lists {twice} more than once"


def test_leading_verbs_do_not_repeat_the_speech_verbs() -> None:
    # The leading pattern is SPEECH_VERBS + LEADING_ONLY_VERBS: a verb in both would be listed twice there.
    assert not set(lexicon.SPEECH_VERBS) & set(lexicon.LEADING_ONLY_VERBS)


def test_the_duplicate_check_fails_on_a_duplicate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(LISTS, "SPEECH_VERBS", (*lexicon.SPEECH_VERBS, "Said"))
    with pytest.raises(AssertionError, match="said"):
        test_no_list_holds_an_entry_twice("SPEECH_VERBS")
