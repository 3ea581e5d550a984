"""Scheduled-jobs benchmark: event-loop lag while jobs run, backup/restore speed, feed polling.

Prints numbers, asserts nothing. The loop-lag figures are the point: a job must never hold the
bot's event loop (the gateway heartbeat runs there), so the lag while the inbox job ingests State
of the Union speeches is printed next to the lag of the same work done on the loop.

    python bench/jobs.py                 # default: 40 speeches
    python bench/jobs.py --speeches 10   # a quick run
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import JobSettings, Settings  # noqa: E402
from bot.jobs.backup import backup_sqlite, restore_sqlite  # noqa: E402
from bot.jobs.feeds import FeedConfig, FeedPoller  # noqa: E402
from bot.jobs.inbox import Inbox  # noqa: E402
from bot.jobs.runners import ingest_feed_article, ingest_inbox_file  # noqa: E402
from bot.jobs.startup import start_scheduler  # noqa: E402
from bot.service import QuoteService  # noqa: E402
from bot.store.corpus import CorpusStore  # noqa: E402
from bot.store.database import make_engine  # noqa: E402

SPEECHES = ROOT / "corpus" / "sotu"
TICK = 0.005


class LagProbe:
    """Sleeps TICK seconds in a loop and records how late each wake-up is: the loop's lag."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(TICK)
            self.lags.append(max(time.perf_counter() - start - TICK, 0.0))

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        assert self._task is not None
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass

    def summary(self) -> str:
        if not self.lags:
            return "no ticks at all (the loop was blocked throughout)"
        ms = sorted(lag * 1000 for lag in self.lags)
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
        return f"{len(ms)} ticks, median lag {statistics.median(ms):.1f} ms, p99 {p99:.1f} ms, max {ms[-1]:.1f} ms"


def _drop(files: list[Path], inbox: Path) -> None:
    inbox.mkdir(parents=True, exist_ok=True)
    old = time.time() - 3600
    for path in files:
        target = inbox / path.name
        shutil.copy(path, target)
        os.utime(target, (old, old))


async def loop_lag(work: Path, files: list[Path]) -> None:
    half = len(files) // 2
    settings = Settings(
        database_url=f"sqlite:///{work / 'lag.sqlite'}",
        jobs=JobSettings(
            inbox=(str(work / "inbox"),), inbox_interval_minutes=60, refresh_interval_seconds=0, backup_keep=0,
            lookup_log_days=0, heartbeat_file=str(work / "heartbeat.json"),
        ),
    )
    service = await asyncio.to_thread(QuoteService.open, settings, progress=False)

    _drop(files[:half], work / "inbox")
    probe = LagProbe()
    probe.start()
    started = time.perf_counter()
    scheduler = await start_scheduler(service, settings)  # the inbox job runs at once, in a thread
    while len(list((work / "inbox" / "done").glob("*"))) < half:
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - started
    await probe.stop()
    await scheduler.shutdown()
    print(f"inbox job, {half} speeches through the scheduler: {elapsed:.1f} s; loop: {probe.summary()}")

    _drop(files[half:], work / "inbox2")
    inbox = Inbox([work / "inbox2"], ingest_inbox_file(service))
    probe = LagProbe()
    probe.start()
    await asyncio.sleep(TICK * 2)
    started = time.perf_counter()
    inbox.scan()  # the same work, wrongly done on the loop, for comparison
    elapsed = time.perf_counter() - started
    await asyncio.sleep(TICK * 2)
    await probe.stop()
    print(f"same work on the loop (what the jobs avoid), {len(files) - half} speeches: {elapsed:.1f} s; loop: {probe.summary()}")
    print(f"statements in the corpus now: {service.store.count()}")
    service.close()


def backups(work: Path) -> None:
    db = work / "lag.sqlite"
    started = time.perf_counter()
    result = backup_sqlite(db, work / "backups", keep=3)
    backup_s = time.perf_counter() - started
    engine = make_engine(f"sqlite:///{db}")
    before = sorted(r.id or "" for r in CorpusStore(engine).statements(all_guilds=True))
    engine.dispose()
    target = work / "restored.sqlite"
    started = time.perf_counter()
    restore_sqlite(result.path, target, keep_copy=False)
    restore_s = time.perf_counter() - started
    engine = make_engine(f"sqlite:///{target}")
    after = sorted(r.id or "" for r in CorpusStore(engine).statements(all_guilds=True))
    engine.dispose()
    print(
        f"backup of {db.stat().st_size / 1e6:.1f} MB: {backup_s * 1000:.0f} ms (with integrity check); "
        f"restore {restore_s * 1000:.0f} ms; identical statements after restore: {before == after} ({len(after)})"
    )


def feeds(work: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "jobs"))
    from feedserver import start_site  # the test suite's local news site

    server, site = start_site()
    engine = make_engine(f"sqlite:///{work / 'feeds.sqlite'}")
    poller = FeedPoller(
        engine, [FeedConfig(f"{site.base}/feed.xml")], ingest_feed_article(CorpusStore(engine)), timeout=5,
        allow_private_links=True,  # the local site is on 127.0.0.1
    )
    try:
        started = time.perf_counter()
        first = poller.poll_all()
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        second = poller.poll_all()
        second_s = time.perf_counter() - started
    finally:
        poller.close()
        engine.dispose()
        server.shutdown()
        server.server_close()
    print(f"feed poll with {first.feeds[0].ingested} new articles (fetch, extract, ingest): {first_s * 1000:.0f} ms; "
          f"second poll ({second.feeds[0].status}): {second_s * 1000:.1f} ms; requests made: {len(site.requests)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speeches", type=int, default=40, help="speeches for the loop-lag run (default %(default)s)")
    args = parser.parse_args()
    files = sorted(SPEECHES.glob("*.txt"))[-args.speeches :]
    with tempfile.TemporaryDirectory(prefix="quotecheck-bench-jobs-") as tmp:
        work = Path(tmp)
        asyncio.run(loop_lag(work, files))
        backups(work)
        feeds(work)


if __name__ == "__main__":
    main()
