"""The pg_trgm candidate backend: statements resembling a quote, found by PostgreSQL itself.

Each statement's matching key (`bot.core.normalize.match_text`) is kept in `statements.norm`,
written by the store in the same transaction as the statement, with a GIN trigram index (migration
0004). A lookup asks for the statements whose `word_similarity` with the quote passes a threshold,
best first, within the search filter (server, speaker, dates); the core reranks them exactly as it
reranks the in-memory index's candidates (bot/core/candidates.py).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, text

from bot.core.candidates import CandidateQuery
from bot.core.normalize import match_text
from bot.core.speakers import fold, name_tokens, same_person
from bot.store.database import StoreError

log = logging.getLogger(__name__)

_BACKFILL_BATCH = 5000
# With a speaker filter, a speaker with at most this many statements is ranked whole (as in memory).
_SCAN_LIMIT = 20000


class TrigramUnavailable(StoreError):
    """The pg_trgm backend cannot run on this database; the message says why in one line."""


def write_norms(conn: Connection, texts: Mapping[str, str]) -> None:
    """Store the matching keys of statements (id → text) inside the caller's transaction."""
    if texts:
        conn.execute(
            text("UPDATE statements SET norm = :norm WHERE id = :id"),
            [{"id": sid, "norm": match_text(value)} for sid, value in texts.items()],
        )


class TrigramCandidates:
    """A candidate function over PostgreSQL pg_trgm: `candidates(query)` → [(statement id, match text)]."""

    def __init__(self, engine: Engine, threshold: float = 0.5) -> None:
        """Raises TrigramUnavailable on SQLite, or when the extension or its index is missing."""
        if engine.dialect.name != "postgresql":
            raise TrigramUnavailable(
                f'the pg_trgm matching backend needs PostgreSQL, and the database is {engine.dialect.name}; '
                'set [matching] backend = "memory" (or QUOTECHECK_MATCHING_BACKEND=memory)'
            )
        self.engine = engine
        self.threshold = threshold
        with engine.connect() as conn:
            schema = conn.execute(
                text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'")
            ).scalar()
            indexed = conn.execute(
                text("SELECT 1 FROM pg_indexes WHERE indexname = 'ix_statements_norm_trgm' AND schemaname = current_schema()")
            ).scalar()
        if schema is None or not indexed:
            raise TrigramUnavailable(
                "the pg_trgm matching backend needs the pg_trgm extension and its index: run "
                "CREATE EXTENSION pg_trgm WITH SCHEMA public as a database owner, then start again"
            )
        self._similarity = f'"{schema}".word_similarity'
        self._operator = f'OPERATOR("{schema}".<%)'

    def backfill(self) -> int:
        """Compute the matching keys of statements stored without one (before the migration, or
        written by an older version); returns how many."""
        done = 0
        while True:
            with self.engine.begin() as conn:
                rows = conn.execute(
                    text("SELECT id, text FROM statements WHERE norm IS NULL LIMIT :n"), {"n": _BACKFILL_BATCH}
                ).all()
                if not rows:
                    return done
                write_norms(conn, {sid: value for sid, value in rows})
                done += len(rows)
                if done == len(rows):
                    log.info("computing matching keys for statements stored without one...")

    def __call__(self, query: CandidateQuery) -> list[tuple[str, str]]:
        flt = query.flt
        where = ["NOT st.removed", "st.norm IS NOT NULL"]
        params: dict[str, Any] = {"n": query.limit}
        join = ""
        if flt and flt.guild_id:
            where.append("(st.guild_id IS NULL OR st.guild_id = 0 OR st.guild_id = :guild)")
            params["guild"] = flt.guild_id
        else:
            where.append("(st.guild_id IS NULL OR st.guild_id = 0)")
        dated = bool(flt and (flt.date_from or flt.date_to))
        if dated or not query.pieces:
            join = "JOIN sources src ON src.id = st.source_id"
        if dated:
            # As the in-memory index: YYYYMMDD, a partial date the start of its period; unknown dates never pass.
            day = "rpad(replace(coalesce(st.date, src.date), '-', ''), 8, '0')"
            where.append("coalesce(st.date, src.date) IS NOT NULL")
            if flt and flt.date_from:
                where.append(f"{day} >= :lo")
                params["lo"] = _bound(flt.date_from, "0")
            if flt and flt.date_to:
                where.append(f"{day} <= :hi")
                params["hi"] = _bound(flt.date_to, "9")
        with self.engine.begin() as conn:
            scan = False
            if flt and flt.speaker:
                ids = _speaker_ids(conn, flt.speaker)
                if not ids:
                    return []
                where.append("st.speaker_id = ANY(:speakers)")
                params["speakers"] = ids
                # As the in-memory index: a speaker with few statements has each of them ranked,
                # however few words they share with the query.
                owned = conn.execute(
                    text("SELECT count(*) FROM (SELECT 1 FROM statements WHERE speaker_id = ANY(:speakers) LIMIT :cap) s"),
                    {"speakers": ids, "cap": _SCAN_LIMIT + 1},
                ).scalar()
                scan = int(owned or 0) <= _SCAN_LIMIT
            if not query.pieces:
                sql = (
                    f"SELECT st.id, st.norm FROM statements st {join} WHERE {' AND '.join(where)} "
                    "ORDER BY coalesce(st.date, src.date) DESC NULLS LAST, st.id DESC LIMIT :n"
                )
                return [(sid, norm) for sid, norm in conn.execute(text(sql), params)]
            params["q"] = " ".join(query.pieces)
            threshold = self.threshold * (2 / 3 if query.wide else 1)
            conn.execute(text("SELECT set_config('pg_trgm.word_similarity_threshold', :t, true)"), {"t": str(threshold)})
            if not scan:
                where.append(f":q {self._operator} st.norm")
            sql = (
                f"SELECT st.id, st.norm FROM statements st {join} "
                f"WHERE {' AND '.join(where)} "
                f"ORDER BY {self._similarity}(:q, st.norm) DESC LIMIT :n"
            )
            return [(sid, norm) for sid, norm in conn.execute(text(sql), params)]


def _bound(date: str, fill: str) -> str:
    digits = date[:10].replace("-", "")
    return digits.ljust(8, fill) if digits.isdigit() else ("0" * 8 if fill == "0" else "9" * 8)


def _speaker_ids(conn: Connection, given: str) -> list[int]:
    """Speakers the filter names: any form of whose name shares its last word and is the same person."""
    tokens = name_tokens(given)
    if not tokens:
        return []
    last = tokens[-1].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = conn.execute(
        text(
            "SELECT a.speaker_id, a.alias FROM speaker_aliases a WHERE a.speaker_id IN ("
            "SELECT speaker_id FROM speaker_aliases WHERE key = :whole OR key = :last OR key LIKE :suffix ESCAPE '\\')"
        ),
        {"whole": fold(given), "last": tokens[-1], "suffix": f"% {last}"},
    ).all()
    forms: dict[int, list[str]] = {}
    for speaker_id, alias in rows:
        forms.setdefault(speaker_id, []).append(alias)
    return sorted(sid for sid, names in forms.items() if any(same_person(given, name, names) for name in names))


def speaker_names_from(store: Any) -> Any:
    """Autocomplete through the store's own query (the pg_trgm backend keeps no speaker list)."""

    def names(prefix: str, guild_id: int | None, limit: int) -> Sequence[str]:
        return [name for name, _ in store.speaker_names(prefix, guild_id, limit)]

    return names
