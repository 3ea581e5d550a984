"""The lookup log and the moderators' review queue (user reports), part of `CorpusStore`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlmodel import Session, col

from bot.store.records import NotFoundError, Report, UnverifiedQuote
from bot.store.rows import report_entry
from bot.store.tables import LookupRow, ReportRow, utcnow
from bot.store.validation import BAD_TEXT, check_text


class ReviewLog:
    """Lookups and reports; mixed into `CorpusStore`, whose sessions it uses."""

    _read: Callable[[], Session]
    _write: Callable[[], Session]

    def log_lookup(
        self,
        quote: str,
        speaker: str | None,
        verdict: str,
        score: float,
        statement_id_: str | None,
        guild_id: int | None = None,
    ) -> None:
        """Record one check (for the digest and the unverified-quotes queue)."""
        quote = BAD_TEXT.sub(" ", quote)[:2000]
        speaker = BAD_TEXT.sub(" ", speaker)[:300] if speaker else None
        with self._write() as session:
            session.add(
                LookupRow(
                    quote=quote, speaker=speaker, verdict=verdict, score=score, statement_id=statement_id_, guild_id=guild_id
                )
            )
            session.commit()

    def prune_lookups(self, before: datetime) -> int:
        """Delete lookups older than `before`; returns how many."""
        with self._write() as session:
            result = session.execute(delete(LookupRow).where(col(LookupRow.at) < before))
            session.commit()
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def lookup_counts(self, since: datetime, guild_id: int | None = None) -> dict[str, int]:
        """Lookups per verdict since `since` (all servers when guild_id is None)."""
        with self._read() as session:
            query = select(col(LookupRow.verdict), func.count()).where(col(LookupRow.at) >= since).group_by(col(LookupRow.verdict))
            if guild_id is not None:
                query = query.where(col(LookupRow.guild_id) == guild_id)
            return {str(v): int(n) for v, n in session.execute(query).all()}

    def top_unverified(self, since: datetime, guild_id: int | None = None, limit: int = 10) -> list[UnverifiedQuote]:
        """The quotes most often checked without a match since `since`."""
        with self._read() as session:
            query = (
                select(col(LookupRow.quote), func.count(), func.max(col(LookupRow.at)))
                .where(col(LookupRow.verdict) == "unverified", col(LookupRow.at) >= since)
                .group_by(LookupRow.quote)
                .order_by(func.count().desc(), func.max(LookupRow.at).desc())
                .limit(limit)
            )
            if guild_id is not None:
                query = query.where(col(LookupRow.guild_id) == guild_id)
            return [UnverifiedQuote(q, int(n), at) for q, n, at in session.execute(query).all()]

    def add_report(
        self,
        *,
        quote: str,
        reporter: str | None,
        guild_id: int | None,
        speaker: str | None = None,
        statement_id_: str | None = None,
        verdict: str | None = None,
        note: str | None = None,
        interaction_id: str | None = None,
    ) -> Report:
        """Queue a user's report for moderators; a retried interaction returns the first report."""
        for what, value in (("quote", quote), ("speaker", speaker), ("note", note)):
            check_text(value, what)
        with self._write() as session:
            if interaction_id is not None:
                found = session.scalars(select(ReportRow).where(col(ReportRow.interaction_id) == interaction_id)).first()
                if found is not None:
                    return report_entry(found)
            row = ReportRow(
                quote=quote[:2000],
                reporter=reporter,
                guild_id=guild_id,
                speaker=speaker,
                statement_id=statement_id_,
                verdict=verdict,
                note=note,
                interaction_id=interaction_id,
            )
            session.add(row)
            session.commit()
            return report_entry(row)

    def open_reports(self, guild_id: int | None = None, limit: int = 25) -> list[Report]:
        """Reports waiting for a moderator, oldest first (all servers when guild_id is None)."""
        with self._read() as session:
            query = select(ReportRow).where(col(ReportRow.status) == "open").order_by(col(ReportRow.id)).limit(limit)
            if guild_id is not None:
                query = query.where(col(ReportRow.guild_id) == guild_id)
            return [report_entry(row) for row in session.scalars(query).all()]

    def resolve_report(self, report_id: int, *, resolution: str, actor: str, guild_id: int | None = None) -> Report:
        """Close a report with a note on what was done."""
        check_text(resolution, "resolution")
        with self._write() as session:
            row = session.get(ReportRow, report_id)
            if row is None or (guild_id is not None and row.guild_id not in (None, guild_id)):
                raise NotFoundError(f"no report {report_id}")
            row.status = "resolved"
            row.resolution = resolution
            row.resolved_by = actor
            row.resolved_at = utcnow()
            session.add(row)
            session.commit()
            return report_entry(row)


def lookup_scope(guild_id: int | None) -> Any:
    return LookupRow.guild_id.is_(None) if guild_id is None else LookupRow.guild_id == guild_id  # type: ignore[union-attr]


def report_scope(guild_id: int | None) -> Any:
    return ReportRow.guild_id.is_(None) if guild_id is None else ReportRow.guild_id == guild_id  # type: ignore[union-attr]
