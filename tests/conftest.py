"""Shared fixtures: database URLs for a real SQLite file and the real PostgreSQL server.

`db_url` is parametrised over both backends, so a test that takes it runs twice. PostgreSQL tests
skip with the reason shown when no server answers on 127.0.0.1:5432, unless the CI environment
variable is set: then they fail, so CI never passes without them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.store.corpus import CorpusStore
from bot.store.database import make_engine

PG_HOST = os.environ.get("QUOTECHECK_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("QUOTECHECK_TEST_PG_PORT", "5432"))
PG_USERS = ("postgres", "root")
PG_DATABASES = ("postgres", "test")
REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _pg_admin() -> tuple[object, str] | tuple[None, str]:
    """An autocommit connection to the server as an admin user, or (None, why not)."""
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - psycopg is a dependency
        return None, f"psycopg not installed: {exc}"
    errors = []
    for user in PG_USERS:
        for dbname in PG_DATABASES:
            try:
                conn = psycopg.connect(host=PG_HOST, port=PG_PORT, user=user, dbname=dbname, autocommit=True, connect_timeout=3)
                return conn, user
            except psycopg.Error as exc:
                errors.append(f"{user}@{dbname}: {str(exc).strip().splitlines()[0] if str(exc).strip() else exc}")
    return None, "; ".join(errors[:2])


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (dropped at the end)."""
    conn, info = _pg_admin()
    if conn is None:
        reason = f"PostgreSQL not reachable at {PG_HOST}:{PG_PORT} ({info})"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI is set, so PostgreSQL tests must run")
        pytest.skip(reason)
    name = f"quotecheck_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[attr-defined]
    try:
        yield f"postgresql+psycopg://{info}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[attr-defined]
        conn.close()  # type: ignore[attr-defined]


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A database URL whose tables live in a schema of their own, fresh for each test."""
    with _pg_schema(pg_server_url) as url:
        yield url


@contextmanager
def _pg_schema(pg_server_url: str) -> Iterator[str]:
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    plain = pg_server_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{pg_server_url}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A real SQLite file (created on first use, in a folder that does not exist yet)."""
    return f"sqlite:///{tmp_path / 'data' / 'quotecheck.sqlite'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """The same test against a real SQLite file and the real PostgreSQL server."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def other_db_url(db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A second, empty database on the same backend as `db_url` (for export and re-ingest)."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'other' / 'quotecheck.sqlite'}"
        return
    with _pg_schema(request.getfixturevalue("pg_server_url")) as url:
        yield url


@pytest.fixture
def seed_text() -> str:
    """The seed article in its original form (first line `date YYYY-MM-DD …`)."""
    return (FIXTURES / "seed" / "000_41f3c08ac7623368.txt").read_text(encoding="utf-8")


@pytest.fixture
def bundled_seed_path() -> Path:
    """The bundled copy of the seed article (YAML front matter)."""
    return REPO / "corpus" / "000_41f3c08ac7623368.txt"


@pytest.fixture(autouse=True, scope="session")
def _snapshot_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Index snapshots of PostgreSQL test databases go to a temporary cache, not the user's."""
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if saved is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = saved


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated database: a real SQLite file, and again the real PostgreSQL server."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine: Engine) -> CorpusStore:
    return CorpusStore(engine)
