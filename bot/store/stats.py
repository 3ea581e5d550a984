"""Corpus statistics for `/corpus stats`."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlmodel import col

from bot.store.base import StoreBase
from bot.store.permissions import visible_to
from bot.store.records import CorpusStats
from bot.store.reviews import lookup_scope, report_scope
from bot.store.tables import DocumentRow, LookupRow, ReportRow, SourceRow, StatementRow, named_speaker


class CorpusStatistics(StoreBase):
    """Counts of the corpus; part of `CorpusStore`."""

    def stats(self, guild_id: int | None = None) -> CorpusStats:
        """Counts for the shared corpus plus `guild_id`'s statements."""
        visible = visible_to(guild_id)
        with self._read() as session:
            live = session.scalar(select(func.count()).select_from(StatementRow).where(visible, col(StatementRow.removed) == False)) or 0  # noqa: E712
            removed = session.scalar(select(func.count()).select_from(StatementRow).where(visible, col(StatementRow.removed) == True)) or 0  # noqa: E712
            by_kind = dict(
                session.execute(
                    select(col(SourceRow.kind), func.count())
                    .join(StatementRow, col(StatementRow.source_id) == col(SourceRow.id))
                    .where(visible, col(StatementRow.removed) == False)  # noqa: E712
                    .group_by(SourceRow.kind)
                ).all()
            )
            sources = session.scalar(
                select(func.count(func.distinct(StatementRow.source_id))).where(visible, col(StatementRow.removed) == False)  # noqa: E712
            ) or 0
            top = session.execute(
                select(col(StatementRow.speaker), func.count())
                .where(visible, col(StatementRow.removed) == False, col(StatementRow.speaker).is_not(None), named_speaker())    # noqa: E712
                .group_by(StatementRow.speaker)
                .order_by(func.count().desc())
                .limit(5)
            ).all()
            speakers = session.scalar(
                select(func.count(func.distinct(StatementRow.speaker_id))).where(visible, col(StatementRow.removed) == False)  # noqa: E712
            ) or 0
            documents = session.scalar(
                select(func.count()).select_from(DocumentRow).where(or_(col(DocumentRow.guild_id).is_(None), col(DocumentRow.guild_id) == guild_id))
            ) or 0
            lookups = session.scalar(select(func.count()).select_from(LookupRow).where(lookup_scope(guild_id))) or 0
            open_reports = session.scalar(
                select(func.count()).select_from(ReportRow).where(col(ReportRow.status) == "open", report_scope(guild_id))
            ) or 0
        return CorpusStats(
            statements=int(live),
            removed=int(removed),
            sources=int(sources),
            speakers=int(speakers),
            documents=int(documents),
            by_kind={str(k): int(v) for k, v in by_kind.items()},
            top_speakers=tuple((str(name), int(n)) for name, n in top),
            lookups=int(lookups),
            open_reports=int(open_reports),
        )

    # lookups and reports: see ReviewLog (bot/store/reviews.py)
