"""Tables the scheduled jobs keep: run history, leases, and per-feed polling state.

They share `SQLModel.metadata` with the corpus tables, so one `create_all` or one migration covers
them all.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel


class JobRun(SQLModel, table=True):
    """One run of a scheduled job: who ran it, when, and how it ended."""

    __tablename__ = "job_runs"

    id: int | None = Field(default=None, primary_key=True)
    job_id: str = Field(index=True, max_length=64)
    holder: str = Field(max_length=200)
    started_at: datetime = Field(index=True)
    finished_at: datetime | None = None
    # running | ok | error | skipped (another process held the lease)
    status: str = Field(max_length=16)
    result: str = Field(default="", max_length=2000)


class JobLease(SQLModel, table=True):
    """Who may run a job right now; a lease past `expires_at` may be taken over."""

    __tablename__ = "job_leases"

    job_id: str = Field(primary_key=True, max_length=64)
    holder: str = Field(max_length=200)
    acquired_at: datetime
    expires_at: datetime


class FeedState(SQLModel, table=True):
    """What the poller remembers about one feed between polls."""

    __tablename__ = "feed_state"

    url: str = Field(primary_key=True, max_length=2000)
    etag: str | None = Field(default=None, max_length=500)
    last_modified: str | None = Field(default=None, max_length=100)
    # JSON list of entry ids already ingested, newest last, capped (see feeds.SEEN_CAP)
    seen: str = Field(default="[]")
    failures: int = 0
    next_poll_at: datetime | None = None
    last_status: int | None = None
    last_error: str = Field(default="", max_length=500)
    last_polled_at: datetime | None = None


class LookupDaily(SQLModel, table=True):
    """Lookups per day, server and verdict: what retention keeps after deleting the lookups themselves."""

    __tablename__ = "lookup_daily"

    day: str = Field(primary_key=True, max_length=10)  # ISO date, UTC
    guild_scope: int = Field(default=0, primary_key=True, sa_type=BigInteger)  # guild id, 0 for none
    verdict: str = Field(primary_key=True, max_length=20)
    count: int = 0
