"""The corpus database: documents, statements, speakers, the audit log, lookups and reports.

Every change runs in one transaction together with its audit row, so a crash leaves either both or
neither. On SQLite, write transactions start with BEGIN IMMEDIATE (see `database.writer`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, func, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.core.model import CorpusFormatError, ParsedDocument, SourceInfo, StatementRecord, statement_id
from bot.core.speakers import fold, strip_titles
from bot.store.database import writer
from bot.store.records import (
    AuditEntry,
    Change,
    ConflictError,
    CorpusStats,
    DocumentOutcome,
    NotFoundError,
    Report,
    SharedCorpusError,
    UnverifiedQuote,
)
from bot.store.tables import (
    AuditRow,
    DocumentRow,
    LookupRow,
    ReportRow,
    SourceRow,
    SpeakerAliasRow,
    SpeakerRow,
    StatementRow,
    utcnow,
)

# NUL breaks PostgreSQL text; the other C0 controls are never part of real prose.
_BAD_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CHUNK = 500  # ids per IN (...) query: well under SQLite's parameter limit
EDITABLE = frozenset({"text", "speaker", "date", "context_before", "context_after"})


def check_text(value: str | None, what: str) -> None:
    """Reject text the database cannot hold faithfully (NUL, control characters, lone surrogates)."""
    if value is None:
        return
    match = _BAD_TEXT.search(value)
    if match:
        raise CorpusFormatError(f"{what} contains a control character (U+{ord(match.group()):04X})")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CorpusFormatError(f"{what} is not valid Unicode text") from exc


class CorpusStore:
    """All reads and writes of the corpus database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = writer(engine)

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
    ) -> DocumentOutcome:
        """Store one parsed document in one transaction.

        The same origin with the same hash adds nothing; a new hash replaces the document's
        statements (statements a moderator removed stay removed). A statement whose id is already
        stored from elsewhere is skipped.
        """
        _check_document(doc)
        check_text(origin, "origin")
        for attempt in range(3):
            try:
                return self._ingest_once(doc, origin=origin, content_hash=content_hash, guild_id=guild_id, actor=actor)
            except IntegrityError:
                # Another process stored this document (or some of its statements) at the same moment;
                # the next attempt sees its commit and skips what is already there.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _ingest_once(
        self, doc: ParsedDocument, *, origin: str, content_hash: str, guild_id: int | None, actor: str | None
    ) -> DocumentOutcome:
        scope = guild_id or 0
        key = origin.rsplit("/", 1)[-1] if guild_id is None else f"{guild_id}/{origin.rsplit('/', 1)[-1]}"
        with self._write() as session:
            existing = session.scalars(
                select(DocumentRow).where(DocumentRow.origin == origin, DocumentRow.guild_scope == scope)
            ).first()
            if existing is not None and existing.content_hash == content_hash:
                return DocumentOutcome(origin, "skipped", skipped=len(doc.statements), document_id=existing.id)
            removed_ids: list[str] = []
            tombstones: dict[str, str | None] = {}
            if existing is not None:
                document = existing
                old = session.execute(
                    select(StatementRow.id, StatementRow.removed, StatementRow.removed_reason)
                    .join(SourceRow, StatementRow.source_id == SourceRow.id)
                    .where(SourceRow.document_id == document.id)
                ).all()
                removed_ids = [row[0] for row in old]
                tombstones = {row[0]: row[2] for row in old if row[1]}
                for batch in _batches(removed_ids):
                    session.execute(delete(StatementRow).where(StatementRow.id.in_(batch)))  # type: ignore[attr-defined]
                session.execute(delete(SourceRow).where(SourceRow.document_id == document.id))
                document.content_hash = content_hash
                document.ingested_at = utcnow()
                document.actor = actor
                session.add(document)
                session.flush()
            else:
                document = DocumentRow(
                    origin=origin, guild_scope=scope, guild_id=guild_id, content_hash=content_hash, actor=actor
                )
                session.add(document)
                session.flush()
            sources: dict[SourceInfo, int] = {}
            speakers = _SpeakerResolver(session)
            for canonical, alias in doc.aliases:
                speakers.add_alias(canonical, alias)
            wanted: dict[str, StatementRecord] = {}
            for record in doc.statements:
                sid = record.id or statement_id(record.text, record.speaker, key, record.position)
                wanted.setdefault(sid, record)
            present = _existing_ids(session, list(wanted))
            rows: list[dict[str, Any]] = []
            now = utcnow()
            for sid, record in wanted.items():
                if sid in present:
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
                        "guild_id": guild_id,
                        "added_at": now,
                        "added_by": actor,
                        "version": 1,
                        "removed": sid in tombstones,
                        "removed_reason": tombstones.get(sid),
                    }
                )
            table = StatementRow.__table__  # type: ignore[attr-defined]
            connection = session.connection()
            for start in range(0, len(rows), _CHUNK):
                # Core executemany: the ORM bulk path costs twice as much for the same rows.
                connection.execute(table.insert(), rows[start : start + _CHUNK])
            added = [row["id"] for row in rows if not row["removed"]]
            gone = [sid for sid in removed_ids if sid not in wanted or sid in present]
            # The stored rows themselves go into the log too, so replaying it rebuilds the corpus (bot/store/replay.py).
            source_json = {source_id: _source_json(info) for info, source_id in sources.items()}
            written = [_row_json(row, source_json[row["source_id"]]) for row in rows]
            session.add(
                AuditRow(
                    action="replace" if existing is not None else "ingest",
                    document_id=document.id,
                    after=json.dumps(
                        {"origin": origin, "content_hash": content_hash, "added": added, "removed": gone,
                         "statements": written}
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
            )

    def known_document(self, origin: str, content_hash: str, guild_id: int | None = None) -> int | None:
        """How many statements this exact content holds when it is already stored under `origin`, else None
        (lets callers skip parsing an unchanged file)."""
        with self._read() as session:
            document_id = session.scalars(
                select(DocumentRow.id).where(
                    DocumentRow.origin == origin,
                    DocumentRow.guild_scope == (guild_id or 0),
                    DocumentRow.content_hash == content_hash,
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

    # -- reading ------------------------------------------------------------------------------

    def statements(self, guild_id: int | None = None, *, all_guilds: bool = False) -> Iterator[StatementRecord]:
        """Live statements: the shared corpus plus `guild_id`'s own (every server's with all_guilds)."""
        st = StatementRow.__table__.c  # type: ignore[attr-defined]
        query = (
            select(st.id, st.text, st.speaker, st.date, st.source_id, st.position, st.context_before, st.context_after, st.guild_id)
            .where(st.removed == False)  # noqa: E712
            .order_by(st.source_id, st.position, st.id)
        )
        if not all_guilds:
            query = query.where(_visible_to(guild_id))
        # Plain rows and one SourceInfo per source: building ORM objects made start-up 5x slower.
        sources: dict[int, SourceInfo] = {}
        with self._read() as session:
            for row in session.execute(select(SourceRow)).scalars():
                sources[row.id] = _source(row)  # type: ignore[index]
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
                    found[statement.id] = _record(statement, source)
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
            return _record(row[0], row[1]), row[0].version, row[0].removed

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
            sid = record.id or statement_id(record.text, record.speaker, origin, 0)
            if session.get(StatementRow, sid) is not None:
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
                speaker_id=_SpeakerResolver(session).resolve(record.speaker),
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
            created = _record(row, src)
            session.add(
                AuditRow(
                    action="add",
                    statement_id=sid,
                    after=json.dumps({**created.to_export(), "row": _stored_json(row, src)}),
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
                values["speaker_id"] = _SpeakerResolver(session).resolve(changes["speaker"])
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
        return _record(row[0], row[1])

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
            return [_audit(row) for row in rows]

    def audit_log(self, *, since_id: int = 0, limit: int = 100) -> list[AuditEntry]:
        """Audit rows after `since_id`, oldest first."""
        with self._read() as session:
            rows = session.scalars(select(AuditRow).where(AuditRow.id > since_id).order_by(AuditRow.id).limit(limit)).all()
            return [_audit(row) for row in rows]

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
            lookups = session.scalar(select(func.count()).select_from(LookupRow).where(_lookup_scope(guild_id))) or 0
            open_reports = session.scalar(
                select(func.count()).select_from(ReportRow).where(ReportRow.status == "open", _report_scope(guild_id))
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

    # -- lookups, reports, review queue -------------------------------------------------------

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
        quote = _BAD_TEXT.sub(" ", quote)[:2000]
        speaker = _BAD_TEXT.sub(" ", speaker)[:300] if speaker else None
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
            result = session.execute(delete(LookupRow).where(LookupRow.at < before))
            session.commit()
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def lookup_counts(self, since: datetime, guild_id: int | None = None) -> dict[str, int]:
        """Lookups per verdict since `since` (all servers when guild_id is None)."""
        with self._read() as session:
            query = select(LookupRow.verdict, func.count()).where(LookupRow.at >= since).group_by(LookupRow.verdict)
            if guild_id is not None:
                query = query.where(LookupRow.guild_id == guild_id)
            return {str(v): int(n) for v, n in session.execute(query).all()}

    def top_unverified(self, since: datetime, guild_id: int | None = None, limit: int = 10) -> list[UnverifiedQuote]:
        """The quotes most often checked without a match since `since`."""
        with self._read() as session:
            query = (
                select(LookupRow.quote, func.count(), func.max(LookupRow.at))
                .where(LookupRow.verdict == "unverified", LookupRow.at >= since)
                .group_by(LookupRow.quote)
                .order_by(func.count().desc(), func.max(LookupRow.at).desc())
                .limit(limit)
            )
            if guild_id is not None:
                query = query.where(LookupRow.guild_id == guild_id)
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
                found = session.scalars(select(ReportRow).where(ReportRow.interaction_id == interaction_id)).first()
                if found is not None:
                    return _report(found)
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
            return _report(row)

    def open_reports(self, guild_id: int | None = None, limit: int = 25) -> list[Report]:
        """Reports waiting for a moderator, oldest first (all servers when guild_id is None)."""
        with self._read() as session:
            query = select(ReportRow).where(ReportRow.status == "open").order_by(ReportRow.id).limit(limit)
            if guild_id is not None:
                query = query.where(ReportRow.guild_id == guild_id)
            return [_report(row) for row in session.scalars(query).all()]

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
            return _report(row)


# -- helpers ------------------------------------------------------------------------------------


class _SpeakerResolver:
    """Maps speaker names to speaker rows inside one transaction, creating them as needed.

    A full name gets its own speaker; a single word ("Putin") joins the one speaker with that
    surname when there is exactly one, so transcripts written with surnames meet the articles'
    full names. Distinct full names are never merged (George H. W. Bush is not George W. Bush).
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_name: dict[str, int | None] = {}  # names as written, so a speech's 500 sentences cost one lookup
        self.by_key: dict[str, int] = {}

    def resolve(self, name: str | None) -> int | None:
        if not name or not name.strip():
            return None
        if name not in self.by_name:
            self.by_name[name] = self._resolve(name)
        return self.by_name[name]

    def _resolve(self, name: str) -> int | None:
        key = fold(strip_titles(name))
        if not key:
            return None
        speaker_id = self.by_key.get(key)
        if speaker_id is None:
            speaker_id = self._find(key)
        if speaker_id is None:
            canonical = strip_titles(name.strip())
            row = SpeakerRow(name=canonical[:300], key=key[:300])
            self.session.add(row)
            self.session.flush()
            speaker_id = row.id
            self.session.add(SpeakerAliasRow(speaker_id=speaker_id, alias=canonical[:300], key=key[:300]))
        self._remember_form(speaker_id, name.strip())  # type: ignore[arg-type]
        self.by_key[key] = speaker_id  # type: ignore[assignment]
        return speaker_id

    def add_alias(self, canonical: str, alias: str) -> None:
        speaker_id = self.resolve(canonical)
        if speaker_id is not None and alias.strip():
            self._remember_form(speaker_id, alias.strip())

    def _find(self, key: str) -> int | None:
        own = self.session.scalars(select(SpeakerRow.id).where(SpeakerRow.key == key)).first()
        if own is not None:
            return own
        via_alias = self.session.scalars(select(SpeakerAliasRow.speaker_id).where(SpeakerAliasRow.key == key)).all()
        if len(set(via_alias)) == 1:
            return via_alias[0]
        if " " not in key:
            surname = self.session.scalars(
                select(SpeakerRow.id).where(SpeakerRow.key.like(f"% {_like_escape(key)}", escape="\\"))  # type: ignore[attr-defined]
            ).all()
            if len(surname) == 1:
                return surname[0]
        return None

    def _remember_form(self, speaker_id: int, form: str) -> None:
        key = fold(form)[:300]
        if not key:
            return
        exists = self.session.scalars(
            select(SpeakerAliasRow.id).where(SpeakerAliasRow.speaker_id == speaker_id, SpeakerAliasRow.key == key)
        ).first()
        if exists is None:
            self.session.add(SpeakerAliasRow(speaker_id=speaker_id, alias=form[:300], key=key))
            self.session.flush()


def _possible_id(statement_id_: str) -> bool:
    """Whether a typed id could name a stored statement at all; ids with NUL, control characters or lone
    surrogates would make the database driver fail (PostgreSQL refuses NUL), so they simply match nothing."""
    if not statement_id_ or len(statement_id_) > _LIMITS["id"] or _BAD_TEXT.search(statement_id_):
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


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Column widths (see tables.py): longer values are refused here rather than by PostgreSQL mid-transaction.
_LIMITS = {"speaker": 300, "outlet": 300, "author": 300, "id": 64}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_record(record: StatementRecord) -> None:
    """Everything the database needs of a statement: clean text, sane lengths, ISO dates."""
    if not record.text.strip():
        raise CorpusFormatError("no text")
    for what, value in (
        ("text", record.text),
        ("speaker", record.speaker),
        ("context", record.context_before),
        ("context", record.context_after),
        ("title", record.source.title),
        ("url", record.source.url),
        ("outlet", record.source.outlet),
        ("author", record.source.author),
    ):
        check_text(value, what)
    for what, value in (("speaker", record.speaker), ("outlet", record.source.outlet), ("author", record.source.author), ("id", record.id)):
        if value is not None and len(value) > _LIMITS[what]:
            raise CorpusFormatError(f"{what} longer than {_LIMITS[what]} characters")
    for value in (record.date, record.source.date):
        if value is not None and not _ISO_DATE.match(value):
            raise CorpusFormatError(f"date {value!r} is not YYYY-MM-DD")


def _check_document(doc: ParsedDocument) -> None:
    for position, record in enumerate(doc.statements):
        try:
            check_record(record)
        except CorpusFormatError as exc:
            raise CorpusFormatError(f"statement {position + 1}: {exc}") from None


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


def _lookup_scope(guild_id: int | None) -> Any:
    return LookupRow.guild_id.is_(None) if guild_id is None else LookupRow.guild_id == guild_id  # type: ignore[union-attr]


def _report_scope(guild_id: int | None) -> Any:
    return ReportRow.guild_id.is_(None) if guild_id is None else ReportRow.guild_id == guild_id  # type: ignore[union-attr]


def _replayed(session: Session, interaction_id: str | None) -> str | None:
    """The statement id an earlier attempt of this interaction changed, if it already committed."""
    if interaction_id is None:
        return None
    row = session.scalars(select(AuditRow).where(AuditRow.interaction_id == interaction_id)).first()
    if row is None:
        return None
    return row.statement_id or ""


def _source_json(source: SourceInfo) -> dict[str, Any]:
    """A source's stored fields, for the audit log."""
    return {
        "title": source.title,
        "url": source.url,
        "outlet": source.outlet,
        "date": source.date,
        "kind": source.kind,
        "author": source.author,
    }


def _row_json(row: Mapping[str, Any], source: dict[str, Any]) -> dict[str, Any]:
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


def _stored_json(row: StatementRow, source: SourceRow) -> dict[str, Any]:
    return _row_json(
        {key: getattr(row, key) for key in ("id", "text", "speaker", "date", "position", "context_before",
                                            "context_after", "guild_id", "removed", "removed_reason")},
        _source_json(_source(source)),
    )


def _source(source: SourceRow) -> SourceInfo:
    return SourceInfo(
        title=source.title,
        url=source.url,
        outlet=source.outlet,
        date=source.date,
        kind=source.kind,  # type: ignore[arg-type]
        author=source.author,
    )


def _record(row: StatementRow, source: SourceRow) -> StatementRecord:
    return StatementRecord(
        text=row.text,
        speaker=row.speaker,
        source=_source(source),
        date=row.date,
        context_before=row.context_before,
        context_after=row.context_after,
        position=row.position,
        id=row.id,
        guild_id=row.guild_id,
    )


def _audit(row: AuditRow) -> AuditEntry:
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


def _report(row: ReportRow) -> Report:
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


def _batches(items: Sequence[str], size: int = _CHUNK) -> Iterator[Sequence[str]]:
    """`items` in slices of at most `size` (IN lists stay under SQLite's parameter limit)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
