"""The typed seams between the layers, each a `Protocol` so a test can stand in for either side.

- `DocumentSink`: what ingestion (files, the inbox, feeds, the bundled corpus) writes parsed documents
  to: a `QuoteService`, which also updates its index, or a bare `CorpusStore` through `bot.ingest.StoreSink`;
- `QuoteMatcher`: the matching engine the service drives (`bot.core.matcher.Matcher` in memory,
  `bot.core.candidates.CandidateMatcher` over the database);
- `ChatService`: all the chat layer (and the console) may ask of the corpus: `QuoteService`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from bot.core.model import CheckResult, ParsedDocument, SearchFilter, StatementRecord
from bot.store.records import AuditEntry, CorpusStats, DocumentOutcome, Report, UnverifiedQuote

if TYPE_CHECKING:
    from bot.store.buttons import ButtonRefs


class DocumentSink(Protocol):
    """Where ingested documents go."""

    def import_document(
        self, doc: ParsedDocument, *, origin: str, content_hash: str, guild_id: int | None = None, actor: str | None = None
    ) -> DocumentOutcome: ...

    def known_document(self, origin: str, content_hash: str, guild_id: int | None = None) -> int | None: ...

    def part_origins(self, origin: str, guild_id: int | None = None) -> dict[str, str]: ...


class QuoteMatcher(Protocol):
    """The matching engine: verdicts and searches over the statements it is given (or finds itself)."""

    # Whether added and removed statements must be handed to it (an in-memory index) or are seen by
    # its candidate source on its own (a database-side index).
    holds_corpus: bool

    def check(
        self, quote: str, speaker: str | None = None, flt: SearchFilter | None = None, *, pieces: Sequence[str] | None = None
    ) -> CheckResult: ...

    def search(self, query: str, flt: SearchFilter | None = None, limit: int = 10) -> list[tuple[StatementRecord, float]]: ...

    def speakers(self, prefix: str = "", guild_id: int | None = None, limit: int = 25) -> list[str]: ...

    def set_aliases(self, aliases: Mapping[str, Iterable[str]]) -> None: ...

    def warm_up(self) -> None: ...

    def add(self, statement: StatementRecord) -> None: ...

    def add_many(self, statements: Iterable[StatementRecord]) -> None: ...

    def remove(self, statement_id: str) -> None: ...

    def __len__(self) -> int: ...


class ChatService(DocumentSink, Protocol):
    """The corpus as the chat layer and the console see it: checks, lookups, moderators' changes, reports."""

    def check(self, quote: str, speaker: str | None = None, guild_id: int | None = None, *, log_lookup: bool = True) -> CheckResult: ...

    def check_read(self, quote: str, speaker: str | None = None, guild_id: int | None = None, *, printed: str | None = None,
                   log_lookup: bool = True) -> CheckResult: ...

    def search(self, query: str, flt: SearchFilter | None = None, limit: int = 10) -> list[tuple[StatementRecord, float]]: ...

    def get(self, statement_id: str, guild_id: int | None = None) -> StatementRecord | None: ...

    def version(self, statement_id: str, guild_id: int | None = None) -> int | None: ...

    def check_may_change(self, statement_id: str, guild_id: int | None, *, owner: bool = False) -> None: ...

    def speakers(self, prefix: str = "", guild_id: int | None = None, limit: int = 25) -> list[str]: ...

    def stats(self, guild_id: int | None = None) -> CorpusStats: ...

    def history(self, statement_id: str, guild_id: int | None = None) -> list[AuditEntry]: ...

    def export(self, guild_id: int | None = None, *, all_guilds: bool = True) -> Iterator[dict[str, Any]]: ...

    def add(self, record: StatementRecord, *, actor: str, guild_id: int | None, interaction_id: str | None = None) -> StatementRecord: ...

    def edit(
        self,
        statement_id: str,
        changes: Mapping[str, Any],
        *,
        expected_version: int,
        actor: str,
        guild_id: int | None,
        interaction_id: str | None = None,
        owner: bool = False,
    ) -> StatementRecord: ...

    def remove(
        self, statement_id: str, *, reason: str | None, actor: str, guild_id: int | None, interaction_id: str | None = None, owner: bool = False
    ) -> StatementRecord: ...

    def restore(
        self, statement_id: str, *, actor: str, guild_id: int | None, interaction_id: str | None = None, owner: bool = False
    ) -> StatementRecord: ...

    def report(
        self,
        *,
        quote: str,
        reporter: str | None,
        guild_id: int | None,
        speaker: str | None = None,
        statement_id: str | None = None,
        verdict: str | None = None,
        note: str | None = None,
        interaction_id: str | None = None,
    ) -> Report: ...

    def open_reports(self, guild_id: int | None = None, limit: int = 25) -> list[Report]: ...

    def resolve_report(self, report_id: int, *, resolution: str, actor: str, guild_id: int | None = None) -> Report: ...

    def top_unverified(self, since: datetime, guild_id: int | None = None, limit: int = 10) -> list[UnverifiedQuote]: ...

    def button_refs(self, retention_days: int) -> ButtonRefs: ...

    def close(self) -> None: ...
