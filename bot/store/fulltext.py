"""Related statements on PostgreSQL: the lexical half of the related ranking, found by the database.

`statements.topic` holds the English full-text vector (Snowball stems) of each statement's matching
key and its source's title, with a GIN index (migration 0008). A query's content words are stemmed
here with the same Snowball English stemmer; the column's element statistics say how many statements
hold each stem, which gives BM25's inverse document frequencies without counting. As in memory
(bot/core/related.py), stems held by more than a quarter of the statements are skipped and the
rarest are read first within a budget of rows, and each statement is scored by the BM25 weight of the
stems it holds (a term counted once, its length the number of distinct stems). The core then reranks
the best of them with dense vectors (`CandidateMatcher.related`).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import Stemmer
from sqlalchemy import Engine, text

from bot.core.candidates import RelatedCandidate, RelatedQuery
from bot.core.normalize import match_text
from bot.core.related import RelatedSettings
from bot.store.trigram import TrigramUnavailable, common_elements, filter_sql

# Statements the query's stems may reach, estimated from their shares: past it the commoner stems
# are left out (the in-memory index reads 30,000 postings; here each row is fetched and scored).
_ROW_BUDGET = 5000


class FullTextRelated:
    """A related-statement source over PostgreSQL full-text search: `source(RelatedQuery)` →
    [RelatedCandidate], best first."""

    def __init__(self, engine: Engine, settings: RelatedSettings | None = None) -> None:
        """Raises TrigramUnavailable when the database is not PostgreSQL or lacks the column."""
        if engine.dialect.name != "postgresql":
            raise TrigramUnavailable(f"related statements from the database need PostgreSQL, and the database is {engine.dialect.name}")
        self.engine = engine
        self.settings = settings or RelatedSettings()
        self._stemmer = Stemmer.Stemmer("english")
        with engine.connect() as conn:
            indexed = conn.execute(
                text("SELECT count(*) = 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'ix_statements_topic'")
            ).scalar()
        if not indexed:
            raise TrigramUnavailable("the statements table has no full-text index (migration 0008): upgrade the database")
        self.refresh_statistics()

    def refresh_statistics(self) -> None:
        """Read the statement count, the mean vector length and the commonest stems' shares."""
        self._common = common_elements(self.engine, "tablename = 'statements' AND attname = 'topic'")
        with self.engine.connect() as conn:
            rows = float(conn.execute(text("SELECT reltuples FROM pg_class WHERE oid = 'statements'::regclass")).scalar() or 0)
            # Lengths as in memory: the words of the statement and of its title, a sample's mean.
            sample = conn.execute(
                text(
                    "SELECT count(*), avg(length(s.topic)), avg(array_length(string_to_array(s.norm || ' ' || coalesce(src.title, ''), ' '), 1)) "
                    "FROM (SELECT topic, norm, source_id FROM statements WHERE topic IS NOT NULL LIMIT 20000) s "
                    "JOIN sources src ON src.id = s.source_id"
                )
            ).one()
        self._rows = max(rows, float(sample[0] or 0), 1.0)
        self._avg = max(float(sample[1] or 1.0), 1.0)  # distinct stems, for the first ranking in SQL
        self._avg_words = max(float(sample[2] or 1.0), 1.0)

    def _stems(self, words: tuple[str, ...]) -> list[tuple[str, float]]:
        """The query's stems read, rarest first, with their estimated statement counts."""
        n = self._rows
        rare = min(self._common.values(), default=1.0 / n) / 2  # a stem not in the statistics
        shares = {stem: self._common.get(stem, rare) for stem in self._stemmer.stemWords(list(words)) if stem}
        common = max(self.settings.max_share * n, 50.0)  # a small corpus has no common stems to skip
        kept: list[tuple[str, float]] = []
        spent = 0.0
        for stem, share in sorted(shares.items(), key=lambda item: (item[1], item[0])):
            df = max(share * n, 1.0)
            if df > common or (spent + df > _ROW_BUDGET and len(kept) >= 3):
                break  # rarest first: what is left weighs little and costs the most
            spent += df
            kept.append((stem, df))
        return kept

    def __call__(self, query: RelatedQuery) -> list[RelatedCandidate]:
        kept = self._stems(query.words)
        if not kept:
            return []
        s, n = self.settings, self._rows
        idf = [math.log(1.0 + (n - df + 0.5) / (df + 0.5)) for _, df in kept]
        total = sum(idf)
        # SQL ranks by the weight of the stems held (each counted once); the best twice over are
        # scored here as in memory (a stem counted in each word of the statement and its title).
        params: dict[str, Any] = {"n": 2 * query.limit, "k1": s.k1, "b": s.b, "avg": self._avg}
        held = []
        for k, ((stem, _), weight) in enumerate(zip(kept, idf)):
            params[f"s{k}"], params[f"w{k}"] = stem, weight
            held.append(f"CAST(:w{k} AS float8) * (st.topic @@ to_tsquery('simple', :s{k}))::int")
        params["any"] = " | ".join(stem for stem, _ in kept)
        with self.engine.begin() as conn:
            found = filter_sql(conn, query.flt)
            if found is None:
                return []
            where, filter_params = found
            params.update(filter_params)
            sql = (
                f"SELECT st.id, st.norm, src.title, m.held FROM statements st JOIN sources src ON src.id = st.source_id, "
                f"LATERAL (SELECT {' + '.join(held)} AS held) m "
                f"WHERE st.topic @@ to_tsquery('simple', :any) AND st.norm IS NOT NULL AND {' AND '.join(where)} "
                # Equal scores in the order statements were stored, as in memory.
                "ORDER BY m.held * (:k1 + 1) / (1 + :k1 * (1 - :b + :b * length(st.topic) / :avg)) DESC, "
                "st.source_id, st.position, st.id LIMIT :n"
            )
            rows = conn.execute(text(sql), params).all()
        weights = {stem: weight for (stem, _), weight in zip(kept, idf)}
        scored = []
        for order, (sid, norm, title, matched) in enumerate(rows):
            title_key = match_text(title or "")
            words = f"{norm} {title_key}".split()
            norm_length = s.k1 * (1.0 - s.b + s.b * len(words) / self._avg_words)
            counts = Counter(stem for stem in self._stemmer.stemWords(words) if stem in weights)
            bm25 = sum(weights[stem] * (s.k1 + 1.0) * tf / (tf + norm_length) for stem, tf in counts.items())
            scored.append((-bm25, order, RelatedCandidate(sid, norm, title_key, bm25, min(float(matched) / total, 1.0))))
        scored.sort(key=lambda item: item[:2])
        return [candidate for _, _, candidate in scored[: query.limit]]
