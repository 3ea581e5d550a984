"""The columns a cold start reads: every live statement of every server, in the order of
`statements`, with the source's date and kind filled in."""

from __future__ import annotations

from bot.core.model import ParsedDocument, SourceInfo, StatementRecord
from bot.core.normalize import match_text
from bot.store.corpus import CorpusStore


def _fill(store: CorpusStore) -> None:
    speech = SourceInfo(title="Address", kind="speech", date="2024-03-07")
    minutes = SourceInfo(title="Council minutes", kind="transcript")
    store.ingest_document(
        ParsedDocument(speech, tuple(
            StatementRecord(text=f"Sentence number {k} of the address", speaker="Ada Harbour", source=speech, position=k,
                            date="2024-03-08" if k == 2 else None)
            for k in (3, 1, 2, 0)
        )),
        origin="address.md", content_hash="a",
    )
    store.ingest_document(
        ParsedDocument(minutes, (StatementRecord(text="Ferries stop at midnight", speaker=None, source=minutes),)),
        origin="minutes.md", content_hash="m", guild_id=42,
    )
    added = store.add_statement(StatementRecord(text="Trams return in March", speaker="Bo Ferry", source=minutes),
                                actor="mod", guild_id=None)
    store.remove_statement(added.id or "", reason="test", actor="mod", guild_id=None)


def test_index_columns_match_the_live_statements_in_order(store: CorpusStore) -> None:
    _fill(store)
    columns = store.index_columns()
    records = list(store.statements(all_guilds=True))
    assert len(columns) == len(records) == 5
    assert columns.ids == [r.id for r in records]
    assert columns.texts == [match_text(r.text) for r in records]  # the keys stored with the texts
    assert columns.keyed == [True] * 5
    assert columns.speakers == [r.speaker for r in records]
    assert columns.dates == [r.effective_date for r in records]
    assert columns.kinds == [r.source.kind for r in records]
    assert columns.guilds == [r.guild_id for r in records]
    assert columns.texts[:4] == [f"sentence number {k} of the address" for k in range(4)]  # by position
    assert columns.dates[:4] == ["2024-03-07", "2024-03-07", "2024-03-08", "2024-03-07"]
    assert "trams return in march" not in columns.texts  # removed
    assert columns.guilds[4] == 42 and columns.kinds[4] == "transcript" and columns.dates[4] is None


def test_index_columns_of_an_empty_database(store: CorpusStore) -> None:
    assert len(store.index_columns()) == 0


def test_rows_read_out_of_order_are_put_in_order_with_ties_by_id() -> None:
    from bot.core.columns import IndexColumns
    from bot.store.reading import _ordered

    ids = ["s9", "s2", "s5", "s1", "s4"]
    keys = {"s9": (2, 0), "s2": (1, 1), "s5": (1, 0), "s1": (1, 1), "s4": (0, 7)}  # s2 and s1 share a position
    columns = IndexColumns(ids=list(ids), texts=[f"text {i}" for i in ids], speakers=[None] * 5, dates=[None] * 5,
                           kinds=["speech"] * 5, guilds=[None] * 5, titles=[f"title {i}" for i in ids],
                           keyed=[i in ("s2", "s4") for i in ids])
    ordered = _ordered(columns, [keys[i][0] for i in ids], [keys[i][1] for i in ids])
    assert ordered.ids == ["s4", "s5", "s1", "s2", "s9"]
    assert ordered.texts == [f"text {i}" for i in ordered.ids]
    assert ordered.titles == [f"title {i}" for i in ordered.ids]
    assert ordered.keyed == [True, False, False, True, False]
