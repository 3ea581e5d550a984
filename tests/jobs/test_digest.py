"""The digest: counts from the database, and a message that is safe and short enough to post."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.documents import parse_document
from bot.jobs.digest import MESSAGE_LIMIT, DigestData, collect_digest, rank_quotes, render_digest

from .conftest import SPEECH

NOW = datetime(2026, 5, 20, 8, 0, tzinfo=UTC)


def test_collect_counts_the_last_day_only(store):
    store.ingest_document(parse_document("speech.md", SPEECH), origin="g", content_hash="h")
    for verdict, quote in [("verified", "a"), ("unverified", "Ask not what"), ("unverified", "ask not  what"), ("altered", "b")]:
        store.log_lookup(quote, None, verdict, 50.0, None)
    store.add_report(quote="wrong match", reporter="u1", guild_id=None)
    data = collect_digest(store.engine, now=datetime.now(UTC) + timedelta(minutes=1))
    assert data.lookups == 4
    assert data.verdicts == {"verified": 1, "unverified": 2, "altered": 1}
    assert data.new_statements == 3
    assert data.open_reports == 1 and data.new_reports == 1
    assert data.top_unverified == (("Ask not what", 2),)

    later = collect_digest(store.engine, now=datetime.now(UTC) + timedelta(days=2))
    assert later.lookups == 0 and later.new_statements == 0 and later.open_reports == 1


def test_rank_quotes_merges_case_spacing_and_quote_mark_variants():
    quotes = ["“Read my lips”", "read my lips", "Read  my lips.", "I am not a crook", "I am not a crook", "x"]
    assert rank_quotes(quotes, 2) == (("“Read my lips”", 3), ("I am not a crook", 2))


def test_render_lists_verdicts_in_contract_order_and_what_to_add_next():
    data = DigestData(
        start=NOW - timedelta(days=1),
        end=NOW,
        lookups=6,
        verdicts={"unverified": 2, "verified": 4},
        new_statements=12,
        open_reports=3,
        new_reports=1,
        top_unverified=(("Ask not what your country can do", 2),),
        failing_jobs=("feeds",),
    )
    text = render_digest(data)
    assert "Lookups: 6 (4 verified, 2 unverified)" in text
    assert "New statements: 12" in text and "Reports: 3 open (1 new)" in text
    assert "Jobs failing: feeds" in text
    assert "2× “Ask not what your country can do”" in text


def test_hostile_quotes_are_neutralised_and_the_message_fits():
    hostile = ["@everyone look", "＠ｈｅｒｅ now", "<@&123> ping", "[https://discord.com](https://evil)", "x" * 5000]
    data = DigestData(
        start=NOW - timedelta(days=1),
        end=NOW,
        lookups=5,
        verdicts={"unverified": 5},
        top_unverified=tuple((q, 1) for q in hostile) * 10,
    )
    text = render_digest(data)
    assert len(text) <= MESSAGE_LIMIT
    assert "@everyone" not in text and "@here" not in text and "<@&" not in text
    assert "\\[https://discord.com\\](" in text  # the masked link is broken
    assert not text.rstrip("…\n").endswith("\\")


def test_the_title_follows_the_period():
    weekly = DigestData(start=NOW - timedelta(days=7), end=NOW)
    assert render_digest(weekly).startswith("**Weekly digest**")
    assert render_digest(DigestData(start=NOW - timedelta(days=1), end=NOW)).startswith("**Daily digest**")


def test_escaping_keeps_ordinary_punctuation_and_breaks_markup():
    from bot.jobs.digest import escape_text

    assert escape_text("1 file(s) ingested: ok, 2026-05-19") == "1 file(s) ingested: ok, 2026-05-19"
    assert escape_text("# big") == "\\# big"
    assert escape_text("-# small") == "\\-# small"
    assert escape_text("12. item") == "12\\. item"
    assert escape_text("**bold** `code` ||spoiler||") == "\\*\\*bold\\*\\* \\`code\\` \\|\\|spoiler\\|\\|"
    assert escape_text("ends in \\").endswith("\\\\")
    assert escape_text("<t:0:R> ＠ｅｖｅｒｙｏｎｅ") == "\\<t:0:R> @\u200beveryone"
