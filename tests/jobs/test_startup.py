"""start_scheduler with the real QuoteService: the inbox feeds the index, other processes' changes
are picked up, and the digest is handed to the bot to post."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from bot.config import JobSettings, Settings
from bot.jobs.health import check_heartbeat
from bot.jobs.startup import engine_of, start_scheduler
from bot.service import QuoteService

from .conftest import SPEECH

ROOT = Path(__file__).resolve().parents[2]
QUOTE = "Four score and seven years ago our fathers brought forth on this continent a new nation"


def _settings(tmp_path: Path, db_url: str, **jobs) -> Settings:
    base = JobSettings(
        inbox=(str(tmp_path / "inbox"),),
        inbox_interval_minutes=60,
        inbox_settle_seconds=0,
        refresh_interval_seconds=0,
        lookup_log_days=0,
        backup_keep=0,
        heartbeat_file=str(tmp_path / "heartbeat.json"),
    )
    return Settings(database_url=db_url, jobs=replace(base, **jobs))


async def _until(predicate, what: str) -> None:
    for _ in range(1000):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


async def test_a_file_dropped_in_the_inbox_becomes_searchable(tmp_path, db_url):
    settings = _settings(tmp_path, db_url)
    service = await asyncio.to_thread(QuoteService.open, settings, progress=False)
    assert service.check(QUOTE, log_lookup=False).verdict == "unverified"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "gettysburg.md").write_text(SPEECH, encoding="utf-8")
    old = time.time() - 3600
    os.utime(inbox / "gettysburg.md", (old, old))

    scheduler = await start_scheduler(service, settings)  # the inbox never ran: it runs at once
    try:
        await _until(lambda: (inbox / "done" / "gettysburg.md").exists(), "file moved to done/")
        result = await asyncio.to_thread(service.check, QUOTE, "Abraham Lincoln", log_lookup=False)
        assert result.verdict == "verified"
        assert result.match.source.title == "Address at Gettysburg"
        await scheduler.check()
        assert check_heartbeat(tmp_path / "heartbeat.json", 60)[0]
    finally:
        await scheduler.shutdown()
        service.close()


async def test_a_statement_added_by_another_process_becomes_searchable_through_refresh(tmp_path, db_url):
    settings = _settings(tmp_path, db_url, inbox=(), refresh_interval_seconds=1)
    service = await asyncio.to_thread(QuoteService.open, settings, progress=False)
    scheduler = await start_scheduler(service, settings)
    speech = tmp_path / "gettysburg.md"
    speech.write_text(SPEECH, encoding="utf-8")
    try:
        assert "refresh" in scheduler.schedules
        assert service.check(QUOTE, log_lookup=False).verdict == "unverified"
        # Another process (the command line here; another bot or shard in production) adds it.
        env = {k: v for k, v in os.environ.items() if not k.startswith("QUOTECHECK_")}
        added = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot", "--db", db_url, "ingest", "--quiet", str(speech)],
            capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
        )
        assert added.returncode == 0, added.stderr

        def found() -> bool:
            return service.check(QUOTE, log_lookup=False).verdict == "verified"

        await _until(found, "statement from the other process searchable")
    finally:
        await scheduler.shutdown()
        service.close()


async def test_the_digest_is_handed_to_the_bot_to_post(tmp_path, db_url):
    settings = _settings(tmp_path, db_url, inbox=(), digest_channel_id=99)
    service = await asyncio.to_thread(QuoteService.open, settings, progress=False)
    await asyncio.to_thread(service.check, "words nobody ever said about anything", None)
    posted: list[str] = []

    async def post(text: str) -> None:
        posted.append(text)

    scheduler = await start_scheduler(service, settings, post_digest=post)
    try:
        assert engine_of(service) is service.store.engine
        outcome = await scheduler.run_now("digest")
        assert outcome is not None and outcome.ok
        assert len(posted) == 1
        assert "Lookups: 1 (1 unverified)" in posted[0]
        assert "words nobody ever said about anything" in posted[0]
    finally:
        await scheduler.shutdown()
        service.close()


async def test_without_a_post_callback_there_is_no_digest_job(tmp_path, db_url):
    settings = _settings(tmp_path, db_url, inbox=(), digest_channel_id=99)
    service = await asyncio.to_thread(QuoteService.open, settings, progress=False)
    scheduler = await start_scheduler(service, settings)
    try:
        assert "digest" not in scheduler.schedules
    finally:
        await scheduler.shutdown()
        service.close()


async def test_a_weekly_digest_covers_the_week(tmp_path, db_url):
    settings = _settings(tmp_path, db_url, inbox=(), digest_channel_id=99, digest_cron="0 8 * * 1")
    service = await asyncio.to_thread(QuoteService.open, settings, progress=False)
    posted: list[str] = []

    async def post(text: str) -> None:
        posted.append(text)

    scheduler = await start_scheduler(service, settings, post_digest=post)
    try:
        await scheduler.run_now("digest")
        assert posted and posted[0].startswith("**Weekly digest**")
    finally:
        await scheduler.shutdown()
        service.close()
