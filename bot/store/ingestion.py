"""Storing parsed documents: one document, its sources and statements, and its audit row in one transaction.

A document stored again with other content (or read by a newer parser) replaces its statements; what
moderators did to the old version is honoured (bot/store/replacement.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from bot.core.documents import PARSER_VERSION
from bot.core.model import ParsedDocument, SourceInfo, StatementRecord, statement_id
from bot.core.normalize import match_texts
from bot.core.scope import check_guild_scope
from bot.store.base import StoreBase
from bot.store.batches import CHUNK, batches
from bot.store.records import DocumentOutcome
from bot.store.replacement import Previous, replace_statements
from bot.store.rows import row_json, source_json
from bot.store.speakers import SpeakerResolver
from bot.store.tables import AuditRow, DocumentRow, SourceRow, StatementRow, utcnow
from bot.store.trigram import write_norms
from bot.store.validation import check_document, check_text


@dataclass(slots=True)
class _Ingest:
    """One document being stored: where it comes from, and what the transaction found and wrote."""

    doc: ParsedDocument
    origin: str
    content_hash: str
    guild_id: int | None
    actor: str | None
    parser_version: int
    previous: Previous = field(default_factory=Previous)
    sources: dict[SourceInfo, int] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The document's part of computed statement ids: its file name, with the server's id for a server's import."""
        name = self.origin.rsplit("/", 1)[-1]
        return name if self.guild_id is None else f"{self.guild_id}/{name}"


class DocumentIngest(StoreBase):
    """Storing parsed documents; part of `CorpusStore`."""

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
        moderator removed stay removed, edited ones stay as edited: see `replace_statements`). A
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
        job = _Ingest(doc, origin, content_hash, guild_id, actor, parser_version)
        with self._write() as session:
            # FOR UPDATE (PostgreSQL): of two processes replacing one document at once, the second waits
            # for the first to commit, then reads its hash and version here and skips.
            existing = session.scalars(
                select(DocumentRow).where(col(DocumentRow.origin) == origin, col(DocumentRow.guild_scope) == (guild_id or 0)).with_for_update()
            ).first()
            if existing is not None and _up_to_date(existing, content_hash, parser_version):
                return DocumentOutcome(origin, "skipped", skipped=len(doc.statements), document_id=existing.id)
            # Read before a replacement deletes the old version: its statements are this server's own too.
            own = None if guild_id is None else _own_ids(session, [r.id for r in doc.statements if r.id], guild_id)
            document = _document_row(session, job, existing)
            speakers = SpeakerResolver(session, batch=True)
            speakers.prefetch([r.named_speaker for r in doc.statements if r.named_speaker] + [n for pair in doc.aliases for n in pair])
            if guild_id is None:
                # Other names are shared by every server: a server's import could otherwise make "Joe Biden"
                # another name of Vladimir Putin and turn misattributions into verified quotes everywhere.
                for canonical, alias in doc.aliases:
                    speakers.add_alias(canonical, alias)
            wanted: dict[str, StatementRecord] = {}
            for record in doc.statements:
                wanted.setdefault(_import_id(record, job.key, own), record)
            present = _existing_ids(session, list(wanted))
            rows = _statement_rows(session, job, document.id, speakers, wanted, present)  # type: ignore[arg-type]
            speakers.flush()
            self._insert_statements(session, rows)
            added = [row["id"] for row in rows if not row["removed"]]
            gone = [sid for sid in job.previous.deleted if sid not in wanted or sid in present]
            _log_ingest(session, job, document.id, existing is not None, rows, added, gone)  # type: ignore[arg-type]
            session.commit()
            return DocumentOutcome(
                origin,
                "replaced" if existing is not None else "added",
                added=len(rows),
                skipped=len(doc.statements) - len(rows),
                removed=len(gone),
                document_id=document.id,
                new=sum(1 for sid in added if sid not in job.previous.ids),
                kept=len(job.previous.kept),
            )

    def _insert_statements(self, session: Session, rows: list[dict[str, Any]]) -> None:
        table = StatementRow.__table__  # type: ignore[attr-defined]
        connection = session.connection()
        if not self._norms:
            # Each statement's matching key goes in with it (a start without an index snapshot reads
            # the keys), computed in bulk: `match_texts` gives `match_text`'s keys several times faster.
            for row, key in zip(rows, match_texts([row["text"] for row in rows])):
                row["norm"] = key
        for start in range(0, len(rows), CHUNK):
            # Core executemany: the ORM bulk path costs twice as much for the same rows.
            connection.execute(table.insert(), rows[start : start + CHUNK])
        if self._norms:
            # PostgreSQL writes the key with its full-text vector in one UPDATE: a key already in the
            # INSERT would have its trigram and word indexes written twice (the UPDATE rewrites them).
            write_norms(connection, {row["id"]: row["text"] for row in rows})

    def known_document(
        self, origin: str, content_hash: str, guild_id: int | None = None, parser_version: int = PARSER_VERSION
    ) -> int | None:
        """How many statements this exact content holds when it is already stored under `origin` by this
        parser version (or a newer one), else None (lets callers skip parsing an unchanged file)."""
        with self._read() as session:
            document_id = session.scalars(
                select(col(DocumentRow.id)).where(
                    col(DocumentRow.origin) == origin,
                    col(DocumentRow.guild_scope) == (guild_id or 0),
                    col(DocumentRow.content_hash) == content_hash,
                    func.coalesce(DocumentRow.parser_version, 1) >= parser_version,
                )
            ).first()
            if document_id is None:
                return None
            count = session.scalar(
                select(func.count())
                .select_from(StatementRow)
                .join(SourceRow, col(StatementRow.source_id) == col(SourceRow.id))
                .where(col(SourceRow.document_id) == document_id)
            )
            return int(count or 0)

    def part_origins(self, origin: str, guild_id: int | None = None) -> dict[str, str]:
        """Origin → content hash of the stored parts of a statement list after its first (`ORIGIN#2`,
        `ORIGIN#3`, ...; see `bot.statement_lists`), so a list that shrank can retire the parts it lost."""
        prefix = f"{origin}#"
        with self._read() as session:
            rows = session.execute(
                select(col(DocumentRow.origin), col(DocumentRow.content_hash)).where(
                    col(DocumentRow.origin).startswith(prefix, autoescape=True),
                    col(DocumentRow.guild_scope) == (guild_id or 0),
                )
            ).all()
        return {found: content_hash for found, content_hash in rows if found[len(prefix) :].isdigit()}

    def current_documents(self, origins: Sequence[str], parser_version: int = PARSER_VERSION) -> dict[str, str]:
        """Origin → content hash of those shared-corpus documents of `origins` that this parser version
        (or a newer one) stored: one query for many files, where `known_document` costs two per file."""
        found: dict[str, str] = {}
        with self._read() as session:
            for batch in batches(origins):
                found.update(
                    session.execute(
                        select(col(DocumentRow.origin), col(DocumentRow.content_hash)).where(
                            DocumentRow.origin.in_(batch),  # type: ignore[attr-defined]
                            col(DocumentRow.guild_scope) == 0,
                            func.coalesce(DocumentRow.parser_version, 1) >= parser_version,
                        )
                    ).all()
                )
        return found


def _document_row(session: Session, job: _Ingest, existing: DocumentRow | None) -> DocumentRow:
    """The document's row, new or updated; an existing document's old statements are replaced (`job.previous`)."""
    if existing is not None:
        document = existing
        job.previous = replace_statements(session, document.id)  # type: ignore[arg-type]
        document.content_hash = job.content_hash
        document.parser_version = job.parser_version
        document.ingested_at = utcnow()
        document.actor = job.actor
    else:
        document = DocumentRow(
            origin=job.origin,
            guild_scope=job.guild_id or 0,
            guild_id=job.guild_id,
            content_hash=job.content_hash,
            actor=job.actor,
            parser_version=job.parser_version,
        )
    session.add(document)
    session.flush()
    return document


def _statement_rows(
    session: Session,
    job: _Ingest,
    document_id: int,
    speakers: SpeakerResolver,
    wanted: dict[str, StatementRecord],
    present: set[str],
) -> list[dict[str, Any]]:
    """The statement rows to insert: those not stored already nor stood in for by a kept edited statement."""
    previous = job.previous
    rows: list[dict[str, Any]] = []
    now = utcnow()
    for sid, record in wanted.items():
        if sid in present or previous.stands_in_for(sid, record):
            continue
        source_id = _source_id(session, job, document_id, record.source)
        rows.append(
            {
                "id": sid,
                "text": record.text,
                "speaker": record.speaker,
                # Only a named speaker is someone: "a ministry spokesman" gets no speaker row or aliases.
                "speaker_id": speakers.resolve(record.named_speaker),
                "speaker_kind": None if record.speaker_kind == "person" else record.speaker_kind,
                "date": record.date,
                "source_id": source_id,
                "position": record.position,
                "context_before": record.context_before,
                "context_after": record.context_after,
                "guild_id": record.guild_id or job.guild_id,
                "added_at": now,
                "added_by": job.actor,
                "version": 1,
                "removed": previous.was_removed(sid, record),
                "removed_reason": previous.removal_reason(sid, record),
            }
        )
    return rows


def _source_id(session: Session, job: _Ingest, document_id: int, source: SourceInfo) -> int:
    """The row id of a source of this document, its row written on first use."""
    if source not in job.sources:
        # A Core insert: a list of posts has a source per line, and an ORM flush for each cost more than the rest.
        row = {
            "document_id": document_id,
            "title": source.title,
            "outlet": source.outlet,
            "url": source.url,
            "date": source.date,
            "kind": source.kind,
            "author": source.author,
            "content_hash": job.content_hash,
            "origin": job.origin,
        }
        created = session.connection().execute(SourceRow.__table__.insert(), row)  # type: ignore[attr-defined]
        job.sources[source] = int(created.inserted_primary_key[0])  # type: ignore[index]
    return job.sources[source]


def _log_ingest(
    session: Session, job: _Ingest, document_id: int, replaced: bool, rows: list[dict[str, Any]], added: list[str], gone: list[str]
) -> None:
    """The document's audit row; the stored rows themselves go into the log too, so replaying it
    rebuilds the corpus (bot/store/replay.py)."""
    logged_sources = {source_id: source_json(info) for info, source_id in job.sources.items()}
    written = [row_json(row, logged_sources[row["source_id"]]) for row in rows]
    after = {
        "origin": job.origin,
        "content_hash": job.content_hash,
        "parser_version": job.parser_version,
        "added": added,
        "removed": gone,
        "statements": written,
        "kept": sorted(job.previous.kept),
    }
    session.add(
        AuditRow(
            action="replace" if replaced else "ingest",
            document_id=document_id,
            after=json.dumps(after),
            actor=job.actor,
            guild_id=job.guild_id,
        )
    )


def _up_to_date(document: DocumentRow, content_hash: str, parser_version: int) -> bool:
    """Whether a stored document already holds what this content yields. A newer parser's result is
    never replaced by an older one's (a process of the previous release still running)."""
    return document.content_hash == content_hash and (document.parser_version or 1) >= parser_version


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
    for chunk in batches(ids):
        found.update(
            session.scalars(select(col(StatementRow.id)).where(col(StatementRow.id).in_(chunk), col(StatementRow.guild_id) == guild_id))
        )
    return found


def _existing_ids(session: Session, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found.update(session.scalars(select(col(StatementRow.id)).where(col(StatementRow.id).in_(chunk))).all())
    return found
