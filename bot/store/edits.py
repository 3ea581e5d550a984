"""Moderators' changes to single statements: add, edit, remove and restore, each with its audit row.

Every change runs in one transaction together with its audit row, so a crash leaves either both or
neither; a retried interaction (the same `interaction_id`) returns the first attempt's result.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from bot.core.model import CorpusFormatError, SourceInfo, StatementRecord, statement_id
from bot.core.normalize import match_text
from bot.store.base import StoreBase
from bot.store.permissions import may_change, possible_id
from bot.store.records import ConflictError, NotFoundError
from bot.store.rows import statement_record, stored_json
from bot.store.speakers import SpeakerResolver
from bot.store.tables import AuditRow, SourceRow, StatementRow
from bot.store.trigram import write_norms
from bot.store.validation import check_record, check_text

EDITABLE = frozenset({"text", "speaker", "date", "context_before", "context_after"})


class StatementEdits(StoreBase):
    """Changes to single statements; part of `CorpusStore`."""

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
                speaker_id=SpeakerResolver(session).resolve(record.named_speaker),
                speaker_kind=None if record.speaker_kind == "person" else record.speaker_kind,
                date=record.date,
                source_id=src.id,  # type: ignore[arg-type]
                position=record.position,
                context_before=record.context_before,
                context_after=record.context_after,
                guild_id=guild_id,
                added_by=actor,
                norm=match_text(record.text),
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
        _check_changes(changes)
        with self._write() as session:
            done = _replayed(session, interaction_id)
            if done is not None:
                return self._require(session, done)
            row = self._owned(session, statement_id_, guild_id, owner)
            before = self._require(session, row.id)
            values: dict[str, Any] = dict(changes)
            if "speaker" in changes:
                values["speaker_id"] = SpeakerResolver(session).resolve(changes["speaker"])
            if "text" in changes:
                values["norm"] = match_text(changes["text"])  # the stored key follows the words
            values["version"] = expected_version + 1
            # Compare-and-set on the version column: a concurrent edit makes this match no row.
            result = session.execute(
                update(StatementRow)
                .where(col(StatementRow.id) == row.id, col(StatementRow.version) == expected_version)
                .values(**values)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                session.rollback()
                raise ConflictError(f"statement {statement_id_} was changed by someone else; reload it and try again")
            if self._norms and "text" in changes:
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
        row = session.get(StatementRow, statement_id_) if possible_id(statement_id_) else None
        if row is None:
            raise NotFoundError(f"no statement {statement_id_}")
        may_change(statement_id_, row.guild_id, guild_id, owner=owner)
        return row

    def check_may_change(self, statement_id_: str, guild_id: int | None, *, owner: bool = False) -> None:
        """Raise NotFoundError or SharedCorpusError unless the caller may change this statement (a read,
        for adapters that want to refuse before asking for input; the write checks again)."""
        with self._read() as session:
            row = session.get(StatementRow, statement_id_) if possible_id(statement_id_) else None
            if row is None:
                raise NotFoundError(f"no statement {statement_id_}")
            may_change(statement_id_, row.guild_id, guild_id, owner=owner)

    def _require(self, session: Session, sid: str) -> StatementRecord:
        row = session.execute(
            select(StatementRow, SourceRow)
            .join(SourceRow, col(StatementRow.source_id) == col(SourceRow.id))
            .where(col(StatementRow.id) == sid)
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


def _check_changes(changes: Mapping[str, Any]) -> None:
    """Refuse an edit of fields that cannot change, or to values the database would not take."""
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


def _replayed(session: Session, interaction_id: str | None) -> str | None:
    """The statement id an earlier attempt of this interaction changed, if it already committed."""
    if interaction_id is None:
        return None
    row = session.scalars(select(AuditRow).where(col(AuditRow.interaction_id) == interaction_id)).first()
    if row is None:
        return None
    return row.statement_id or ""
