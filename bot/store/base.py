"""What every part of `CorpusStore` shares: the engine and its read and write sessions."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from bot.store.database import writer


class StoreBase:
    """The corpus database's engine and sessions; the parts of `CorpusStore` build on it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = writer(engine)
        # PostgreSQL keeps each statement's matching key for the pg_trgm backend (bot/store/trigram.py).
        self._norms = engine.dialect.name == "postgresql"

    def _read(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def _write(self) -> Session:
        return Session(self._writer, expire_on_commit=False)
