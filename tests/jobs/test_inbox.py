"""Inbox folders: complete files are ingested and moved; half-written ones wait; bad ones are rejected."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from bot.jobs.inbox import FileOutcome, Inbox, is_temporary
from bot.jobs.runners import ingest_inbox_file

from .conftest import SPEECH, export

ARTICLE = """---
title: Port authority approves harbor dredging
date: 2026-05-19
outlet: Example Daily News
url: https://example.org/news/harbor
---
BALTIMORE — The port authority voted 5-2 on Monday to dredge the outer harbor channel.
“This is the most important vote this board has taken in twenty years,” said chairwoman Maria Alvarez.
Work is expected to begin in the autumn and last eighteen months.
"""

TRANSCRIPT = """---
kind: transcript
title: Harbor board meeting
date: 2026-05-18
---
MARIA ALVAREZ: The channel has not been dredged since nineteen ninety-eight.
TOM BECKER: Dredging will stir up decades of industrial sediment in the outer harbor.
"""

STATEMENTS = [
    {"text": "We choose to go to the Moon in this decade and do the other things.", "speaker": "John F. Kennedy",
     "date": "1962-09-12", "source": {"title": "Address at Rice University", "url": None, "outlet": None, "kind": "speech"}},
]


def _drop(folder: Path, name: str, text: str, *, age: float = 3600) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    old = time.time() - age
    os.utime(path, (old, old))
    return path


def test_dropped_files_are_ingested_and_moved_to_done(store, tmp_path):
    inbox_dir = tmp_path / "inbox"
    _drop(inbox_dir, "gettysburg.md", SPEECH)
    _drop(inbox_dir, "rice.jsonl", "\n".join(json.dumps(s) for s in STATEMENTS) + "\n")
    inbox = Inbox([inbox_dir], ingest_inbox_file(store))

    report = inbox.scan()
    assert sorted(p.name for p in report.ingested) == ["gettysburg.md", "rice.jsonl"]
    assert report.added >= 4
    assert sorted(p.name for p in (inbox_dir / "done").iterdir()) == ["gettysburg.md", "rice.jsonl"]
    texts = {s["text"] for s in export(store)}
    assert STATEMENTS[0]["text"] in texts
    assert any(t.startswith("Four score and seven years ago") for t in texts)

    # The same file dropped again adds nothing, and lands in done/ under a new name.
    _drop(inbox_dir, "gettysburg.md", SPEECH)
    again = inbox.scan()
    assert again.added == 0 and again.skipped >= 3
    assert len(list((inbox_dir / "done").glob("gettysburg*.md"))) == 2


def test_every_corpus_format_is_taken(store, tmp_path):
    inbox_dir = tmp_path / "inbox"
    _drop(inbox_dir, "harbor.md", ARTICLE)
    _drop(inbox_dir, "meeting.txt", TRANSCRIPT)
    report = Inbox([inbox_dir], ingest_inbox_file(store)).scan()
    assert not report.rejected and len(report.ingested) == 2
    by_text = {s["text"]: s for s in export(store)}
    quote = by_text["This is the most important vote this board has taken in twenty years"]
    assert quote["speaker"] == "Maria Alvarez" and quote["source"]["outlet"] == "Example Daily News"
    turn = by_text["Dredging will stir up decades of industrial sediment in the outer harbor."]
    assert turn["speaker"].lower() == "tom becker" and turn["source"]["kind"] == "transcript"


def test_bad_files_go_to_rejected_with_the_reason(store, tmp_path):
    inbox_dir = tmp_path / "inbox"
    _drop(inbox_dir, "empty.txt", "   \n")
    _drop(inbox_dir, "photo.jpg", "JFIF")
    report = Inbox([inbox_dir], ingest_inbox_file(store)).scan()
    assert not report.ingested
    rejected = inbox_dir / "rejected"
    assert (rejected / "empty.txt").exists()
    assert "empty" in (rejected / "empty.txt.reason").read_text()
    assert (rejected / "photo.jpg.reason").read_text().strip()
    assert export(store) == []


def test_a_file_still_being_written_waits_until_two_looks_agree(store, tmp_path):
    inbox_dir = tmp_path / "inbox"
    path = _drop(inbox_dir, "gettysburg.md", SPEECH[:80], age=0)
    inbox = Inbox([inbox_dir], ingest_inbox_file(store), settle_seconds=600)

    first = inbox.scan()
    assert first.waiting == [path] and not first.ingested
    # The writer appends more: still not taken.
    with path.open("a", encoding="utf-8") as handle:
        handle.write(SPEECH[80:])
    os.utime(path, ns=(time.time_ns(), path.stat().st_mtime_ns + 1_000_000))
    second = inbox.scan()
    assert second.waiting == [path] and not second.ingested
    # Unchanged since the last look: complete.
    third = inbox.scan()
    assert [p.name for p in third.ingested] == ["gettysburg.md"]
    assert len(export(store)) == 3


def test_temporary_names_are_never_read(tmp_path):
    inbox_dir = tmp_path / "inbox"
    names = [".gettysburg.md.swp", "gettysburg.md.part", "gettysburg.md.tmp", "~lock.md", "notes.md~"]
    for name in names:
        _drop(inbox_dir, name, SPEECH)
    calls: list[Path] = []
    report = Inbox([inbox_dir], lambda p: calls.append(p) or FileOutcome(ok=True)).scan()
    assert calls == [] and report.ingested == []
    assert all(is_temporary(inbox_dir / n) for n in names)
    assert not is_temporary(inbox_dir / "gettysburg.md")


def test_a_database_failure_leaves_the_file_for_the_next_run(tmp_path):
    inbox_dir = tmp_path / "inbox"
    path = _drop(inbox_dir, "gettysburg.md", SPEECH)

    def broken(_: Path) -> FileOutcome:
        raise OSError("database is locked")

    report = Inbox([inbox_dir], broken).scan()
    assert path.exists() and report.failed and not report.rejected
    assert "failed" in report.summary()


def test_a_run_killed_between_ingesting_and_moving_redoes_only_the_move(store, tmp_path):
    inbox_dir = tmp_path / "inbox"
    path = _drop(inbox_dir, "gettysburg.md", SPEECH)
    ingest = ingest_inbox_file(store)
    ingest(path)  # the previous run committed the document, then the process died before the move
    before = export(store)

    report = Inbox([inbox_dir], ingest).scan()
    assert [p.name for p in report.ingested] == ["gettysburg.md"]
    assert report.added == 0 and report.skipped == 3
    assert export(store) == before


def test_a_statement_list_over_the_upload_cap_is_streamed_in_parts(store, tmp_path, monkeypatch):
    import bot.statement_lists as statement_lists

    monkeypatch.setattr("bot.ingest.MAX_FILE_BYTES", 10_000)  # the cap of uploads and other files
    monkeypatch.setattr(statement_lists, "PART_LINES", 100)
    inbox_dir = tmp_path / "inbox"
    lines = [json.dumps({"text": f"Dropped statement number {n} for the harbour board", "speaker": "Maria Alvarez",
                         "source": {"title": "Board minutes", "kind": "press release"}}) for n in range(450)]
    _drop(inbox_dir, "minutes.jsonl", "\n".join(lines) + "\n")
    assert (inbox_dir / "minutes.jsonl").stat().st_size > 10_000
    report = Inbox([inbox_dir], ingest_inbox_file(store)).scan()
    assert not report.rejected and report.added == 450
    assert {s["source"]["kind"] for s in export(store)} == {"press release"}


def _bulk_lines(count: int, first: int = 0) -> list[str]:
    return [json.dumps({"text": f"Dropped statement number {n} for the harbour board", "speaker": "Maria Alvarez",
                        "source": {"title": "Board minutes", "kind": "post"}}) for n in range(first, first + count)]


def test_with_skip_invalid_the_good_lines_go_in_and_the_bad_ones_are_written_beside(store, tmp_path):
    inbox_dir = tmp_path / "inbox"
    lines = _bulk_lines(6)
    lines[2] = json.dumps({"text": "A speaker name far too long", "speaker": "x" * 301})
    lines[4] = "{not json"
    _drop(inbox_dir, "minutes.jsonl", "\n".join(lines) + "\n")
    _drop(inbox_dir, "clean.jsonl", "\n".join(_bulk_lines(2, first=10)) + "\n")
    report = Inbox([inbox_dir], ingest_inbox_file(store, skip_invalid=True)).scan()

    assert sorted(p.name for p in report.ingested) == ["clean.jsonl", "minutes.jsonl"] and report.added == 4 + 2
    written = inbox_dir / "rejected" / "minutes.jsonl.rejected-lines.jsonl"
    assert [json.loads(x)["line"] for x in written.read_text().splitlines()] == [3, 5]
    assert "speaker longer than 300" in json.loads(written.read_text().splitlines()[0])["reason"]
    assert report.bad_lines == [(inbox_dir / "minutes.jsonl", 2, written)]
    assert f"2 bad line(s) of minutes.jsonl left out, each with its line number and reason in {written}" in report.summary()
    assert sorted(p.name for p in (inbox_dir / "rejected").iterdir()) == [written.name]  # none for the clean list
    assert len(export(store)) == 4 + 2

    # Dropped again unchanged: already stored as far as it could be, so not read again; the rejects file stays.
    _drop(inbox_dir, "minutes.jsonl", "\n".join(lines) + "\n")
    again = Inbox([inbox_dir], ingest_inbox_file(store, skip_invalid=True)).scan()
    assert (again.added, again.skipped, again.bad_lines) == (0, 4, []) and written.exists()
    # Changed and dropped again: its bad lines go to a new file, the earlier one is kept.
    _drop(inbox_dir, "minutes.jsonl", "\n".join(lines[:-1]) + "\n")
    third = Inbox([inbox_dir], ingest_inbox_file(store, skip_invalid=True)).scan()
    assert third.bad_lines == [(inbox_dir / "minutes.jsonl", 2, inbox_dir / "rejected" / "minutes.jsonl.rejected-lines.1.jsonl")]


def test_without_skip_invalid_a_list_with_a_bad_line_is_rejected_whole(store, tmp_path):
    inbox_dir = tmp_path / "inbox"
    lines = _bulk_lines(6)
    lines[4] = "{not json"
    _drop(inbox_dir, "minutes.jsonl", "\n".join(lines) + "\n")
    report = Inbox([inbox_dir], ingest_inbox_file(store)).scan()
    assert not report.ingested and not report.bad_lines and export(store) == []
    assert "line 5" in (inbox_dir / "rejected" / "minutes.jsonl.reason").read_text()


def test_a_list_of_bad_lines_only_is_rejected_and_its_lines_are_written(store, tmp_path):
    inbox_dir = tmp_path / "inbox"
    _drop(inbox_dir, "junk.jsonl", "{not json\n[1, 2]\n")
    report = Inbox([inbox_dir], ingest_inbox_file(store, skip_invalid=True)).scan()
    assert not report.ingested and len(report.rejected) == 1
    assert report.bad_lines == [(inbox_dir / "junk.jsonl", 2, inbox_dir / "rejected" / "junk.jsonl.rejected-lines.jsonl")]
    assert "no statement in the file could be stored" in (inbox_dir / "rejected" / "junk.jsonl.reason").read_text()


def test_the_setting_reaches_the_scheduled_inbox(store, tmp_path):
    import asyncio

    from bot.config import JobSettings, Settings
    from bot.jobs.runners import build_runners

    inbox_dir = tmp_path / "inbox"
    lines = _bulk_lines(3)
    lines[1] = "{not json"
    _drop(inbox_dir, "minutes.jsonl", "\n".join(lines) + "\n")
    settings = Settings(jobs=JobSettings(inbox=(str(inbox_dir),), inbox_skip_invalid=True))
    outcome = asyncio.run(build_runners(store, settings, store.engine)["inbox"]())
    assert "1 bad line(s) of minutes.jsonl left out" in outcome.summary
    assert (inbox_dir / "rejected" / "minutes.jsonl.rejected-lines.jsonl").exists() and len(export(store)) == 2
