"""The audit-log oracle: replaying the log from empty rebuilds the corpus, statement for statement.

Every corpus change writes its audit row in the same transaction (bot/store/corpus.py), and the rows
carry what was written: ingestion rows the inserted statements, `add` and `edit` rows the stored
fields. So after any crash, retry or conflict, `replay_audit(store.audit_log…)` must equal
`corpus_snapshot(store)`; a difference means a change was half-written or not logged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from bot.core.errors import QuotecheckError
from bot.store.corpus import CorpusStore
from bot.store.records import AuditEntry
from bot.store.tables import SourceRow, StatementRow

_SOURCE_FIELDS = ("title", "url", "outlet", "date", "kind", "author")
_EDITABLE = ("text", "speaker", "date", "context_before", "context_after")


class ReplayError(QuotecheckError, ValueError):
    """The log cannot be replayed: a row refers to a statement it never created, or lacks its content."""


@dataclass(frozen=True, slots=True)
class StoredStatement:
    """Everything the corpus holds about one statement (the speaker table aside: it is derived)."""

    id: str
    text: str
    speaker: str | None
    date: str | None
    position: int
    context_before: str
    context_after: str
    guild_id: int | None
    version: int
    removed: bool
    removed_reason: str | None
    source: tuple[tuple[str, Any], ...]


def replay_audit(entries: Iterable[AuditEntry]) -> dict[str, StoredStatement]:
    """The corpus the audit log describes, starting from an empty database (entries oldest first)."""
    state: dict[str, StoredStatement] = {}
    by_document: dict[int, list[str]] = {}
    for entry in entries:
        after = entry.after or {}
        if entry.action in {"ingest", "replace"}:
            if "statements" not in after:
                raise ReplayError(f"audit row {entry.id} ({entry.action}) does not carry its statements")
            key = entry.document_id if entry.document_id is not None else -entry.id
            kept = list(after.get("kept", ()))  # edited statements a replacement leaves as they are
            for sid in by_document.pop(key, []):
                if sid not in kept:
                    state.pop(sid, None)  # a new version of the file replaces all its other statements
            ids = kept
            for row in after["statements"]:
                state[row["id"]] = _from_row(row, version=1)
                ids.append(row["id"])
            by_document[key] = ids
        elif entry.action == "add":
            if "row" not in after:
                raise ReplayError(f"audit row {entry.id} (add) does not carry the stored statement")
            state[after["row"]["id"]] = _from_row(after["row"], version=1)
        elif entry.action == "edit":
            current = _existing(state, entry)
            fields = after.get("row")
            if fields is None:
                raise ReplayError(f"audit row {entry.id} (edit) does not carry the stored fields")
            state[current.id] = replace(
                current, version=current.version + 1, **{k: fields[k] for k in _EDITABLE if k in fields}
            )
        elif entry.action in {"remove", "restore"}:
            current = _existing(state, entry)
            removed = entry.action == "remove"
            state[current.id] = replace(
                current, removed=removed, removed_reason=entry.reason if removed else None, version=current.version + 1
            )
        else:
            raise ReplayError(f"audit row {entry.id} has an unknown action {entry.action!r}")
    return state


def corpus_snapshot(store: CorpusStore) -> dict[str, StoredStatement]:
    """Every statement in the database (all servers, removed ones too), in the same shape as `replay_audit`."""
    snapshot: dict[str, StoredStatement] = {}
    with Session(store.engine) as session:
        for statement, source in session.execute(
            select(StatementRow, SourceRow).join(SourceRow, col(StatementRow.source_id) == col(SourceRow.id))
        ).all():
            snapshot[statement.id] = StoredStatement(
                id=statement.id,
                text=statement.text,
                speaker=statement.speaker,
                date=statement.date,
                position=statement.position,
                context_before=statement.context_before,
                context_after=statement.context_after,
                guild_id=statement.guild_id,
                version=statement.version,
                removed=statement.removed,
                removed_reason=statement.removed_reason,
                source=tuple((name, getattr(source, name)) for name in _SOURCE_FIELDS),
            )
    return snapshot


def audit_entries(store: CorpusStore, page: int = 1000) -> Iterator[AuditEntry]:
    """The whole audit log, oldest first, read a page at a time."""
    since = 0
    while True:
        rows = store.audit_log(since_id=since, limit=page)
        if not rows:
            return
        yield from rows
        since = rows[-1].id


def differences(store: CorpusStore, limit: int = 10) -> list[str]:
    """How the corpus differs from its replayed audit log (empty when the oracle holds)."""
    actual = corpus_snapshot(store)
    replayed = replay_audit(audit_entries(store))
    found: list[str] = []
    for sid in sorted(set(actual) | set(replayed)):
        if actual.get(sid) != replayed.get(sid):
            found.append(f"{sid}: stored {actual.get(sid)} but the log says {replayed.get(sid)}")
            if len(found) >= limit:
                break
    return found


def _existing(state: dict[str, StoredStatement], entry: AuditEntry) -> StoredStatement:
    current = state.get(entry.statement_id or "")
    if current is None:
        raise ReplayError(f"audit row {entry.id} ({entry.action}) changes {entry.statement_id}, which the log never created")
    return current


def _from_row(row: dict[str, Any], *, version: int) -> StoredStatement:
    source = row.get("source") or {}
    return StoredStatement(
        id=row["id"],
        text=row["text"],
        speaker=row.get("speaker"),
        date=row.get("date"),
        position=int(row.get("position") or 0),
        context_before=row.get("context_before") or "",
        context_after=row.get("context_after") or "",
        guild_id=row.get("guild_id"),
        version=version,
        removed=bool(row.get("removed")),
        removed_reason=row.get("removed_reason"),
        source=tuple((name, source.get(name)) for name in _SOURCE_FIELDS),
    )
