"""Speakers of every kind: how descriptions are told apart, how articles store them, how export and
ingest carry them, how replies name them, and that only named speakers make a misattribution."""

from __future__ import annotations

import json

import pytest

from bot.config import MatchingSettings
from bot.core.documents import parse_document
from bot.core.matcher import Matcher
from bot.core.model import CorpusFormatError, SourceInfo, StatementRecord
from bot.core.render import render_result, speaker_label
from bot.core.speaker_kinds import describe, role_matches, unnamed_label

NPR = SourceInfo(title="Flights cancelled", url="https://www.npr.org/x", outlet="NPR", date="2025-05-19")

ARTICLE = """---
title: Flights cancelled
outlet: NPR
date: 2025-05-19
---
Delta Air Lines cancelled 40 flights on Friday after a fault in its booking system.

"The flights were cancelled because of a technical fault in our systems," the airline said.

"Nobody told the passengers anything for more than six hours," a ministry spokesman said.

"The contract for the booking system was signed in March of last year," the court filing says.

Transport Secretary Jane Holloway said the fault was unacceptable. "We expect every airline to put its passengers first," Holloway said.
"""


@pytest.mark.parametrize(
    ("subject", "kind", "text"),
    [
        ("a ministry spokesman", "unnamed", "a ministry spokesman"),
        ("one senior official", "unnamed", "one senior official"),
        ("the airline", "organisation", "the airline"),
        ("the court filing", "document", "court filing"),
        ("the Ohio congresswoman", "role", "the Ohio congresswoman"),
        ("the 71-year-old governor", "role", "the 71-year-old governor"),
        ("the 46-year-old", "role", "the 46-year-old"),
        ("the Australian", "role", "the Australian"),
    ],
)
def test_descriptions_are_told_apart(subject: str, kind: str, text: str) -> None:
    described = describe(subject)
    assert described is not None and (described.kind, described.text) == (kind, text)


@pytest.mark.parametrize("subject", ["he", "the Washington Post", "Vladimir Putin", "it", "the plans he made and"])
def test_names_and_pronouns_are_not_descriptions(subject: str) -> None:
    assert describe(subject) is None


def test_role_matches_titles_and_appositives() -> None:
    assert role_matches("senator", "Texas Sen. ", " said")
    assert role_matches("governor", "", ", the governor of Ohio, said")
    assert role_matches("63-year-old", "", ", 63, the governor")
    assert not role_matches("senator", "Gov. ", ", the governor of Ohio,")


def test_unnamed_label() -> None:
    assert unnamed_label("a ministry spokesman") == "an unnamed ministry spokesman"
    assert unnamed_label("the adviser") == "an unnamed adviser"
    assert unnamed_label("some aides") == "some aides"


def test_an_article_keeps_every_kind_of_speaker() -> None:
    doc = parse_document("flights.md", ARTICLE)
    found = [(s.speaker, s.speaker_kind) for s in doc.statements]
    assert found == [
        ("Delta Air Lines", "organisation"),
        ("a ministry spokesman", "unnamed"),
        ("court filing", "document"),
        ("Jane Holloway", "person"),
    ]
    # Aliases are people's other names only.
    assert all(name == "Jane Holloway" for name, _ in doc.aliases)


def test_an_article_keeps_an_unattributed_quotation_of_four_words_or_more() -> None:
    doc = parse_document("a.md", 'The crowd chanted "lock them all up now" and "go home" as the motorcade passed.')
    assert [(s.text, s.speaker, s.speaker_kind) for s in doc.statements] == [("lock them all up now", None, "unnamed")]


def test_export_and_ingest_carry_the_speaker_kind() -> None:
    doc = parse_document("flights.md", ARTICLE)
    lines = [json.dumps(s.to_export()) for s in doc.statements]
    assert "speaker_kind" not in json.loads(lines[-1])  # absent means a person
    assert json.loads(lines[1])["speaker_kind"] == "unnamed"
    again = parse_document("export.jsonl", "\n".join(lines))
    assert [(s.speaker, s.speaker_kind) for s in again.statements] == [(s.speaker, s.speaker_kind) for s in doc.statements]


def test_ingest_refuses_an_unknown_speaker_kind() -> None:
    line = json.dumps({"text": "We will do it.", "speaker": "A", "speaker_kind": "robot"})
    with pytest.raises(CorpusFormatError, match="speaker kind"):
        parse_document("x.jsonl", line)


def test_replies_name_unnamed_speakers_and_documents_by_the_outlet() -> None:
    unnamed = StatementRecord("Nobody told the passengers anything.", "a ministry spokesman", NPR, speaker_kind="unnamed")
    document = StatementRecord("The contract was signed.", "court filing", NPR, speaker_kind="document")
    nobody = StatementRecord("Lock them all up now.", None, NPR, speaker_kind="unnamed")
    person = StatementRecord("We expect more.", "Jane Holloway", NPR)
    assert speaker_label(unnamed) == "an unnamed ministry spokesman, per NPR"
    assert speaker_label(document) == "court filing, per NPR"
    assert speaker_label(nobody) == "an unnamed speaker, per NPR"
    assert speaker_label(person) == "Jane Holloway"


def test_only_named_speakers_make_a_misattribution() -> None:
    matcher = Matcher(MatchingSettings())
    spokesman = "Nobody told the passengers anything for more than six hours on the day."
    airline = "The flights were cancelled because of a technical fault in our systems."
    matcher.add_many(
        [
            StatementRecord(spokesman, "a ministry spokesman", NPR, position=0, id="u1", speaker_kind="unnamed"),
            StatementRecord(airline, "Delta Air Lines", NPR, position=1, id="o1", speaker_kind="organisation"),
        ]
    )
    unnamed = matcher.check(spokesman, "Jane Holloway")
    assert unnamed.verdict == "verified"
    assert "an unnamed ministry spokesman, per NPR" in render_result(unnamed)
    assert matcher.check(airline, "Jane Holloway").verdict == "misattributed"
    assert matcher.check(airline, "Delta Air Lines").verdict == "verified"


def test_descriptions_are_not_speakers_to_list_or_filter_by() -> None:
    matcher = Matcher(MatchingSettings())
    matcher.add_many(
        [
            StatementRecord("Nobody told the passengers anything at all.", "a ministry spokesman", NPR, id="u1", speaker_kind="unnamed"),
            StatementRecord("We expect every airline to do better.", "Jane Holloway", NPR, position=1, id="p1"),
        ]
    )
    assert matcher.speakers("") == ["Jane Holloway"]
