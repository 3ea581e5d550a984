"""Every table of the corpus database, as SQLModel models.

Schema changes go through Alembic (bot/store/migrations); these models are the source the
migrations are written from, and the store's queries are built on them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, Column, ColumnElement, Index, Text, UniqueConstraint, or_
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Timestamps are aware UTC datetimes (SQLModel stores them as UTC on every backend)."""
    return datetime.now(UTC)


class DocumentRow(SQLModel, table=True):
    """One ingested corpus file (or chat import): where it came from and the hash of its content."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("origin", "guild_scope", name="uq_documents_origin_scope"),)

    id: int | None = Field(default=None, primary_key=True)
    origin: str = Field(sa_column=Column(Text, nullable=False))
    # guild_id or 0: NULLs never collide in a unique constraint, so the shared corpus gets 0 here.
    guild_scope: int = Field(sa_column=Column(BigInteger, nullable=False, default=0))
    guild_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    content_hash: str = Field(max_length=64)
    ingested_at: datetime = Field(default_factory=utcnow)
    actor: str | None = Field(default=None, max_length=200)
    # bot.core.documents.PARSER_VERSION that read the file; NULL (stored before versions) is version 1.
    parser_version: int | None = None


class SourceRow(SQLModel, table=True):
    """Where statements come from: title, outlet, url, date and kind (article, speech, ...)."""

    __tablename__ = "sources"

    id: int | None = Field(default=None, primary_key=True)
    document_id: int | None = Field(default=None, foreign_key="documents.id", ondelete="CASCADE", index=True)
    title: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    outlet: str | None = Field(default=None, max_length=300)
    url: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    date: str | None = Field(default=None, max_length=10)
    kind: str = Field(default="article", max_length=20)
    author: str | None = Field(default=None, max_length=300)
    content_hash: str | None = Field(default=None, max_length=64)
    origin: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class SpeakerRow(SQLModel, table=True):
    """A person, under the canonical full name."""

    __tablename__ = "speakers"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300)
    key: str = Field(max_length=300, unique=True)  # folded name, for lookups


class SpeakerAliasRow(SQLModel, table=True):
    """Another form of a speaker's name ("Putin", "President Putin" for "Vladimir Putin")."""

    __tablename__ = "speaker_aliases"
    __table_args__ = (UniqueConstraint("speaker_id", "key", name="uq_alias_speaker_key"),)

    id: int | None = Field(default=None, primary_key=True)
    speaker_id: int = Field(foreign_key="speakers.id", ondelete="CASCADE", index=True)
    alias: str = Field(max_length=300)
    key: str = Field(max_length=300, index=True)


class StatementRow(SQLModel, table=True):
    """One verified statement. Removal is a tombstone (`removed`), never a delete."""

    __tablename__ = "statements"
    __table_args__ = (Index("ix_statements_guild_removed", "guild_id", "removed"),)

    id: str = Field(primary_key=True, max_length=64)
    text: str = Field(sa_column=Column(Text, nullable=False))
    speaker: str | None = Field(default=None, max_length=300)
    speaker_id: int | None = Field(default=None, foreign_key="speakers.id", index=True)
    # person, organisation, unnamed or document (`bot.core.speaker_kinds`); NULL (older rows): person
    speaker_kind: str | None = Field(default=None, max_length=20)
    date: str | None = Field(default=None, max_length=10)
    source_id: int = Field(foreign_key="sources.id", ondelete="CASCADE", index=True)
    position: int = 0
    context_before: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    context_after: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    guild_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    added_at: datetime = Field(default_factory=utcnow)
    added_by: str | None = Field(default=None, max_length=200)
    version: int = 1
    removed: bool = False
    removed_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # `bot.core.normalize.match_text(text)`, written with the text (bot/store/match_keys.py); NULL
    # (rows stored before migration 0009, or keys of older rules cleared) is computed when needed.
    norm: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


def named_speaker() -> ColumnElement[bool]:
    """Statements whose speaker names someone: a person or an organisation (NULL, older rows: a
    person), not a description such as "a senior official"; for speaker lists and counts."""
    kind = StatementRow.__table__.c.speaker_kind  # type: ignore[attr-defined]
    return or_(kind.is_(None), kind.in_(("person", "organisation")))


class AuditRow(SQLModel, table=True):
    """Append-only log of every corpus change, written in the same transaction as the change."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    action: str = Field(max_length=20)
    statement_id: str | None = Field(default=None, max_length=64, index=True)
    document_id: int | None = None
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # JSON
    after: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # JSON
    actor: str | None = Field(default=None, max_length=200)
    guild_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Unique when set: a retried chat interaction finds its row and changes nothing.
    interaction_id: str | None = Field(default=None, max_length=100, unique=True)


class LookupRow(SQLModel, table=True):
    """One quote check, kept for the moderators' digest and pruned after a retention period."""

    __tablename__ = "lookups"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    guild_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    quote: str = Field(sa_column=Column(Text, nullable=False))
    speaker: str | None = Field(default=None, max_length=300)
    verdict: str = Field(max_length=20)
    score: float = 0.0
    statement_id: str | None = Field(default=None, max_length=64)


class ReportRow(SQLModel, table=True):
    """A user's report on a verdict (wrong match, missing statement), queued for moderators."""

    __tablename__ = "reports"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    guild_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    reporter: str | None = Field(default=None, max_length=200)
    quote: str = Field(sa_column=Column(Text, nullable=False))
    speaker: str | None = Field(default=None, max_length=300)
    statement_id: str | None = Field(default=None, max_length=64)
    verdict: str | None = Field(default=None, max_length=20)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status: str = Field(default="open", max_length=20, index=True)
    resolved_by: str | None = Field(default=None, max_length=200)
    resolved_at: datetime | None = None
    resolution: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    interaction_id: str | None = Field(default=None, max_length=100, unique=True)


# -- scheduled jobs (bot/jobs): run history, leases, feed polling state, kept lookup counts -------


class JobRun(SQLModel, table=True):
    """One run of a scheduled job: who ran it, when, and how it ended."""

    __tablename__ = "job_runs"

    id: int | None = Field(default=None, primary_key=True)
    job_id: str = Field(index=True, max_length=64)
    holder: str = Field(max_length=200)
    started_at: datetime = Field(index=True)
    finished_at: datetime | None = None
    # running | ok | error | interrupted (the process stopped during the run)
    status: str = Field(max_length=16)
    result: str = Field(default="", max_length=2000)


class JobLease(SQLModel, table=True):
    """Who may run a job right now; a lease past `expires_at` may be taken over."""

    __tablename__ = "job_leases"

    job_id: str = Field(primary_key=True, max_length=64)
    holder: str = Field(max_length=200)
    acquired_at: datetime
    expires_at: datetime


class FeedState(SQLModel, table=True):
    """What the poller remembers about one feed between polls."""

    __tablename__ = "feed_state"

    url: str = Field(primary_key=True, max_length=2000)
    etag: str | None = Field(default=None, max_length=500)
    last_modified: str | None = Field(default=None, max_length=100)
    # JSON list of entry ids already ingested, newest last, capped (see feeds.SEEN_CAP)
    seen: str = Field(default="[]")
    failures: int = 0
    next_poll_at: datetime | None = None
    last_status: int | None = None
    last_error: str = Field(default="", max_length=500)
    last_polled_at: datetime | None = None


class LookupDaily(SQLModel, table=True):
    """Lookups per day, server and verdict: what retention keeps after deleting the lookups themselves."""

    __tablename__ = "lookup_daily"

    day: str = Field(primary_key=True, max_length=10)  # ISO date, UTC
    guild_scope: int = Field(default=0, primary_key=True, sa_type=BigInteger)  # guild id, 0 for none
    verdict: str = Field(primary_key=True, max_length=20)
    count: int = 0


# -- chat buttons (bot/chat/buttons.py) ---------------------------------------------------------------


class ButtonRefRow(SQLModel, table=True):
    """What a button on a chat message needs beyond its custom_id (the quote as submitted, a search's
    hits), under an unguessable reference; pruned after the lookup retention like the lookups."""

    __tablename__ = "button_refs"

    ref: str = Field(primary_key=True, max_length=32)
    at: datetime = Field(default_factory=utcnow, index=True)
    kind: str = Field(max_length=16)
    guild_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    user_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    payload: str = Field(sa_column=Column(Text, nullable=False))  # JSON
