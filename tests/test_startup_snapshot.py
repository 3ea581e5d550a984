"""Start-up from the index snapshot: used only when it belongs to this database and to a state of it
the audit log still holds; the changes made while no process was running are applied on start."""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from bot import service as service_module
from bot.config import MatchingSettings, Settings
from bot.core.matcher import Matcher
from bot.core.model import SourceInfo, StatementRecord
from bot.service import QuoteService, snapshot_path
from bot.store.corpus import CorpusStore
from bot.store.database import make_engine

PUTIN = "Russia is for a peaceful settlement to the Ukraine crisis"
NEW = "The harbour bridge will carry trams again from the first of March next year"


def _settings(url: str, snapshots: Path | None = None) -> Settings:
    return Settings(database_url=url, matching=MatchingSettings(snapshot_dir=str(snapshots) if snapshots else ""))


def _open(url: str, snapshots: Path | None = None) -> QuoteService:
    return QuoteService.build(CorpusStore(make_engine(url)), _settings(url, snapshots))


def _record(text: str = NEW, speaker: str = "Ada Harbour") -> StatementRecord:
    return StatementRecord(text=text, speaker=speaker, source=SourceInfo(title="Council minutes", kind="transcript", date="2026-01-05"))


@pytest.fixture
def seeded(sqlite_url: str, bundled_seed_path: Path) -> str:
    service = _open(sqlite_url)
    service.ingest([bundled_seed_path])
    service.close()
    return sqlite_url


def _no_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Matcher, statements: object) -> None:
        raise AssertionError("the index was rebuilt instead of loaded from the snapshot")

    monkeypatch.setattr(Matcher, "add_many", refuse)
    monkeypatch.setattr(Matcher, "add_columns", refuse)


def test_a_restart_loads_the_snapshot_and_applies_changes_made_while_down(seeded: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = snapshot_path(CorpusStore(make_engine(seeded)), _settings(seeded))
    assert path is not None and path.exists()
    # Changes made while no bot ran: by the store directly, as another tool would.
    store = CorpusStore(make_engine(seeded))
    added = store.add_statement(_record(), actor="cli", guild_id=None)
    putin = next(r for r in store.statements() if r.text.startswith(PUTIN))
    store.remove_statement(putin.id or "", reason="test", actor="cli", guild_id=None)
    store.engine.dispose()

    _no_rebuild(monkeypatch)
    service = _open(seeded)
    try:
        assert service.check(NEW).verdict == "verified"
        assert service.check(NEW).match.id == added.id  # type: ignore[union-attr]
        assert service.check(PUTIN).verdict == "unverified"
        assert service.check(NEW, speaker="Vladimir Putin").verdict == "misattributed"
    finally:
        service.close()


def test_close_saves_what_was_applied_so_the_next_start_has_nothing_to_catch_up(seeded: str, caplog: pytest.LogCaptureFixture) -> None:
    service = _open(seeded)
    service.add(_record(), actor="mod", guild_id=None)
    service.close()
    with caplog.at_level(logging.INFO, logger="bot.service"):
        again = _open(seeded)
    try:
        assert any("0 changes applied" in r.getMessage() for r in caplog.records)
        assert again.check(NEW).verdict == "verified"
    finally:
        again.close()


def test_a_snapshot_of_another_database_is_ignored(seeded: str, tmp_path: Path, bundled_seed_path: Path) -> None:
    other_url = f"sqlite:///{tmp_path / 'other' / 'quotecheck.sqlite'}"
    other = _open(other_url)
    other.add(_record(), actor="mod", guild_id=None)  # only the other database holds this
    other.close()
    mine = snapshot_path(CorpusStore(make_engine(seeded)), _settings(seeded))
    theirs = snapshot_path(CorpusStore(make_engine(other_url)), _settings(other_url))
    assert mine and theirs and mine != theirs and theirs.exists()
    shutil.copyfile(theirs, mine)  # the other database's index where this one's should be

    service = _open(seeded)
    try:
        assert service.check(NEW).verdict == "unverified"
        assert service.check(PUTIN).verdict == "verified"
    finally:
        service.close()


def test_a_truncated_snapshot_is_ignored_with_a_warning_and_rebuilt(seeded: str, caplog: pytest.LogCaptureFixture) -> None:
    path = snapshot_path(CorpusStore(make_engine(seeded)), _settings(seeded))
    assert path is not None
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with caplog.at_level(logging.WARNING, logger="bot.service"):
        service = _open(seeded)
    try:
        assert any("not used" in r.getMessage() for r in caplog.records)
        assert service.check(PUTIN).verdict == "verified"
    finally:
        service.close()
    assert path.stat().st_size > len(data) // 2  # rewritten whole after the rebuild
    assert Matcher.load(path, token="wrong") is None


def test_a_snapshot_newer_than_a_restored_backup_is_stale(seeded: str, caplog: pytest.LogCaptureFixture) -> None:
    database = Path(seeded.removeprefix("sqlite:///"))
    backup = database.with_name("backup.sqlite")
    shutil.copyfile(database, backup)
    service = _open(seeded)
    service.add(_record(), actor="mod", guild_id=None)  # in the snapshot written at close, not in the backup
    service.close()
    shutil.copyfile(backup, database)
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    store = CorpusStore(make_engine(seeded))
    store.add_statement(_record("Ferries stop at midnight on weekdays and at two on weekends", "Bo Ferry"), actor="cli", guild_id=None)
    store.engine.dispose()

    with caplog.at_level(logging.WARNING, logger="bot.service"):
        restored = _open(seeded)
    try:
        assert any("stale" in r.getMessage() for r in caplog.records)
        assert restored.check(NEW).verdict == "unverified"
        assert restored.check("Ferries stop at midnight on weekdays").verdict == "verified"
    finally:
        restored.close()


def test_snapshots_can_be_turned_off_and_an_in_memory_database_keeps_none(sqlite_url: str) -> None:
    store = CorpusStore(make_engine(sqlite_url))
    assert snapshot_path(store, Settings(database_url=sqlite_url, matching=MatchingSettings(snapshot_dir="off"))) is None
    assert snapshot_path(CorpusStore(make_engine("sqlite://")), Settings()) is None
    service = QuoteService.build(store, Settings(database_url=sqlite_url, matching=MatchingSettings(snapshot_dir="off")))
    service.close()
    assert not list(Path(sqlite_url.removeprefix("sqlite:///")).parent.glob("*.index"))


def test_a_configured_snapshot_folder_is_used(seeded: str, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    service = _open(seeded, folder)
    service.close()
    assert [p.suffix for p in folder.iterdir()] == [".snapshot"]


def test_a_cold_build_reads_columns_saves_a_snapshot_and_the_next_start_uses_it(
    db_url: str, bundled_seed_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _open(db_url)
    first.ingest([bundled_seed_path])
    first.close()
    snapshot = snapshot_path(CorpusStore(make_engine(db_url)), _settings(db_url))
    assert snapshot is not None
    snapshot.unlink()  # as on a first start after an upgrade: no snapshot, a cold build

    built_from: list[int] = []
    plain = Matcher.add_columns

    def counted(self: Matcher, columns: object) -> None:
        built_from.append(len(columns))  # type: ignore[arg-type]
        plain(self, columns)  # type: ignore[arg-type]

    monkeypatch.setattr(Matcher, "add_columns", counted)
    cold = _open(db_url)
    try:
        assert built_from and built_from[0] == len(cold.matcher) > 0
        assert cold.snapshot_saved(timeout=60)
        assert snapshot.exists()  # written by the cold build itself, not only at close
        assert cold.check(PUTIN).verdict == "verified"
    finally:
        cold.close()

    _no_rebuild(monkeypatch)
    warm = _open(db_url)
    try:
        assert warm.check(PUTIN).verdict == "verified"
        assert warm.check(PUTIN, speaker="Zelenskyy").verdict == "misattributed"
    finally:
        warm.close()


def test_lookups_and_changes_go_on_while_a_cold_build_saves_its_snapshot(seeded: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = snapshot_path(CorpusStore(make_engine(seeded)), _settings(seeded))
    assert path is not None
    path.unlink()
    writing, release = threading.Event(), threading.Event()
    plain = service_module.write_snapshot

    def slow(state: Mapping[str, Any], target: Path) -> None:
        writing.set()
        assert release.wait(30)
        plain(state, target)

    monkeypatch.setattr(service_module, "write_snapshot", slow)
    service = _open(seeded)
    try:
        assert writing.wait(30)
        assert service.check(PUTIN).verdict == "verified"  # the index is not locked by the writing
        service.add(_record(), actor="moderator", guild_id=None)  # nor is the database state it reflects
        assert service.check(NEW).verdict == "verified"
        release.set()
        assert service.snapshot_saved(timeout=30) and path.exists()
    finally:
        release.set()
        service.close()
    _no_rebuild(monkeypatch)
    again = _open(seeded)  # close saved the snapshot again, with the addition
    try:
        assert again.check(NEW).verdict == "verified"
        assert again.check(PUTIN).verdict == "verified"
    finally:
        again.close()
