"""Services over one database on either matching backend, for the tests that compare them."""

from __future__ import annotations

from pathlib import Path

from bot.config import MatchingSettings, Settings
from bot.service import QuoteService
from bot.store.corpus import CorpusStore
from bot.store.database import make_engine

REPO = Path(__file__).resolve().parents[1]
SOTU = sorted((REPO / "corpus" / "sotu").glob("*"))[:3]


def open_service(url: str, backend: str) -> QuoteService:
    """A service on `backend` ("memory" or "pg_trgm"), with no index snapshot."""
    settings = Settings(database_url=url, matching=MatchingSettings(backend=backend, snapshot_dir="off"))
    return QuoteService.build(CorpusStore(make_engine(url)), settings)


def pg_trgm_after_clearing(url: str, corpus: Path, column: str) -> QuoteService:
    """`corpus` stored by an in-memory service with `column` of every statement then emptied, as a
    database written before that column existed, opened again on the pg_trgm backend."""
    memory = open_service(url, "memory")
    memory.ingest([corpus])
    with memory.store.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE statements SET {column} = NULL")
    memory.close()
    return open_service(url, "pg_trgm")
