"""Stored matching keys (`statements.norm`): which rules wrote them, and filling in the missing ones.

The store writes each statement's matching key (`bot.core.normalize.match_text`) together with its
text, so a start without an index snapshot reads the keys instead of computing them again. A key is
only worth reading when today's rules would give the same one: `corpus_meta` records the
`MATCH_KEYS_VERSION` the stored keys follow, and when it is another (or unknown while keys exist)
every key is cleared on opening. A missing key is always safe: whoever needs it computes it, and
`fill_match_keys` stores it after start-up, a few thousand rows per transaction.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, text

from bot.core.normalize import MATCH_KEYS_VERSION, match_texts
from bot.store.database import writer
from bot.store.trigram import write_norms

log = logging.getLogger(__name__)

VERSION_KEY = "match_keys_version"  # its row in corpus_meta
# Rows per transaction when missing keys are filled in: SQLite's write lock is held for one batch
# only (tens of milliseconds), so the bot's own writes wait no longer than that.
FILL_BATCH = 4000
# Keys and the full-text vectors computed from them (PostgreSQL, migration 0008) go together.
_CLEAR = {
    "postgresql": "UPDATE statements SET norm = NULL, topic = NULL WHERE norm IS NOT NULL OR topic IS NOT NULL",
    "sqlite": "UPDATE statements SET norm = NULL WHERE norm IS NOT NULL",
}
_RECORD = (
    "INSERT INTO corpus_meta (key, value) VALUES (:key, :value) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)


def stored_keys_version(conn: Connection) -> str | None:
    """The version of the rules the stored keys follow (None: never recorded)."""
    value = conn.execute(text("SELECT value FROM corpus_meta WHERE key = :key"), {"key": VERSION_KEY}).scalar()
    return None if value is None else str(value)


def check_match_keys(engine: Engine) -> int:
    """Clear the stored keys unless they follow today's rules, and record today's version; returns
    how many statements lost their key. One query when the version is already today's."""
    wanted = str(MATCH_KEYS_VERSION)
    with engine.connect() as conn:
        if stored_keys_version(conn) == wanted:
            return 0
    with writer(engine).begin() as conn:
        if stored_keys_version(conn) == wanted:  # another process got here first
            return 0
        cleared = int(conn.execute(text(_CLEAR[conn.dialect.name])).rowcount or 0)
        conn.execute(text(_RECORD), {"key": VERSION_KEY, "value": wanted})
    if cleared:
        log.warning("matching keys of %d statements were stored under other rules; cleared, to be computed again", cleared)
    return cleared


def fill_match_keys(engine: Engine, *, batch: int = FILL_BATCH, stop: threading.Event | None = None) -> int:
    """Store the key of every statement stored without one, `batch` rows per transaction, stopping
    early between two batches when `stop` is set; returns how many were stored."""
    # Walked in the order of the table's own key (SQLite's rowid: its pages in order), so each batch
    # starts where the last ended instead of scanning the filled rows again.
    place = "rowid" if engine.dialect.name == "sqlite" else "id"
    # FOR UPDATE (PostgreSQL): an edit made meanwhile waits, and never sees its key overwritten.
    lock = " FOR UPDATE" if engine.dialect.name == "postgresql" else ""
    query = text(f"SELECT {place}, id, text FROM statements WHERE {place} > :after AND norm IS NULL ORDER BY {place} LIMIT :n{lock}")
    after: Any = 0 if place == "rowid" else ""
    done = 0
    while not (stop is not None and stop.is_set()):
        # A write transaction from the first read (SQLite's BEGIN IMMEDIATE): no edit slips in between.
        with writer(engine).begin() as conn:
            rows = conn.execute(query, {"after": after, "n": batch}).all()
            if not rows:
                break
            _store_keys(conn, place, rows)
        after = rows[-1][0]
        done += len(rows)
    return done


def _store_keys(conn: Connection, place: str, rows: Sequence[Any]) -> None:
    """Write the keys of (place, id, text) rows inside the caller's transaction."""
    if conn.dialect.name == "postgresql":  # the key and its full-text vector, as every write there
        write_norms(conn, {sid: value for _, sid, value in rows})
        return
    keys = match_texts([value for _, _, value in rows])
    conn.execute(
        text(f"UPDATE statements SET norm = :norm WHERE {place} = :place"),
        [{"place": where, "norm": key} for (where, _, _), key in zip(rows, keys)],
    )
