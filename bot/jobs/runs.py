"""Job run history: each run's start, end, status and one-line result, and the latest per job."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, func, insert, select, update

from bot.jobs.clock import utcnow
from bot.jobs.tables import JobRun

_RUNS = JobRun.__table__  # type: ignore[attr-defined]
RESULT_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class RunView:
    """What `quotecheck jobs` and `/corpus jobs` show about a job's runs."""

    job_id: str
    last_started: datetime | None = None
    last_finished: datetime | None = None
    last_status: str | None = None  # ok | error | interrupted | running
    last_result: str = ""
    last_success: datetime | None = None


class RunLog:
    """Writes and reads the `job_runs` table."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def start(self, job_id: str, holder: str, *, now: datetime | None = None) -> int:
        """Record that a run began; returns the run's id for `finish`."""
        with self.engine.begin() as conn:
            row = conn.execute(
                insert(_RUNS)
                .values(job_id=job_id, holder=holder, started_at=now or utcnow(), status="running", result="")
                .returning(_RUNS.c.id)
            )
            return int(row.scalar_one())

    def finish(self, run_id: int, status: str, result: str, *, now: datetime | None = None) -> None:
        """Record how a run ended."""
        with self.engine.begin() as conn:
            conn.execute(
                update(_RUNS)
                .where(_RUNS.c.id == run_id)
                .values(finished_at=now or utcnow(), status=status, result=result[:RESULT_LIMIT])
            )

    def latest(self) -> dict[str, RunView]:
        """For every job that ever ran: its latest run (skips by other processes excluded) and last success."""
        with self.engine.connect() as conn:
            last_id = (
                select(func.max(_RUNS.c.id).label("id"))
                .where(_RUNS.c.status != "skipped")
                .group_by(_RUNS.c.job_id)
                .subquery()
            )
            rows = conn.execute(select(_RUNS).join(last_id, _RUNS.c.id == last_id.c.id)).mappings().all()
            successes: dict[str, datetime] = dict(
                conn.execute(
                    select(_RUNS.c.job_id, func.max(_RUNS.c.finished_at))
                    .where(_RUNS.c.status == "ok")
                    .group_by(_RUNS.c.job_id)
                ).all()
            )
        views = {
            row["job_id"]: RunView(
                job_id=row["job_id"],
                last_started=row["started_at"],
                last_finished=row["finished_at"],
                last_status=row["status"],
                last_result=row["result"],
                last_success=successes.get(row["job_id"]),
            )
            for row in rows
        }
        return views

    def close_orphans(self, job_id: str, live_holder: str | None, *, now: datetime | None = None) -> int:
        """Mark `running` rows of processes that no longer hold the job's lease as interrupted."""
        query = update(_RUNS).where(_RUNS.c.job_id == job_id, _RUNS.c.status == "running")
        if live_holder is not None:
            query = query.where(_RUNS.c.holder != live_holder)
        with self.engine.begin() as conn:
            return conn.execute(
                query.values(status="interrupted", finished_at=now or utcnow(), result="the process stopped before the run ended")
            ).rowcount

    def history(self, job_id: str, limit: int = 20) -> list[JobRun]:
        """The most recent runs of one job, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(_RUNS).where(_RUNS.c.job_id == job_id).order_by(_RUNS.c.id.desc()).limit(limit)
            ).mappings()
            return [JobRun(**row) for row in rows]

    def prune(self, keep_per_job: int = 200) -> int:
        """Delete all but the newest `keep_per_job` runs of each job; returns how many went."""
        removed = 0
        with self.engine.begin() as conn:
            for (job_id,) in conn.execute(select(_RUNS.c.job_id).distinct()).all():
                cutoff = conn.execute(
                    select(_RUNS.c.id)
                    .where(_RUNS.c.job_id == job_id)
                    .order_by(_RUNS.c.id.desc())
                    .offset(keep_per_job)
                    .limit(1)
                ).scalar()
                if cutoff is not None:
                    removed += conn.execute(
                        delete(_RUNS).where(_RUNS.c.job_id == job_id, _RUNS.c.id <= cutoff)
                    ).rowcount
        return removed


def last_started(engine: Engine, job_id: str) -> datetime | None:
    """When the job's latest completed run (any process, ok or not) started; None if none did.

    A run that was interrupted (the process stopped or was killed) does not count: its slot is
    still owed, so the catch-up at start runs the job again.
    """
    with engine.connect() as conn:
        return conn.execute(
            select(func.max(_RUNS.c.started_at)).where(_RUNS.c.job_id == job_id, _RUNS.c.status.in_(("ok", "error")))
        ).scalar()
