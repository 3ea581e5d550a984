"""The pg_trgm candidate backend on the real PostgreSQL server: the same verdicts as the in-memory
index, filters applied in SQL, and statements written by any process found at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.candidates import CandidateMatcher
from bot.core.model import SearchFilter, SourceInfo, StatementRecord
from bot.service import QuoteService
from bot.store.corpus import CorpusStore
from bot.store.database import StoreError, make_engine
from tests.backends import SOTU, open_service, pg_trgm_after_clearing

pytestmark = pytest.mark.postgres



@pytest.fixture
def both(pg_url: str, bundled_seed_path: Path):
    memory = open_service(pg_url, "memory")
    memory.ingest([bundled_seed_path, *SOTU])
    trigram = open_service(pg_url, "pg_trgm")
    yield memory, trigram
    memory.close()
    trigram.close()


def _cases(store: CorpusStore) -> list[tuple[str, str, str | None]]:
    """(expected verdict, quote, speaker) cut from stored statements, one kind of change each."""
    records = [r for r in store.statements() if r.speaker and 12 <= len(r.text.split()) <= 60]
    assert len(records) >= 10
    cases: list[tuple[str, str, str | None]] = []
    for record in records[:: max(1, len(records) // 8)][:8]:
        words = record.text.split()
        fragment = " ".join(words[1:12])
        cases.append(("verified", fragment, None))
        cases.append(("verified", fragment, record.speaker))
        typo = list(words[1:12])
        longest = max(range(len(typo)), key=lambda i: len(typo[i]))
        typo[longest] = typo[longest][:2] + typo[longest][3] + typo[longest][2] + typo[longest][4:]
        cases.append(("close", " ".join(typo), None))
        cases.append(("altered", " ".join(words[1:6] + ["never"] + words[6:12]), None))
        cases.append(("misattributed", fragment, "Zebulon Quartermaine"))
    cases.append(("unverified", "purple elephants quietly negotiated the lunar cheese tariff overnight", None))
    cases.append(("unverified", "a completely different sentence about gardening tools and spring rain", None))
    return cases


def test_the_same_verdicts_and_matches_as_the_memory_index(both: tuple[QuoteService, QuoteService]) -> None:
    memory, trigram = both
    assert isinstance(trigram.matcher, CandidateMatcher)
    cases = _cases(memory.store)
    seen = set()
    for expected, quote, speaker in cases:
        a = memory.check(quote, speaker=speaker, log_lookup=False)
        b = trigram.check(quote, speaker=speaker, log_lookup=False)
        assert b.verdict == a.verdict, (quote, speaker, a.verdict, b.verdict)
        assert (b.match.text if b.match else None) == (a.match.text if a.match else None)
        assert [d.kind for d in b.differences] == [d.kind for d in a.differences]
        seen.add(b.verdict)
        if expected in {"verified", "misattributed", "unverified"}:
            assert b.verdict == expected, (quote, speaker, b.verdict)
    assert {"verified", "close", "altered", "misattributed", "unverified"} <= seen


def test_the_seed_statement(both: tuple[QuoteService, QuoteService]) -> None:
    _, trigram = both
    putin = "Russia is for a peaceful settlement to the Ukraine crisis"
    assert trigram.check(putin, speaker="Putin").verdict == "verified"
    assert trigram.check(putin, speaker="Ivan Timofeev").verdict == "misattributed"
    assert trigram.check(putin.replace("is for", "is not for")).verdict == "altered"


def test_filters_give_the_same_results(both: tuple[QuoteService, QuoteService]) -> None:
    memory, trigram = both
    speaker = next(r.speaker for r in memory.store.statements() if r.speaker and "Putin" in r.speaker)
    # Search is the related-statements ranking on both backends; the filter keeps the same speakers.
    for flt in (SearchFilter(speaker="Putin"), SearchFilter(speaker=speaker), SearchFilter(speaker="Nobody Atall")):
        a = memory.search("peace war economy people", flt, limit=5)
        b = trigram.search("peace war economy people", flt, limit=5)
        expected = {r.speaker for r in memory.store.statements() if r.speaker and "Putin" in r.speaker} if "Nobody" not in (flt.speaker or "") else set()
        assert {r.speaker for r, _ in a} == {r.speaker for r, _ in b} == expected, flt
    # Dates: a statement's own words are found inside its period and not outside it.
    dated = [r for r in memory.store.statements() if r.effective_date and len(r.text.split()) >= 12]
    for record in dated[:: max(1, len(dated) // 5)][:5]:
        words = " ".join(record.text.split()[:12])
        year = int(record.effective_date[:4])  # type: ignore[index]
        for flt, inside in (
            (SearchFilter(date_from=str(year)), True),
            (SearchFilter(date_to=f"{year}-12-31", date_from=f"{year}-01"), True),
            (SearchFilter(date_from=str(year + 1)), False),
            (SearchFilter(date_to=str(year - 1)), False),
        ):
            a = {r.id for r, _ in memory.search(words, flt, limit=5)}
            b = {r.id for r, _ in trigram.search(words, flt, limit=5)}
            assert (record.id in a) == inside and (record.id in b) == inside, (flt, record.effective_date)
    latest_a = [r.id for r, _ in memory.search("", SearchFilter(speaker="Putin"), limit=3)]
    latest_b = [r.id for r, _ in trigram.search("", SearchFilter(speaker="Putin"), limit=3)]
    assert latest_b and len(latest_a) == len(latest_b)
    assert set(latest_b) <= {r.id for r, _ in memory.search("", SearchFilter(speaker="Putin"), limit=50)}


def test_a_statement_added_by_one_process_is_found_by_another_at_once(pg_url: str, bundled_seed_path: Path) -> None:
    first, second = open_service(pg_url, "pg_trgm"), open_service(pg_url, "pg_trgm")
    try:
        text = "The harbour bridge will carry trams again from the first of March next year"
        assert second.check(text).verdict == "unverified"
        added = first.add(
            StatementRecord(text=text, speaker="Ada Harbour", source=SourceInfo(title="Council", kind="transcript")),
            actor="mod",
            guild_id=None,
        )
        result = second.check(text)  # no refresh in between
        assert result.verdict == "verified" and result.match is not None and result.match.id == added.id
        version = second.version(added.id or "")
        first.edit(added.id or "", {"text": "Ferries stop at midnight on weekdays and at two on weekends"},
                   expected_version=version or 1, actor="mod", guild_id=None)
        assert second.check(text).verdict != "verified"
        assert second.check("Ferries stop at midnight on weekdays").verdict == "verified"
        first.remove(added.id or "", reason="test", actor="mod", guild_id=None)
        assert second.check("Ferries stop at midnight on weekdays").verdict == "unverified"
    finally:
        first.close()
        second.close()


def test_server_statements_are_seen_only_from_that_server(pg_url: str) -> None:
    service = open_service(pg_url, "pg_trgm")
    try:
        text = "Our allotment society will plant four hundred apple trees along the canal"
        service.add(StatementRecord(text=text, speaker="Cy Orchard", source=SourceInfo(kind="transcript")), actor="mod", guild_id=42)
        assert service.check(text, guild_id=42).verdict == "verified"
        assert service.check(text, guild_id=7).verdict == "unverified"
        assert service.check(text).verdict == "unverified"
    finally:
        service.close()


def test_statements_stored_without_a_matching_key_are_backfilled_on_start(pg_url: str, bundled_seed_path: Path) -> None:
    trigram = pg_trgm_after_clearing(pg_url, bundled_seed_path, "norm")
    try:
        assert trigram.check("Russia is for a peaceful settlement to the Ukraine crisis").verdict == "verified"
    finally:
        trigram.close()


def test_sqlite_refuses_the_backend_in_one_line(sqlite_url: str) -> None:
    with pytest.raises(StoreError) as info:
        open_service(sqlite_url, "pg_trgm")
    message = str(info.value)
    assert "PostgreSQL" in message and "\n" not in message


def test_an_unknown_backend_is_named(sqlite_url: str) -> None:
    with pytest.raises(StoreError, match="elastic"):
        open_service(sqlite_url, "elastic")


def test_the_word_pass_leaves_the_sessions_planner_settings(pg_url: str, bundled_seed_path: Path) -> None:
    from sqlalchemy import text as sql

    from bot.core.candidates import CandidateQuery
    from bot.core.normalize import match_text
    from bot.store.trigram import TrigramCandidates

    memory = open_service(pg_url, "memory")
    memory.ingest([bundled_seed_path])
    memory.close()
    engine = make_engine(pg_url)
    candidates = TrigramCandidates(engine)
    putin = match_text("Russia is for a peaceful settlement to the Ukraine crisis")
    where = ["NOT st.removed", "st.norm IS NOT NULL"]
    with engine.begin() as conn:
        before = conn.execute(sql("SELECT current_setting('plan_cache_mode'), current_setting('enable_seqscan')")).one()
        found = candidates._by_words(conn, CandidateQuery((putin,), None, 5), where, "", {"n": 5}, 4)
        after = conn.execute(sql("SELECT current_setting('plan_cache_mode'), current_setting('enable_seqscan')")).one()
    engine.dispose()
    assert found and found[0][1].startswith(putin)
    assert tuple(after) == tuple(before) == ("auto", "on")
