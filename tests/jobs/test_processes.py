"""Two real processes fire the same slot of the same job: exactly one of them runs it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from bot.jobs.runs import RunLog

ROOT = Path(__file__).resolve().parents[2]

WORKER = textwrap.dedent(
    """
    import asyncio, os, sys, time
    from pathlib import Path
    from bot.store.database import make_engine
    from bot.jobs.schedule import JobSchedule, cron_trigger
    from bot.jobs.scheduler import JobOutcome, JobScheduler

    url, out, go = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])

    async def work():
        with out.open("a") as handle:
            handle.write(f"{os.getpid()}\\n")
        await asyncio.to_thread(time.sleep, 1.0)  # long enough for the other process to try meanwhile
        return JobOutcome(True, f"run by {os.getpid()}")

    async def main():
        engine = make_engine(url)
        scheduler = JobScheduler(engine, [JobSchedule("feeds", "f", cron_trigger("0 * * * *"))], {"feeds": work})
        while not go.exists():
            await asyncio.sleep(0.01)
        await scheduler._fire("feeds")  # what APScheduler calls when the slot comes
        engine.dispose()

    asyncio.run(main())
    """
)


def test_two_processes_firing_one_slot_run_the_job_once(engine, db_url, tmp_path):
    out, go = tmp_path / "runs.txt", tmp_path / "go"
    out.touch()
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, db_url, str(out), str(go)], cwd=ROOT)
        for _ in range(2)
    ]
    time.sleep(0.5)  # both are importing; the go file makes them fire together once ready
    go.touch()
    for worker in workers:
        assert worker.wait(timeout=120) == 0
    runners = out.read_text().split()
    assert len(runners) == 1
    history = RunLog(engine).history("feeds")
    assert len(history) == 1 and history[0].status == "ok" and history[0].result == f"run by {runners[0]}"
