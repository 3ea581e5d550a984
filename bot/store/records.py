"""Values the store hands back besides statements: outcomes, audit entries, statistics, reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from bot.core.errors import QuotecheckError


class ConflictError(QuotecheckError, RuntimeError):
    """The statement changed since it was read (its version moved on); reload and retry."""

    user_text = ("Someone else changed this statement after you opened it, so nothing was saved. "
                 "Run the command again to edit the current version.")


class NotFoundError(QuotecheckError, LookupError):
    """No such statement (or it belongs to another server)."""

    user_text = "There is no such statement in this server's corpus."


class StoreUnavailableError(QuotecheckError, RuntimeError):
    """The database could not be reached or stayed locked: the change was not made (its transaction rolled back)."""

    def __init__(self, message: str, *, changing: bool = True) -> None:
        super().__init__(message)
        self.changing = changing  # False for a lookup: there was nothing to change

    @property
    def user_message(self) -> str:
        if not self.changing:
            return "The corpus database is not answering right now. Please try again in a minute."
        return "The corpus database is not answering right now, so nothing was changed. Please try again in a minute."


class SharedCorpusError(QuotecheckError):
    """The statement belongs to the shared corpus every server uses: only the bot's owner may change it."""

    user_text = ("This statement is part of the shared corpus every server uses, so only the bot's owner can "
                 "change it. Use `/corpus add` to add a corrected statement for this server.")


@dataclass(frozen=True, slots=True)
class DocumentOutcome:
    """What ingesting one document did."""

    origin: str
    status: Literal["added", "skipped", "replaced"]
    added: int = 0
    skipped: int = 0
    removed: int = 0
    document_id: int | None = None
    # Of `added`, the statements the document did not hold before (a replacement re-adds unchanged ones).
    new: int = 0
    # Statements a moderator or the owner edited, kept as edited through a replacement.
    kept: int = 0


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One row of the append-only audit log."""

    id: int
    at: datetime
    action: str
    statement_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    actor: str | None
    guild_id: int | None
    reason: str | None
    interaction_id: str | None
    document_id: int | None = None  # the ingested file, for ingest and replace rows


@dataclass(frozen=True, slots=True)
class Change:
    """A corpus change another process made: statements to (re)load and statements to drop."""

    audit_id: int
    action: str
    upserted: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CorpusStats:
    """Counts shown by `/corpus stats` and the CLI."""

    statements: int
    removed: int
    sources: int
    speakers: int
    documents: int
    by_kind: dict[str, int] = field(default_factory=dict)
    top_speakers: tuple[tuple[str, int], ...] = ()
    lookups: int = 0
    open_reports: int = 0


@dataclass(frozen=True, slots=True)
class Report:
    """A user's report on a verdict, waiting in the moderators' review queue."""

    id: int
    at: datetime
    guild_id: int | None
    reporter: str | None
    quote: str
    speaker: str | None
    statement_id: str | None
    verdict: str | None
    note: str | None
    status: str
    resolved_by: str | None = None
    resolution: str | None = None


@dataclass(frozen=True, slots=True)
class UnverifiedQuote:
    """A quote users kept checking without a match: a candidate for the corpus."""

    quote: str
    count: int
    last_at: datetime
