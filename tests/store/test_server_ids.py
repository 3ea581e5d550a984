"""Statement ids across servers: a server's import cannot take an id another scope will compute, and
`/corpus add` never returns or changes a statement outside the adding server."""

from __future__ import annotations

import json
from pathlib import Path

from bot.core.documents import parse_document
from bot.core.model import SourceInfo, StatementRecord, statement_id
from bot.store.corpus import CorpusStore

HARBOUR, MARKET = 1234567890123456789, 42
WORDS = "The harbour lighthouse will shine again before the winter storms"
SPEAKER = "Harbour Master Jane Doe"


def manual_id(guild_id: int | None) -> str:
    """The id `/corpus add` computes for WORDS by SPEAKER in that server."""
    return statement_id(WORDS, SPEAKER, f"manual:{guild_id or 0}", 0)


def statement_list(*lines: dict) -> str:
    return "\n".join(json.dumps(line) for line in lines)


def import_in(store: CorpusStore, guild_id: int, name: str, *lines: dict) -> None:
    """What `/corpus import` of a .jsonl does in that server."""
    doc = parse_document(name, statement_list(*lines))
    store.ingest_document(doc, origin=f"discord:{guild_id}/{name}", content_hash=name, guild_id=guild_id, actor="mod")


def add_in(store: CorpusStore, guild_id: int | None, text: str = WORDS) -> StatementRecord:
    """What `/corpus add` does in that server."""
    record = StatementRecord(text, SPEAKER, SourceInfo(title="Minutes", kind="statements"), date="2025-10-01")
    return store.add_statement(record, actor="mod", guild_id=guild_id)


def test_an_import_cannot_take_the_id_another_servers_add_will_compute(store: CorpusStore) -> None:
    squat = {"id": manual_id(HARBOUR), "text": "Squatted words the market server put under the harbour's id", "speaker": "Someone"}
    import_in(store, MARKET, "squat.jsonl", squat)
    (imported,) = store.scope_statements(MARKET)
    assert imported.text == squat["text"] and imported.id != squat["id"]
    added = add_in(store, HARBOUR)
    assert added.id == manual_id(HARBOUR) and added.text == WORDS and added.guild_id == HARBOUR
    assert [s.text for s in store.scope_statements(MARKET)] == [squat["text"]]


def test_an_add_passes_over_an_id_another_server_already_holds(store: CorpusStore, tmp_path: Path) -> None:
    """Squats made before imports recomputed ids (here planted from the command line, which keeps ids)."""
    planted = [
        {"id": manual_id(HARBOUR), "text": "Planted in the market server", "speaker": "Someone", "guild_id": str(MARKET)},
        {"id": manual_id(MARKET), "text": "Planted in the shared corpus", "speaker": "Someone"},
    ]
    doc = parse_document("planted.jsonl", statement_list(*planted))
    store.ingest_document(doc, origin=str(tmp_path / "planted.jsonl"), content_hash="p", actor="operator")
    for guild_id in (HARBOUR, MARKET):
        added = add_in(store, guild_id)
        assert added.id != manual_id(guild_id) and added.guild_id == guild_id and added.text == WORDS
        assert add_in(store, guild_id).id == added.id  # the same add again finds the server's own statement
        assert [s.id for s in store.scope_statements(guild_id)][-1] == added.id
    untouched = {s.id: (s.text, s.guild_id) for s in store.statements(all_guilds=True)}
    assert untouched[manual_id(HARBOUR)] == ("Planted in the market server", MARKET)
    assert untouched[manual_id(MARKET)] == ("Planted in the shared corpus", None)
    assert store.get_statement(manual_id(HARBOUR), MARKET)[1] == 1  # version: never changed


def test_an_import_keeps_ids_of_the_servers_own_statements_so_a_re_import_adds_nothing(store: CorpusStore) -> None:
    own = add_in(store, MARKET)
    shared = add_in(store, None, "Words of the shared corpus that a server's file also names by id")
    export = [{**own.to_export(), "guild_id": str(MARKET)}, {**shared.to_export(), "guild_id": str(MARKET)}]
    import_in(store, MARKET, "export.jsonl", *export)
    texts = {s.id: s.text for s in store.scope_statements(MARKET)}
    assert own.id in texts  # skipped as present, not doubled
    assert len(texts) == 2 and shared.id not in texts  # the shared id is not the server's: its own copy, its own id
    assert [s.id for s in store.scope_statements(None)] == [shared.id]


def test_the_operator_keeps_explicit_ids(store: CorpusStore, tmp_path: Path) -> None:
    lines = [{"id": "chosen-1", "text": WORDS, "speaker": SPEAKER, "guild_id": str(HARBOUR)}]
    doc = parse_document("mine.jsonl", statement_list(*lines))
    store.ingest_document(doc, origin=str(tmp_path / "mine.jsonl"), content_hash="m", actor="operator")
    assert [s.id for s in store.scope_statements(HARBOUR)] == ["chosen-1"]


def test_a_servers_import_cannot_give_a_speaker_another_name_for_every_server(store: CorpusStore) -> None:
    """Other names are global: a server's import that calls Vladimir Putin "Joe Biden" must not make
    Putin's words verify as Joe Biden's in every server."""
    shared = parse_document("putin.jsonl", statement_list(
        {"text": "Russia is ready to work with the Ukrainian side on a memorandum", "speaker": "Vladimir Putin"},
        {"text": "We will keep supporting Ukraine for as long as it takes", "speaker": "Joe Biden"},
    ))
    store.ingest_document(shared, origin="/corpus/putin.jsonl", content_hash="s", actor="operator")
    before = store.speaker_aliases()
    hostile = {"text": "Some words of the market server", "speaker": "Vladimir Putin",
               "speaker_aliases": ["Joe Biden", "Putin the Great"]}
    import_in(store, MARKET, "aliases.jsonl", hostile)
    assert [s.text for s in store.scope_statements(MARKET)] == [hostile["text"]]  # the words went in
    assert store.speaker_aliases() == before  # the names did not
    speech = parse_document("s.md", "---\nkind: speech\nspeaker: Vladimir Putin\naliases: Joe Biden\n---\nA speech sentence here.\n")
    store.ingest_document(speech, origin="discord:42/s.md", content_hash="m", guild_id=MARKET, actor="mod")
    assert store.speaker_aliases() == before
