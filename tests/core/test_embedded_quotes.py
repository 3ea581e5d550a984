"""Quotations cited in speeches become statements of the person quoted; transcripts keep them as the turn speaker's words."""

from __future__ import annotations

from bot.config import MatchingSettings
from bot.core.documents import parse_document
from bot.core.matcher import Matcher
from bot.core.model import ParsedDocument, StatementRecord, statement_id

FDR = "The only thing we have to fear is fear itself."
REAGAN_SPEECH = f"""---
kind: speech
speaker: Ronald Reagan
date: 1986-02-04
title: Address on the State of the Union
---
Mr. Speaker, Mr. President, distinguished Members of the Congress, honored guests, and fellow citizens.

We have come a long way together since the dark days of the Depression. As Franklin Roosevelt said, "{FDR}" [Applause] Our people answered him then, and they answer us now.

As President Truman was very blunt: "International communism seeks to crush and undermine the independence of the Americas."
"""


def _speech(body: str, speaker: str = "Joseph R. Biden Jr.", aliases: str = "Joe Biden") -> ParsedDocument:
    return parse_document("s.md", f"---\nkind: speech\nspeaker: {speaker}\naliases: {aliases}\ndate: 2024-03-07\n---\n{body}\n")


def _transcript(body: str) -> ParsedDocument:
    return parse_document("t.md", f"---\nkind: transcript\ndate: 2008-10-15\n---\n{body}\n")


def _quoted(doc: ParsedDocument, speakers: set[str]) -> list[tuple[str | None, str]]:
    """The statements of anyone but the document's own speakers."""
    return [(s.speaker, s.text) for s in doc.statements if s.speaker not in speakers]


def test_speech_quotation_becomes_a_statement_of_the_person_quoted() -> None:
    doc = parse_document("reagan.md", REAGAN_SPEECH)
    quoted = [s for s in doc.statements if s.speaker != "Ronald Reagan"]
    assert [(s.speaker, s.text) for s in quoted] == [
        ("Franklin Roosevelt", FDR),
        ("Truman", "International communism seeks to crush and undermine the independence of the Americas."),
    ]
    roosevelt = quoted[0]
    assert roosevelt.source == doc.source and roosevelt.source.kind == "speech"
    assert roosevelt.context_before.endswith("As Franklin Roosevelt said,")
    assert "[Applause]" not in roosevelt.context_after and roosevelt.context_after.startswith("Our people answered him")
    # The sentence itself stays the speaker's statement.
    assert any(s.speaker == "Ronald Reagan" and FDR in s.text and s.text.startswith("As Franklin") for s in doc.statements)


def test_sentence_statements_keep_their_positions_so_their_ids_do_not_change() -> None:
    doc = parse_document("reagan.md", REAGAN_SPEECH)
    own = [s for s in doc.statements if s.speaker == "Ronald Reagan"]
    quoted = [s for s in doc.statements if s.speaker != "Ronald Reagan"]
    assert [s.position for s in own] == list(range(len(own)))
    assert [s.position for s in quoted] == list(range(len(own), len(own) + len(quoted)))
    # Parsing again gives the same ids (the store computes them from text, speaker, file and position).
    again = parse_document("reagan.md", REAGAN_SPEECH)
    ids = [statement_id(s.text, s.speaker, "reagan.md", s.position) for s in doc.statements]
    assert ids == [statement_id(s.text, s.speaker, "reagan.md", s.position) for s in again.statements]
    assert len(set(ids)) == len(ids)


def test_checking_the_quoted_person_is_no_longer_misattributed() -> None:
    doc = parse_document("reagan.md", REAGAN_SPEECH)
    matcher = Matcher(MatchingSettings())
    matcher.add_many(
        [
            StatementRecord(text=s.text, speaker=s.speaker, source=s.source, position=s.position, id=f"s{s.position}")
            for s in doc.statements
        ]
    )
    result = matcher.check("the only thing we have to fear is fear itself", speaker="Franklin Roosevelt")
    assert result.verdict == "verified"
    assert result.match is not None and result.match.speaker == "Franklin Roosevelt"
    assert matcher.check("the only thing we have to fear is fear itself", speaker="Joe Biden").verdict == "misattributed"


def test_transcript_citations_stay_the_turn_speakers_words() -> None:
    # Spoken citations are too loose to be stored as the cited person's words (see parse_transcript).
    doc = _transcript(
        "BOB SCHIEFFER: Senator Obama, your response.\n"
        "BARACK OBAMA: On the day of the crisis, Senator McCain said, “The fundamentals of the economy are strong.” "
        "That was the day Lehman Brothers collapsed.\n"
        "JOHN MCCAIN: That is not what happened, and the record shows it."
    )
    assert _quoted(doc, {"Bob Schieffer", "Barack Obama", "John Mccain"}) == []
    said = next(s for s in doc.statements if "fundamentals" in s.text)
    assert said.speaker == "Barack Obama"


def test_speaker_quoting_himself_adds_nothing() -> None:
    speech = _speech(
        'Last year I said, "We will never walk away from Ukraine and its brave people." '
        'As Joe Biden always says, "Never bet against the American people, never ever." '
        'As President Biden said, "This is the most important thing we can do."'
    )
    assert _quoted(speech, {"Joseph R. Biden Jr."}) == []


def test_scare_quotes_groups_and_named_things_add_nothing() -> None:
    doc = _speech(
        'We must repeal the so-called "death tax" once and for all. '
        'Social Security ended what one woman called "the stark terror of penniless, helpless old age." '
        'Americans said, "We want our jobs back in our towns." '
        'She hung up a poster that read: "Last day of chemo for me." '
        'The Congress declared our goal to be "a decent home for every American family."'
    )
    assert _quoted(doc, {"Joseph R. Biden Jr."}) == []


def test_quotation_attributed_from_another_sentence_is_left_out() -> None:
    # The passage names Kennedy, but the words are De Gaulle's: an attribution made far from the quote
    # is too often wrong, so only a name in the quote's own sentence (or a pronoun right after it) counts.
    doc = _speech(
        "I mean, we can remember when President Kennedy in the Cuban missile crisis sent his secretary "
        "of state to Paris to meet with DeGaulle. And in the middle of the discussion, to tell them about the missiles "
        "in Cuba, he said, “Here, let me show you the photos. ” And DeGaulle waved them off and said, “No, no, no, no. "
        "The word of the president of the United States is good enough for me. ” How many leaders would respond to us?"
    )
    assert ("Kennedy", "No, no, no, no. The word of the president of the United States is good enough for me.") not in _quoted(doc, {"Joseph R. Biden Jr."})
