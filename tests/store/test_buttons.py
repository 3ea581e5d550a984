"""Button payloads: read back only for their server (or user, outside servers), and gone after the retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.store.buttons import ButtonRefs, prune_button_refs
from bot.store.database import make_engine
from bot.store.tables import ButtonRefRow


@pytest.fixture
def refs(db_url: str):
    engine = make_engine(db_url)
    yield ButtonRefs(engine, retention_days=30)
    engine.dispose()


def _rows(refs: ButtonRefs) -> int:
    with refs.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(ButtonRefRow.__table__)).scalar_one())


def test_a_payload_comes_back_for_its_own_server_only(refs):
    ref = refs.save("result", {"quote": "words « with » ünicode", "alternatives": [["a1", 91.5]]}, guild_id=7, user_id=1)
    found = refs.load(ref, "result", guild_id=7, user_id=2)  # any member of the server may click
    assert found is not None and found.payload["quote"] == "words « with » ünicode"
    assert found.payload["alternatives"] == [["a1", 91.5]] and found.user_id == 1
    assert refs.load(ref, "result", guild_id=8, user_id=1) is None
    assert refs.load(ref, "result", guild_id=None, user_id=1) is None
    assert refs.load(ref, "search", guild_id=7, user_id=1) is None  # another kind of button
    assert refs.load(ref + "x", "result", guild_id=7, user_id=1) is None


def test_outside_servers_only_the_same_user_reads_it(refs):
    ref = refs.save("search", {"query": "q", "hits": []}, guild_id=None, user_id=1)
    assert refs.load(ref, "search", guild_id=None, user_id=1) is not None
    assert refs.load(ref, "search", guild_id=None, user_id=2) is None


def test_references_are_unguessable_and_fit_a_custom_id(refs):
    made = {refs.save("result", {}, guild_id=1, user_id=1) for _ in range(50)}
    assert len(made) == 50
    assert all(len("qc:page:" + r + ":999") <= 100 and len(r) >= 20 for r in made)


def test_rows_past_the_retention_are_neither_read_nor_kept(refs):
    now = datetime.now(UTC)
    old = refs.save("result", {"quote": "old"}, guild_id=1, user_id=1, now=now - timedelta(days=31))
    assert refs.load(old, "result", guild_id=1, user_id=1) is None  # expired even before any pruning
    assert _rows(refs) == 1
    fresh = refs.save("result", {"quote": "new"}, guild_id=1, user_id=1, now=now)
    assert _rows(refs) == 1  # the write pruned the old row
    assert refs.load(fresh, "result", guild_id=1, user_id=1) is not None
    assert prune_button_refs(refs.engine, 0, now=now + timedelta(seconds=1)) == 1
    assert _rows(refs) == 0
