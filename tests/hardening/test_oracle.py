"""The oracle: replaying the audit log from empty reproduces the corpus exactly (SQLite and PostgreSQL).

Run here over a history with every kind of change and the failures that must leave no trace (conflicts,
refused rights, retried interactions, rejected files); the fault tests check it again after each fault.
"""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import Engine, update
from sqlmodel import Session

from bot.core.documents import parse_document
from bot.core.model import CorpusFormatError, SourceInfo, StatementRecord
from bot.store.corpus import CorpusStore
from bot.store.records import ConflictError, NotFoundError, SharedCorpusError
from bot.store.replay import ReplayError, audit_entries, corpus_snapshot, differences, replay_audit
from bot.store.tables import StatementRow

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


def ingest(store: CorpusStore, text: str, origin: str, digest: str, guild_id: int | None = None):
    return store.ingest_document(parse_document(origin, text), origin=origin, content_hash=digest, guild_id=guild_id)


def busy_history(store: CorpusStore) -> None:
    """Every kind of change, with refused and repeated ones in between."""
    ingest(store, SPEECH, "/c/gettysburg.md", "h1")
    ids = [s.id for s in store.statements()]
    store.remove_statement(ids[0], reason="duplicate", actor="cli", guild_id=None, interaction_id="i1")
    store.remove_statement(ids[0], reason="duplicate", actor="cli", guild_id=None, interaction_id="i1")  # retry
    store.edit_statement(ids[1], {"speaker": "A. Lincoln", "date": "1863-11-20"}, expected_version=1, actor="cli",
                         guild_id=None)
    with pytest.raises(ConflictError):
        store.edit_statement(ids[1], {"text": "lost"}, expected_version=1, actor="other", guild_id=None)
    with pytest.raises(SharedCorpusError):
        store.remove_statement(ids[2], reason="x", actor="mod", guild_id=7)
    # A new version of the file: its statements are replaced, the removed one stays removed.
    ingest(store, SPEECH.replace("little note", "hardly note") + "We here highly resolve that these dead shall not have died in vain.\n",
           "/c/gettysburg.md", "h2")
    own = store.add_statement(StatementRecord("Our lighthouse shines again tonight.", "Jane Doe",
                                              SourceInfo(title="Minutes", url="https://example.org/m", date="2025-01-02")),
                              actor="mod", guild_id=7, interaction_id="i2")
    store.add_statement(StatementRecord("Our lighthouse shines again tonight.", "Jane Doe", SourceInfo(title="Minutes")),
                        actor="mod", guild_id=7, interaction_id="i2")  # retry: the first result, nothing new
    store.edit_statement(own.id, {"context_before": "At the harbour.", "text": "Our lighthouse shines again."},
                         expected_version=1, actor="mod", guild_id=7, interaction_id="i3")
    store.remove_statement(own.id, reason="wrong date", actor="mod", guild_id=7)
    store.restore_statement(own.id, actor="mod", guild_id=7)
    with pytest.raises(NotFoundError):
        store.edit_statement(own.id, {"text": "stolen"}, expected_version=3, actor="x", guild_id=8)
    ingest(store, SPEECH.replace("Lincoln", "Lincoln Jr."), "/c/other.md", "h3", guild_id=8)
    with pytest.raises(CorpusFormatError):
        ingest(store, SPEECH.replace("continent", "conti\x00nent"), "/c/nul.md", "h4")
    lines = "\n".join(json.dumps({"id": f"jl{i}", "text": f"Statement number {i} of the batch.", "speaker": "Batch"})
                      for i in range(30))
    ingest(store, lines, "/c/batch.jsonl", "h5")
    store.remove_statement("jl3", reason=None, actor="owner", guild_id=9, owner=True)


def test_replaying_the_log_reproduces_the_corpus(store: CorpusStore) -> None:
    busy_history(store)
    snapshot = corpus_snapshot(store)
    assert len(snapshot) >= 36
    assert any(s.removed for s in snapshot.values()) and any(s.version > 1 for s in snapshot.values())
    assert {s.guild_id for s in snapshot.values()} == {None, 7, 8}
    assert replay_audit(audit_entries(store, page=7)) == snapshot  # small pages: the paging is exercised too
    assert differences(store) == []


def test_concurrent_editors_leave_a_replayable_log(store: CorpusStore) -> None:
    ingest(store, SPEECH, "/c/gettysburg.md", "h1")
    target = next(store.statements()).id
    outcomes: list[str] = []

    def edit(name: str) -> None:
        for _ in range(5):
            version = store.get_statement(target)[1]
            try:
                store.edit_statement(target, {"text": f"edited by {name} at {version}"}, expected_version=version,
                                     actor=name, guild_id=None)
                outcomes.append("ok")
            except ConflictError:
                outcomes.append("conflict")

    threads = [threading.Thread(target=edit, args=(f"mod{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Every successful edit is one audit row and one version step: no update was lost or doubled.
    assert store.get_statement(target)[1] == 1 + outcomes.count("ok")
    assert len(store.history(target)) == outcomes.count("ok")
    assert differences(store) == []


def test_the_oracle_sees_a_change_made_without_its_audit_row(store: CorpusStore, engine: Engine) -> None:
    ingest(store, SPEECH, "/c/gettysburg.md", "h1")
    target = next(store.statements()).id
    assert differences(store) == []
    with Session(engine) as session:  # what a half-written change would look like
        session.execute(update(StatementRow).where(StatementRow.id == target).values(text="Tampered words."))
        session.commit()
    found = differences(store)
    assert len(found) == 1 and target in found[0]


def test_a_log_that_changes_a_statement_it_never_created_cannot_be_replayed(store: CorpusStore) -> None:
    ingest(store, SPEECH, "/c/gettysburg.md", "h1")
    target = next(store.statements()).id
    store.remove_statement(target, reason=None, actor="cli", guild_id=None)
    entries = list(audit_entries(store))
    with pytest.raises(ReplayError):
        replay_audit(entries[1:])
