"""What persistent chat buttons keep in the database: a small JSON payload under an unguessable reference.

A button's custom_id holds at most 100 characters, so a button that needs more (the quote as it was
submitted, the hits of a search) carries a reference to a `button_refs` row instead. A reference is
only ever read back for the server (and, outside servers, the user) it was written for, so a custom_id
copied or crafted elsewhere finds nothing. Rows hold what users typed, so they live no longer than the
lookup log: each write deletes the rows past that retention in the same transaction.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, select

from bot.store.database import writer
from bot.store.tables import ButtonRefRow

_REFS = ButtonRefRow.__table__  # type: ignore[attr-defined]
REF_BYTES = 16  # 22 characters in base64url: unguessable, and short enough for any custom_id


@dataclass(frozen=True, slots=True)
class ButtonRef:
    """A stored payload and whom it belongs to."""

    ref: str
    kind: str
    guild_id: int | None
    user_id: int | None
    payload: dict[str, Any]


class ButtonRefs:
    """Saves and loads button payloads; `retention_days` bounds how long any row is kept."""

    def __init__(self, engine: Engine, retention_days: int) -> None:
        self.engine = engine
        self.retention_days = max(retention_days, 1)

    def save(self, kind: str, payload: dict[str, Any], *, guild_id: int | None, user_id: int | None,
             now: datetime | None = None) -> str:
        """Store `payload` and return its new reference; older rows past the retention go in the same step."""
        now = now or datetime.now(UTC)
        ref = secrets.token_urlsafe(REF_BYTES)
        # json.dumps escapes to ASCII, so lone surrogates and NULs (which PostgreSQL refuses) are stored too.
        with writer(self.engine).begin() as conn:
            conn.execute(delete(_REFS).where(_REFS.c.at < now - timedelta(days=self.retention_days)))
            conn.execute(_REFS.insert().values(ref=ref, at=now, kind=kind, guild_id=guild_id, user_id=user_id,
                                               payload=json.dumps(payload)))
        return ref

    def load(self, ref: str, kind: str, *, guild_id: int | None, user_id: int | None,
             now: datetime | None = None) -> ButtonRef | None:
        """The payload saved under `ref` for this kind of button, or None when it is unknown, expired, or
        belongs to another server (or, outside servers, to another user)."""
        if not ref or len(ref) > 32:
            return None
        now = now or datetime.now(UTC)
        with self.engine.connect() as conn:
            row = conn.execute(select(_REFS).where(_REFS.c.ref == ref, _REFS.c.kind == kind)).first()
        if row is None or row.guild_id != guild_id:
            return None
        if guild_id is None and row.user_id != user_id:
            return None
        at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
        if at < now - timedelta(days=self.retention_days):
            return None  # past the retention, even if no write has pruned it yet
        return ButtonRef(ref=row.ref, kind=row.kind, guild_id=row.guild_id, user_id=row.user_id,
                         payload=json.loads(row.payload))


def prune_button_refs(engine: Engine, days: int, *, now: datetime | None = None) -> int:
    """Delete the rows older than `days` days (for a retention job); how many were deleted."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=max(days, 0))
    with writer(engine).begin() as conn:
        return int(conn.execute(delete(_REFS).where(_REFS.c.at < cutoff)).rowcount or 0)
