"""Time as the job tables hold it: aware UTC datetimes (SQLModel stores them as UTC on every backend)."""

from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    """Now, in UTC, with tzinfo."""
    return datetime.now(timezone.utc)


def as_aware_utc(moment: datetime) -> datetime:
    """A datetime in UTC with tzinfo; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
