"""`start_scheduler`: what the chat bot awaits in its `setup_hook` to run the scheduled jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine

from bot.config import Settings
from bot.jobs.runners import PostDigest, build_runners, resolve_path
from bot.jobs.schedule import job_schedules
from bot.jobs.scheduler import JobScheduler
from bot.protocols import DocumentSink

if TYPE_CHECKING:
    from bot.store.corpus import CorpusStore


async def start_scheduler(
    service: DocumentSink | CorpusStore,
    settings: Settings,
    *,
    post_digest: PostDigest | None = None,
    engine: Engine | None = None,
    watchdog_seconds: float = 60.0,
) -> JobScheduler:
    """Build every configured job for `service` (QuoteService or CorpusStore) and start them.

    Must be awaited inside the running event loop (the bot's `setup_hook`). `post_digest` sends
    the digest text to the moderators' channel; without it there is no digest job. Call
    `await scheduler.shutdown()` from the bot's `close`.
    """
    engine = engine or engine_of(service)
    runners = build_runners(service, settings, engine, post_digest=post_digest)
    heartbeat = resolve_path(settings.jobs.heartbeat_file) if settings.jobs.heartbeat_file else None
    scheduler = JobScheduler(
        engine, job_schedules(settings), runners, heartbeat_file=heartbeat, watchdog_seconds=watchdog_seconds
    )
    await scheduler.start()
    return scheduler


def engine_of(service: object) -> Engine:
    """The SQLAlchemy engine behind a QuoteService or a CorpusStore."""
    for holder in (service, getattr(service, "store", None)):
        engine = getattr(holder, "engine", None)
        if isinstance(engine, Engine):
            return engine
    raise TypeError(f"cannot find the database engine of {type(service).__name__}")
