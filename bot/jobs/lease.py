"""A database lease, so that two bot processes never run the same job at the same time.

APScheduler's in-memory job store is per process (one scheduler per job store), so with several
processes (shards, replicas) every one of them fires every job. The lease row decides which one
does the work: taking it is one atomic INSERT, or one UPDATE whose WHERE only matches an expired
lease or our own, which is safe on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.jobs.clock import utcnow
from bot.jobs.tables import JobLease

_LEASES = JobLease.__table__  # type: ignore[attr-defined]


def process_holder() -> str:
    """An id for this process that stays unique across hosts and restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Lease:
    """Takes, renews and gives back named leases in the `job_leases` table for one holder."""

    def __init__(self, engine: Engine, holder: str | None = None) -> None:
        self.engine = engine
        self.holder = holder or process_holder()

    def acquire(self, job_id: str, ttl: timedelta, *, now: datetime | None = None) -> bool:
        """Take the lease for `ttl`; False when another holder has an unexpired one."""
        now = now or utcnow()
        values = {"job_id": job_id, "holder": self.holder, "acquired_at": now, "expires_at": now + ttl}
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(_LEASES).values(**values))
            return True
        except IntegrityError:
            pass  # a row exists: take it over only if it expired or is ours
        with self.engine.begin() as conn:
            taken = conn.execute(
                update(_LEASES)
                .where(_LEASES.c.job_id == job_id)
                .where((_LEASES.c.expires_at < now) | (_LEASES.c.holder == self.holder))
                .values(**values)
            )
            return taken.rowcount == 1

    def renew(self, job_id: str, ttl: timedelta, *, now: datetime | None = None) -> bool:
        """Push our lease's expiry out; False when it is no longer ours."""
        now = now or utcnow()
        with self.engine.begin() as conn:
            renewed = conn.execute(
                update(_LEASES)
                .where(_LEASES.c.job_id == job_id, _LEASES.c.holder == self.holder)
                .values(expires_at=now + ttl)
            )
            return renewed.rowcount == 1

    def live_holder(self, job_id: str, *, now: datetime | None = None) -> str | None:
        """Who holds an unexpired lease on the job, if anyone."""
        now = now or utcnow()
        with self.engine.connect() as conn:
            return conn.execute(
                select(_LEASES.c.holder).where(_LEASES.c.job_id == job_id, _LEASES.c.expires_at >= now)
            ).scalar()

    def release(self, job_id: str) -> None:
        """Give the lease back (only if we hold it), so another process may run the job at once."""
        with self.engine.begin() as conn:
            conn.execute(delete(_LEASES).where(_LEASES.c.job_id == job_id, _LEASES.c.holder == self.holder))
