"""Database rows to the values other layers use (records, audit entries, reports) and to audit JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bot.core.model import SourceInfo, StatementRecord
from bot.store.records import AuditEntry, Report
from bot.store.tables import AuditRow, ReportRow, SourceRow, StatementRow


def source_json(source: SourceInfo) -> dict[str, Any]:
    """A source's stored fields, for the audit log."""
    return {
        "title": source.title,
        "url": source.url,
        "outlet": source.outlet,
        "date": source.date,
        "kind": source.kind,
        "author": source.author,
    }


def row_json(row: Mapping[str, Any], source: dict[str, Any]) -> dict[str, Any]:
    """A statement as inserted (raw date, position, tombstone), for the audit log."""
    return {
        "id": row["id"],
        "text": row["text"],
        "speaker": row["speaker"],
        "date": row["date"],
        "position": row["position"],
        "context_before": row["context_before"],
        "context_after": row["context_after"],
        "guild_id": row["guild_id"],
        "removed": row["removed"],
        "removed_reason": row["removed_reason"],
        "source": source,
    }


def stored_json(row: StatementRow, source: SourceRow) -> dict[str, Any]:
    return row_json(
        {key: getattr(row, key) for key in ("id", "text", "speaker", "date", "position", "context_before",
                                            "context_after", "guild_id", "removed", "removed_reason")},
        source_json(source_info(source)),
    )


def source_info(source: SourceRow) -> SourceInfo:
    return SourceInfo(
        title=source.title,
        url=source.url,
        outlet=source.outlet,
        date=source.date,
        kind=source.kind,
        author=source.author,
    )


def statement_record(row: StatementRow, source: SourceRow) -> StatementRecord:
    return StatementRecord(
        text=row.text,
        speaker=row.speaker,
        speaker_kind=row.speaker_kind or "person",
        source=source_info(source),
        date=row.date,
        context_before=row.context_before,
        context_after=row.context_after,
        position=row.position,
        id=row.id,
        guild_id=row.guild_id,
    )


def audit_entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        id=row.id or 0,
        at=row.at,
        action=row.action,
        statement_id=row.statement_id,
        before=json.loads(row.before) if row.before else None,
        after=json.loads(row.after) if row.after else None,
        actor=row.actor,
        guild_id=row.guild_id,
        reason=row.reason,
        interaction_id=row.interaction_id,
        document_id=row.document_id,
    )


def report_entry(row: ReportRow) -> Report:
    return Report(
        id=row.id or 0,
        at=row.at,
        guild_id=row.guild_id,
        reporter=row.reporter,
        quote=row.quote,
        speaker=row.speaker,
        statement_id=row.statement_id,
        verdict=row.verdict,
        note=row.note,
        status=row.status,
        resolved_by=row.resolved_by,
        resolution=row.resolution,
    )
