"""Replacing a stored document by its new version, honouring what moderators did to the old one."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlmodel import Session, col

from bot.core.invisible import remove_invisible
from bot.core.model import StatementRecord
from bot.store.batches import batches
from bot.store.tables import AuditRow, SourceRow, StatementRow


def successor_key(text: str, speaker: str | None) -> tuple[str, str]:
    """What a statement's successor under a newer parser shares with it: the words and the speaker,
    invisible characters and spacing aside (the parser change that gives the statement a new id)."""
    return " ".join(remove_invisible(speaker or "").split()), " ".join(remove_invisible(text).split())


class Previous:
    """What a replaced document held, as far as its new version must honour it.

    Removed statements stay removed: under their id, or, when a newer parser changed their words
    (an invisible character dropped), under their successor's. Edited statements are kept as they
    are, on their old source; the new version adds neither their id nor their successor, so the
    moderator's words stand in for what the file says (an edit is never silently undone).
    """

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.deleted: list[str] = []
        self.kept: set[str] = set()
        self.tombstones: dict[str, str | None] = {}
        self.removed_successors: dict[tuple[str, str], str | None] = {}
        self.edited_successors: set[tuple[str, str]] = set()

    def stands_in_for(self, sid: str, record: StatementRecord) -> bool:
        """Whether a kept edited statement replaces this new one."""
        return sid in self.kept or (
            bool(self.edited_successors) and successor_key(record.text, record.speaker) in self.edited_successors
        )

    def was_removed(self, sid: str, record: StatementRecord) -> bool:
        return sid in self.tombstones or (
            bool(self.removed_successors) and successor_key(record.text, record.speaker) in self.removed_successors
        )

    def removal_reason(self, sid: str, record: StatementRecord) -> str | None:
        if sid in self.tombstones:
            return self.tombstones[sid]
        return self.removed_successors.get(successor_key(record.text, record.speaker)) if self.removed_successors else None


def replace_statements(session: Session, document_id: int) -> Previous:
    """Delete a document's statements and sources before its new version is stored, all but the
    edited statements (and their sources); what the new version must honour is returned."""
    st = StatementRow.__table__.c  # type: ignore[attr-defined]
    old = session.execute(
        select(st.id, st.text, st.speaker, st.removed, st.removed_reason, st.source_id)
        .join(SourceRow, st.source_id == SourceRow.id)
        .where(col(SourceRow.document_id) == document_id)
    ).all()
    previous = Previous()
    previous.ids = {row.id for row in old}
    edited = edited_ids(session, sorted(previous.ids))
    kept_sources: set[int] = set()
    for row in old:
        key = successor_key(row.text, row.speaker)
        if row.id in edited:
            previous.kept.add(row.id)
            previous.edited_successors.add(edited[row.id] or key)
            kept_sources.add(row.source_id)
            continue
        previous.deleted.append(row.id)
        if row.removed:
            previous.tombstones[row.id] = row.removed_reason
            previous.removed_successors[key] = row.removed_reason
    for batch in batches(previous.deleted):
        session.execute(delete(StatementRow).where(StatementRow.id.in_(batch)))  # type: ignore[attr-defined]
    stale_sources = delete(SourceRow).where(col(SourceRow.document_id) == document_id)
    if kept_sources:
        stale_sources = stale_sources.where(SourceRow.id.not_in(kept_sources))  # type: ignore[union-attr]
    session.execute(stale_sources)
    return previous


def edited_ids(session: Session, ids: Sequence[str]) -> dict[str, tuple[str, str] | None]:
    """Those of `ids` that a moderator or the owner edited (an `edit` row in the audit log), each with
    the successor key of its words as the file gave them (the first edit's `before`), when logged."""
    found: dict[str, tuple[str, str] | None] = {}
    for batch in batches(ids):
        rows = session.execute(
            select(col(AuditRow.statement_id), col(AuditRow.before))
            .where(col(AuditRow.action) == "edit", col(AuditRow.statement_id).in_(batch))
            .order_by(col(AuditRow.id))
        ).all()
        for sid, before in rows:
            if sid in found:
                continue
            original = json.loads(before) if before else {}
            text = original.get("text") if isinstance(original, dict) else None
            found[sid] = successor_key(text, original.get("speaker")) if isinstance(text, str) else None
    return found
