"""Retention: old lookups go, their daily counts stay, and a second run changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.jobs.retention import daily_counts, prune_lookups
from bot.store.tables import LookupRow

NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)


def _lookup(session_engine, at, verdict, guild_id=None, quote="q"):
    with session_engine.begin() as conn:
        conn.execute(
            LookupRow.__table__.insert().values(at=at, verdict=verdict, guild_id=guild_id, quote=quote, score=0.0)
        )


def _remaining(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(LookupRow.__table__)).scalar_one()


def test_old_lookups_are_deleted_and_counted_per_day(engine):
    old_day = NOW - timedelta(days=40)
    for verdict in ("verified", "verified", "unverified"):
        _lookup(engine, old_day, verdict, guild_id=7)
    _lookup(engine, old_day + timedelta(hours=1), "altered")
    _lookup(engine, NOW - timedelta(days=2), "verified")

    result = prune_lookups(engine, 30, now=NOW)
    assert result.deleted == 4
    assert _remaining(engine) == 1
    day = old_day.date().isoformat()
    assert daily_counts(engine) == {(day, "verified"): 2, (day, "unverified"): 1, (day, "altered"): 1}
    assert daily_counts(engine, guild_id=7) == {(day, "verified"): 2, (day, "unverified"): 1}

    again = prune_lookups(engine, 30, now=NOW)
    assert again.deleted == 0
    assert daily_counts(engine)[(day, "verified")] == 2


def test_counts_add_up_when_one_day_is_pruned_in_two_runs(engine):
    day_start = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)
    _lookup(engine, day_start + timedelta(hours=2), "close")
    _lookup(engine, day_start + timedelta(hours=20), "close")
    prune_lookups(engine, 1, now=day_start + timedelta(days=1, hours=10))
    assert daily_counts(engine) == {("2026-04-01", "close"): 1}
    prune_lookups(engine, 1, now=day_start + timedelta(days=2))
    assert daily_counts(engine) == {("2026-04-01", "close"): 2}
    assert _remaining(engine) == 0
