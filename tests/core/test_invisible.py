"""Invisible characters: removed from corpus files at parse time, ignored in names, kept where they draw emoji."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.documents import parse_document
from bot.core.invisible import remove_invisible
from bot.core.model import CorpusFormatError
from bot.core.speakers import fold, same_person

SEED = "000_41f3c08ac7623368.txt"
# Zero-width characters, bidi controls, the soft hyphen, and a run of tag characters (as in
# tests/strategies.py's hostile tokens).
SPOOFING = (
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f",
    "\U000e0041\U000e0042\U000e007f",
)


@pytest.mark.parametrize("char", sorted(set(SPOOFING)))
def test_each_invisible_character_is_removed_from_a_name(char: str) -> None:
    assert remove_invisible(f"Vla{char}dimir Putin said") == "Vladimir Putin said"


def test_plain_text_is_returned_as_is() -> None:
    text = "Zelenskyy said “peace” – café, naïve, 100%"
    assert remove_invisible(text) is text


def test_joiners_that_draw_visible_text_are_kept() -> None:
    technologist = "\U0001f469\u200d\U0001f4bb"  # woman + ZWJ + laptop: one emoji
    family = "\U0001f468\U0001f3fd\u200d\U0001f469\u200d\U0001f467"  # with a skin tone
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # "I want", spelt with a ZWNJ
    england = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    for text in (technologist, family, persian, england):
        assert remove_invisible(f"she wrote {text} here") == f"she wrote {text} here"
    # The same characters where they draw nothing go.
    assert remove_invisible("Tr\u200dump \u200cand \U000e0041x") == "Trump and x"
    assert remove_invisible("\U0001f469\u200d") == "\U0001f469"


def test_names_compare_through_invisible_characters() -> None:
    assert fold("Pu\u200btin") == fold("Putin") == "putin"
    assert fold("Vla\u00addimir\u2060 Putin") == "vladimir putin"
    assert same_person("Zelen\u200dskyy", "Volodymyr Zelenskyy")
    assert same_person("President \u202eVladimir Pu\ufefftin", "Vladimir Putin")
    assert not same_person("Melania\u200b Trump", "Donald Trump")


def _name_and_quote_offsets(text: str) -> list[int]:
    """Offsets inside the seed's speaker names and quotations, where spoofed characters hurt most."""
    offsets: list[int] = []
    for name in ("Vladimir Putin", "Putin", "Trump", "Zelenskyy", "Ursula von der Leyen", "Timofeev", "Ivan"):
        for found in re.finditer(re.escape(name), text):
            offsets.extend(range(found.start() + 1, found.end()))
    for quote in re.finditer(r"[\"“]([^\"“”]{3,})[\"”]", text):
        offsets.extend(range(quote.start(1), quote.end(1)))
    return offsets


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_seed_with_invisible_characters_gives_the_clean_seeds_statements(seed_text: str, data: st.DataObject) -> None:
    clean = parse_document(SEED, seed_text)
    targets = _name_and_quote_offsets(seed_text)
    inserts = data.draw(
        st.lists(
            st.tuples(st.one_of(st.sampled_from(targets), st.integers(0, len(seed_text))), st.sampled_from(SPOOFING)),
            min_size=1,
            max_size=60,
        )
    )
    chars = list(seed_text)
    for offset, char in sorted(inserts, reverse=True):
        chars.insert(offset, char)
    spoofed = parse_document(SEED, "".join(chars))
    assert [(s.text, s.speaker, s.context_before, s.context_after) for s in spoofed.statements] == [
        (s.text, s.speaker, s.context_before, s.context_after) for s in clean.statements
    ]
    assert spoofed.aliases == clean.aliases
    assert spoofed.source == clean.source


def test_seed_name_cut_by_a_zero_width_space_is_the_whole_name(seed_text: str) -> None:
    spoofed = seed_text.replace("Putin", "Pu\u200btin").replace("Trump", "Tr\u00adump").replace("Zelenskyy", "Zelen\u2060skyy")
    doc = parse_document(SEED, spoofed)
    speakers = {s.speaker for s in doc.statements}
    assert {"Vladimir Putin", "Donald Trump", "Volodymyr Zelenskyy"} <= speakers
    every_string = [s.text for s in doc.statements] + [a for pair in doc.aliases for a in pair] + list(speakers - {None})
    assert not any(remove_invisible(value) != value for value in every_string)


def test_speech_and_transcript_names_and_sentences_are_cleaned() -> None:
    speech = (
        "---\nkind: speech\nspeaker: \"Joseph R. Bi\\u200bden Jr.\"\naliases: Joe Bi\u00adden\ndate: 2024-03-07\n---\n"
        "Ukraine can stop Pu\u200btin if we stand with Ukraine.\u202e"
    )
    doc = parse_document("s.md", speech)
    assert [(s.speaker, s.text) for s in doc.statements] == [("Joseph R. Biden Jr.", "Ukraine can stop Putin if we stand with Ukraine.")]
    assert ("Joseph R. Biden Jr.", "Joe Biden") in doc.aliases
    transcript = "---\nkind: transcript\n---\nDONALD TR\u200bUMP: We will make America great again.\nJOE \u2066BIDEN\u2069: Come on, man, that is not true."
    doc = parse_document("t.md", transcript)
    assert [s.speaker for s in doc.statements] == ["Donald Trump", "Joe Biden"]


def test_statement_list_json_escapes_are_cleaned_and_ids_kept() -> None:
    line = {"id": "abc123", "text": "The tone\u200b and spirit were excellent", "speaker": "Donald Tr\u00adump", "source": {"outlet": "N\u200bPR"}}
    doc = parse_document("s.jsonl", json.dumps(line))  # ensure_ascii: the characters arrive as \\u escapes
    (record,) = doc.statements
    assert (record.id, record.text, record.speaker, record.source.outlet) == ("abc123", "The tone and spirit were excellent", "Donald Trump", "NPR")


def test_statement_of_invisible_characters_only_is_rejected() -> None:
    with pytest.raises(CorpusFormatError, match="invisible"):
        parse_document("s.jsonl", json.dumps({"text": "\u200b\u200d\u00ad", "speaker": "X"}))
