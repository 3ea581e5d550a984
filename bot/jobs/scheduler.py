"""The job scheduler: APScheduler 3.x inside the bot's event loop, with leases, history and a watchdog.

- Started inside the running loop (`start_scheduler` is awaited from the bot's `setup_hook`).
- `coalesce=True` and `misfire_grace_time=None`: after a stall or a busy loop a job runs once, late,
  instead of being skipped silently (APScheduler's default grace is one second) or run once per slot.
- The job store is in memory and rebuilt from the settings at every start; runs missed while the
  bot was down are found in the run history and run once at start.
- Every job body runs off the loop (`asyncio.to_thread`), so the gateway heartbeat never waits on it.
- Shared jobs hold a database lease while they run; a process that fires a slot another process
  has just served skips it.
- A watchdog task, independent of APScheduler, notices a scheduler that went idle and jobs that
  stopped succeeding, and writes the heartbeat file the container health check reads.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.jobs.clock import as_aware_utc
from bot.jobs.lease import Lease, process_holder
from bot.jobs.runs import RunLog, RunView, last_started
from bot.jobs.schedule import JobSchedule

log = logging.getLogger(__name__)

JOB_DEFAULTS = {"coalesce": True, "misfire_grace_time": None, "max_instances": 1}


@dataclass(frozen=True, slots=True)
class JobOutcome:
    """How one run ended: ok or not, and one line saying what it did."""

    ok: bool
    summary: str


Runner = Callable[[], Awaitable[JobOutcome]]


@dataclass(frozen=True, slots=True)
class JobStatus:
    """One line of `quotecheck jobs` / `/corpus jobs`."""

    id: str
    description: str
    last_run: datetime | None
    last_status: str | None  # ok | error | running | None (never ran)
    last_result: str
    last_success: datetime | None
    next_run: datetime | None
    stale: bool = False


class JobScheduler:
    """Owns the AsyncIOScheduler, the lease, the run history and the watchdog for one process."""

    def __init__(
        self,
        engine: Engine,
        schedules: Sequence[JobSchedule],
        runners: Mapping[str, Runner],
        *,
        holder: str | None = None,
        heartbeat_file: Path | None = None,
        watchdog_seconds: float = 60.0,
    ) -> None:
        self.engine = engine
        self.schedules = {s.id: s for s in schedules if s.id in runners}
        self.runners = dict(runners)
        self.lease = Lease(engine, holder or process_holder())
        self.runs = RunLog(engine)
        self.heartbeat_file = heartbeat_file
        self.watchdog_seconds = watchdog_seconds
        self.scheduler = AsyncIOScheduler(job_defaults=dict(JOB_DEFAULTS), timezone=UTC)
        self.started_at: datetime | None = None
        self._local: dict[str, tuple[datetime, JobOutcome]] = {}  # last run of unshared jobs
        self._local_success: dict[str, datetime] = {}
        self._watchdog: asyncio.Task[None] | None = None
        self._stale: set[str] = set()
        self._running: dict[str, asyncio.Lock] = {}

    @property
    def holder(self) -> str:
        """This process's lease holder id (host, pid, random part)."""
        return self.lease.holder

    async def start(self) -> None:
        """Register every job (missed ones due now) and start; must run inside the bot's loop."""
        asyncio.get_running_loop()  # fails loudly outside a loop instead of binding a wrong one
        now = datetime.now(UTC)
        self.started_at = now
        for schedule in self.schedules.values():
            due_now = False
            if schedule.shared:
                holder = await asyncio.to_thread(self.lease.live_holder, schedule.id)
                await asyncio.to_thread(self.runs.close_orphans, schedule.id, holder)
                last = await asyncio.to_thread(last_started, self.engine, schedule.id)
                due_now = schedule.missed_since(last, now)
                if due_now and last is not None:
                    log.info("jobs: %s missed its run(s) since %s; running it once now", schedule.id, last)
            options = {"next_run_time": now} if due_now else {}
            self.scheduler.add_job(
                self._fire,
                trigger=schedule.trigger,
                args=[schedule.id],
                id=schedule.id,
                name=schedule.description,
                replace_existing=True,
                **options,
            )
        self.scheduler.start()
        self._watchdog = asyncio.get_running_loop().create_task(self._watch(), name="quotecheck-jobs-watchdog")
        log.info("jobs: scheduler started with %s", ", ".join(self.schedules) or "no jobs")

    async def shutdown(self) -> None:
        """Stop the watchdog and the scheduler; a job in flight is cancelled and its lease expires."""
        if self._watchdog is not None:
            self._watchdog.cancel()
            try:
                await self._watchdog
            except asyncio.CancelledError:
                pass
            self._watchdog = None
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
            # AsyncIOScheduler defers shutdown to the loop (call_soon_threadsafe): let it happen
            # before returning, so the caller may close the loop or the database right after.
            await asyncio.sleep(0)

    async def run_now(self, job_id: str) -> JobOutcome | None:
        """Run one job at once (a moderator's or the CLI's request); None if it is running already,
        here or in another process."""
        if job_id not in self.schedules:
            raise KeyError(job_id)
        return await self._execute(self.schedules[job_id], force=True)

    async def _fire(self, job_id: str) -> None:
        try:
            await self._execute(self.schedules[job_id], force=False)
        except SQLAlchemyError as exc:
            # The database is down or locked: no lease, no history. Nothing is lost (the next slot
            # runs the job again) and the watchdog reports the job once it stays like this.
            log.error("jobs: %s not run, the database is unavailable: %s", job_id, str(exc).splitlines()[0])

    async def _execute(self, schedule: JobSchedule, *, force: bool) -> JobOutcome | None:
        # The lease keeps other processes out; this lock keeps a moderator's "run now" from
        # overlapping the scheduled run of the same job in this process.
        lock = self._running.setdefault(schedule.id, asyncio.Lock())
        if lock.locked():
            log.info("jobs: %s is already running here; not started twice", schedule.id)
            return None
        async with lock:
            return await self._execute_alone(schedule, force=force)

    async def _execute_alone(self, schedule: JobSchedule, *, force: bool) -> JobOutcome | None:
        runner = self.runners[schedule.id]
        if not schedule.shared:
            previous = self._local.get(schedule.id)
            # Unshared jobs run every few seconds: log a failure when it starts, not at every run.
            outcome = await _guarded(runner, schedule.id, quiet=previous is not None and not previous[1].ok)
            now = datetime.now(UTC)
            self._local[schedule.id] = (now, outcome)
            if outcome.ok:
                self._local_success[schedule.id] = now
            return outcome
        if not await asyncio.to_thread(self.lease.acquire, schedule.id, schedule.lease_ttl):
            log.info("jobs: %s is running in another process; skipped here", schedule.id)
            return None
        try:
            if not force and await self._served_elsewhere(schedule):
                log.info("jobs: %s was just run by another process; skipped here", schedule.id)
                return None
            run_id = await asyncio.to_thread(self.runs.start, schedule.id, self.holder)
            renewal = asyncio.get_running_loop().create_task(self._keep_lease(schedule))
            try:
                outcome = await _guarded(runner, schedule.id)
            except asyncio.CancelledError:
                # The bot is stopping: say so in the history (directly: the loop is going away), so
                # the run is owed and redone at the next start.
                self.runs.finish(run_id, "interrupted", "the bot stopped during the run")
                raise
            finally:
                renewal.cancel()
            await asyncio.to_thread(self.runs.finish, run_id, "ok" if outcome.ok else "error", outcome.summary)
            log.info("jobs: %s %s: %s", schedule.id, "ok" if outcome.ok else "FAILED", outcome.summary)
            return outcome
        finally:
            await asyncio.to_thread(self.lease.release, schedule.id)

    async def _served_elsewhere(self, schedule: JobSchedule) -> bool:
        """Every process fires every slot; the first one to get the lease serves it, the rest skip."""
        last = await asyncio.to_thread(last_started, self.engine, schedule.id)
        if last is None:
            return False
        return datetime.now(UTC) - as_aware_utc(last) < schedule.period() / 2

    async def _keep_lease(self, schedule: JobSchedule) -> None:
        while True:
            await asyncio.sleep(schedule.lease_ttl.total_seconds() / 3)
            if not await asyncio.to_thread(self.lease.renew, schedule.id, schedule.lease_ttl):
                log.error("jobs: lost the lease of %s while running it", schedule.id)
                return

    def status(self) -> list[JobStatus]:
        """Every job with its last run, result and next run (reads the database: call off the loop)."""
        views = self.runs.latest()
        statuses = []
        for schedule in self.schedules.values():
            job = self.scheduler.get_job(schedule.id) if self.scheduler.running else None
            next_run = job.next_run_time if job is not None else None
            if schedule.shared:
                statuses.append(_status(schedule, views.get(schedule.id), next_run, schedule.id in self._stale))
            else:
                when, outcome = self._local.get(schedule.id, (None, JobOutcome(True, "")))
                statuses.append(
                    JobStatus(
                        id=schedule.id,
                        description=schedule.description,
                        last_run=when,
                        last_status=None if when is None else ("ok" if outcome.ok else "error"),
                        last_result=outcome.summary,
                        last_success=self._local_success.get(schedule.id),
                        next_run=next_run,
                        stale=schedule.id in self._stale,
                    )
                )
        return statuses

    async def check(self) -> list[str]:
        """One watchdog pass: wake an idle scheduler, list jobs that stopped succeeding, write the heartbeat."""
        now = datetime.now(UTC)
        problems: list[str] = []
        if not self.scheduler.running:
            problems.append("scheduler not running")
        else:
            late = [
                job.id
                for job in self.scheduler.get_jobs()
                if job.next_run_time is not None and now - job.next_run_time > timedelta(seconds=2 * self.watchdog_seconds)
            ]
            if late:
                # Known APScheduler 3.x failure: the scheduler stops waking after a job store error.
                log.error("jobs: scheduler idle with overdue jobs %s; waking it", ", ".join(late))
                self.scheduler.wakeup()
                problems.append("scheduler was idle")
        try:
            stale = await asyncio.to_thread(self._stale_jobs, now)
        except SQLAlchemyError as exc:
            # The loop and the scheduler are alive, so the heartbeat still says healthy: restarting
            # the bot would not bring the database back, and a restart loop costs gateway logins.
            log.error("jobs: watchdog cannot read the run history: %s", str(exc).splitlines()[0])
            problems.append("database unavailable")
            stale = self._stale
        for job_id in stale - self._stale:
            log.error("jobs: %s has not succeeded for more than twice its period", job_id)
        self._stale = stale
        if self.heartbeat_file is not None:
            healthy = not [p for p in problems if p != "database unavailable"]
            await asyncio.to_thread(
                write_heartbeat, self.heartbeat_file, now, healthy=healthy, stale=sorted(stale), holder=self.holder
            )
        return problems + [f"{j} stale" for j in sorted(stale)]

    def _stale_jobs(self, now: datetime) -> set[str]:
        views = self.runs.latest()
        stale = set()
        for schedule in self.schedules.values():
            allowed = 2 * schedule.period(now=now) + (schedule.lease_ttl if schedule.shared else timedelta(0))
            if self.started_at is None or now - self.started_at < allowed:
                continue  # too early to tell
            if schedule.shared:
                view = views.get(schedule.id)
                success = as_aware_utc(view.last_success) if view and view.last_success else None
            else:
                success = self._local_success.get(schedule.id)
            if success is None or now - success > allowed:
                stale.add(schedule.id)
        return stale

    async def _watch(self) -> None:
        while True:
            try:
                await self.check()
            except Exception:  # the watchdog itself must keep running
                log.exception("jobs: watchdog pass failed")
            await asyncio.sleep(self.watchdog_seconds)


async def _guarded(runner: Runner, job_id: str, *, quiet: bool = False) -> JobOutcome:
    try:
        return await runner()
    except Exception as exc:
        if not quiet:
            log.exception("jobs: %s failed", job_id)
        return JobOutcome(False, f"{type(exc).__name__}: {exc}")


def _status(schedule: JobSchedule, view: RunView | None, next_run: datetime | None, stale: bool) -> JobStatus:
    return JobStatus(
        id=schedule.id,
        description=schedule.description,
        last_run=as_aware_utc(view.last_started) if view and view.last_started else None,
        last_status=view.last_status if view else None,
        last_result=view.last_result if view else "",
        last_success=as_aware_utc(view.last_success) if view and view.last_success else None,
        next_run=next_run,
        stale=stale,
    )


def offline_status(engine: Engine, schedules: Sequence[JobSchedule], *, now: datetime | None = None) -> list[JobStatus]:
    """Job status for a process that runs no scheduler (the CLI): next runs computed from the triggers."""
    now = now or datetime.now(UTC)
    views = RunLog(engine).latest()
    statuses = []
    for schedule in schedules:
        view = views.get(schedule.id)
        next_run = schedule.next_after(view.last_started if view else None, now) if schedule.shared else None
        statuses.append(_status(schedule, view, next_run, False))
    return statuses


def write_heartbeat(path: Path, now: datetime, *, healthy: bool, stale: list[str], holder: str) -> None:
    """Write the heartbeat atomically: the health check never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # A name of its own per write: two passes (the watchdog's and a /corpus jobs request) may overlap.
    partial = path.with_name(f"{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    partial.write_text(
        json.dumps({"at": now.isoformat(), "healthy": healthy, "stale_jobs": stale, "holder": holder}),
        encoding="utf-8",
    )
    os.replace(partial, path)
