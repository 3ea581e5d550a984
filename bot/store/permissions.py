"""Who may see and change a statement: a server its own and the shared corpus, the owner the shared corpus."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_
from sqlmodel import col

from bot.core.text_rules import is_valid_unicode
from bot.store.records import NotFoundError, SharedCorpusError
from bot.store.tables import StatementRow
from bot.store.validation import BAD_TEXT, LIMITS


def possible_id(statement_id_: str) -> bool:
    """Whether a typed id could name a stored statement at all; ids with NUL, control characters or lone
    surrogates would make the database driver fail (PostgreSQL refuses NUL), so they simply match nothing."""
    if not statement_id_ or len(statement_id_) > LIMITS["id"] or BAD_TEXT.search(statement_id_):
        return False
    return is_valid_unicode(statement_id_)


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


def visible_to(guild_id: int | None) -> Any:
    """The statements a server sees: the shared corpus and its own (the shared corpus only when None)."""
    if guild_id is None:
        return StatementRow.guild_id.is_(None)  # type: ignore[union-attr]
    return or_(StatementRow.guild_id.is_(None), col(StatementRow.guild_id) == guild_id)  # type: ignore[union-attr]
