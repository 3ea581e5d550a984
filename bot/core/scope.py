"""Which server a statement belongs to: server ids in statement lists, and whose import may name which.

A statement is either shared (every server sees it) or a server's own (only that server sees it). The
`export` line names the server of a server's own statement (`"guild_id"`); these functions read that
field back and keep a server's import inside that server.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.core.model import CorpusFormatError, ParsedDocument

_SNOWFLAKE = re.compile(r"^[1-9][0-9]{0,18}$")
MAX_SNOWFLAKE = 2**63 - 1  # the database keeps server ids in a signed 64-bit column


def parse_guild_id(value: Any) -> int | None:
    """The server a statement belongs to (`"guild_id"`, as `export` writes it); None: the shared corpus."""
    if value is None:
        return None
    # JSON numbers are accepted too, but never true/false (bool is an int in Python).
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if isinstance(text, str) and _SNOWFLAKE.match(text) and int(text) <= MAX_SNOWFLAKE:
        return int(text)
    shown = json.dumps(value, ensure_ascii=True)
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    raise CorpusFormatError(f"`guild_id` must be a Discord server id (a positive whole number), not {shown}")


def check_guild_scope(doc: ParsedDocument, guild_id: int | None) -> None:
    """Refuse a document that a server (`guild_id` set) imports when a statement names another server.

    The command line (`guild_id` None) stores each statement in the server it names. A server only
    ever writes into its own corpus: its own id, or none (then the statement becomes the server's),
    is accepted; any other id rejects the whole file, rather than quietly moving statements meant
    for another server (perhaps private to it) into this one.
    """
    if guild_id is None:
        return
    for number, record in enumerate(doc.statements, start=1):
        if record.guild_id is not None and record.guild_id != guild_id:
            raise CorpusFormatError(
                f"statement {number} belongs to another server (guild_id {record.guild_id}); "
                "a server can import only statements of its own"
            )
