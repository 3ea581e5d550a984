"""Stored matching keys: written with every statement's text, trusted only under today's rules, and
read by a cold start into exactly the index that computing them gives."""

from __future__ import annotations

import threading
from array import array
from pathlib import Path
from typing import Any

import numpy as np
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from bot.config import Settings
from bot.core.columns import IndexColumns
from bot.core.matcher import Matcher
from bot.core.model import ParsedDocument, SourceInfo, StatementRecord
from bot.core.normalize import MATCH_KEYS_VERSION, match_text
from bot.service import QuoteService
from bot.store.corpus import CorpusStore
from bot.store.database import MIGRATIONS, make_engine
from bot.store.match_keys import VERSION_KEY, fill_match_keys

# Texts whose keys take every path of the normaliser: typographic marks, numbers, look-alike
# letters, accents, ligatures, invisible characters, control spaces.
AWKWARD = (
    "“We won’t raise the fares” — not this year…",
    "It cost $1,000,000 in 1990, and 3.5% more in the 12th year",
    "Сергей said the café would reopen",  # Cyrillic look-alikes
    "The ﬁnal ｆｕｌｌｗｉｄｔｈ word",
    "Zero\u200bwidth joins\u00a0and\ttabs",
    "Plain ASCII, don't `quote` me",
    "½ of the İstanbul ferries, straße",
)


def _fill(store: CorpusStore) -> tuple[str, str]:
    """Statements of two sources (one a server's own), one removed; returns (an edited statement's
    id, a removed one's)."""
    speech = SourceInfo(title="Harbour address", kind="speech", date="2024-03-07")
    minutes = SourceInfo(title="Council minutes", kind="transcript")
    records = tuple(
        StatementRecord(text=value, speaker="Ada Harbour" if k % 2 else "a council spokesman", source=speech, position=k)
        for k, value in enumerate(AWKWARD)
    )
    store.ingest_document(ParsedDocument(speech, records), origin="address.md", content_hash="a")
    store.ingest_document(
        ParsedDocument(minutes, (StatementRecord(text="Ferries stop at midnight", speaker="Bo Ferry", source=minutes),)),
        origin="minutes.md", content_hash="m", guild_id=42,
    )
    edited = store.add_statement(StatementRecord(text="Trams return in March", speaker="Bo Ferry", source=minutes),
                                 actor="mod", guild_id=None)
    removed = store.add_statement(StatementRecord(text="Buses never ran late", speaker="Bo Ferry", source=minutes),
                                  actor="mod", guild_id=None)
    store.remove_statement(removed.id or "", reason="test", actor="mod", guild_id=None)
    return edited.id or "", removed.id or ""


def _stored(engine: Engine) -> dict[str, tuple[str, str | None]]:
    with engine.connect() as conn:
        return {sid: (value, norm) for sid, value, norm in conn.execute(text("SELECT id, text, norm FROM statements"))}


def _version(engine: Engine) -> str | None:
    with engine.connect() as conn:
        value = conn.execute(text("SELECT value FROM corpus_meta WHERE key = :k"), {"k": VERSION_KEY}).scalar()
    return None if value is None else str(value)


def _from_texts(store: CorpusStore) -> IndexColumns:
    """The columns a cold start read before keys were stored: every live statement's text."""
    return IndexColumns.of(list(store.statements(all_guilds=True)))


def _plain(value: Any) -> Any:
    """A matcher's state as comparable plain values."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, np.ndarray | array):
        return value.tolist()
    return value


def _index(columns: IndexColumns) -> dict[str, Any]:
    """What a matcher built from `columns` holds: columns, term index and related index."""
    matcher = Matcher(fetch=lambda ids: {})
    matcher.add_columns(columns)
    matcher._index.compact()
    state = {name: getattr(matcher, name) for name in ("_ids", "_texts", "_pos", "_alive", "_guild", "_date", "_speaker", "_kind", "_speaker_names")}
    return _plain({**state, "index": matcher._index.state(), "related": matcher._related.state()})


def _downgrade(engine: Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def test_keys_are_stored_on_ingest_and_add(store: CorpusStore) -> None:
    _fill(store)
    stored = _stored(store.engine)
    assert len(stored) == len(AWKWARD) + 3
    assert {sid: norm for sid, (_, norm) in stored.items()} == {sid: match_text(value) for sid, (value, _) in stored.items()}
    assert _version(store.engine) == str(MATCH_KEYS_VERSION)


def test_an_edited_statement_s_key_follows_its_new_text(store: CorpusStore) -> None:
    edited, _ = _fill(store)
    store.edit_statement(edited, {"text": "Trams return in “April”, 2,000 of them"}, expected_version=1, actor="mod", guild_id=None)
    assert _stored(store.engine)[edited] == ("Trams return in “April”, 2,000 of them", "trams return in april 2000 of them")
    store.edit_statement(edited, {"speaker": "Cy Tram"}, expected_version=2, actor="mod", guild_id=None)
    assert _stored(store.engine)[edited][1] == "trams return in april 2000 of them"  # the words did not change
    columns = store.index_columns()
    assert columns.texts[columns.ids.index(edited)] == "trams return in april 2000 of them"
    assert _index(columns) == _index(_from_texts(store))


def test_a_text_changed_without_its_key_loses_the_key_on_sqlite(sqlite_url: str) -> None:
    # What an edit by a process of the previous release does: the words change, the key stays.
    engine = make_engine(sqlite_url)
    try:
        edited, _ = _fill(CorpusStore(engine))
        with engine.begin() as conn:
            conn.execute(text("UPDATE statements SET text = 'Trams return in May' WHERE id = :id"), {"id": edited})
            conn.execute(text("UPDATE statements SET speaker = 'Cy Tram' WHERE id <> :id"), {"id": edited})
        stored = _stored(engine)
        assert stored[edited] == ("Trams return in May", None)
        assert all(norm == match_text(value) for sid, (value, norm) in stored.items() if sid != edited)
    finally:
        engine.dispose()


def test_an_index_from_stored_keys_equals_one_from_texts(store: CorpusStore) -> None:
    _, removed = _fill(store)
    columns = store.index_columns()
    assert columns.keyed is not None and all(columns.keyed)
    assert removed not in columns.ids
    assert _index(columns) == _index(_from_texts(store))


def test_statements_stored_before_the_keys_build_the_same_index(db_url: str) -> None:
    engine = make_engine(db_url)
    _fill(CorpusStore(engine))
    _downgrade(engine, "0008_topic")  # the schema of the release before: SQLite loses the column
    engine.dispose()
    engine = make_engine(db_url)  # migrated again: SQLite's keys are NULL, PostgreSQL's of unknown rules cleared
    try:
        store = CorpusStore(engine)
        assert {norm for _, norm in _stored(engine).values()} == {None}
        columns = store.index_columns()
        assert columns.keyed is not None and not any(columns.keyed)
        assert _index(columns) == _index(_from_texts(store))
        assert fill_match_keys(engine, batch=3) == len(AWKWARD) + 3  # removed statements too: one may be restored
        assert {sid: norm for sid, (_, norm) in _stored(engine).items()} == {sid: match_text(v) for sid, (v, _) in _stored(engine).items()}
        assert fill_match_keys(engine) == 0
        assert _index(store.index_columns()) == _index(_from_texts(store))
    finally:
        engine.dispose()


def test_keys_of_other_rules_are_cleared_on_opening(db_url: str) -> None:
    engine = make_engine(db_url)
    store = CorpusStore(engine)
    edited, _ = _fill(store)
    expected = _index(_from_texts(store))
    # Keys written under other rules: here, plainly wrong ones that a trusting start would index.
    with engine.begin() as conn:
        conn.execute(text("UPDATE statements SET norm = 'written by older rules'"))
    assert "written by older rules" in store.index_columns().texts  # the same version: trusted
    with engine.begin() as conn:
        conn.execute(text("UPDATE corpus_meta SET value = :v WHERE key = :k"), {"v": str(MATCH_KEYS_VERSION + 1), "k": VERSION_KEY})
    engine.dispose()
    engine = make_engine(db_url)
    try:
        store = CorpusStore(engine)
        assert {norm for _, norm in _stored(engine).values()} == {None}
        assert _version(engine) == str(MATCH_KEYS_VERSION)
        assert _index(store.index_columns()) == expected
        store.edit_statement(edited, {"text": "Trams return in May"}, expected_version=1, actor="mod", guild_id=None)
        columns = store.index_columns()
        assert columns.keyed is not None and sum(columns.keyed) == 1  # the edited statement only
        assert _index(columns) == _index(_from_texts(store))
    finally:
        engine.dispose()


def test_opening_a_database_whose_keys_follow_today_s_rules_changes_nothing(db_url: str) -> None:
    engine = make_engine(db_url)
    _fill(CorpusStore(engine))
    before = _stored(engine)
    engine.dispose()
    engine = make_engine(db_url)
    try:
        assert _stored(engine) == before and None not in {norm for _, norm in before.values()}
    finally:
        engine.dispose()


def test_filling_stops_when_asked(store: CorpusStore) -> None:
    _fill(store)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE statements SET norm = NULL"))
    stop = threading.Event()
    stop.set()
    assert fill_match_keys(store.engine, stop=stop) == 0
    assert {norm for _, norm in _stored(store.engine).values()} == {None}


def test_the_service_stores_missing_keys_after_start_up(sqlite_url: str, bundled_seed_path: Path) -> None:
    settings = Settings(database_url=sqlite_url)
    service = QuoteService.build(CorpusStore(make_engine(sqlite_url)), settings)
    service.ingest([bundled_seed_path])
    with service.store.engine.begin() as conn:
        conn.execute(text("UPDATE statements SET norm = NULL"))
    service.warm_up_in_background().join(timeout=60)
    stored = _stored(service.store.engine)
    assert stored and all(norm == match_text(value) for value, norm in stored.values())
    service.close()
    assert service.store_match_keys() == 0  # closed: nothing more is written
