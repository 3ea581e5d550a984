"""The audit log as other processes read it: history, the log itself, and the change feed since a watermark."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import event, func, select
from sqlmodel import col

from bot.store.base import StoreBase
from bot.store.permissions import possible_id
from bot.store.records import AuditEntry, Change
from bot.store.rows import audit_entry
from bot.store.tables import AuditRow

# Any constant shared by every process: the key of the lock below.
AUDIT_ORDER_LOCK = 0x71636175  # "qcau"


@event.listens_for(AuditRow, "before_insert")
def _audit_ids_in_commit_order(_mapper: Any, connection: Any, _target: AuditRow) -> None:
    """PostgreSQL hands out audit ids at insert, not at commit: without this, a reader could see id 8
    committed while id 7 is still in flight and move its watermark past 7 for good. A lock held to
    the end of the transaction hands the ids out in commit order. SQLite's BEGIN IMMEDIATE already
    serialises writers."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({AUDIT_ORDER_LOCK})")


class ChangeFeed(StoreBase):
    """Reads of the audit log; part of `CorpusStore`."""

    def history(self, statement_id_: str) -> list[AuditEntry]:
        """Every audit row about this statement, oldest first (ingestion rows list it in `added`)."""
        if not possible_id(statement_id_):
            return []
        with self._read() as session:
            rows = session.scalars(select(AuditRow).where(col(AuditRow.statement_id) == statement_id_).order_by(col(AuditRow.id))).all()
            return [audit_entry(row) for row in rows]

    def audit_log(self, *, since_id: int = 0, limit: int = 100) -> list[AuditEntry]:
        """Audit rows after `since_id`, oldest first."""
        with self._read() as session:
            rows = session.scalars(select(AuditRow).where(col(AuditRow.id) > since_id).order_by(col(AuditRow.id)).limit(limit)).all()
            return [audit_entry(row) for row in rows]

    # -- other processes ----------------------------------------------------------------------

    def watermark(self) -> int:
        """The newest audit row id: changes after it are what `changes_since` will report."""
        with self._read() as session:
            return int(session.scalar(select(func.max(AuditRow.id))) or 0)

    def changes_since(self, watermark: int) -> tuple[list[Change], int]:
        """Corpus changes after `watermark` (an audit id), and the new watermark."""
        changes: list[Change] = []
        new_mark = watermark
        with self._read() as session:
            rows = session.scalars(select(AuditRow).where(col(AuditRow.id) > watermark).order_by(col(AuditRow.id))).all()
        for row in rows:
            new_mark = max(new_mark, row.id or 0)
            after = json.loads(row.after) if row.after else {}
            if row.action in {"ingest", "replace"}:
                changes.append(Change(row.id or 0, row.action, tuple(after.get("added", ())), tuple(after.get("removed", ()))))
            elif row.action == "remove":
                changes.append(Change(row.id or 0, row.action, removed=(row.statement_id or "",)))
            elif row.statement_id:
                changes.append(Change(row.id or 0, row.action, upserted=(row.statement_id,)))
        return changes, new_mark
