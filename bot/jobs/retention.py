"""Retention: lookups (users' queries are personal data) are deleted after a period; daily counts stay.

Rolling the rows into `lookup_daily` and deleting them happen in one transaction, so a crash never
counts a lookup twice or loses it from the totals; running again right after deletes nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from bot.jobs.tables import LookupDaily
from bot.store.database import writer
from bot.store.tables import LookupRow

_DAILY = LookupDaily.__table__  # type: ignore[attr-defined]
_LOOKUPS = LookupRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class RetentionResult:
    """How many lookups were rolled into daily counts and deleted, and the cut-off used."""

    deleted: int
    cutoff: datetime

    def summary(self) -> str:
        """One line for the job history."""
        return f"{self.deleted} lookup(s) older than {self.cutoff:%Y-%m-%d %H:%M} UTC deleted, daily counts kept"


def prune_lookups(engine: Engine, days: int, *, now: datetime | None = None) -> RetentionResult:
    """Roll lookups older than `days` days into daily counts, then delete them."""
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    cutoff = now - timedelta(days=max(days, 0))
    if engine.dialect.name == "postgresql":
        day = func.to_char(func.timezone("UTC", _LOOKUPS.c.at), "YYYY-MM-DD")
    else:  # SQLite keeps datetimes as ISO text, in UTC
        day = func.substr(_LOOKUPS.c.at, 1, 10)
    scope = func.coalesce(_LOOKUPS.c.guild_id, 0)
    with writer(engine).begin() as conn:
        groups = conn.execute(
            select(day.label("day"), scope.label("scope"), _LOOKUPS.c.verdict, func.count().label("n"))
            .where(_LOOKUPS.c.at < cutoff)
            .group_by(day, scope, _LOOKUPS.c.verdict)
        ).all()
        module = postgresql if engine.dialect.name == "postgresql" else sqlite
        for group in groups:
            stmt = module.insert(_DAILY).values(day=group.day, guild_scope=group.scope, verdict=group.verdict, count=group.n)
            stmt = stmt.on_conflict_do_update(
                index_elements=[_DAILY.c.day, _DAILY.c.guild_scope, _DAILY.c.verdict],
                set_={"count": _DAILY.c.count + stmt.excluded.count},
            )
            conn.execute(stmt)
        deleted = conn.execute(delete(_LOOKUPS).where(_LOOKUPS.c.at < cutoff)).rowcount
    return RetentionResult(deleted=deleted, cutoff=cutoff)


def daily_counts(engine: Engine, *, guild_id: int | None = None) -> dict[tuple[str, str], int]:
    """Kept aggregates: {(day, verdict): count}, for one server or (None) all of them."""
    query = select(_DAILY.c.day, _DAILY.c.verdict, func.sum(_DAILY.c.count)).group_by(_DAILY.c.day, _DAILY.c.verdict)
    if guild_id is not None:
        query = query.where(_DAILY.c.guild_scope == guild_id)
    with engine.connect() as conn:
        return {(d, v): int(n) for d, v, n in conn.execute(query).all()}
