"""The pg_trgm candidate backend: statements resembling a quote, found by PostgreSQL itself.

Each statement's matching key (`bot.core.normalize.match_text`) is kept in `statements.norm`,
written by the store in the same transaction as the statement, with two GIN indexes (migrations
0004 and 0005): one over its trigrams, one over its words. A lookup first asks for the statements
holding the quote's rarest words, ranked here by how many of them (what the in-memory index does;
the index's element statistics say which words are common); when that finds nothing good, the widened
pass does the same with twice as many words, and only when no statement holds any of them asks for
the statements whose `word_similarity` with the quote passes a threshold (a typo in every word). Both passes apply the search filter (server, speaker, dates) in
SQL; the core reranks the candidates exactly as it reranks the in-memory index's
(bot/core/candidates.py).

Measured (bench/matching.py): `<%` reads the posting lists of every trigram of the quote, common
ones included: 0.2-0.5 s per lookup at 10^5 statements, 3-6 s at 10^6 when run for every quote
not in the corpus; the word pass reads only the rarest words' lists. At 10^6 statements its slow
lookups (quotes of common words: 1,500-2,800 statements hold a pair or triple of them) spent most
of their time in PostgreSQL computing the ranking (35 us a statement) and the rest in planning
(0.5 ms per clause). Ranked in Python on a generic plan, p50/p95/p99 went from 14.2/36.4/52.3 to
8.2/16.5/25.0 ms at 10^6 (9.6/15.8/17.8 to 6.1/8.1/9.3 ms at 10^5), with the same verdicts.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, text

from bot.core.candidates import CandidateQuery
from bot.core.model import SearchFilter
from bot.core.normalize import match_text
from bot.core.speakers import fold, name_tokens, same_person
from bot.store.database import StoreError

log = logging.getLogger(__name__)

_BACKFILL_BATCH = 5000
# With a speaker filter, a speaker with at most this many statements is ranked whole, as in memory
# (which allows 20,000: word_similarity costs more per statement than the in-memory rerank).
_SCAN_LIMIT = 2000
# Rarest words of the quote the first pass looks up: more only adds commoner words' long lists.
_WORDS = 4
# Statements the first pass may rank, estimated from the words' shares: beyond it, common words
# count only in pairs.
_ROW_BUDGET = 2000
# The word pass's planner settings (transaction-local), and back to the session's own.
_GENERIC_PLAN = "SELECT set_config('plan_cache_mode', 'force_generic_plan', true), set_config('enable_seqscan', 'off', true)"
_SESSION_PLAN = "SELECT set_config(name, reset_val, true) FROM pg_settings WHERE name IN ('plan_cache_mode', 'enable_seqscan')"


class TrigramUnavailable(StoreError):
    """The pg_trgm backend cannot run on this database; the message says why in one line."""


# The English full-text vector of a statement's matching key and its source's title (migration 0008),
# read by the related-statement search (bot/store/fulltext.py).
_TOPIC = "to_tsvector('english', {norm} || ' ' || coalesce((SELECT src.title FROM sources src WHERE src.id = statements.source_id), ''))"


def write_norms(conn: Connection, texts: Mapping[str, str]) -> None:
    """Store the matching keys of statements (id → text), and the full-text vector of each with its
    source's title, inside the caller's transaction."""
    if texts:
        conn.execute(
            text(f"UPDATE statements SET norm = :norm, topic = {_TOPIC.format(norm=':norm')} WHERE id = :id"),
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
        self.threshold = threshold  # of the second, fuzzy pass
        with engine.connect() as conn:
            schema = conn.execute(
                text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'")
            ).scalar()
            indexed = conn.execute(
                text(
                    "SELECT count(*) = 2 FROM pg_indexes WHERE schemaname = current_schema() "
                    "AND indexname IN ('ix_statements_norm_trgm', 'ix_statements_norm_words')"
                )
            ).scalar()
        if schema is None or not indexed:
            raise TrigramUnavailable(
                "the pg_trgm matching backend needs the pg_trgm extension and its index: run "
                "CREATE EXTENSION pg_trgm WITH SCHEMA public as a database owner, then start again"
            )
        self._similarity = f'"{schema}".word_similarity'
        self._operator = f'OPERATOR("{schema}".<%)'
        self._common = self._common_words()
        with engine.connect() as conn:
            self._rows = max(float(conn.execute(text("SELECT reltuples FROM pg_class WHERE oid = 'statements'::regclass")).scalar() or 0), 1.0)

    def _common_words(self) -> dict[str, float]:
        """The most common words with the share of statements holding each (the word index's
        statistics; gathered now when the table was never analysed)."""
        return common_elements(self.engine, "tablename = 'ix_statements_norm_words'")

    def rare_words(self, pieces: Sequence[str], limit: int = _WORDS) -> list[tuple[str, float]]:
        """The quote's rarest words with their weights (log inverse share): words missing from the
        common list first (the longest first: a typo is as unknown as a rare word), then the least common."""
        floor = min(self._common.values(), default=1e-6) / 2
        words = {w for piece in pieces for w in piece.split()}
        ranked = sorted(words, key=lambda w: (self._common.get(w, 0.0), -len(w), w))[:limit]  # the same words in every process
        return [(w, math.log(1.0 / self._common.get(w, floor))) for w in ranked]

    def backfill(self) -> int:
        """Compute the matching keys (and full-text vectors) of statements stored without one (before
        the migrations, or written by an older version); returns how many."""
        done = 0
        # Statements with a matching key and no full-text vector (stored before migration 0008): the
        # vector is computed by PostgreSQL alone, from the key.
        fill = text(
            f"UPDATE statements SET topic = {_TOPIC.format(norm='norm')} "
            "WHERE id IN (SELECT id FROM statements WHERE topic IS NULL AND norm IS NOT NULL LIMIT :n)"
        )
        while True:
            with self.engine.begin() as conn:
                filled = int(conn.execute(fill, {"n": _BACKFILL_BATCH}).rowcount or 0)
            if not filled:
                break
            if not done:
                log.info("computing full-text vectors for statements stored without one...")
            done += filled
        while True:
            with self.engine.begin() as conn:
                rows = conn.execute(
                    text("SELECT id, text FROM statements WHERE norm IS NULL OR topic IS NULL LIMIT :n"), {"n": _BACKFILL_BATCH}
                ).all()
                if not rows:
                    return done
                if not done:
                    log.info("computing matching keys for statements stored without one...")
                write_norms(conn, dict(rows))
                done += len(rows)

    def __call__(self, query: CandidateQuery) -> list[tuple[str, str]]:
        flt = query.flt
        params: dict[str, Any] = {"n": query.limit}
        dated = bool(flt and (flt.date_from or flt.date_to))
        join = "JOIN sources src ON src.id = st.source_id" if dated or not query.pieces else ""
        with self.engine.begin() as conn:
            filtered = filter_sql(conn, flt)
            if filtered is None:
                return []
            where, filter_params = filtered
            where.insert(1, "st.norm IS NOT NULL")
            params.update(filter_params)
            scan = False
            if "speakers" in params:
                # As the in-memory index: a speaker with few statements has each of them ranked,
                # however few words they share with the query.
                owned = conn.execute(
                    text("SELECT count(*) FROM (SELECT 1 FROM statements WHERE speaker_id = ANY(:speakers) LIMIT :cap) s"),
                    {"speakers": params["speakers"], "cap": _SCAN_LIMIT + 1},
                ).scalar()
                scan = int(owned or 0) <= _SCAN_LIMIT
            if not query.pieces:
                sql = (
                    f"SELECT st.id, st.norm FROM statements st {join} WHERE {' AND '.join(where)} "
                    "ORDER BY coalesce(st.date, src.date) DESC NULLS LAST, st.id DESC LIMIT :n"
                )
                return [(sid, norm) for sid, norm in conn.execute(text(sql), params)]
            if not scan:
                # The widened pass looks up twice as many words, as the in-memory index does; the
                # trigram pass is left for quotes none of whose words are in any statement.
                found = self._by_words(conn, query, list(where), join, dict(params), _WORDS * (2 if query.wide else 1))
                if found or not query.wide:
                    return found
            params["q"] = " ".join(query.pieces)
            conn.execute(text("SELECT set_config('pg_trgm.word_similarity_threshold', :t, true)"), {"t": str(self.threshold)})
            if not scan:
                where.append(f":q {self._operator} st.norm")
            sql = (
                f"SELECT st.id, st.norm FROM statements st {join} "
                f"WHERE {' AND '.join(where)} "
                f"ORDER BY {self._similarity}(:q, st.norm) DESC LIMIT :n"
            )
            return [(sid, norm) for sid, norm in conn.execute(text(sql), params)]

    def _by_words(
        self, conn: Connection, query: CandidateQuery, where: list[str], join: str, params: dict[str, Any], words: int
    ) -> list[tuple[str, str]]:
        # The statements holding the most (idf-weighted) of the quote's rarest words.
        rare = self.rare_words(query.pieces, words)
        if not rare:
            return []
        # Statements holding any rare word; a common one ("know", "because") only together with
        # another, else thousands of statements would be ranked for a quote of everyday words.
        each = _ROW_BUDGET / len(rare)
        cheap = [w for w, _ in rare if self._common.get(w, 0.0) * self._rows <= each]
        costly = [w for w, _ in rare if w not in cheap]
        matches = []
        if cheap:
            params["cheap"] = cheap
            matches.append("string_to_array(st.norm, ' ') && CAST(:cheap AS text[])")
        if len(costly) == 1 and not cheap:
            cheap, costly = costly, []
            params["cheap"] = cheap
            matches.append("string_to_array(st.norm, ' ') && CAST(:cheap AS text[])")
        # Pairs of common words, or triples when even the pairs would be many (shares multiplied,
        # times a margin: words of one quote tend to occur together).
        share = {w: self._common.get(w, 0.0) for w in costly}
        pairs = list(itertools.combinations(costly, 2))
        if sum(share[a] * share[b] for a, b in pairs) * self._rows * 5 > _ROW_BUDGET and len(costly) >= 3:
            groups: list[tuple[str, ...]] = list(itertools.combinations(costly[:5], 3))
        else:
            groups = list(pairs)
        for k, group in enumerate(groups):
            params[f"group{k}"] = list(group)
            matches.append(f"string_to_array(st.norm, ' ') @> CAST(:group{k} AS text[])")
        # Ranked here, not in SQL: PostgreSQL splits each row's text once per word to compute an
        # ORDER BY of word weights (about 35 us a row, 100 ms for 2,800 rows at 10^6 statements),
        # where a substring test in Python takes about 1.5 us.
        sql = f"SELECT st.id, st.norm FROM statements st {join} WHERE {' AND '.join(where)} AND ({' OR '.join(matches)})"
        # Without a speaker filter the plan is always the word index, yet planning it reads the
        # index's statistics (10,000 words) once per clause: 2-4 ms at 10^6 statements, more than
        # running it for most quotes. So the plan made without the values is used, sequential scans
        # ruled out (its estimates are defaults). A speaker's share must still choose between the
        # speaker index and the word index.
        generic = "speakers" not in params
        if generic:
            conn.execute(text(_GENERIC_PLAN))
        rows = conn.execute(text(sql), params).all()
        if generic:
            conn.execute(text(_SESSION_PLAN))
        return rank_by_words(rows, rare, query.limit)


def filter_sql(conn: Connection, flt: SearchFilter | None) -> tuple[list[str], dict[str, Any]] | None:
    """SQL conditions (over `statements st`, and `sources src` when dates are asked for) and their
    parameters for a search filter: live statements, shared or the server's own, the speaker's, within
    the dates; None when the filter names a speaker the corpus does not know."""
    where = ["NOT st.removed"]
    params: dict[str, Any] = {}
    if flt and flt.guild_id:
        where.append("(st.guild_id IS NULL OR st.guild_id = 0 OR st.guild_id = :guild)")
        params["guild"] = flt.guild_id
    else:
        where.append("(st.guild_id IS NULL OR st.guild_id = 0)")
    if flt and (flt.date_from or flt.date_to):
        # As the in-memory index: YYYYMMDD, a partial date the start of its period; unknown dates never pass.
        day = "rpad(replace(coalesce(st.date, src.date), '-', ''), 8, '0')"
        where.append("coalesce(st.date, src.date) IS NOT NULL")
        if flt.date_from:
            where.append(f"{day} >= :lo")
            params["lo"] = _bound(flt.date_from, "0")
        if flt.date_to:
            where.append(f"{day} <= :hi")
            params["hi"] = _bound(flt.date_to, "9")
    if flt and flt.speaker:
        ids = _speaker_ids(conn, flt.speaker)
        if not ids:
            return None
        where.append("st.speaker_id = ANY(:speakers)")
        params["speakers"] = ids
    return where, params


def rank_by_words(rows: Sequence[Any], rare: Sequence[tuple[str, float]], limit: int) -> list[tuple[str, str]]:
    """The `limit` rows (statement id, matching key) holding the most weight of the `rare` words
    (word, weight), best first; rows of equal weight keep the order they came in."""
    scored = []
    for position, (sid, norm) in enumerate(rows):
        padded = f" {norm} "  # keys are words joined by single spaces: " word " finds a whole word
        weight = sum(w for word, w in rare if f" {word} " in padded)
        scored.append((-weight, position, sid, norm))
    return [(sid, norm) for _, _, sid, norm in heapq.nsmallest(limit, scored)]


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


def common_elements(engine: Engine, where: str) -> dict[str, float]:
    """The commonest elements of an array or vector column with the share of rows holding each,
    from PostgreSQL's statistics (`where` picks the pg_stats row; the table is analysed now when it
    never was); empty for an empty or tiny table, where every element is rare."""
    query = text(
        "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
        f"WHERE schemaname = current_schema() AND {where}"
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None or row[0] is None:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE statements"))
            row = conn.execute(query).first()
    if row is None or row[0] is None:
        return {}
    return dict(zip(row[0], (float(f) for f in row[1])))
