"""The corpus store against a real SQLite file and the real PostgreSQL server (same suite for both)."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import Engine, func, select, text
from sqlmodel import Session

from bot.core.documents import parse_document
from bot.core.model import CorpusFormatError, ParsedDocument, SourceInfo, StatementRecord
from bot.store.corpus import CorpusStore
from bot.store.database import StoreError, make_engine
from bot.store.records import ConflictError, NotFoundError
from bot.store.tables import AuditRow, StatementRow

SPEECH = """---
kind: speech
speaker: Abraham Lincoln
title: Address at Gettysburg
date: 1863-11-19
---
Four score and seven years ago our fathers brought forth on this continent a new nation.
It is altogether fitting and proper that we should do this.
The world will little note, nor long remember what we say here.
"""


def ingest(store: CorpusStore, text: str = SPEECH, origin: str = "/corpus/gettysburg.md", digest: str = "h1", **kw: object):
    return store.ingest_document(parse_document(origin, text), origin=origin, content_hash=digest, **kw)  # type: ignore[arg-type]


def live_texts(store: CorpusStore, guild_id: int | None = None) -> list[str]:
    return [s.text for s in store.statements(guild_id)]


def test_engine_creates_the_sqlite_file_and_its_folder(sqlite_url: str) -> None:
    path = sqlite_url.removeprefix("sqlite:///")
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
        tables = {row[0] for row in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
    engine.dispose()
    assert {"statements", "sources", "speakers", "speaker_aliases", "audit_log", "alembic_version"} <= tables
    import os

    assert os.path.exists(path)


def test_migrations_are_at_head(engine: Engine) -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from bot.store.database import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head


def test_a_url_that_does_not_connect_raises_store_error() -> None:
    with pytest.raises(StoreError, match="cannot connect"):
        make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(StoreError, match="unsupported"):
        make_engine("mysql2000://x/y")


def test_ingest_then_reingest_adds_nothing(store: CorpusStore) -> None:
    first = ingest(store)
    assert (first.status, first.added) == ("added", 3)
    again = ingest(store)
    assert (again.status, again.added, again.skipped) == ("skipped", 0, 3)
    assert len(live_texts(store)) == 3
    assert store.known_document("/corpus/gettysburg.md", "h1") == 3
    assert store.known_document("/corpus/gettysburg.md", "other") is None


def test_changed_file_replaces_its_statements(store: CorpusStore) -> None:
    ingest(store)
    changed = SPEECH.replace("The world will little note", "The world will hardly note")
    outcome = ingest(store, changed, digest="h2")
    assert outcome.status == "replaced"
    texts = live_texts(store)
    assert len(texts) == 3
    assert any("hardly note" in t for t in texts)
    assert not any("little note" in t for t in texts)
    assert store.stats().documents == 1


def test_statement_fields_are_stored(store: CorpusStore) -> None:
    ingest(store)
    first = next(store.statements())
    assert first.speaker == "Abraham Lincoln"
    assert first.effective_date == "1863-11-19"
    assert first.source.kind == "speech" and first.source.title == "Address at Gettysburg"
    assert first.context_after.startswith("It is altogether fitting")
    assert first.id and len(first.id) == 16


def test_bad_text_is_rejected_with_nothing_stored(store: CorpusStore) -> None:
    source = SourceInfo(title="x")
    bad = ParsedDocument(source, (StatementRecord("fine words here", "A B", source), StatementRecord("bad\x00text", "A B", source, position=1)))
    with pytest.raises(CorpusFormatError, match="control character"):
        store.ingest_document(bad, origin="/bad.jsonl", content_hash="x")
    assert live_texts(store) == []
    assert store.stats().documents == 0


def test_jsonl_ids_are_kept_and_duplicates_skipped(store: CorpusStore) -> None:
    line = {"id": "abc123", "text": "We choose to go to the Moon.", "speaker": "John F. Kennedy", "date": "1962-09-12",
            "source": {"title": "Rice University", "url": None, "outlet": None, "kind": "speech"}}
    doc = parse_document("a.jsonl", json.dumps(line))
    assert store.ingest_document(doc, origin="/a.jsonl", content_hash="1").added == 1
    # The same statement in another file: already present, skipped.
    outcome = store.ingest_document(doc, origin="/b.jsonl", content_hash="2")
    assert (outcome.added, outcome.skipped) == (0, 1)
    assert store.get_statements(["abc123"])["abc123"].source.kind == "speech"


def test_concurrent_edit_is_refused(store: CorpusStore) -> None:
    ingest(store)
    target = next(store.statements())
    assert target.id
    _, version, _ = store.get_statement(target.id)  # type: ignore[misc]
    store.edit_statement(target.id, {"text": "Eighty-seven years ago."}, expected_version=version, actor="mod1", guild_id=None)
    with pytest.raises(ConflictError):
        store.edit_statement(target.id, {"text": "Something else."}, expected_version=version, actor="mod2", guild_id=None)
    assert store.get_statements([target.id])[target.id].text == "Eighty-seven years ago."


def test_two_threads_editing_at_once_lose_no_update(store: CorpusStore) -> None:
    ingest(store)
    target = next(store.statements()).id
    assert target
    outcomes: list[str] = []

    def edit(name: str) -> None:
        try:
            store.edit_statement(target, {"text": f"edited by {name}"}, expected_version=1, actor=name, guild_id=None)
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=edit, args=(f"mod{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "ok"]
    assert [e.action for e in store.history(target)] == ["edit"]


def test_audit_row_is_written_in_the_same_transaction(store: CorpusStore, engine: Engine) -> None:
    ingest(store)
    target = next(store.statements()).id
    assert target
    store.remove_statement(target, reason="duplicate", actor="mod", guild_id=None, interaction_id="i-1")
    with Session(engine) as session:
        row = session.scalars(select(AuditRow).where(AuditRow.statement_id == target)).one()
        statement = session.get(StatementRow, target)
    assert (row.action, row.reason, row.actor, row.interaction_id) == ("remove", "duplicate", "mod", "i-1")
    assert statement is not None and statement.removed


def test_failed_edit_leaves_no_audit_row(store: CorpusStore, engine: Engine) -> None:
    ingest(store)
    target = next(store.statements()).id
    assert target
    with pytest.raises(ConflictError):
        store.edit_statement(target, {"text": "x y z w"}, expected_version=7, actor="mod", guild_id=None)
    with Session(engine) as session:
        count = session.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.statement_id == target))
    assert count == 0


def test_retried_interaction_changes_nothing(store: CorpusStore) -> None:
    ingest(store)
    target = next(store.statements()).id
    assert target
    store.remove_statement(target, reason="r", actor="mod", guild_id=None, interaction_id="same")
    store.restore_statement(target, actor="mod", guild_id=None, interaction_id="other")
    # A retry of the first interaction must not remove the statement again.
    store.remove_statement(target, reason="r", actor="mod", guild_id=None, interaction_id="same")
    assert target in {s.id for s in store.statements()}
    assert [e.action for e in store.history(target)] == ["remove", "restore"]


def test_tombstone_and_restore(store: CorpusStore) -> None:
    ingest(store)
    target = next(store.statements()).id
    assert target
    store.remove_statement(target, reason="wrong speaker", actor="mod", guild_id=None)
    assert target not in {s.id for s in store.statements()}
    assert store.get_statements([target])  # kept, not deleted
    assert store.stats().removed == 1
    store.restore_statement(target, actor="mod", guild_id=None)
    assert target in {s.id for s in store.statements()}
    history = store.history(target)
    assert [e.action for e in history] == ["remove", "restore"]
    assert history[0].reason == "wrong speaker"


def test_removed_statement_stays_removed_when_its_file_changes(store: CorpusStore) -> None:
    ingest(store)
    target = next(store.statements())
    assert target.id
    store.remove_statement(target.id, reason="r", actor="mod", guild_id=None)
    ingest(store, SPEECH.replace("The world will little note", "The world will hardly note"), digest="h2")
    assert target.text not in live_texts(store)


def test_another_servers_statement_is_invisible(store: CorpusStore) -> None:
    source = SourceInfo(title="chat")
    mine = store.add_statement(StatementRecord("Our server's own statement here.", "Ada Lovelace", source), actor="u1", guild_id=111)
    assert mine.id
    assert "Our server's own statement here." in live_texts(store, 111)
    assert "Our server's own statement here." not in live_texts(store, 222)
    assert "Our server's own statement here." not in live_texts(store, None)
    assert store.get_statement(mine.id, 222) is None
    with pytest.raises(NotFoundError):
        store.remove_statement(mine.id, reason="x", actor="u2", guild_id=222)
    with pytest.raises(NotFoundError):
        store.edit_statement(mine.id, {"text": "hijacked text"}, expected_version=1, actor="u2", guild_id=222)


def test_add_statement_is_idempotent_per_interaction(store: CorpusStore) -> None:
    source = SourceInfo(title="chat")
    record = StatementRecord("A statement added from the chat.", "Grace Hopper", source)
    first = store.add_statement(record, actor="u1", guild_id=5, interaction_id="int-9")
    second = store.add_statement(record, actor="u1", guild_id=5, interaction_id="int-9")
    assert first.id == second.id
    assert live_texts(store, 5).count("A statement added from the chat.") == 1


def test_speaker_aliases_join_surnames_and_titles(store: CorpusStore) -> None:
    source = SourceInfo(title="a", date="2025-05-19")
    doc = ParsedDocument(
        source,
        (StatementRecord("Russia is for a peaceful settlement.", "Vladimir Putin", source),
         StatementRecord("We will see what happens next.", "Putin", source, position=1)),
        aliases=(("Vladimir Putin", "President Putin"),),
    )
    store.ingest_document(doc, origin="/x.txt", content_hash="1")
    aliases = store.speaker_aliases()
    assert "President Putin" in aliases["Vladimir Putin"]
    assert "Putin" in aliases["Vladimir Putin"]
    assert store.stats().speakers == 1


def test_distinct_full_names_are_not_merged(store: CorpusStore) -> None:
    source = SourceInfo(title="a")
    doc = ParsedDocument(
        source,
        (StatementRecord("Read my lips: no new taxes.", "George H. W. Bush", source),
         StatementRecord("Mission accomplished on that front.", "George W. Bush", source, position=1)),
    )
    store.ingest_document(doc, origin="/b.txt", content_hash="1")
    assert store.stats().speakers == 2


def test_changes_since_reports_what_other_processes_did(store: CorpusStore) -> None:
    mark = store.watermark()
    ingest(store)
    changes, new_mark = store.changes_since(mark)
    assert new_mark > mark
    assert len(changes[0].upserted) == 3
    target = changes[0].upserted[0]
    store.remove_statement(target, reason=None, actor="mod", guild_id=None)
    changes, final = store.changes_since(new_mark)
    assert [(c.action, c.removed) for c in changes] == [("remove", (target,))]
    assert store.changes_since(final) == ([], final)


def test_reports_and_lookups(store: CorpusStore) -> None:
    from datetime import UTC, datetime, timedelta

    for _ in range(3):
        store.log_lookup("a quote nobody said", None, "unverified", 10.0, None, 1)
    store.log_lookup("another", None, "verified", 100.0, None, 1)
    since = datetime.now(UTC) - timedelta(hours=1)
    top = store.top_unverified(since, guild_id=1)
    assert top[0].quote == "a quote nobody said" and top[0].count == 3
    assert store.lookup_counts(since, 1) == {"unverified": 3, "verified": 1}
    report = store.add_report(quote="q", reporter="u", guild_id=1, note="wrong speaker", interaction_id="r1")
    assert store.add_report(quote="q", reporter="u", guild_id=1, interaction_id="r1").id == report.id
    assert [r.id for r in store.open_reports(1)] == [report.id]
    store.resolve_report(report.id, resolution="fixed", actor="mod", guild_id=1)
    assert store.open_reports(1) == []
    assert store.prune_lookups(datetime.now(UTC) + timedelta(seconds=5)) == 4


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (StatementRecord("fine words", "x" * 301, SourceInfo()), "speaker longer"),
        (StatementRecord("fine words", "A B", SourceInfo(date="May 2025")), "YYYY-MM-DD"),
        (StatementRecord("   ", "A B", SourceInfo()), "no text"),
        (StatementRecord("fine words", "A\u0007B", SourceInfo()), "control character"),
    ],
)
def test_records_the_database_cannot_hold_are_refused(store: CorpusStore, record: StatementRecord, reason: str) -> None:
    with pytest.raises(CorpusFormatError, match=reason):
        store.ingest_document(ParsedDocument(record.source, (record,)), origin="/r.jsonl", content_hash="1")
    with pytest.raises(CorpusFormatError, match=reason):
        store.add_statement(record, actor="mod", guild_id=None)
    assert store.count() == 0


def test_same_document_from_two_threads_is_stored_once(store: CorpusStore) -> None:
    doc = parse_document("/corpus/gettysburg.md", SPEECH)
    outcomes = []

    def run() -> None:
        outcomes.append(store.ingest_document(doc, origin="/corpus/gettysburg.md", content_hash="h"))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o.status for o in outcomes) == ["added", "skipped", "skipped"]
    assert store.count() == 3


SPEAKER_KINDS_ARTICLE = """---
title: Flights cancelled
outlet: NPR
date: 2025-05-19
---
"The flights were cancelled because of a technical fault in our systems," Delta Air Lines said.

"Nobody told the passengers anything for more than six hours," a ministry spokesman said.

"The contract for the booking system was signed in March of last year," the court filing says.

"We expect every airline to put its passengers first," Transport Secretary Jane Holloway said.
"""


def test_speaker_kinds_are_stored_read_back_and_exported(store: CorpusStore, engine: Engine) -> None:
    ingest(store, SPEAKER_KINDS_ARTICLE, origin="/corpus/flights.md")
    kinds = [(s.speaker, s.speaker_kind) for s in store.statements()]
    assert kinds == [
        ("Delta Air Lines", "organisation"),
        ("a ministry spokesman", "unnamed"),
        ("court filing", "document"),
        ("Jane Holloway", "person"),
    ]
    got = store.get_statements([s.id for s in store.statements() if s.id])
    assert sorted(r.speaker_kind for r in got.values()) == ["document", "organisation", "person", "unnamed"]
    with Session(engine) as session:
        rows = session.execute(select(StatementRow.speaker, StatementRow.speaker_id)).all()
    speaker_ids = dict(rows)
    # A description is nobody: no speaker row for it, so it never joins a person's statements.
    assert speaker_ids["a ministry spokesman"] is None and speaker_ids["court filing"] is None
    assert speaker_ids["Jane Holloway"] is not None
    lines = [json.loads(json.dumps(line)) for line in store.export_lines(store.statements())]
    assert [line.get("speaker_kind") for line in lines] == ["organisation", "unnamed", "document", None]


def test_speaker_lists_leave_out_descriptions(store: CorpusStore) -> None:
    ingest(store, SPEAKER_KINDS_ARTICLE, origin="/corpus/flights.md")
    names = [name for name, _ in store.speaker_names()]
    assert "Jane Holloway" in names and "Delta Air Lines" in names
    assert "a ministry spokesman" not in names and "court filing" not in names
    assert all(name not in ("a ministry spokesman", "court filing") for name, _ in store.stats().top_speakers)
    columns = store.index_columns()
    assert sorted(s for s in columns.speakers if s) == ["Delta Air Lines", "Jane Holloway"]
