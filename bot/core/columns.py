"""Statements as columns: what the in-memory index is built from at start-up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.model import StatementRecord


@dataclass(frozen=True, slots=True)
class IndexColumns:
    """What the matching index keeps of many statements, column by column (index k of each column
    is one statement): all a cold start reads from the database, no context and no records."""

    ids: list[str]
    texts: list[str]  # each statement's text, or its matching key where `keyed` says so
    speakers: list[str | None]
    dates: list[str | None]  # the effective date: the statement's, else its source's
    kinds: list[str]  # the source's kind
    guilds: list[int | None]
    titles: list[str | None] | None = None  # the source's title (None: not read, as if untitled)
    # Per statement, whether `texts` holds its matching key already (stored in the database), so
    # only the others are normalised. None: every entry of `texts` is a statement's text.
    keyed: list[bool] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def of(cls, records: Sequence[StatementRecord]) -> IndexColumns:
        """The columns of records that have ids, their texts as written."""
        return cls(
            ids=[r.id or "" for r in records],
            texts=[r.text for r in records],
            speakers=[r.named_speaker for r in records],  # a description is no one to filter by
            dates=[r.effective_date for r in records],
            kinds=[r.source.kind for r in records],
            guilds=[r.guild_id for r in records],
            titles=[r.source.title for r in records],
        )
