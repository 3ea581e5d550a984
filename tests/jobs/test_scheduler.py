"""The scheduler inside a running loop: catch-up once, leases across processes, off-loop work, watchdog."""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.jobs.health import check_heartbeat
from bot.jobs.runs import RunLog
from bot.jobs.schedule import JobSchedule, cron_trigger, interval_trigger
from bot.jobs.scheduler import JOB_DEFAULTS, JobOutcome, JobScheduler

HOURLY = "0 * * * *"


class Counter:
    """A runner that counts its calls and can be made to wait on a thread event."""

    def __init__(self, *, gate: threading.Event | None = None, fail: bool = False) -> None:
        self.calls = 0
        self.called = asyncio.Event()
        self.gate = gate
        self.fail = fail
        self.threads: list[int] = []

    async def __call__(self) -> JobOutcome:
        self.calls += 1
        self.called.set()
        if self.gate is not None:
            await asyncio.to_thread(self._wait)
        if self.fail:
            raise RuntimeError("feed server unreachable")
        return JobOutcome(True, f"call {self.calls}")

    def _wait(self) -> None:
        self.threads.append(threading.get_ident())
        assert self.gate is not None
        self.gate.wait(timeout=30)


def _record_run(engine, job_id: str, started: datetime) -> None:
    runs = RunLog(engine)
    runs.finish(runs.start(job_id, "earlier-process", now=started), "ok", "", now=started + timedelta(seconds=1))


async def test_job_defaults_follow_the_reliability_rules(engine):
    scheduler = JobScheduler(engine, [], {})
    assert JOB_DEFAULTS == {"coalesce": True, "misfire_grace_time": None, "max_instances": 1}
    await scheduler.start()
    try:
        assert scheduler.scheduler.running
        assert scheduler.scheduler._job_defaults["misfire_grace_time"] is None
    finally:
        await scheduler.shutdown()


async def test_missed_slots_run_once_at_start_not_once_per_slot(engine):
    now = datetime.now(UTC)
    _record_run(engine, "backup", now - timedelta(days=3))  # 72 hourly slots missed
    runner = Counter()
    scheduler = JobScheduler(engine, [JobSchedule("backup", "b", cron_trigger(HOURLY))], {"backup": runner})
    await scheduler.start()
    try:
        await asyncio.wait_for(runner.called.wait(), 10)
        for _ in range(50):  # let any further queued run come through, if there were one
            await asyncio.sleep(0.01)
        assert runner.calls == 1
        job = scheduler.scheduler.get_job("backup")
        assert job.next_run_time > now  # the next regular slot, nothing queued before it
        view = RunLog(engine).latest()["backup"]
        assert view.last_status == "ok" and view.last_result == "call 1"
    finally:
        await scheduler.shutdown()


async def test_nothing_runs_at_start_when_no_slot_was_missed(engine):
    now = datetime.now(UTC)
    last_slot = now.replace(minute=0, second=0, microsecond=0)
    _record_run(engine, "backup", last_slot + timedelta(seconds=1))
    schedules = [
        JobSchedule("backup", "b", cron_trigger(HOURLY)),
        JobSchedule("digest", "d", cron_trigger("0 8 * * *")),  # never ran: a fresh install posts nothing at once
    ]
    scheduler = JobScheduler(engine, schedules, {"backup": Counter(), "digest": Counter()})
    await scheduler.start()
    try:
        for schedule in schedules:  # each waits for its next regular slot
            expected = schedule.trigger.get_next_fire_time(None, datetime.now(UTC))
            assert scheduler.scheduler.get_job(schedule.id).next_run_time == expected
    finally:
        await scheduler.shutdown()


def test_missed_since_rules():
    now = datetime(2026, 5, 19, 12, 30, tzinfo=UTC)
    hourly = JobSchedule("x", "x", cron_trigger(HOURLY))
    assert hourly.missed_since(now - timedelta(hours=5), now)
    assert not hourly.missed_since(now - timedelta(minutes=20), now)
    assert not hourly.missed_since(None, now)
    every_five = JobSchedule("y", "y", interval_trigger(minutes=5))
    assert every_five.missed_since(None, now)
    assert every_five.missed_since(now - timedelta(minutes=6), now)
    assert not every_five.missed_since(now - timedelta(minutes=2), now)
    assert hourly.period() == timedelta(hours=1)
    assert every_five.next_after(now - timedelta(minutes=2), now) == now + timedelta(minutes=3)


async def test_a_slow_job_runs_off_the_loop_while_the_loop_keeps_ticking(engine):
    gate = threading.Event()
    runner = Counter(gate=gate)
    scheduler = JobScheduler(engine, [JobSchedule("inbox", "i", interval_trigger(minutes=5))], {"inbox": runner})
    await scheduler.start()  # never ran: an interval job runs at once
    try:
        await asyncio.wait_for(runner.called.wait(), 10)
        # The job now blocks in its thread until the gate opens. Were it on the loop, none of
        # the loop's steps below could run, and the gate would never open.
        for _ in range(1000):
            if runner.threads:
                break
            await asyncio.sleep(0.01)
        assert runner.threads and runner.threads[0] != threading.get_ident()
        assert not gate.is_set()
        gate.set()
        for _ in range(500):
            if RunLog(engine).latest().get("inbox") and RunLog(engine).latest()["inbox"].last_status == "ok":
                break
            await asyncio.sleep(0.01)
        assert RunLog(engine).latest()["inbox"].last_status == "ok"
    finally:
        gate.set()
        await scheduler.shutdown()


async def test_two_processes_never_run_the_same_job_at_once(engine):
    gate = threading.Event()
    first_runner, second_runner = Counter(gate=gate), Counter()
    schedule = JobSchedule("feeds", "f", cron_trigger(HOURLY))
    first = JobScheduler(engine, [schedule], {"feeds": first_runner}, holder="process-1")
    second = JobScheduler(engine, [schedule], {"feeds": second_runner}, holder="process-2")

    running = asyncio.ensure_future(first.run_now("feeds"))
    await asyncio.wait_for(first_runner.called.wait(), 10)
    # While process 1 holds the lease, process 2 cannot run the job, even when asked directly.
    assert await second.run_now("feeds") is None
    assert second_runner.calls == 0
    gate.set()
    outcome = await running
    assert outcome is not None and outcome.ok

    # The same slot firing late in process 2 finds it served and skips it.
    await second._fire("feeds")
    assert second_runner.calls == 0
    assert [r.holder for r in RunLog(engine).history("feeds")] == ["process-1"]


async def test_a_failing_job_is_recorded_with_its_error_and_goes_stale(engine, tmp_path: Path):
    heartbeat = tmp_path / "heartbeat.json"
    runner = Counter(fail=True)
    runs = RunLog(engine)  # an earlier failure, recent enough that nothing is due at start
    runs.finish(runs.start("feeds", "earlier-process"), "error", "timeout")
    schedule = JobSchedule("feeds", "f", interval_trigger(minutes=1), lease_ttl=timedelta(seconds=1))
    scheduler = JobScheduler(engine, [schedule], {"feeds": runner}, heartbeat_file=heartbeat, watchdog_seconds=3600)
    await scheduler.start()
    try:
        outcome = await scheduler.run_now("feeds")
        assert outcome is not None and not outcome.ok and "unreachable" in outcome.summary
        view = RunLog(engine).latest()["feeds"]
        assert view.last_status == "error" and "RuntimeError" in view.last_result

        scheduler.started_at = datetime.now(UTC) - timedelta(minutes=10)
        problems = await scheduler.check()
        assert "feeds stale" in problems
        data = json.loads(heartbeat.read_text())
        assert data["healthy"] is True and data["stale_jobs"] == ["feeds"]
        assert check_heartbeat(heartbeat, 60)[0]
        statuses = {s.id: s for s in scheduler.status()}
        assert statuses["feeds"].stale and statuses["feeds"].last_status == "error"
        assert statuses["feeds"].next_run is not None
    finally:
        await scheduler.shutdown()
    # A stopped scheduler reports itself unhealthy.
    problems = await scheduler.check()
    assert "scheduler not running" in problems
    assert not check_heartbeat(heartbeat, 60)[0]


async def test_an_idle_scheduler_with_overdue_jobs_is_woken(engine):
    runner = Counter()
    schedule = JobSchedule("digest", "d", cron_trigger("0 8 * * *"))
    scheduler = JobScheduler(engine, [schedule], {"digest": runner}, watchdog_seconds=3600)
    await scheduler.start()
    try:
        for _ in range(20):  # let the watchdog's first pass (at start) go by
            await asyncio.sleep(0)
        # Make the job overdue behind the scheduler's back, as a lost wake-up would leave it:
        # the scheduler's timer still points at the original slot hours away.
        job = scheduler.scheduler.get_job("digest")
        job._modify(next_run_time=datetime.now(UTC) - timedelta(hours=3))
        scheduler.scheduler._lookup_jobstore("default").update_job(job)
        for _ in range(20):
            await asyncio.sleep(0)
        assert runner.calls == 0
        problems = await scheduler.check()
        assert "scheduler was idle" in problems
        await asyncio.wait_for(runner.called.wait(), 10)
        assert runner.calls == 1
    finally:
        await scheduler.shutdown()


async def test_a_database_outage_skips_runs_without_crashing_and_keeps_the_heartbeat(engine, tmp_path: Path, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    runner = Counter()
    heartbeat = tmp_path / "heartbeat.json"
    schedule = JobSchedule("feeds", "f", cron_trigger(HOURLY))
    scheduler = JobScheduler(engine, [schedule], {"feeds": runner}, heartbeat_file=heartbeat, watchdog_seconds=3600)
    await scheduler.start()
    try:
        monkeypatch.setattr(scheduler.lease, "acquire", down)
        monkeypatch.setattr(scheduler.runs, "latest", down)
        await scheduler._fire("feeds")  # logged, not raised
        assert runner.calls == 0
        problems = await scheduler.check()
        assert "database unavailable" in problems
        assert check_heartbeat(heartbeat, 60)[0]
    finally:
        await scheduler.shutdown()


async def test_a_run_killed_midway_is_redone_at_start_and_marked_interrupted(engine):
    now = datetime.now(UTC)
    last_slot = now.replace(minute=0, second=0, microsecond=0)
    _record_run(engine, "backup", last_slot - timedelta(hours=1))  # the slot before was served
    runs = RunLog(engine)
    runs.start("backup", "killed-process", now=last_slot + timedelta(seconds=1))  # this one never ended
    runner = Counter()
    scheduler = JobScheduler(engine, [JobSchedule("backup", "b", cron_trigger(HOURLY))], {"backup": runner})
    await scheduler.start()
    try:
        await asyncio.wait_for(runner.called.wait(), 10)
        await _until_status(engine, "backup", "ok")
        statuses = [r.status for r in runs.history("backup")]
        assert statuses == ["ok", "interrupted", "ok"]
        assert runner.calls == 1
    finally:
        await scheduler.shutdown()


async def test_stopping_the_bot_mid_run_records_the_run_as_interrupted(engine):
    gate = threading.Event()
    runner = Counter(gate=gate)
    scheduler = JobScheduler(engine, [JobSchedule("inbox", "i", interval_trigger(minutes=5))], {"inbox": runner})
    await scheduler.start()  # never ran: runs at once, then blocks on the gate
    try:
        await asyncio.wait_for(runner.called.wait(), 10)
        await _until_status(engine, "inbox", "running")
    finally:
        await scheduler.shutdown()
        await asyncio.sleep(0)  # let the cancelled job finish its bookkeeping
        gate.set()
    await _until_status(engine, "inbox", "interrupted")


async def _until_status(engine, job_id: str, status: str) -> None:
    for _ in range(1000):
        view = RunLog(engine).latest().get(job_id)
        if view is not None and view.last_status == status:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{job_id} never reached {status}")


async def test_run_now_never_overlaps_a_run_in_flight_in_the_same_process(engine):
    gate = threading.Event()
    runner = Counter(gate=gate)
    scheduler = JobScheduler(engine, [JobSchedule("inbox", "i", interval_trigger(minutes=5))], {"inbox": runner})
    await scheduler.start()  # never ran: runs at once and blocks on the gate
    try:
        await asyncio.wait_for(runner.called.wait(), 10)
        assert await scheduler.run_now("inbox") is None
        assert runner.calls == 1
        gate.set()
        await _until_status(engine, "inbox", "ok")
        for _ in range(1000):  # the run ends after its history row: the lease is given back last
            if not scheduler._running["inbox"].locked():
                break
            await asyncio.sleep(0.01)
        again = await scheduler.run_now("inbox")
        assert again is not None and again.ok and runner.calls == 2
    finally:
        gate.set()
        await scheduler.shutdown()
