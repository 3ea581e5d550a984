"""Time as the job tables hold it: aware UTC datetimes (SQLModel stores them as UTC on every backend)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC, with tzinfo."""
    return datetime.now(UTC)


def as_aware_utc(moment: datetime) -> datetime:
    """A datetime in UTC with tzinfo; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
