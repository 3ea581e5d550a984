"""The corpus database: documents, statements, speakers, the audit log, lookups and reports.

Every change runs in one transaction together with its audit row, so a crash leaves either both or
neither. On SQLite, write transactions start with BEGIN IMMEDIATE (see `database.writer`).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Engine, delete, event, func, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.core.columns import IndexColumns
from bot.core.documents import PARSER_VERSION
from bot.core.invisible import remove_invisible
from bot.core.model import CorpusFormatError, ParsedDocument, SourceInfo, StatementRecord, statement_id
from bot.core.scope import check_guild_scope
from bot.core.speakers import fold
from bot.store.database import writer
from bot.store.records import (
    AuditEntry,
    Change,
    ConflictError,
    CorpusStats,
    DocumentOutcome,
    NotFoundError,
    SharedCorpusError,
)
from bot.store.reviews import ReviewLog, lookup_scope, report_scope
from bot.store.rows import audit_entry, row_json, source_info, source_json, statement_record, stored_json
from bot.store.speakers import SpeakerResolver, other_names
from bot.store.tables import AuditRow, DocumentRow, LookupRow, ReportRow, SourceRow, SpeakerAliasRow, SpeakerRow, StatementRow, utcnow
from bot.store.trigram import write_norms
from bot.store.validation import BAD_TEXT, LIMITS, check_document, check_record, check_text

_CHUNK = 500  # ids per IN (...) query: well under SQLite's parameter limit
_INDEX_BATCH = 50_000  # rows per fetch when the whole corpus is read for the index
EDITABLE = frozenset({"text", "speaker", "date", "context_before", "context_after"})


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


class CorpusStore(ReviewLog):
    """All reads and writes of the corpus database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = writer(engine)
        # PostgreSQL keeps each statement's matching key for the pg_trgm backend (bot/store/trigram.py).
        self._norms = engine.dialect.name == "postgresql"

    # -- sessions -----------------------------------------------------------------------------

    def _read(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def _write(self) -> Session:
        return Session(self._writer, expire_on_commit=False)

    # -- ingestion ----------------------------------------------------------------------------

    def ingest_document(
        self,
        doc: ParsedDocument,
        *,
        origin: str,
        content_hash: str,
        guild_id: int | None = None,
        actor: str | None = None,
        parser_version: int = PARSER_VERSION,
    ) -> DocumentOutcome:
        """Store one parsed document in one transaction.

        The same origin with the same hash, read by this parser version or a newer one, adds nothing;
        a new hash or an older parser's version replaces the document's statements (statements a
        moderator removed stay removed, edited ones stay as edited: see `_replace_statements`). A
        statement whose id is already stored from elsewhere is skipped. A statement naming its server
        (a `guild_id` line of a statement list) is stored in that server; a server's import may name
        only itself.
        """
        check_document(doc)
        check_guild_scope(doc, guild_id)
        check_text(origin, "origin")
        for attempt in range(3):
            try:
                return self._ingest_once(
                    doc, origin=origin, content_hash=content_hash, guild_id=guild_id, actor=actor, parser_version=parser_version
                )
            except IntegrityError:
                # Another process stored this document (or some of its statements) at the same moment;
                # the next attempt sees its commit and skips what is already there.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _ingest_once(
        self,
        doc: ParsedDocument,
        *,
        origin: str,
        content_hash: str,
        guild_id: int | None,
        actor: str | None,
        parser_version: int,
    ) -> DocumentOutcome:
        scope = guild_id or 0
        key = origin.rsplit("/", 1)[-1] if guild_id is None else f"{guild_id}/{origin.rsplit('/', 1)[-1]}"
        with self._write() as session:
            # FOR UPDATE (PostgreSQL): of two processes replacing one document at once, the second waits
            # for the first to commit, then reads its hash and version here and skips.
            existing = session.scalars(
                select(DocumentRow).where(DocumentRow.origin == origin, DocumentRow.guild_scope == scope).with_for_update()
            ).first()
            if existing is not None and _up_to_date(existing, content_hash, parser_version):
                return DocumentOutcome(origin, "skipped", skipped=len(doc.statements), document_id=existing.id)
            # Read before a replacement deletes the old version: its statements are this server's own too.
            own = None if guild_id is None else _own_ids(session, [r.id for r in doc.statements if r.id], guild_id)
            previous = _Previous()
            if existing is not None:
                document = existing
                previous = _replace_statements(session, document.id)  # type: ignore[arg-type]
                document.content_hash = content_hash
                document.parser_version = parser_version
                document.ingested_at = utcnow()
                document.actor = actor
                session.add(document)
                session.flush()
            else:
                document = DocumentRow(
                    origin=origin,
                    guild_scope=scope,
                    guild_id=guild_id,
                    content_hash=content_hash,
                    actor=actor,
                    parser_version=parser_version,
                )
                session.add(document)
                session.flush()
            sources: dict[SourceInfo, int] = {}
            speakers = SpeakerResolver(session)
            if guild_id is None:
                # Other names are shared by every server: a server's import could otherwise make "Joe Biden"
                # another name of Vladimir Putin and turn misattributions into verified quotes everywhere.
                for canonical, alias in doc.aliases:
                    speakers.add_alias(canonical, alias)
            wanted: dict[str, StatementRecord] = {}
            for record in doc.statements:
                wanted.setdefault(_import_id(record, key, own), record)
            present = _existing_ids(session, list(wanted))
            rows: list[dict[str, Any]] = []
            now = utcnow()
            for sid, record in wanted.items():
                if sid in present or previous.stands_in_for(sid, record):
                    continue
                source = record.source
                if source not in sources:
                    src = SourceRow(
                        document_id=document.id,
                        title=source.title,
                        outlet=source.outlet,
                        url=source.url,
                        date=source.date,
                        kind=source.kind,
                        author=source.author,
                        content_hash=content_hash,
                        origin=origin,
                    )
                    session.add(src)
                    session.flush()
                    sources[source] = src.id  # type: ignore[assignment]
                rows.append(
                    {
                        "id": sid,
                        "text": record.text,
                        "speaker": record.speaker,
                        "speaker_id": speakers.resolve(record.speaker),
                        "date": record.date,
                        "source_id": sources[source],
                        "position": record.position,
                        "context_before": record.context_before,
                        "context_after": record.context_after,
                        "guild_id": record.guild_id or guild_id,
                        "added_at": now,
                        "added_by": actor,
                        "version": 1,
                        "removed": previous.was_removed(sid, record),
                        "removed_reason": previous.removal_reason(sid, record),
                    }
                )
            table = StatementRow.__table__  # type: ignore[attr-defined]
            connection = session.connection()
            for start in range(0, len(rows), _CHUNK):
                # Core executemany: the ORM bulk path costs twice as much for the same rows.
                connection.execute(table.insert(), rows[start : start + _CHUNK])
            if self._norms:
                write_norms(connection, {row["id"]: row["text"] for row in rows})
            added = [row["id"] for row in rows if not row["removed"]]
            gone = [sid for sid in previous.deleted if sid not in wanted or sid in present]
            # The stored rows themselves go into the log too, so replaying it rebuilds the corpus (bot/store/replay.py).
            logged_sources = {source_id: source_json(info) for info, source_id in sources.items()}
            written = [row_json(row, logged_sources[row["source_id"]]) for row in rows]
            session.add(
                AuditRow(
                    action="replace" if existing is not None else "ingest",
                    document_id=document.id,
                    after=json.dumps(
                        {"origin": origin, "content_hash": content_hash, "parser_version": parser_version,
                         "added": added, "removed": gone, "statements": written, "kept": sorted(previous.kept)}
                    ),
                    actor=actor,
                    guild_id=guild_id,
                )
            )
            session.commit()
            return DocumentOutcome(
                origin,
                "replaced" if existing is not None else "added",
                added=len(rows),
                skipped=len(doc.statements) - len(rows),
                removed=len(gone),
                document_id=document.id,
                new=sum(1 for sid in added if sid not in previous.ids),
                kept=len(previous.kept),
            )

    def known_document(
        self, origin: str, content_hash: str, guild_id: int | None = None, parser_version: int = PARSER_VERSION
    ) -> int | None:
        """How many statements this exact content holds when it is already stored under `origin` by this
        parser version (or a newer one), else None (lets callers skip parsing an unchanged file)."""
        with self._read() as session:
            document_id = session.scalars(
                select(DocumentRow.id).where(
                    DocumentRow.origin == origin,
                    DocumentRow.guild_scope == (guild_id or 0),
                    DocumentRow.content_hash == content_hash,
                    func.coalesce(DocumentRow.parser_version, 1) >= parser_version,
                )
            ).first()
            if document_id is None:
                return None
            count = session.scalar(
                select(func.count())
                .select_from(StatementRow)
                .join(SourceRow, StatementRow.source_id == SourceRow.id)
                .where(SourceRow.document_id == document_id)
            )
            return int(count or 0)

    def current_documents(self, origins: Sequence[str], parser_version: int = PARSER_VERSION) -> dict[str, str]:
        """Origin → content hash of those shared-corpus documents of `origins` that this parser version
        (or a newer one) stored: one query for many files, where `known_document` costs two per file."""
        found: dict[str, str] = {}
        with self._read() as session:
            for batch in _batches(origins):
                found.update(
                    session.execute(
                        select(DocumentRow.origin, DocumentRow.content_hash).where(
                            DocumentRow.origin.in_(batch),  # type: ignore[attr-defined]
                            DocumentRow.guild_scope == 0,
                            func.coalesce(DocumentRow.parser_version, 1) >= parser_version,
                        )
                    ).all()
                )
        return found

    # -- reading ------------------------------------------------------------------------------

    def statements(self, guild_id: int | None = None, *, all_guilds: bool = False) -> Iterator[StatementRecord]:
        """Live statements: the shared corpus plus `guild_id`'s own (every server's with all_guilds)."""
        return self._live_statements(true() if all_guilds else _visible_to(guild_id))

    def scope_statements(self, guild_id: int | None) -> Iterator[StatementRecord]:
        """Live statements of one scope only: `guild_id`'s own, or the shared corpus when None."""
        own = StatementRow.guild_id.is_(None) if guild_id is None else StatementRow.guild_id == guild_id  # type: ignore[union-attr]
        return self._live_statements(own)

    def _live_statements(self, condition: Any) -> Iterator[StatementRecord]:
        st = StatementRow.__table__.c  # type: ignore[attr-defined]
        query = (
            select(st.id, st.text, st.speaker, st.date, st.source_id, st.position, st.context_before, st.context_after, st.guild_id)
            .where(st.removed == False, condition)  # noqa: E712
            .order_by(st.source_id, st.position, st.id)
        )
        # Plain rows and one SourceInfo per source: building ORM objects made start-up 5x slower.
        sources: dict[int, SourceInfo] = {}
        with self._read() as session:
            for row in session.execute(select(SourceRow)).scalars():
                sources[row.id] = source_info(row)  # type: ignore[index]
            result = session.execute(query.execution_options(yield_per=5000))
            for sid, text_, speaker, date, source_id, position, before, after, guild in result:
                yield StatementRecord(
                    text=text_,
                    speaker=speaker,
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
        matching index keeps: plain rows of six columns in large batches, no context, no records
        (at 10^6 statements this is what a start without an index snapshot reads)."""
        st = StatementRow.__table__.c  # type: ignore[attr-defined]
        src = SourceRow.__table__.c  # type: ignore[attr-defined]
        query = (
            select(st.id, st.text, st.speaker, st.date, st.source_id, st.guild_id)
            .where(st.removed == False)  # noqa: E712
            .order_by(st.source_id, st.position, st.id)
        )
        sql = str(query.compile(dialect=self.engine.dialect, compile_kwargs={"literal_binds": True}))
        columns = IndexColumns(ids=[], texts=[], speakers=[], dates=[], kinds=[], guilds=[])
        with self.engine.connect() as conn:
            dates = {}
            kinds = {}
            for source_id, date, kind in conn.execute(select(src.id, src.date, src.kind)):
                dates[source_id], kinds[source_id] = date, kind
            # The driver's own cursor: a million SQLAlchemy rows cost more than the reading. On
            # PostgreSQL a named (server-side) cursor, so the rows arrive a batch at a time.
            driver = conn.connection.dbapi_connection
            cursor = driver.cursor(name="quotecheck_index") if conn.dialect.name == "postgresql" else driver.cursor()  # type: ignore[union-attr]
            try:
                cursor.execute(sql)
                while rows := cursor.fetchmany(_INDEX_BATCH):
                    self._extend_columns(columns, rows, dates, kinds)
            finally:
                cursor.close()
        return columns

    @staticmethod
    def _extend_columns(columns: IndexColumns, rows: Sequence[Any], dates: dict[int, str | None], kinds: dict[int, str]) -> None:
        """Append a batch of (id, text, speaker, date, source id, server) rows to the columns."""
        ids, texts, speakers, own_dates, source_ids, guilds = zip(*rows)
        columns.ids.extend(ids)
        columns.texts.extend(texts)
        columns.speakers.extend(speakers)
        columns.dates.extend(map(_or_else, own_dates, map(dates.__getitem__, source_ids)))
        columns.kinds.extend(map(kinds.__getitem__, source_ids))
        columns.guilds.extend(guilds)

    def get_statements(self, ids: Sequence[str], *, live_only: bool = False) -> dict[str, StatementRecord]:
        """Full records for these ids (removed ones too unless `live_only`)."""
        found: dict[str, StatementRecord] = {}
        with self._read() as session:
            for start in range(0, len(ids), _CHUNK):
                chunk = list(ids[start : start + _CHUNK])
                rows = session.execute(
                    select(StatementRow, SourceRow)
                    .join(SourceRow, StatementRow.source_id == SourceRow.id)
                    .where(StatementRow.id.in_(chunk))  # type: ignore[attr-defined]
                    .where(StatementRow.removed == False if live_only else true())  # noqa: E712
                ).all()
                for statement, source in rows:
                    found[statement.id] = statement_record(statement, source)
        return found

    def get_statement(self, statement_id_: str, guild_id: int | None = None) -> tuple[StatementRecord, int, bool] | None:
        """(record, version, removed) when the statement exists and is visible to `guild_id`."""
        if not _possible_id(statement_id_):
            return None
        with self._read() as session:
            row = session.execute(
                select(StatementRow, SourceRow)
                .join(SourceRow, StatementRow.source_id == SourceRow.id)
                .where(StatementRow.id == statement_id_, _visible_to(guild_id))
            ).first()
            if row is None:
                return None
            return statement_record(row[0], row[1]), row[0].version, row[0].removed

    def count(self) -> int:
        """Number of live statements across every server."""
        with self._read() as session:
            return int(session.scalar(select(func.count()).select_from(StatementRow).where(StatementRow.removed == False)) or 0)  # noqa: E712

    # -- moderator changes --------------------------------------------------------------------

    def add_statement(
        self,
        record: StatementRecord,
        *,
        actor: str,
        guild_id: int | None,
        interaction_id: str | None = None,
    ) -> StatementRecord:
        """Add one statement by hand (chat `/corpus add`); a retried interaction returns the first result."""
        check_record(record)
        with self._write() as session:
            done = _replayed(session, interaction_id)
            if done is not None:
                return self._require(session, done)
            origin = f"manual:{guild_id or 0}"
            sid, already_here = _manual_id(session, record, origin, guild_id)
            if already_here:
                return self._require(session, sid)
            source = record.source
            src = SourceRow(
                title=source.title,
                outlet=source.outlet,
                url=source.url,
                date=source.date,
                kind=source.kind,
                author=source.author,
                origin=origin,
            )
            session.add(src)
            session.flush()
            row = StatementRow(
                id=sid,
                text=record.text,
                speaker=record.speaker,
                speaker_id=SpeakerResolver(session).resolve(record.speaker),
                date=record.date,
                source_id=src.id,  # type: ignore[arg-type]
                position=record.position,
                context_before=record.context_before,
                context_after=record.context_after,
                guild_id=guild_id,
                added_by=actor,
            )
            session.add(row)
            session.flush()
            if self._norms:
                write_norms(session.connection(), {sid: record.text})
            created = statement_record(row, src)
            session.add(
                AuditRow(
                    action="add",
                    statement_id=sid,
                    after=json.dumps({**created.to_export(), "row": stored_json(row, src)}),
                    actor=actor,
                    guild_id=guild_id,
                    interaction_id=interaction_id,
                )
            )
            self._commit(session, interaction_id)
            return created

    def edit_statement(
        self,
        statement_id_: str,
        changes: Mapping[str, Any],
        *,
        expected_version: int,
        actor: str,
        guild_id: int | None,
        interaction_id: str | None = None,
        owner: bool = False,
    ) -> StatementRecord:
        """Change text, speaker, date or context; ConflictError when someone else edited it first.

        From a server (`guild_id` set) only that server's statements may change, and shared ones only
        when `owner` (the bot's owner) asks: SharedCorpusError otherwise (see `may_change`).
        """
        unknown = set(changes) - EDITABLE
        if unknown:
            raise ValueError(f"cannot edit {', '.join(sorted(unknown))}")
        for key, value in changes.items():
            if value is not None and not isinstance(value, str):
                raise CorpusFormatError(f"{key} must be text")
            if key == "text" and not (value or "").strip():
                raise CorpusFormatError("the statement text is empty")
            if key in {"context_before", "context_after"} and value is None:
                raise CorpusFormatError(f"{key} must be text (empty for none)")
        check_record(
            StatementRecord(
                text=changes.get("text") or "x",
                speaker=changes.get("speaker"),
                source=SourceInfo(),
                date=changes.get("date"),
                context_before=changes.get("context_before") or "",
                context_after=changes.get("context_after") or "",
            )
        )
        with self._write() as session:
            done = _replayed(session, interaction_id)
            if done is not None:
                return self._require(session, done)
            row = self._owned(session, statement_id_, guild_id, owner)
            before = self._require(session, row.id)
            values: dict[str, Any] = dict(changes)
            if "speaker" in changes:
                values["speaker_id"] = SpeakerResolver(session).resolve(changes["speaker"])
            values["version"] = expected_version + 1
            # Compare-and-set on the version column: a concurrent edit makes this match no row.
            result = session.execute(
                update(StatementRow)
                .where(StatementRow.id == row.id, StatementRow.version == expected_version)
                .values(**values)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                session.rollback()
                raise ConflictError(f"statement {statement_id_} was changed by someone else; reload it and try again")
            if self._norms and changes.get("text"):
                write_norms(session.connection(), {row.id: changes["text"]})
            session.expire_all()
            after = self._require(session, row.id)
            stored = session.get(StatementRow, row.id)
            assert stored is not None
            changed = {key: getattr(stored, key) for key in EDITABLE}
            session.add(
                AuditRow(
                    action="edit",
                    statement_id=row.id,
                    before=json.dumps(before.to_export()),
                    after=json.dumps({**after.to_export(), "row": changed}),
                    actor=actor,
                    guild_id=guild_id,
                    interaction_id=interaction_id,
                )
            )
            self._commit(session, interaction_id)
            return after

    def remove_statement(
        self,
        statement_id_: str,
        *,
        reason: str | None,
        actor: str,
        guild_id: int | None,
        interaction_id: str | None = None,
        owner: bool = False,
    ) -> StatementRecord:
        """Tombstone a statement: hidden from lookups, kept for history and restore (same rights as edit)."""
        return self._set_removed(
            statement_id_, True, reason=reason, actor=actor, guild_id=guild_id, interaction_id=interaction_id, owner=owner
        )

    def restore_statement(
        self,
        statement_id_: str,
        *,
        actor: str,
        guild_id: int | None,
        interaction_id: str | None = None,
        owner: bool = False,
    ) -> StatementRecord:
        """Undo a removal (same rights as edit)."""
        return self._set_removed(
            statement_id_, False, reason=None, actor=actor, guild_id=guild_id, interaction_id=interaction_id, owner=owner
        )

    def _set_removed(
        self,
        statement_id_: str,
        removed: bool,
        *,
        reason: str | None,
        actor: str,
        guild_id: int | None,
        interaction_id: str | None,
        owner: bool = False,
    ) -> StatementRecord:
        check_text(reason, "reason")
        with self._write() as session:
            done = _replayed(session, interaction_id)
            if done is not None:
                return self._require(session, done)
            row = self._owned(session, statement_id_, guild_id, owner)
            record = self._require(session, row.id)
            if row.removed == removed:
                return record  # already in that state: nothing to log
            row.removed = removed
            row.removed_reason = reason if removed else None
            row.version += 1
            session.add(row)
            session.add(
                AuditRow(
                    action="remove" if removed else "restore",
                    statement_id=row.id,
                    before=json.dumps({"removed": not removed}),
                    after=json.dumps({"removed": removed}),
                    actor=actor,
                    guild_id=guild_id,
                    reason=reason,
                    interaction_id=interaction_id,
                )
            )
            self._commit(session, interaction_id)
            return record

    def _owned(self, session: Session, statement_id_: str, guild_id: int | None, owner: bool) -> StatementRow:
        """The statement, if the caller may change it (see `may_change`)."""
        row = session.get(StatementRow, statement_id_) if _possible_id(statement_id_) else None
        if row is None:
            raise NotFoundError(f"no statement {statement_id_}")
        may_change(statement_id_, row.guild_id, guild_id, owner=owner)
        return row

    def check_may_change(self, statement_id_: str, guild_id: int | None, *, owner: bool = False) -> None:
        """Raise NotFoundError or SharedCorpusError unless the caller may change this statement (a read,
        for adapters that want to refuse before asking for input; the write checks again)."""
        with self._read() as session:
            row = session.get(StatementRow, statement_id_) if _possible_id(statement_id_) else None
            if row is None:
                raise NotFoundError(f"no statement {statement_id_}")
            may_change(statement_id_, row.guild_id, guild_id, owner=owner)

    def _require(self, session: Session, sid: str) -> StatementRecord:
        row = session.execute(
            select(StatementRow, SourceRow)
            .join(SourceRow, StatementRow.source_id == SourceRow.id)
            .where(StatementRow.id == sid)
        ).first()
        if row is None:
            raise NotFoundError(f"no statement {sid}")
        return statement_record(row[0], row[1])

    def _commit(self, session: Session, interaction_id: str | None) -> None:
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            if interaction_id is None:
                raise
            # A concurrent retry of the same interaction committed first: nothing more to do.

    def history(self, statement_id_: str) -> list[AuditEntry]:
        """Every audit row about this statement, oldest first (ingestion rows list it in `added`)."""
        if not _possible_id(statement_id_):
            return []
        with self._read() as session:
            rows = session.scalars(select(AuditRow).where(AuditRow.statement_id == statement_id_).order_by(AuditRow.id)).all()
            return [audit_entry(row) for row in rows]

    def audit_log(self, *, since_id: int = 0, limit: int = 100) -> list[AuditEntry]:
        """Audit rows after `since_id`, oldest first."""
        with self._read() as session:
            rows = session.scalars(select(AuditRow).where(AuditRow.id > since_id).order_by(AuditRow.id).limit(limit)).all()
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
            rows = session.scalars(select(AuditRow).where(AuditRow.id > watermark).order_by(AuditRow.id)).all()
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

    # -- speakers -----------------------------------------------------------------------------

    def speaker_aliases(self) -> dict[str, list[str]]:
        """Canonical speaker name → the other forms of the name seen in the corpus."""
        with self._read() as session:
            rows = session.execute(
                select(SpeakerRow.name, SpeakerAliasRow.alias).join(SpeakerAliasRow, SpeakerAliasRow.speaker_id == SpeakerRow.id)
            ).all()
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
                select(StatementRow.speaker, func.count())
                .where(StatementRow.removed == False, StatementRow.speaker.is_not(None), _visible_to(guild_id))  # type: ignore[union-attr]  # noqa: E712
                .group_by(StatementRow.speaker)
                .order_by(func.count().desc())
            )
            rows = session.execute(query).all()
        matches = [(name, int(n)) for name, n in rows if not folded or any(w.startswith(folded) for w in [fold(name), *fold(name).split()])]
        return matches[:limit]

    # -- statistics ---------------------------------------------------------------------------

    def stats(self, guild_id: int | None = None) -> CorpusStats:
        """Counts for the shared corpus plus `guild_id`'s statements."""
        visible = _visible_to(guild_id)
        with self._read() as session:
            live = session.scalar(select(func.count()).select_from(StatementRow).where(visible, StatementRow.removed == False)) or 0  # noqa: E712
            removed = session.scalar(select(func.count()).select_from(StatementRow).where(visible, StatementRow.removed == True)) or 0  # noqa: E712
            by_kind = dict(
                session.execute(
                    select(SourceRow.kind, func.count())
                    .join(StatementRow, StatementRow.source_id == SourceRow.id)
                    .where(visible, StatementRow.removed == False)  # noqa: E712
                    .group_by(SourceRow.kind)
                ).all()
            )
            sources = session.scalar(
                select(func.count(func.distinct(StatementRow.source_id))).where(visible, StatementRow.removed == False)  # noqa: E712
            ) or 0
            top = session.execute(
                select(StatementRow.speaker, func.count())
                .where(visible, StatementRow.removed == False, StatementRow.speaker.is_not(None))  # type: ignore[union-attr]  # noqa: E712
                .group_by(StatementRow.speaker)
                .order_by(func.count().desc())
                .limit(5)
            ).all()
            speakers = session.scalar(
                select(func.count(func.distinct(StatementRow.speaker_id))).where(visible, StatementRow.removed == False)  # noqa: E712
            ) or 0
            documents = session.scalar(
                select(func.count()).select_from(DocumentRow).where(or_(DocumentRow.guild_id.is_(None), DocumentRow.guild_id == guild_id))  # type: ignore[union-attr]
            ) or 0
            lookups = session.scalar(select(func.count()).select_from(LookupRow).where(lookup_scope(guild_id))) or 0
            open_reports = session.scalar(
                select(func.count()).select_from(ReportRow).where(ReportRow.status == "open", report_scope(guild_id))
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


# -- helpers ------------------------------------------------------------------------------------


def _up_to_date(document: DocumentRow, content_hash: str, parser_version: int) -> bool:
    """Whether a stored document already holds what this content yields. A newer parser's result is
    never replaced by an older one's (a process of the previous release still running)."""
    return document.content_hash == content_hash and (document.parser_version or 1) >= parser_version


def _successor_key(text: str, speaker: str | None) -> tuple[str, str]:
    """What a statement's successor under a newer parser shares with it: the words and the speaker,
    invisible characters and spacing aside (the parser change that gives the statement a new id)."""
    return " ".join(remove_invisible(speaker or "").split()), " ".join(remove_invisible(text).split())


class _Previous:
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
            bool(self.edited_successors) and _successor_key(record.text, record.speaker) in self.edited_successors
        )

    def was_removed(self, sid: str, record: StatementRecord) -> bool:
        return sid in self.tombstones or (
            bool(self.removed_successors) and _successor_key(record.text, record.speaker) in self.removed_successors
        )

    def removal_reason(self, sid: str, record: StatementRecord) -> str | None:
        if sid in self.tombstones:
            return self.tombstones[sid]
        return self.removed_successors.get(_successor_key(record.text, record.speaker)) if self.removed_successors else None


def _replace_statements(session: Session, document_id: int) -> _Previous:
    """Delete a document's statements and sources before its new version is stored, all but the
    edited statements (and their sources); what the new version must honour is returned."""
    st = StatementRow.__table__.c  # type: ignore[attr-defined]
    old = session.execute(
        select(st.id, st.text, st.speaker, st.removed, st.removed_reason, st.source_id)
        .join(SourceRow, st.source_id == SourceRow.id)
        .where(SourceRow.document_id == document_id)
    ).all()
    previous = _Previous()
    previous.ids = {row.id for row in old}
    edited = _edited_ids(session, sorted(previous.ids))
    kept_sources: set[int] = set()
    for row in old:
        key = _successor_key(row.text, row.speaker)
        if row.id in edited:
            previous.kept.add(row.id)
            previous.edited_successors.add(edited[row.id] or key)
            kept_sources.add(row.source_id)
            continue
        previous.deleted.append(row.id)
        if row.removed:
            previous.tombstones[row.id] = row.removed_reason
            previous.removed_successors[key] = row.removed_reason
    for batch in _batches(previous.deleted):
        session.execute(delete(StatementRow).where(StatementRow.id.in_(batch)))  # type: ignore[attr-defined]
    stale_sources = delete(SourceRow).where(SourceRow.document_id == document_id)
    if kept_sources:
        stale_sources = stale_sources.where(SourceRow.id.not_in(kept_sources))  # type: ignore[union-attr]
    session.execute(stale_sources)
    return previous


def _edited_ids(session: Session, ids: Sequence[str]) -> dict[str, tuple[str, str] | None]:
    """Those of `ids` that a moderator or the owner edited (an `edit` row in the audit log), each with
    the successor key of its words as the file gave them (the first edit's `before`), when logged."""
    found: dict[str, tuple[str, str] | None] = {}
    for batch in _batches(ids):
        rows = session.execute(
            select(AuditRow.statement_id, AuditRow.before)
            .where(AuditRow.action == "edit", AuditRow.statement_id.in_(batch))  # type: ignore[union-attr]
            .order_by(AuditRow.id)
        ).all()
        for sid, before in rows:
            if sid in found:
                continue
            original = json.loads(before) if before else {}
            text = original.get("text") if isinstance(original, dict) else None
            found[sid] = _successor_key(text, original.get("speaker")) if isinstance(text, str) else None
    return found


def _possible_id(statement_id_: str) -> bool:
    """Whether a typed id could name a stored statement at all; ids with NUL, control characters or lone
    surrogates would make the database driver fail (PostgreSQL refuses NUL), so they simply match nothing."""
    if not statement_id_ or len(statement_id_) > LIMITS["id"] or BAD_TEXT.search(statement_id_):
        return False
    try:
        statement_id_.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def may_change(statement_id_: str, statement_guild: int | None, guild_id: int | None, *, owner: bool = False) -> None:
    """Who may change a statement, raising when the caller may not.

    A server (`guild_id` set) changes only its own statements; another server's are reported as not
    found, so their ids reveal nothing. The shared corpus (`statement_guild` None) is every server's,
    so one server's moderators may not change it: only the bot's owner (`owner`) or the operator
    working without a server (`guild_id` None: the command line) may. The operator never changes a
    server's own statements.
    """
    if statement_guild is not None and statement_guild != guild_id:
        raise NotFoundError(f"no statement {statement_id_}")
    if statement_guild is None and guild_id is not None and not owner:
        raise SharedCorpusError(
            f"statement {statement_id_} belongs to the shared corpus; only the bot's owner can change it"
        )


# Column widths (see tables.py): longer values are refused here rather than by PostgreSQL mid-transaction.


def _import_id(record: StatementRecord, key: str, own: set[str] | None) -> str:
    """The id an ingested statement is stored under (`key`: the document's, server included).

    The command line (`own` None) keeps a statement list's ids: the operator's export round trip. A
    server's import keeps an explicit id only when it names one of that server's own statements (`own`),
    so re-importing its export skips what is there; any other is replaced by the id computed here.
    Computed ids hash the server in, so an import can never take an id that another server's
    `/corpus add` or import will compute, nor one the shared corpus will.
    """
    if record.id is not None and (own is None or record.id in own):
        return record.id
    return statement_id(record.text, record.speaker, key, record.position)


def _own_ids(session: Session, ids: list[str], guild_id: int) -> set[str]:
    """Those of `ids` that name statements of server `guild_id`."""
    found: set[str] = set()
    for chunk in _batches(ids):
        found.update(
            session.scalars(select(StatementRow.id).where(StatementRow.id.in_(chunk), StatementRow.guild_id == guild_id))  # type: ignore[attr-defined]
        )
    return found


def _manual_id(session: Session, record: StatementRecord, origin: str, guild_id: int | None) -> tuple[str, bool]:
    """The id a hand-added statement gets, and whether this scope already holds it (a repeated add).

    Computed from the words, the speaker and the server (`origin`). An id already taken in another
    scope (another server's, or the shared corpus; say one planted by an import made before imports
    recomputed ids) is passed over for the next candidate, so an add never returns or changes a
    statement outside its own scope.
    """
    wanted = [record.id] if record.id else []
    candidates = itertools.chain(wanted, (statement_id(record.text, record.speaker, origin, n) for n in itertools.count()))
    for sid in candidates:
        taken = session.get(StatementRow, sid)
        if taken is None or taken.guild_id == guild_id:
            return sid, taken is not None
    raise AssertionError("unreachable: the candidates never end")


def _existing_ids(session: Session, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        found.update(session.scalars(select(StatementRow.id).where(StatementRow.id.in_(chunk))).all())  # type: ignore[attr-defined]
    return found


def _visible_to(guild_id: int | None) -> Any:
    if guild_id is None:
        return StatementRow.guild_id.is_(None)  # type: ignore[union-attr]
    return or_(StatementRow.guild_id.is_(None), StatementRow.guild_id == guild_id)  # type: ignore[union-attr]


def _replayed(session: Session, interaction_id: str | None) -> str | None:
    """The statement id an earlier attempt of this interaction changed, if it already committed."""
    if interaction_id is None:
        return None
    row = session.scalars(select(AuditRow).where(AuditRow.interaction_id == interaction_id)).first()
    if row is None:
        return None
    return row.statement_id or ""


def _batches(items: Sequence[str], size: int = _CHUNK) -> Iterator[Sequence[str]]:
    """`items` in slices of at most `size` (IN lists stay under SQLite's parameter limit)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _or_else(value: str | None, fallback: str | None) -> str | None:
    """`value`, or `fallback` when it is empty (a statement's date, else its source's)."""
    return value or fallback
