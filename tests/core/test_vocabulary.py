"""Typos are not alterations: a non-word a slip away from the original word is a typo, a real word is a change."""

from __future__ import annotations

import gzip
from pathlib import Path

import msgpack
import pytest

from bot.core.verdict import compare
from bot.core.vocabulary import ENGLISH, WordFrequencies, is_typo, small_edit

# State of the Union addresses (Truman 1951, Carter 1979, Truman 1948).
SOVIET = "The Soviet imperialists have two ways of going about their destructive work."
TRUMAN_1948 = "We believe that the United States can be an effective force for world peace only if it is strong."
IRAN = "The people of Iran should shape their own future without foreign interference."


def test_the_word_list_ships_with_its_package_and_knows_english() -> None:
    assert ENGLISH.available
    assert ENGLISH.zipf("the") > 7 and ENGLISH.zipf("avoid") > 4
    assert ENGLISH.zipf("dont") > 5  # apostrophes dropped, as in word keys
    assert ENGLISH.zipf("thuir") == 0.0


@pytest.mark.parametrize(
    "quoted, original",
    [
        ("thuir", "their"), ("avtid", "avoid"), ("teh", "the"), ("thier", "their"), ("wich", "which"), ("olne", "one"),
        # Slips the list's long tail holds, below one use per million words.
        ("exten", "eaten"), ("boses", "bones"), ("baus", "bans"),
    ],
)
def test_non_words_a_slip_away_are_typos(quoted: str, original: str) -> None:
    assert is_typo(quoted, original)


@pytest.mark.parametrize(
    "quoted, original",
    [("iraq", "iran"), ("now", "not"), ("cat", "car"), ("never", "ever"), ("billion", "million"), ("1000", "10000"), ("of", "on")],
)
def test_real_words_and_numbers_are_not_typos(quoted: str, original: str) -> None:
    assert not is_typo(quoted, original)


def test_the_corpus_makes_its_own_rare_words_real() -> None:
    # Two names the word list lacks (a moderator of the 1984 debate, and one more like it).
    frequencies = {"mashek": 40, "mashak": 25}
    assert ENGLISH.zipf("mashek") == ENGLISH.zipf("mashak") == 0.0
    assert is_typo("mashak", "mashek")
    assert not is_typo("mashak", "mashek", lambda key: frequencies.get(key, 0))
    # A slip the corpus holds now and then is still a slip next to a word it holds thousands of times.
    assert is_typo("thuir", "their", lambda key: {"thuir": 3, "their": 50000}.get(key, 0))


def test_small_edit() -> None:
    assert small_edit("thuir", "their") and small_edit("goverment", "government")
    assert not small_edit("economy", "enemy") and not small_edit("to", "ta")


def test_one_letter_typos_in_a_real_quote_are_close_and_listed_as_typos() -> None:
    result = compare("The Soviet imperialists have two wuys of going about thuir destructive work.", SOVIET)
    assert result.level == "close"
    assert [(d.kind, d.quoted, d.original, d.meaningful) for d in result.differences] == [
        ("typo", "wuys", "ways", False),
        ("typo", "thuir", "their", False),
    ]
    assert compare("We believe that teh United States can be an effective force", TRUMAN_1948).level == "close"


def test_real_words_swapped_in_stay_altered() -> None:
    assert compare("The people of Iraq should shape their own future without foreign interference.", IRAN).level == "altered"
    assert compare("The Soviet imperialists have two ways of going about their destructive word.", SOVIET).level == "altered"


def test_a_missing_or_damaged_list_makes_no_word_a_typo(tmp_path: Path) -> None:
    missing = WordFrequencies(tmp_path / "none.msgpack.gz")
    assert not missing.available and not is_typo("thuir", "their", words=missing)
    damaged = tmp_path / "damaged.msgpack.gz"
    damaged.write_bytes(b"not gzip")
    assert not is_typo("thuir", "their", words=WordFrequencies(damaged))


def test_a_small_list_in_the_packages_format_is_read(tmp_path: Path) -> None:
    path = tmp_path / "small.msgpack.gz"
    bands: list[object] = [{"format": "cB", "version": 1}] + [[] for _ in range(300)]
    bands[1 + 100] = ["the"]  # 8.0 Zipf
    bands[1 + 250] = ["don't", "dont"]
    path.write_bytes(gzip.compress(msgpack.packb(bands)))
    words = WordFrequencies(path)
    assert words.zipf("the") == 8.0 and words.zipf("dont") == 6.5
    assert is_typo("teh", "the", words=words)


def test_a_quoted_non_word_is_looked_up_by_the_corpus_words_one_slip_away() -> None:
    from bot.core.vocabulary import one_slip_away, typo_neighbours

    assert {"peoples", "peopes", "peopppes", "peoppe", "epoppes"} <= one_slip_away("peoppes")
    corpus = {"peoples": 40, "people": 9000, "time": 5000, "tim": 3, "timn": 0, "ships": 30, "ship": 60, "shipp": 1}
    frequency = lambda key: corpus.get(key, 0)  # noqa: E731
    assert typo_neighbours("peoppes", frequency) == ["peoples"]
    assert typo_neighbours("timn", frequency) == ["time", "tim"]  # the commonest first
    assert typo_neighbours("shipp", frequency) == ["ship", "ships"]  # a slip the corpus holds once is still a slip
    # Words of the corpus or of the word list are not slips; nor are words too short to tell.
    assert typo_neighbours("people", frequency) == [] and typo_neighbours("harbour", frequency) == []
    assert typo_neighbours("tme", frequency) == []
