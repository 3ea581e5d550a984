"""Statements as columns: what the in-memory index is built from at start-up."""

from __future__ import annotations

from dataclasses import dataclass


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
