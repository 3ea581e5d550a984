"""Ingesting files and folders: idempotent, one transaction per file, bad files rejected alone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.ingest import format_summary, ingest_paths
from bot.store.corpus import CorpusStore
from bot.store.database import make_engine

SPEECH = """---
kind: speech
speaker: Abraham Lincoln
date: 1863-11-19
---
Four score and seven years ago our fathers brought forth on this continent a new nation.
It is altogether fitting and proper that we should do this.
"""


@pytest.fixture
def store(db_url: str) -> CorpusStore:
    store = CorpusStore(make_engine(db_url))
    yield store
    store.engine.dispose()


@pytest.fixture
def folder(tmp_path: Path, bundled_seed_path: Path) -> Path:
    root = tmp_path / "in"
    (root / "speeches").mkdir(parents=True)
    (root / "speeches" / "gettysburg.md").write_text(SPEECH, encoding="utf-8")
    shutil.copy(bundled_seed_path, root / "seed.txt")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "ignored.txt").write_text(SPEECH, encoding="utf-8")
    (root / "notes.csv").write_text("a,b\n", encoding="utf-8")  # not a corpus extension: not picked up
    return root


def test_folder_ingest_and_idempotent_rerun(store: CorpusStore, folder: Path) -> None:
    summary = ingest_paths(store, [folder], progress=False)
    assert (summary.files, summary.added, summary.skipped, summary.rejected) == (2, 13, 0, [])
    again = ingest_paths(store, [folder], progress=False)
    assert (again.added, again.skipped) == (0, 13)
    assert store.count() == 13


def test_bad_file_rejected_others_committed(store: CorpusStore, folder: Path) -> None:
    (folder / "broken.jsonl").write_text('{"text": "fine statement here"}\n{oops\n', encoding="utf-8")
    (folder / "latin1.txt").write_bytes("caf\xe9 au lait, said somebody".encode("latin-1"))
    summary = ingest_paths(store, [folder], progress=False)
    reasons = dict(summary.rejected)
    assert "line 2: not valid JSON" in reasons[str(folder / "broken.jsonl")]
    assert "not UTF-8" in reasons[str(folder / "latin1.txt")]
    assert summary.added == 13
    assert "fine statement here" not in {s.text for s in store.statements()}  # nothing of the bad file


def test_missing_path_and_unknown_extension(store: CorpusStore, tmp_path: Path) -> None:
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    summary = ingest_paths(store, [tmp_path / "nope", pdf], progress=False)
    reasons = dict(summary.rejected)
    assert reasons[str(tmp_path / "nope")] == "no such file or directory"
    assert "unknown format" in reasons[str(pdf)]
    assert "2 rejected" in format_summary(summary)


def test_changed_file_replaces(store: CorpusStore, folder: Path) -> None:
    ingest_paths(store, [folder], progress=False)
    speech = folder / "speeches" / "gettysburg.md"
    speech.write_text(SPEECH.replace("fitting and proper", "right and proper"), encoding="utf-8")
    summary = ingest_paths(store, [speech], progress=False)
    assert summary.replaced == 1
    texts = {s.text for s in store.statements()}
    assert "It is altogether right and proper that we should do this." in texts
    assert "It is altogether fitting and proper that we should do this." not in texts
    assert store.count() == 13


def test_export_round_trip_into_an_empty_database(store: CorpusStore, folder: Path, tmp_path: Path) -> None:
    ingest_paths(store, [folder], progress=False)
    exported = [s.to_export() for s in store.statements(all_guilds=True)]
    dump = tmp_path / "export.jsonl"
    dump.write_text("".join(json.dumps(line) + "\n" for line in exported), encoding="utf-8")
    other = CorpusStore(make_engine(f"sqlite:///{tmp_path / 'other.sqlite'}"))
    summary = ingest_paths(other, [dump], progress=False)
    assert summary.added == len(exported) and not summary.rejected
    assert [s.to_export() for s in other.statements(all_guilds=True)] == exported
    other.engine.dispose()
