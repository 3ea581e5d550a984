"""The service keeps the store and the matcher in step, for this process and others."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.model import SearchFilter, SourceInfo, StatementRecord
from bot.core.speakers import same_person
from bot.service import QuoteError, QuoteService
from bot.store.corpus import CorpusStore
from bot.store.database import make_engine
from bot.store.records import ConflictError

PUTIN = "Russia is for a peaceful settlement to the Ukraine crisis"


@pytest.fixture
def service(db_url: str, bundled_seed_path: Path) -> QuoteService:
    service = QuoteService.build(CorpusStore(make_engine(db_url)), Settings(database_url=db_url))
    service.ingest([bundled_seed_path])
    yield service
    service.close()


def test_check_finds_the_seed_statement_and_logs_the_lookup(service: QuoteService) -> None:
    result = service.check(PUTIN, speaker="Putin")
    assert result.verdict == "verified"
    assert result.match is not None and result.match.speaker == "Vladimir Putin"
    assert result.match.source.outlet == "NPR"
    assert result.elapsed_ms > 0
    assert service.stats().lookups == 1


def test_misattribution_and_alteration(service: QuoteService) -> None:
    assert service.check(PUTIN, speaker="Ivan Timofeev").verdict == "misattributed"
    assert service.check(PUTIN.replace("is for", "is not for")).verdict == "altered"


@pytest.mark.parametrize(
    ("typed", "verdict", "speaker"),
    [
        (f"Putin said {PUTIN}", "verified", "Putin"),
        (f"Vladimir Putin: {PUTIN}", "verified", "Vladimir Putin"),
        (f'"{PUTIN}" - Putin', "verified", "Putin"),
        (f"Zelenskyy said {PUTIN}", "misattributed", "Zelenskyy"),
        (f"Putin said {PUTIN.replace('is for', 'is not for')}", "altered", "Putin"),
    ],
)
def test_a_speaker_written_into_the_quote_is_taken_from_it(
    service: QuoteService, typed: str, verdict: str, speaker: str
) -> None:
    result = service.check(typed)
    assert result.verdict == verdict
    assert result.speaker is not None and same_person(result.speaker, speaker)
    assert result.quote == typed
    assert result.note and "speaker taken from the quote" in result.note


def test_words_that_read_as_an_attribution_but_were_said_stay_the_quote(service: QuoteService) -> None:
    # A slip turns "That said," into what reads as a speaker's name: the statement holds those words
    # too, so the quote found with its slip stands, not its rest given to a "Thao".
    statement = "That said, a number of international mechanisms ensure stable democracies and sustainable development."
    service.add(StatementRecord(text=statement, speaker="Joseph Kabila", source=SourceInfo(title="General debate", kind="speech")),
                actor="test", guild_id=None)
    result = service.check("Thao said, a number of international mechanisms ensure stable democracies")
    assert result.verdict == "close" and result.speaker is None
    assert [d.kind for d in result.differences] == ["typo"]
    # The words alone, given to someone who did not say them, are still misattributed.
    assert service.check("Zelenskyy said a number of international mechanisms ensure stable democracies").verdict == "misattributed"


def test_a_quote_that_merely_starts_with_a_name_is_checked_as_typed(service: QuoteService) -> None:
    result = service.check("Zelenskyy met with Vice President Vance")
    assert result.speaker is None and not (result.note or "").startswith("speaker taken")


@pytest.mark.parametrize("quote", ["", "   ", "\u200b\u200b", "x" * 2001])
def test_uncheckable_quotes_raise(service: QuoteService, quote: str) -> None:
    with pytest.raises(QuoteError):
        service.check(quote)


def test_remove_and_restore_take_effect_at_once(service: QuoteService) -> None:
    match = service.check(PUTIN).match
    assert match is not None and match.id
    service.remove(match.id, reason="test", actor="mod", guild_id=None)
    assert service.check(PUTIN).verdict == "unverified"
    assert service.get(match.id) is None
    service.restore(match.id, actor="mod", guild_id=None)
    assert service.check(PUTIN).verdict == "verified"
    assert [e.action for e in service.history(match.id)] == ["remove", "restore"]


def test_edit_with_version_and_conflict(service: QuoteService) -> None:
    match = service.check(PUTIN).match
    assert match is not None and match.id
    version = service.version(match.id)
    assert version == 1
    service.edit(match.id, {"text": "Russia is for a lasting settlement of the crisis."}, expected_version=1, actor="m", guild_id=None)
    assert service.check("Russia is for a lasting settlement of the crisis").verdict == "verified"
    with pytest.raises(ConflictError):
        service.edit(match.id, {"text": "Other words entirely here."}, expected_version=1, actor="n", guild_id=None)


def test_server_statements_stay_in_their_server(service: QuoteService) -> None:
    words = "The moderators of this server added this statement by hand."
    added = service.add(StatementRecord(words, "Ada Lovelace", SourceInfo(title="chat")), actor="mod", guild_id=1)
    assert added.id
    assert service.check(words, guild_id=1).verdict == "verified"
    assert service.check(words, guild_id=2).verdict == "unverified"
    assert service.check(words).verdict == "unverified"
    assert service.get(added.id, guild_id=2) is None
    assert service.get(added.id, guild_id=1) is not None
    assert service.history(added.id, guild_id=2) == []


def test_refresh_applies_changes_made_by_another_process(service: QuoteService, db_url: str) -> None:
    other = QuoteService.build(CorpusStore(make_engine(db_url)), Settings(database_url=db_url))
    try:
        match = other.check(PUTIN).match
        assert match is not None and match.id
        service.remove(match.id, reason="elsewhere", actor="mod", guild_id=None)
        assert other.check(PUTIN).verdict == "verified"  # not yet caught up
        assert other.refresh() == 1
        assert other.check(PUTIN).verdict == "unverified"
        assert other.refresh() == 0
    finally:
        other.close()


def test_speakers_for_autocomplete(service: QuoteService) -> None:
    assert "Vladimir Putin" in service.speakers("pu")
    assert "Vladimir Putin" in service.speakers("Vlad")
    assert service.speakers("zzz") == []


PARAPHRASE = "The Russian president wants the Ukraine crisis settled peacefully"  # Putin's words, not as he said them


def test_a_paraphrase_stays_unverified_and_names_the_statement_it_refers_to(service: QuoteService) -> None:
    result = service.check(PARAPHRASE, log_lookup=False)
    assert result.verdict == "unverified" and result.match is None
    assert result.related, "the statement the paraphrase refers to is above the floor"
    best = result.related[0].statement
    assert best.speaker == "Vladimir Putin" and best.text.startswith("Russia is for a peaceful settlement")
    scores = [r.score for r in result.related]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 100 for s in scores)
    assert result.to_json()["related"][0]["statement_id"] == best.id


def test_a_claim_about_nothing_in_the_corpus_has_nothing_related(service: QuoteService) -> None:
    result = service.check("The moon landing was filmed in a studio in Nevada", log_lookup=False)
    assert result.verdict == "unverified" and result.related == ()


def test_search_is_the_related_ranking_with_its_filters(service: QuoteService) -> None:
    hits = service.search(PARAPHRASE, SearchFilter())
    assert hits[0][0].speaker == "Vladimir Putin"
    others = service.search("pressure on Russia pushes it toward peace", SearchFilter(speaker="Zelenskyy"))
    assert others and all(st.speaker == "Volodymyr Zelenskyy" for st, _ in others)
    assert all(st.speaker != "Volodymyr Zelenskyy" for st, _ in service.search(PARAPHRASE, SearchFilter(speaker="Putin")))
    assert service.search(PARAPHRASE, SearchFilter(date_from="2026-01-01")) == []


def test_a_check_normalises_the_quote_once(service: QuoteService, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.core.matching
    import bot.core.query
    from bot.core.normalize import quote_pieces

    calls: list[str] = []

    def counted(quote: str) -> list[str]:
        calls.append(quote)
        return quote_pieces(quote)

    monkeypatch.setattr(bot.core.query, "quote_pieces", counted)
    monkeypatch.setattr(bot.core.matching, "quote_pieces", counted)
    assert service.check(PUTIN, speaker="Putin").verdict == "verified"
    assert calls == [PUTIN]


def test_words_read_from_a_picture_are_checked_with_the_engines_misreadings_put_right(service: QuoteService) -> None:
    misread = "Russia is for a peacefu1 sett lement to the Ukraine crisis"
    assert service.check(misread, log_lookup=False).verdict != "verified"
    result = service.check_read(misread, printed="VIadimir Putin")
    assert result.verdict == "verified" and result.speaker == "Vladimir Putin"
    assert result.note is not None and "“peacefu1” as “peaceful”" in result.note
    assert service.stats().lookups == 1  # one lookup logged, however many checks it took
    changed = service.check_read(misread.replace("is for", "is not for"), printed="Vladimir Putin")
    assert changed.verdict == "altered"  # what the card changed is still a change
    given = service.check_read(misread, "Ivan Timofeev", printed="VIadimir Putin")
    assert given.verdict == "misattributed" and given.speaker == "Ivan Timofeev"  # the name the user gave wins


def test_a_statement_list_that_shrinks_by_whole_parts_leaves_the_index_too(
    service: QuoteService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    import bot.statement_lists as statement_lists

    monkeypatch.setattr(statement_lists, "PART_LINES", 3)
    lines = [json.dumps({"text": f"The harbour board will dredge channel number {n} before the winter storms", "speaker": "Maria Alvarez"})
             for n in range(7)]
    path = tmp_path / "board.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    service.ingest([path])
    last = "The harbour board will dredge channel number 6 before the winter storms"
    assert service.check(last).verdict == "verified"
    path.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    service.ingest([path])
    assert service.check(last).verdict != "verified"
    assert service.check("The harbour board will dredge channel number 2 before the winter storms").verdict == "verified"


def test_warming_up_in_the_background_builds_what_the_first_lookups_need(service: QuoteService) -> None:
    matcher = service.matcher
    speakers = len(matcher._speaker_names)  # type: ignore[attr-defined]
    assert matcher._by_last_filled == 0 and not matcher._related._stemmed  # type: ignore[attr-defined]  # built lazily
    thread = service.warm_up_in_background()
    thread.join(30)
    assert not thread.is_alive() and thread.daemon  # never holds up the exit
    assert matcher._by_last_filled == speakers > 0  # type: ignore[attr-defined]  # speakers by last name
    assert matcher._related._stemmed  # type: ignore[attr-defined]  # the stems of the corpus words
    assert service.check(PUTIN, speaker="Putin").verdict == "verified"
