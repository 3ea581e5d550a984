"""The job tables' migration creates exactly what the models describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import bot.store.tables  # noqa: F401  (the models)

JOB_TABLES = {"job_runs", "job_leases", "feed_state", "lookup_daily"}


def _touches_job_tables(diff: object) -> bool:
    # Diffs name their table in various shapes ("'job_runs'", "table=<job_runs>"); the names are distinct.
    return any(name in repr(diff) for name in JOB_TABLES)


def test_migration_matches_the_models(engine):
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert [d for d in diffs if _touches_job_tables(d)] == []
