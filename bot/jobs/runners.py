"""What each scheduled job does, wired to the corpus (a QuoteService, or a bare CorpusStore).

Every runner is a coroutine that sends its blocking work to a thread (`asyncio.to_thread`): database
writes, file moves, HTTP polling and quote extraction never run on the bot's event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from bot.config import PROJECT_ROOT, Settings
from bot.core.documents import STATEMENT_SUFFIXES, parse_article
from bot.core.model import CorpusFormatError, SourceInfo
from bot.ingest import as_sink, ingest_file
from bot.jobs.backup import backup_sqlite, sqlite_path
from bot.jobs.digest import collect_digest, render_digest
from bot.jobs.feeds import FeedArticle, FeedConfig, FeedPoller
from bot.jobs.inbox import FileOutcome, Inbox, rejected_lines_file
from bot.jobs.retention import prune_lookups
from bot.jobs.runs import RunLog
from bot.jobs.schedule import JobSchedule, cron_trigger
from bot.jobs.scheduler import JobOutcome, Runner
from bot.protocols import DocumentSink
from bot.statement_lists import Rejects

if TYPE_CHECKING:
    from bot.store.corpus import CorpusStore

PostDigest = Callable[[str], Awaitable[None]]


def resolve_path(value: str) -> Path:
    """Paths in the settings are relative to the project folder, like the bundled corpus."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def ingest_inbox_file(
    target: DocumentSink | CorpusStore, max_bytes: int | None = None, *, skip_invalid: bool = False
) -> Callable[[Path], FileOutcome]:
    """Ingest one dropped file into `target` (QuoteService or CorpusStore) as `quotecheck ingest` does;
    with `skip_invalid`, as `quotecheck ingest --skip-invalid` with the rejects file in the folder's `rejected/`."""
    sink = as_sink(target)

    def ingest(path: Path) -> FileOutcome:
        rejects = Rejects(rejected_lines_file(path)) if skip_invalid and path.suffix.lower() in STATEMENT_SUFFIXES else None
        try:
            outcome = ingest_file(sink, path, actor="inbox", max_bytes=max_bytes, rejects=rejects)
        except CorpusFormatError as exc:
            return FileOutcome(ok=False, reason=str(exc), **_bad_lines(rejects))
        finally:
            if rejects is not None:
                rejects.close()
        return FileOutcome(ok=True, added=outcome.added, skipped=outcome.skipped, **_bad_lines(rejects))

    return ingest


def _bad_lines(rejects: Rejects | None) -> dict[str, Any]:
    if rejects is None or not rejects.count:
        return {}
    return {"lines_rejected": rejects.count, "rejects_file": rejects.path}


def ingest_feed_article(target: DocumentSink | CorpusStore) -> Callable[[FeedArticle], FileOutcome]:
    """Ingest one feed article: its quotes, credited to the entry's title, date, outlet and link."""
    sink = as_sink(target)

    def ingest(article: FeedArticle) -> FileOutcome:
        source = SourceInfo(
            title=article.title, url=article.url, outlet=article.outlet, date=article.date, kind="article", author=article.author
        )
        try:
            doc = parse_article(source, article.text)
        except CorpusFormatError as exc:
            return FileOutcome(ok=False, reason=str(exc))
        if not doc.statements:
            return FileOutcome(ok=True)  # an article without attributed quotes adds nothing, and that is fine
        content_hash = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
        outcome = sink.import_document(doc, origin=article.url, content_hash=content_hash, actor="feeds")
        return FileOutcome(ok=True, added=outcome.added, skipped=outcome.skipped)

    return ingest


def build_runners(
    target: DocumentSink | CorpusStore,
    settings: Settings,
    engine: Engine,
    *,
    post_digest: PostDigest | None = None,
    poller: FeedPoller | None = None,
) -> dict[str, Runner]:
    """A runner for every job the settings can turn on (the schedules decide which are used)."""
    jobs = settings.jobs
    runners: dict[str, Runner] = {}

    inbox = Inbox(
        [resolve_path(f) for f in jobs.inbox],
        ingest_inbox_file(target, int(settings.limits.ingest_max_file_mb * 1024 * 1024), skip_invalid=jobs.inbox_skip_invalid),
        settle_seconds=jobs.inbox_settle_seconds,
    )

    async def run_inbox() -> JobOutcome:
        report = await asyncio.to_thread(inbox.scan)
        return JobOutcome(not report.failed, report.summary())

    runners["inbox"] = run_inbox

    feeds = [FeedConfig.from_setting(f) for f in jobs.feeds]
    if feeds or poller is not None:
        # Back-off delays are whole poll intervals (one, two, four... up to a day), so a failing
        # feed is asked less and less often, and never more often than the others.
        feed_poller = poller or FeedPoller(
            engine,
            feeds,
            ingest_feed_article(target),
            timeout=jobs.feeds_timeout_seconds,
            backoff_base=timedelta(minutes=jobs.feeds_interval_minutes),
            allow_private_links=jobs.feeds_allow_private_links,
        )

        async def run_feeds() -> JobOutcome:
            report = await asyncio.to_thread(feed_poller.poll_all)
            return JobOutcome(report.ok, report.summary())

        runners["feeds"] = run_feeds

    if post_digest is not None:

        # The digest covers the time since the previous one: a day for a daily cron, a week for a weekly one.
        digest_period = JobSchedule("digest", "", cron_trigger(jobs.digest_cron, "jobs.digest_cron")).period()

        async def run_digest() -> JobOutcome:
            failing = await asyncio.to_thread(_failing_jobs, engine)
            data = await asyncio.to_thread(collect_digest, engine, period=digest_period, failing_jobs=failing)
            await post_digest(render_digest(data))
            return JobOutcome(True, f"posted: {data.lookups} lookups, {data.new_statements} new statements, {data.open_reports} open reports")

        runners["digest"] = run_digest

    database = sqlite_path(settings.resolved_database_url)
    if database is not None:

        async def run_backup() -> JobOutcome:
            result = await asyncio.to_thread(backup_sqlite, database, resolve_path(jobs.backup_dir), jobs.backup_keep)
            return JobOutcome(True, f"{result.path.name} ({result.size} bytes), {len(result.removed)} old backup(s) removed")

        runners["backup"] = run_backup

    async def run_retention() -> JobOutcome:
        result = await asyncio.to_thread(prune_lookups, engine, jobs.lookup_log_days)
        pruned = await asyncio.to_thread(RunLog(engine).prune)
        return JobOutcome(True, result.summary() + f"; {pruned} old job run record(s) pruned")

    runners["retention"] = run_retention

    refresh = getattr(target, "refresh", None)
    if callable(refresh):

        async def run_refresh() -> JobOutcome:
            changed = await asyncio.to_thread(refresh)
            return JobOutcome(True, f"{changed} change(s) picked up" if isinstance(changed, int) else "refreshed")

        runners["refresh"] = run_refresh

    return runners


def _failing_jobs(engine: Engine) -> tuple[str, ...]:
    return tuple(sorted(job for job, view in RunLog(engine).latest().items() if view.last_status == "error"))
