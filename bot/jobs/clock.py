"""Time as the job tables store it: naive UTC datetimes (SQLite keeps no time zone)."""

from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    """Now, in UTC, without tzinfo: the form every job table column holds."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def as_naive_utc(moment: datetime) -> datetime:
    """An aware datetime converted to naive UTC; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def as_aware_utc(moment: datetime) -> datetime:
    """A naive UTC datetime from the tables, made aware for display and for the scheduler."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment
