"""Statement lists of any size: streamed in parts, all or nothing by default, bad lines set aside
with --skip-invalid, open source kinds; on a real SQLite file and the real PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import bot.statement_lists as statement_lists
from bot.cli import main
from bot.ingest import MAX_FILE_BYTES, ingest_paths
from bot.statement_lists import Rejects
from bot.store.corpus import CorpusStore


def line(n: int, **extra: object) -> str:
    data = {"text": f"Statement number {n} says something worth checking", "speaker": f"Speaker {n % 7}",
            "source": {"title": "Bulk", "kind": "post"}, **extra}
    return json.dumps(data)


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(statement_lists, "PART_LINES", 10)
    return 10


def test_a_long_list_is_stored_in_parts_and_read_again_as_unchanged(store: CorpusStore, tmp_path: Path, small_parts: int) -> None:
    path = write(tmp_path / "long.jsonl", [line(n) for n in range(35)])
    summary = ingest_paths(store, [path], progress=False)
    assert (summary.added, summary.rejected) == (35, [])
    assert store.count() == 35
    again = ingest_paths(store, [path], progress=False)
    assert (again.added, again.skipped) == (0, 35)
    texts = {r.text for r in store.statements()}
    assert "Statement number 34 says something worth checking" in texts


def test_without_skip_invalid_one_bad_line_rejects_the_whole_file(store: CorpusStore, tmp_path: Path, small_parts: int) -> None:
    lines = [line(n) for n in range(35)]
    lines[27] = line(27, speaker="x" * 301)
    path = write(tmp_path / "long.jsonl", lines)
    summary = ingest_paths(store, [path], progress=False)
    assert summary.added == 0 and store.count() == 0
    assert summary.rejected == [(str(path), "line 28: speaker longer than 300 characters")]


def test_skip_invalid_stores_the_good_lines_and_writes_the_bad_ones(store: CorpusStore, tmp_path: Path, small_parts: int) -> None:
    lines = [line(n) for n in range(35)]
    lines[3] = line(3, speaker="x" * 301)
    lines[12] = line(12, text="an escape \u001b[31m in the words")
    lines[20] = "{not json"
    lines[30] = line(30, source={"kind": "a kind much too long to be a label"})
    path = write(tmp_path / "long.jsonl", lines)
    rejects = Rejects(tmp_path / "rejects.jsonl")
    summary = ingest_paths(store, [path], progress=False, rejects=rejects)
    assert (summary.added, summary.rejected, summary.lines_rejected) == (31, [], 4)
    assert summary.rejects_file == str(tmp_path / "rejects.jsonl")
    written = [json.loads(x) for x in (tmp_path / "rejects.jsonl").read_text().splitlines()]
    assert [(w["line"], w["file"]) for w in written] == [(4, str(path)), (13, str(path)), (21, str(path)), (31, str(path))]
    assert "speaker longer than 300" in written[0]["reason"] and "control character" in written[1]["reason"]
    assert "not valid JSON" in written[2]["reason"] and "short label" in written[3]["reason"]
    assert written[2]["text"] == "{not json"
    assert store.count() == 31


def test_open_kinds_are_kept_as_written(store: CorpusStore, tmp_path: Path) -> None:
    kinds = ["post", "interview", "Press  Release", "book", "letter", "video", "podcast"]
    path = write(tmp_path / "kinds.jsonl", [line(n, source={"title": f"T{n}", "kind": k}) for n, k in enumerate(kinds)])
    assert ingest_paths(store, [path], progress=False).added == len(kinds)
    assert {r.source.kind for r in store.statements()} == {"post", "interview", "press release", "book", "letter", "video", "podcast"}
    exported = list(store.export_lines(store.statements()))
    assert {e["source"]["kind"] for e in exported} >= {"press release", "podcast"}


def test_a_list_over_the_upload_cap_is_streamed(store: CorpusStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(statement_lists, "PART_LINES", 500)
    monkeypatch.setattr("bot.ingest.MAX_FILE_BYTES", 20_000)  # the cap that still holds for other files
    path = write(tmp_path / "big.jsonl", [line(n) for n in range(2000)])
    assert path.stat().st_size > 20_000
    summary = ingest_paths(store, [path], progress=False)
    assert (summary.added, summary.rejected) == (2000, [])
    article = tmp_path / "big.txt"
    article.write_text("date 2025-05-19\n" + "Words. " * 4000)
    assert "file too large" in ingest_paths(store, [article], progress=False).rejected[0][1]
    assert MAX_FILE_BYTES == 50 * 1024 * 1024


def test_cli_skip_invalid_names_the_rejects_file_and_exits_1(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "some.jsonl", [line(1), line(2, text="bad \u0007 bell"), line(3)])
    rejects = tmp_path / "out" / "bad.jsonl"
    assert main(["--db", db_url, "ingest", "--skip-invalid", "--rejects", str(rejects), str(path)]) == 1
    out = capsys.readouterr().out
    assert "2 statements added" in out and f"1 bad line left out, each with its line number and reason in {rejects}" in out
    assert json.loads(rejects.read_text())["line"] == 2
    # Stored as far as it could be: the same bytes again are already present, with the option or without.
    assert main(["--db", db_url, "ingest", str(path)]) == 0
    assert "0 statements added, 2 skipped as already present" in capsys.readouterr().out


def test_cli_without_skip_invalid_stores_nothing_of_a_bad_file(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "some.jsonl", [line(1), line(2, text="bad \u0007 bell"), line(3)])
    assert main(["--db", db_url, "ingest", str(path)]) == 1
    out = capsys.readouterr().out
    assert "0 statements added" in out and f"rejected {path}: line 2: text contains a control character (U+0007)" in out
    assert main(["--db", db_url, "ingest", "--rejects", "x.jsonl", str(path)]) == 2


def test_a_list_read_again_shorter_by_whole_parts_loses_their_statements(store: CorpusStore, tmp_path: Path, small_parts: int) -> None:
    path = write(tmp_path / "long.jsonl", [line(n) for n in range(35)])  # parts of 10, 10, 10 and 5 lines
    assert ingest_paths(store, [path], progress=False).added == 35
    write(path, [line(n) for n in range(12)])  # two parts now: the third and the fourth are gone
    summary = ingest_paths(store, [path], progress=False)
    assert (summary.added, summary.rejected, summary.replaced) == (2, [], 1)
    texts = {r.text for r in store.statements()}
    assert len(texts) == 12 and "Statement number 11 says something worth checking" in texts
    assert "Statement number 12 says something worth checking" not in texts
    # Read once more: nothing to do; grown again, the retired parts take their new lines.
    assert (ingest_paths(store, [path], progress=False).added, store.count()) == (0, 12)
    write(path, [line(n) for n in range(31)])
    assert (ingest_paths(store, [path], progress=False).added, store.count()) == (21, 31)  # the changed second part too
    # Another list whose name only starts like a part's keeps its statements.
    other = write(tmp_path / "long.jsonl#2.jsonl", [line(100 + n) for n in range(3)])
    assert ingest_paths(store, [other], progress=False).added == 3
    write(path, [line(n) for n in range(5)])
    ingest_paths(store, [path], progress=False)
    assert store.count() == 5 + 3
