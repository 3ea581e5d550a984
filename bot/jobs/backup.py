"""SQLite online backups (the backup API) with retention, and restore from one of them.

The backup API copies a consistent snapshot while the bot keeps reading and writing, which a file
copy of a WAL database does not. A backup is written under a temporary name and renamed when
complete and checked, so a crash never leaves a half backup that looks whole. PostgreSQL has its
own tools (pg_dump, base backups); these functions are for the embedded SQLite database only.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.core.errors import QuotecheckError
from bot.jobs.clock import utcnow

PREFIX = "quotecheck-"
SUFFIX = ".sqlite"
PAGES_PER_STEP = 4096  # copy in steps so writers are never blocked for the whole copy


class BackupError(QuotecheckError, RuntimeError):
    """A backup or restore that cannot be done; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class BackupResult:
    """Where a backup went, how big it is, and which old backups retention removed."""

    path: Path
    size: int
    removed: tuple[Path, ...] = ()


def sqlite_path(database_url: str) -> Path | None:
    """The file behind a SQLite URL; None for other databases and for in-memory SQLite."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def backup_sqlite(db_path: Path, backup_dir: Path, keep: int, *, now: datetime | None = None) -> BackupResult:
    """Copy the live database into `backup_dir`, check it, and keep only the newest `keep` backups."""
    if not db_path.exists():
        raise BackupError(f"{db_path}: no such database file")
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = (now or utcnow()).strftime("%Y%m%dT%H%M%SZ")
    target = backup_dir / f"{PREFIX}{stamp}{SUFFIX}"
    counter = 1
    while target.exists():
        target = backup_dir / f"{PREFIX}{stamp}-{counter}{SUFFIX}"
        counter += 1
    partial = target.with_name(target.name + ".partial")
    _copy(db_path, partial)
    problem = integrity_problem(partial)
    if problem:
        partial.unlink(missing_ok=True)
        raise BackupError(f"backup failed its integrity check: {problem}")
    os.replace(partial, target)
    removed = prune_backups(backup_dir, keep)
    return BackupResult(path=target, size=target.stat().st_size, removed=removed)


def list_backups(backup_dir: Path) -> list[Path]:
    """Completed backups in `backup_dir`, oldest first (the names sort by time)."""
    if not backup_dir.is_dir():
        return []
    return sorted(p for p in backup_dir.glob(f"{PREFIX}*{SUFFIX}") if p.is_file())


def prune_backups(backup_dir: Path, keep: int) -> tuple[Path, ...]:
    """Delete all but the newest `keep` backups (at least one is always kept)."""
    backups = list_backups(backup_dir)
    doomed = backups[: max(len(backups) - max(keep, 1), 0)]
    for path in doomed:
        path.unlink(missing_ok=True)
    return tuple(doomed)


def restore_sqlite(backup_file: Path, db_path: Path, *, keep_copy: bool = True) -> Path | None:
    """Replace the database's content with a backup's; returns the safety copy of what was there.

    The backup is checked first, and the current database is itself backed up next to it (unless
    `keep_copy` is False), so a restore from the wrong file can be undone.
    """
    if not backup_file.is_file():
        raise BackupError(f"{backup_file}: no such backup file")
    problem = integrity_problem(backup_file)
    if problem:
        raise BackupError(f"{backup_file}: not a usable backup ({problem})")
    safety: Path | None = None
    if keep_copy and db_path.exists():
        safety = db_path.with_name(f"{db_path.name}.before-restore-{utcnow():%Y%m%dT%H%M%SZ}")
        _copy(db_path, safety)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    _copy(backup_file, db_path)
    return safety


def integrity_problem(path: Path) -> str | None:
    """None when the file is a sound SQLite database with at least one table, else what is wrong."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    if verdict != "ok":
        return str(verdict)
    if not tables:
        return "no tables"
    return None


def _copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst, pages=PAGES_PER_STEP)
        finally:
            dst.close()
    finally:
        src.close()
