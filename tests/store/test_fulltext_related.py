"""Related statements on the pg_trgm backend, found by PostgreSQL full-text search (bot/store/fulltext.py)
on the real server: the statement a paraphrase or a post refers to, through its title too, within the
filters, none for a claim about nothing in the corpus, and statements written later found at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.core.candidates import CandidateMatcher
from bot.core.model import SearchFilter, SourceInfo, StatementRecord
from bot.service import QuoteService
from tests.backends import SOTU, open_service, pg_trgm_after_clearing
from tests.claims import CLAIMS as ALL_CLAIMS

pytestmark = pytest.mark.postgres


CLAIMS = ALL_CLAIMS[:4]


@pytest.fixture
def both(pg_url: str, bundled_seed_path: Path, tmp_path: Path):
    claims = tmp_path / "claims.jsonl"
    claims.write_text(
        "".join(json.dumps({"text": t, "speaker": None, "source": {"title": title, "kind": "statements"}}) + "\n" for t, title in CLAIMS),
        encoding="utf-8",
    )
    memory = open_service(pg_url, "memory")
    memory.ingest([bundled_seed_path, *SOTU, claims])
    trigram = open_service(pg_url, "pg_trgm")
    yield memory, trigram
    memory.close()
    trigram.close()


def _first(service: QuoteService, text: str, flt: SearchFilter | None = None) -> str | None:
    related = service.matcher.related(text, flt)
    return related[0].statement.text if related else None


def test_a_paraphrase_of_the_seed_quote_names_putins_statement_as_in_memory(both: tuple[QuoteService, QuoteService]) -> None:
    memory, trigram = both
    assert isinstance(trigram.matcher, CandidateMatcher)
    paraphrase = "Putin said Russia wants a peace deal in Ukraine"
    result = trigram.check(paraphrase, log_lookup=False)
    assert result.verdict == "unverified"
    assert result.related and "peaceful settlement" in result.related[0].statement.text
    assert result.related[0].statement.text == _first(memory, paraphrase)
    assert all(0 <= r.score <= 100 for r in result.related)
    assert [r.score for r in result.related] == sorted((r.score for r in result.related), reverse=True)


def test_a_post_finds_its_claim_through_the_title_words(both: tuple[QuoteService, QuoteService]) -> None:
    memory, trigram = both
    post = "DYK you can’t eat a bowl of soup while driving? #TicketTuesday #Canada — Road Safety (@roadsafe) May 2, 2019"
    assert _first(trigram, post) == _first(memory, post) == CLAIMS[3][0]
    # "migrants" and "rapes" are written so only in the title; "investigate" shares a stem with "investigating".
    assert _first(trigram, "Swedish police investigate rapes by migrants no more") == CLAIMS[1][0]


def test_a_claim_about_nothing_in_the_corpus_has_nothing_related(both: tuple[QuoteService, QuoteService]) -> None:
    memory, trigram = both
    for claim in ("The recipe needs two cups of flour and a pinch of salt", "zxqv blorft"):
        assert trigram.matcher.related(claim) == ()
        assert memory.matcher.related(claim) == ()


def test_search_is_the_related_ranking_within_the_filters(both: tuple[QuoteService, QuoteService]) -> None:
    memory, trigram = both
    query = "Putin said Russia wants a peace deal in Ukraine"
    found = trigram.search(query, limit=3)
    assert found and "peaceful settlement" in found[0][0].text
    assert [r.text for r, _ in found] == [r.text for r, _ in memory.search(query, limit=3)][: len(found)]
    speaker = found[0][0].speaker
    assert speaker and all(r.speaker == speaker for r, _ in trigram.search("peace Ukraine Russia", SearchFilter(speaker=speaker)))
    assert trigram.search(query, SearchFilter(speaker="Nobody Atall")) == []
    assert all(r.effective_date and r.effective_date <= "1990" for r, _ in trigram.search(query, SearchFilter(date_to="1990")))
    dated = trigram.search(query, SearchFilter(date_from="2025-05-01", date_to="2025-05-31"))
    assert dated and dated[0][0].text == found[0][0].text


def test_a_statement_written_after_start_up_is_found_at_once(both: tuple[QuoteService, QuoteService]) -> None:
    memory, trigram = both
    claim = "Kamala Harris bragged about prosecuting a homeless single mother in a 2010 speech."
    query = "Kamala Harris laughed about jailing a homeless mother"
    assert _first(trigram, query) != claim
    memory.store.add_statement(
        StatementRecord(claim, None, SourceInfo(title="Did Kamala Harris Once Boast About Prosecuting a Homeless Mother?", kind="statements")),
        actor="test",
        guild_id=None,
    )
    assert _first(trigram, query) == claim


def test_statements_stored_before_the_full_text_column_are_filled_on_start(pg_url: str, bundled_seed_path: Path) -> None:
    trigram = pg_trgm_after_clearing(pg_url, bundled_seed_path, "topic")
    try:
        with trigram.store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM statements WHERE topic IS NULL").scalar() == 0
        related = trigram.matcher.related("Putin said Russia wants a peace deal in Ukraine")
        assert related and "peaceful settlement" in related[0].statement.text
    finally:
        trigram.close()


def test_names_of_putins_statement_put_into_reagans_are_putins_words_retold_on_either_backend(
    both: tuple[QuoteService, QuoteService],
) -> None:
    memory, trigram = both
    afghanistan = "The Soviet Union says it wants a peaceful settlement in Afghanistan, yet it continues a brutal war."
    source = SourceInfo(title="Address on the State of the Union (1987)", kind="speech", date="1987-01-27")
    memory.add(StatementRecord(text=afghanistan, speaker="Ronald Reagan", source=source), actor="test", guild_id=None)
    for service in (memory, trigram):
        retold = service.check("Russia wants a peaceful settlement in Ukraine", log_lookup=False)
        assert retold.verdict == "unverified" and retold.match is None, service.settings.matching.backend
        assert retold.related and retold.related[0].statement.speaker == "Vladimir Putin"
        assert retold.note and "Ronald Reagan" in retold.note
        altered = service.check("The Soviet Union says it wants a peaceful settlement in Ukraine, yet it continues a brutal war.",
                                log_lookup=False)
        assert altered.verdict == "altered" and altered.match is not None and altered.match.speaker == "Ronald Reagan"
