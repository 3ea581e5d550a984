"""The tables the scheduled jobs keep; the models live with every other table in `bot.store.tables`."""

from __future__ import annotations

from bot.store.tables import FeedState, JobLease, JobRun, LookupDaily

__all__ = ["FeedState", "JobLease", "JobRun", "LookupDaily"]
