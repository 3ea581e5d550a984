"""Engines: SQLite (the embedded default) and PostgreSQL, migrated to the latest schema on open."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from bot.core.errors import QuotecheckError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Execution option that makes a SQLite transaction start with BEGIN IMMEDIATE (see `writer`).
WRITE_OPTION = "quotecheck_write"
SQLITE_BUSY_TIMEOUT_MS = 30_000

_migrate_lock = threading.Lock()


class StoreError(QuotecheckError, RuntimeError):
    """The database cannot be used (no connection, bad URL, failed migration); the message says why."""


def make_engine(url: str, *, migrate: bool = True) -> Engine:
    """Open the database at `url`, creating an SQLite file on first use, and upgrade it to the latest schema."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {url!r}") from exc
    backend = parsed.get_backend_name()
    try:
        if backend == "sqlite":
            engine = _sqlite_engine(parsed)
        elif backend == "postgresql":
            if parsed.drivername == "postgresql":
                # psycopg 3 is the driver this project ships; plain postgresql:// would want psycopg2.
                parsed = parsed.set(drivername="postgresql+psycopg")
            engine = create_engine(parsed, pool_pre_ping=True)
        else:
            raise StoreError(f"unsupported database {backend!r}: use sqlite:/// or postgresql+psycopg://")
    except (NoSuchModuleError, ArgumentError, ImportError) as exc:
        raise StoreError(f"unsupported database URL {parsed.render_as_string(hide_password=True)}: {exc}") from exc
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (DBAPIError, SQLAlchemyError, OSError) as exc:
        engine.dispose()
        reason = str(getattr(exc, "orig", exc) or exc).strip().splitlines()
        raise StoreError(
            f"cannot connect to {parsed.render_as_string(hide_password=True)}: {reason[0] if reason else exc}"
        ) from exc
    if migrate:
        upgrade(engine)
        _check_match_keys(engine)
    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, whose transactions take SQLite's write lock at BEGIN (no lost updates, no
    'database is locked' half-way through a read-then-write)."""
    return engine.execution_options(**{WRITE_OPTION: True})


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations shipped inside the package up to `revision`."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with _migrate_lock:
        try:
            with engine.begin() as conn:
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot migrate the database: {str(exc).splitlines()[0]}") from exc


def _check_match_keys(engine: Engine) -> None:
    """Clear stored matching keys written under other rules than today's (bot/store/match_keys.py)."""
    from bot.store.match_keys import check_match_keys  # here: it imports this module

    try:
        check_match_keys(engine)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot check the stored matching keys: {str(exc).splitlines()[0]}") from exc


def _sqlite_engine(parsed: Any) -> Engine:
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        folder = Path(database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the database folder {folder}: {exc.strerror or exc}") from exc
    engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from the driver so BEGIN can be IMMEDIATE for writes.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # NORMAL may lose the last commits on power loss
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
