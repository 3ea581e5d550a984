"""Fixtures for the job tests: real databases (SQLite file and PostgreSQL), migrated like the bot's."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.store.corpus import CorpusStore
from bot.store.database import make_engine


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the SQLite-only tests (backups) keep their database."""
    return tmp_path / "quotecheck.sqlite"


@pytest.fixture
def sqlite_engine(db_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{db_path}")
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_store(sqlite_engine: Engine) -> CorpusStore:
    return CorpusStore(sqlite_engine)


SPEECH = """---
kind: speech
speaker: Abraham Lincoln
title: Address at Gettysburg
date: 1863-11-19
url: https://example.org/gettysburg
---
Four score and seven years ago our fathers brought forth on this continent a new nation.
It is altogether fitting and proper that we should do this.
The world will little note, nor long remember what we say here.
"""


def export(store: CorpusStore) -> list[dict]:
    """The corpus as `quotecheck export` lines, in a stable order."""
    return sorted((s.to_export() for s in store.statements(all_guilds=True)), key=lambda d: d["id"])
