"""Which jobs exist, and when they run, as the settings describe them.

Kept apart from the runners so `quotecheck jobs` can show every job's schedule and next run from
the settings and the run history alone, without starting a bot or loading the index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import Settings, SettingsError
from bot.jobs.backup import sqlite_path


@dataclass(frozen=True)
class JobSchedule:
    """One job: its id, what it does, when it runs.

    `shared` jobs change the shared database: they hold a lease while running (one process at a
    time cluster-wide) and are recorded in the run history. Others (the index refresh) run in
    every process and are only watched in memory.
    """

    id: str
    description: str
    trigger: BaseTrigger
    shared: bool = True
    lease_ttl: timedelta = timedelta(minutes=30)

    def period(self, *, now: datetime | None = None) -> timedelta:
        """The usual time between two runs (for the watchdog and for spacing runs across processes)."""
        if isinstance(self.trigger, IntervalTrigger):
            return _interval(self.trigger)
        now = now or datetime.now(UTC)
        first = _next_fire(self.trigger, None, now)
        if first is None:
            return timedelta(days=365)
        second = _next_fire(self.trigger, first, first + timedelta(seconds=1))
        return (second - first) if second else timedelta(days=365)

    def missed_since(self, last_start: datetime | None, now: datetime) -> bool:
        """True when a run was due between `last_start` and `now` (the process was down then).

        A job that never ran counts as missed when it runs on an interval (inbox, feeds: do them
        now), not when it runs at a time of day (a fresh install posts no digest at start-up).
        """
        if last_start is None:
            return isinstance(self.trigger, IntervalTrigger)
        if last_start.tzinfo is None:
            last_start = last_start.replace(tzinfo=UTC)
        if isinstance(self.trigger, IntervalTrigger):
            return now - last_start >= _interval(self.trigger)
        due = _next_fire(self.trigger, None, last_start + timedelta(seconds=1))
        return due is not None and due <= now

    def next_after(self, last_start: datetime | None, now: datetime) -> datetime | None:
        """When the job runs next, as seen from outside a running scheduler."""
        if isinstance(self.trigger, IntervalTrigger):
            if last_start is None:
                return now
            if last_start.tzinfo is None:
                last_start = last_start.replace(tzinfo=UTC)
            return max(last_start + _interval(self.trigger), now)
        return _next_fire(self.trigger, None, now)


def _interval(trigger: IntervalTrigger) -> timedelta:
    interval: timedelta = trigger.interval
    return interval


def _next_fire(trigger: BaseTrigger, previous: datetime | None, now: datetime) -> datetime | None:
    """The trigger's next fire time after `previous`, seen at `now` (APScheduler ships no types)."""
    fire: datetime | None = trigger.get_next_fire_time(previous, now)
    return fire


def job_schedules(settings: Settings) -> list[JobSchedule]:
    """Every job the settings turn on, in a fixed order."""
    jobs = settings.jobs
    schedules: list[JobSchedule] = []
    if jobs.inbox:
        schedules.append(
            JobSchedule(
                "inbox",
                f"ingest files dropped in {', '.join(jobs.inbox)}",
                interval_trigger(minutes=jobs.inbox_interval_minutes),
                lease_ttl=timedelta(hours=1),
            )
        )
    if jobs.feeds:
        schedules.append(
            JobSchedule(
                "feeds",
                f"poll {len(jobs.feeds)} RSS/Atom feed(s)",
                interval_trigger(minutes=jobs.feeds_interval_minutes),
                lease_ttl=timedelta(hours=1),
            )
        )
    if jobs.digest_channel_id:
        schedules.append(JobSchedule("digest", f"post the daily digest to channel {jobs.digest_channel_id}", cron_trigger(jobs.digest_cron, "jobs.digest_cron")))
    if sqlite_path(settings.resolved_database_url) is not None and jobs.backup_keep > 0:
        schedules.append(
            JobSchedule("backup", f"back up the SQLite database to {jobs.backup_dir}, keep {jobs.backup_keep}", cron_trigger(jobs.backup_cron, "jobs.backup_cron"))
        )
    if jobs.lookup_log_days > 0:
        schedules.append(
            JobSchedule("retention", f"delete lookups older than {jobs.lookup_log_days} days", cron_trigger(jobs.retention_cron, "jobs.retention_cron"))
        )
    if jobs.refresh_interval_seconds > 0:
        schedules.append(
            JobSchedule(
                "refresh",
                "make corpus changes from other processes searchable",
                interval_trigger(seconds=jobs.refresh_interval_seconds),
                shared=False,
            )
        )
    return schedules


def interval_trigger(*, minutes: float = 0, seconds: float = 0) -> IntervalTrigger:
    """Every so many minutes and seconds (at least one second)."""
    return IntervalTrigger(seconds=max(minutes * 60 + seconds, 1), timezone=UTC)


def cron_trigger(expression: str, setting: str = "cron") -> CronTrigger:
    """A crontab line (`minute hour day month weekday`), in UTC; SettingsError names a bad one."""
    try:
        # Cron times are UTC, so a digest or backup time does not move with the host's time zone.
        return CronTrigger.from_crontab(expression, timezone=UTC)
    except ValueError as exc:
        raise SettingsError(f"{setting}: {expression!r} is not a crontab line (minute hour day month weekday): {exc}") from None
