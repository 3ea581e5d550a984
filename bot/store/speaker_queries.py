"""Speaker names as lookups and exports see them: other names, autocomplete, export lines."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from bot.core.model import StatementRecord
from bot.core.speakers import fold
from bot.store.base import StoreBase
from bot.store.permissions import visible_to
from bot.store.speakers import other_names
from bot.store.tables import SpeakerAliasRow, SpeakerRow, StatementRow, named_speaker


class SpeakerQueries(StoreBase):
    """Reads of speaker names, and export lines that name them; part of `CorpusStore`."""

    def speaker_aliases(self) -> dict[str, list[str]]:
        """Canonical speaker name → the other forms of the name seen in the corpus."""
        query = select(col(SpeakerRow.name), col(SpeakerAliasRow.alias)).join(
            SpeakerAliasRow, col(SpeakerAliasRow.speaker_id) == col(SpeakerRow.id)
        )
        # The driver's own cursor: every start reads these 10^5 rows, and SQLAlchemy's rows cost more.
        with self.engine.connect() as conn:
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                cursor.execute(str(query.compile(dialect=self.engine.dialect)))
                rows = cursor.fetchall()
            finally:
                cursor.close()
        mapping: dict[str, list[str]] = {}
        for name, alias in rows:
            forms = mapping.setdefault(name, [])
            if alias != name and alias not in forms:
                forms.append(alias)
        return mapping

    def export_lines(self, records: Iterable[StatementRecord]) -> Iterator[dict[str, Any]]:
        """`records` as contract `export` lines, each naming its speaker's other names."""
        other_names = self.other_speaker_names()
        for record in records:
            yield record.to_export(other_names.get(record.speaker or "", ()))

    def other_speaker_names(self) -> dict[str, list[str]]:
        """Each speaker name as statements write it → the other names of that speaker (`export`'s
        `speaker_aliases`); names without other forms are left out."""
        with self._read() as session:
            return other_names(session)

    def speaker_names(self, prefix: str = "", guild_id: int | None = None, limit: int = 25) -> list[tuple[str, int]]:
        """Speakers whose name (or a word of it) starts with `prefix`, with their statement counts, most first."""
        folded = fold(prefix)
        with self._read() as session:
            query = (
                select(col(StatementRow.speaker), func.count())
                .where(col(StatementRow.removed) == False, col(StatementRow.speaker).is_not(None), named_speaker(), visible_to(guild_id))    # noqa: E712
                .group_by(StatementRow.speaker)
                .order_by(func.count().desc())
            )
            rows = session.execute(query).all()
        matches = [(name, int(n)) for name, n in rows if not folded or any(w.startswith(folded) for w in [fold(name), *fold(name).split()])]
        return matches[:limit]
