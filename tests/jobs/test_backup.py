"""SQLite online backups: a backup restores to an identical corpus; retention keeps the newest."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.documents import parse_document
from bot.jobs.backup import BackupError, backup_sqlite, list_backups, restore_sqlite, sqlite_path
from bot.store.corpus import CorpusStore
from bot.store.database import make_engine

from .conftest import SPEECH, export

T0 = datetime(2026, 3, 1, 3, 30, tzinfo=UTC)
OTHER_SPEECH = SPEECH.replace("Address at Gettysburg", "Second address").replace(
    "Four score and seven years ago", "Fondly do we hope, fervently do we pray, that this"
)


def _ingest(store: CorpusStore, text: str, origin: str) -> None:
    store.ingest_document(parse_document("speech.md", text), origin=origin, content_hash=origin)


def test_backup_restores_to_an_identical_corpus(sqlite_store, sqlite_engine, db_path, tmp_path):
    _ingest(sqlite_store, SPEECH, "gettysburg")
    before = export(sqlite_store)
    assert before
    result = backup_sqlite(db_path, tmp_path / "backups", keep=3, now=T0)
    assert result.path.exists() and result.size > 0

    # The corpus changes after the backup ...
    _ingest(sqlite_store, OTHER_SPEECH, "second")
    assert export(sqlite_store) != before
    sqlite_engine.dispose()

    # ... and the restore brings back exactly what was backed up.
    safety = restore_sqlite(result.path, db_path)
    restored = make_engine(f"sqlite:///{db_path}")
    try:
        assert export(CorpusStore(restored)) == before
    finally:
        restored.dispose()
    assert safety is not None and safety.exists()  # the replaced database is kept aside


def test_backup_while_another_connection_writes_is_consistent(sqlite_store, db_path, tmp_path):
    _ingest(sqlite_store, SPEECH, "gettysburg")
    writer = sqlite3.connect(db_path)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE statements SET text = text || ' (uncommitted)'")
    try:
        result = backup_sqlite(db_path, tmp_path / "b", keep=1, now=T0)
    finally:
        writer.rollback()
        writer.close()
    copy = sqlite3.connect(result.path)
    texts = [row[0] for row in copy.execute("SELECT text FROM statements")]
    copy.close()
    assert texts and not any("(uncommitted)" in t for t in texts)


def test_retention_keeps_only_the_newest_backups(sqlite_store, db_path, tmp_path):
    _ingest(sqlite_store, SPEECH, "gettysburg")
    folder = tmp_path / "backups"
    made = [backup_sqlite(db_path, folder, keep=3, now=T0 + timedelta(days=i)).path for i in range(5)]
    assert list_backups(folder) == made[-3:]
    # Two backups in the same second get distinct names.
    again = backup_sqlite(db_path, folder, keep=10, now=T0 + timedelta(days=4))
    assert again.path != made[-1] and again.path.exists()


def test_restore_refuses_a_file_that_is_not_a_database(sqlite_store, db_path, tmp_path):
    _ingest(sqlite_store, SPEECH, "gettysburg")
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(BackupError):
        restore_sqlite(junk, db_path)
    with pytest.raises(BackupError):
        restore_sqlite(tmp_path / "missing.sqlite", db_path)
    assert export(sqlite_store)  # the live database is untouched


def test_sqlite_path_only_for_sqlite_files():
    assert sqlite_path("sqlite:////var/lib/q.sqlite") == Path("/var/lib/q.sqlite")
    assert sqlite_path("sqlite://") is None
    assert sqlite_path("postgresql+psycopg://root@127.0.0.1/test") is None
