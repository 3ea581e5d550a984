"""Reading statements: live ones for the index and lookups, records by id, counts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

from sqlalchemy import Engine, bindparam, case, func, select, true
from sqlalchemy.exc import DBAPIError
from sqlmodel import col

from bot.core.columns import IndexColumns
from bot.core.model import SourceInfo, StatementRecord
from bot.store.base import StoreBase
from bot.store.batches import CHUNK
from bot.store.permissions import possible_id, visible_to
from bot.store.rows import source_info, statement_record
from bot.store.tables import SourceRow, StatementRow, named_speaker

_INDEX_BATCH = 50_000  # rows per fetch when the whole corpus is read for the index



def _records_query(*, live_only: bool) -> Any:
    """Statements with their sources' fields, by a list of ids (the `ids` parameter)."""
    st = StatementRow.__table__.c  # type: ignore[attr-defined]
    src = SourceRow.__table__.c  # type: ignore[attr-defined]
    query = (
        select(
            st.id, st.text, st.speaker, st.speaker_kind, st.date, st.context_before, st.context_after,
            st.position, st.guild_id, src.title, src.url, src.outlet, src.date, src.kind, src.author,
        )
        .join_from(StatementRow.__table__, SourceRow.__table__, st.source_id == src.id)  # type: ignore[attr-defined]
        .where(st.id.in_(bindparam("ids", expanding=True)))
    )
    return query.where(st.removed == False) if live_only else query  # noqa: E712


_RECORDS = _records_query(live_only=False)
_RECORDS_LIVE = _records_query(live_only=True)
_COMPILED_RECORDS: dict[tuple[str, str, bool], Any] = {}  # (dialect, driver, live only) → compiled query


@contextmanager
def driver_cursor(engine: Engine) -> Iterator[Any]:
    """A cursor of the driver itself, its errors raised as SQLAlchemy's (as from any query), so
    callers that answer "the database is not answering" see them; a lost connection is dropped."""
    dialect = engine.dialect
    with engine.connect() as conn:  # a connection that cannot be made fails here, already wrapped
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            yield cursor
        except dialect.loaded_dbapi.Error as exc:
            lost = dialect.is_disconnect(exc, conn.connection.dbapi_connection, cursor)
            if lost:
                conn.invalidate()
            raise DBAPIError.instance(None, None, exc, dialect.loaded_dbapi.Error, connection_invalidated=lost, dialect=dialect) from exc
        finally:
            if not conn.invalidated:
                cursor.close()


def _record(row: Sequence[Any]) -> StatementRecord:
    """A row of `_records_query` as a record."""
    sid, text_, speaker, kind, date, before, after, position, guild, *source = row
    return StatementRecord(
        text=text_, speaker=speaker, speaker_kind=kind or "person",
        source=SourceInfo(title=source[0], url=source[1], outlet=source[2], date=source[3], kind=source[4], author=source[5]),
        date=date, context_before=before, context_after=after, position=position, id=sid, guild_id=guild,
    )


class StatementReader(StoreBase):
    """Reads of statements; part of `CorpusStore`."""

    def statements(self, guild_id: int | None = None, *, all_guilds: bool = False) -> Iterator[StatementRecord]:
        """Live statements: the shared corpus plus `guild_id`'s own (every server's with all_guilds)."""
        return self._live_statements(true() if all_guilds else visible_to(guild_id))

    def scope_statements(self, guild_id: int | None) -> Iterator[StatementRecord]:
        """Live statements of one scope only: `guild_id`'s own, or the shared corpus when None."""
        own = StatementRow.guild_id.is_(None) if guild_id is None else StatementRow.guild_id == guild_id  # type: ignore[union-attr]
        return self._live_statements(own)

    def _live_statements(self, condition: Any) -> Iterator[StatementRecord]:
        st = StatementRow.__table__.c  # type: ignore[attr-defined]
        query = (
            select(
                st.id, st.text, st.speaker, st.date, st.source_id, st.position, st.context_before, st.context_after,
                st.guild_id, st.speaker_kind,
            )
            .where(st.removed == False, condition)  # noqa: E712
            .order_by(st.source_id, st.position, st.id)
        )
        # Plain rows and one SourceInfo per source: building ORM objects made start-up 5x slower.
        sources: dict[int, SourceInfo] = {}
        with self._read() as session:
            for row in session.execute(select(SourceRow)).scalars():
                sources[row.id] = source_info(row)
            result = session.execute(query.execution_options(yield_per=5000))
            for sid, text_, speaker, date, source_id, position, before, after, guild, speaker_kind in result:
                yield StatementRecord(
                    text=text_,
                    speaker=speaker,
                    speaker_kind=speaker_kind or "person",
                    source=sources[source_id],
                    date=date,
                    context_before=before,
                    context_after=after,
                    position=position,
                    id=sid,
                    guild_id=guild,
                )

    def index_columns(self) -> IndexColumns:
        """Every live statement (all servers), in the order of `statements`, as the columns the
        matching index keeps: plain rows of seven columns (and each source's title) in large batches, no context, no records
        (at 10^6 statements this is what a start without an index snapshot reads). A statement's
        stored matching key comes instead of its text when there is one (`IndexColumns.keyed`)."""
        st = StatementRow.__table__.c  # type: ignore[attr-defined]
        src = SourceRow.__table__.c  # type: ignore[attr-defined]
        # The index keeps named speakers only: "a senior official" is no one to filter by.
        speaker = case((named_speaker(), st.speaker), else_=None)
        query = select(st.id, func.coalesce(st.norm, st.text), st.norm.is_not(None), speaker, st.date, st.source_id, st.guild_id)
        query = query.where(st.removed == False)  # noqa: E712
        # SQLite reads the table in its stored order and the rows are put in order here: ordered by
        # the source's index, it reads the pages of a file of 10^6 statements out of order (and
        # sorts in a temporary tree), several times slower than one pass.
        in_order = self.engine.dialect.name != "sqlite"
        query = query.order_by(st.source_id, st.position, st.id) if in_order else query.add_columns(st.position)
        sql = str(query.compile(dialect=self.engine.dialect, compile_kwargs={"literal_binds": True}))
        columns = IndexColumns(ids=[], texts=[], speakers=[], dates=[], kinds=[], guilds=[], titles=[], keyed=[])
        positions: list[int] = []
        source_ids: list[int] = []
        with self.engine.connect() as conn:
            dates = {}
            kinds = {}
            titles = {}
            for source_id, date, kind, title in conn.execute(select(src.id, src.date, src.kind, src.title)):
                dates[source_id], kinds[source_id], titles[source_id] = date, kind, title
            # The driver's own cursor: a million SQLAlchemy rows cost more than the reading. On
            # PostgreSQL a named (server-side) cursor, so the rows arrive a batch at a time.
            driver = conn.connection.dbapi_connection
            cursor = driver.cursor(name="quotecheck_index") if conn.dialect.name == "postgresql" else driver.cursor()  # type: ignore[union-attr]
            try:
                cursor.execute(sql)
                while rows := cursor.fetchmany(_INDEX_BATCH):
                    self._extend_columns(columns, rows, dates, kinds, titles, None if in_order else (source_ids, positions))
            finally:
                cursor.close()
        return columns if in_order else _ordered(columns, source_ids, positions)

    @staticmethod
    def _extend_columns(
        columns: IndexColumns, rows: Sequence[Any], dates: dict[int, str | None], kinds: dict[int, str],
        titles: dict[int, str | None], keys: tuple[list[int], list[int]] | None = None,
    ) -> None:
        """Append a batch of (id, key or text, keyed, speaker, date, source id, server[, position])
        rows to the columns, and to `keys` their source ids and positions when given."""
        if keys is not None:
            ids, texts, keyed, speakers, own_dates, source_ids, guilds, positions = zip(*rows)
            keys[0].extend(source_ids)
            keys[1].extend(positions)
        else:
            ids, texts, keyed, speakers, own_dates, source_ids, guilds = zip(*rows)
        columns.ids.extend(ids)
        columns.texts.extend(texts)
        if columns.keyed is not None:
            columns.keyed.extend(keyed)  # SQLite's 1 and 0 serve as well as booleans
        columns.speakers.extend(speakers)
        columns.dates.extend(map(_or_else, own_dates, map(dates.__getitem__, source_ids)))
        columns.kinds.extend(map(kinds.__getitem__, source_ids))
        columns.guilds.extend(guilds)
        if columns.titles is not None:
            columns.titles.extend(map(titles.__getitem__, source_ids))

    def get_statements(self, ids: Sequence[str], *, live_only: bool = False) -> dict[str, StatementRecord]:
        """Full records for these ids (removed ones too unless `live_only`).

        A query compiled once, run on the driver's own cursor: every lookup reads a few records, and
        through SQLAlchemy's execution and result layers six of them took 0.23 ms, against 0.14 ms."""
        compiled = self._records_compiled(live_only)
        found: dict[str, StatementRecord] = {}
        with driver_cursor(self.engine) as cursor:
            for start in range(0, len(ids), CHUNK):
                expanded = compiled.construct_expanded_state({"ids": list(ids[start : start + CHUNK])})
                cursor.execute(expanded.statement, expanded.positional_parameters if compiled.positional else expanded.parameters)
                for row in cursor.fetchall():
                    found[row[0]] = _record(row)
        return found

    def _records_compiled(self, live_only: bool) -> Any:
        dialect = self.engine.dialect
        key = (dialect.name, dialect.driver, live_only)
        compiled = _COMPILED_RECORDS.get(key)
        if compiled is None:
            compiled = _COMPILED_RECORDS[key] = (_RECORDS_LIVE if live_only else _RECORDS).compile(dialect=dialect)
        return compiled

    def get_statement(self, statement_id_: str, guild_id: int | None = None) -> tuple[StatementRecord, int, bool] | None:
        """(record, version, removed) when the statement exists and is visible to `guild_id`."""
        if not possible_id(statement_id_):
            return None
        with self._read() as session:
            row = session.execute(
                select(StatementRow, SourceRow)
                .join(SourceRow, col(StatementRow.source_id) == col(SourceRow.id))
                .where(col(StatementRow.id) == statement_id_, visible_to(guild_id))
            ).first()
            if row is None:
                return None
            return statement_record(row[0], row[1]), row[0].version, row[0].removed

    def count(self) -> int:
        """Number of live statements across every server."""
        with self._read() as session:
            return int(session.scalar(select(func.count()).select_from(StatementRow).where(col(StatementRow.removed) == False)) or 0)  # noqa: E712


def _or_else(value: str | None, fallback: str | None) -> str | None:
    """`value`, or `fallback` when it is empty (a statement's date, else its source's)."""
    return value or fallback


def _ordered(columns: IndexColumns, source_ids: list[int], positions: list[int]) -> IndexColumns:
    """The columns in the order of `statements` (source, position, id); untouched when read so."""
    import numpy as np  # here: the store is imported by commands that never build an index

    source = np.asarray(source_ids, dtype=np.int64)
    position = np.asarray(positions, dtype=np.int64)
    if len(source) < 2:
        return columns
    ascending = (source[1:] > source[:-1]) | ((source[1:] == source[:-1]) & (position[1:] > position[:-1]))
    if ascending.all():
        return columns
    order = np.lexsort((position, source))
    tied = (source[order][1:] == source[order][:-1]) & (position[order][1:] == position[order][:-1])
    keep: list[int] = order.tolist()
    if tied.any():  # two statements at one position of one source: by id, as the database orders them
        ids = columns.ids
        keep = sorted(range(len(ids)), key=lambda k: (source_ids[k], positions[k], ids[k]))
    pick = itemgetter(*keep)

    def moved(values: list[Any]) -> list[Any]:
        return list(pick(values))

    return IndexColumns(
        ids=moved(columns.ids),
        texts=moved(columns.texts),
        speakers=moved(columns.speakers),
        dates=moved(columns.dates),
        kinds=moved(columns.kinds),
        guilds=moved(columns.guilds),
        titles=moved(columns.titles) if columns.titles is not None else None,
        keyed=moved(columns.keyed) if columns.keyed is not None else None,
    )
