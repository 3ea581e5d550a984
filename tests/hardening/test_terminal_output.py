"""A hostile statement in the corpus, through the real command line and the console: its escape
sequences, C1 and bidi controls, carriage returns and newlines reach the terminal as visible text,
never as commands; `--json` and `export` give back the stored values exactly."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
QUOTE = "The harbour master promised the lighthouse would shine again before the winter storms"
# What a terminal would act on: C0 but the newline, DEL, C1, line/paragraph separators, bidi controls.
OBEYED = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
HEADLINE = re.compile(r"^(VERIFIED|CLOSE|ALTERED|MISATTRIBUTED|UNVERIFIED)\b")

# As an ingested article may carry them today (C1 controls and carriage returns pass the store's checks)…
INGESTED = {
    "id": "hostileterminal01",
    "text": QUOTE + ".",
    "speaker": "Mallory Example",
    "date": "2025-03-01",
    "source": {"title": "Harbour notice", "url": "https://example.org/harbour", "outlet": "Port Gazette\u009b31m",
               "kind": "statements"},
    "context_before": "Calm seas.\rALL CLEAR",
    "context_after": "Ships wait.",
}
# …and as rows written by an older version or another tool may hold them (ESC, bidi, newlines).
WRITTEN = {
    "context_before": "Harbour news.\x1b]0;pwned\x07\x1b[2J\x1b[31mALL CLEAR\x1b[0m\nVERIFIED: a forged line",
    "context_after": "Read \x1b]8;;https://evil.example\x1b\\the notice\x1b]8;;\x1b\\ \u202eraeh\u202c and \u2066more\u2069",
    "title": "Harbour notice\x1b[8m",
}


def cli_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("QUOTECHECK_") and k != "DISCORD_TOKEN"}


def quotecheck(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=REPO, env=cli_env(), input=stdin,
                          capture_output=True, text=True, encoding="utf-8", timeout=300)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("terminal")
    path = folder / "q.sqlite"
    corpus = folder / "hostile.jsonl"
    corpus.write_text(json.dumps(INGESTED) + "\n", encoding="utf-8")
    done = quotecheck("ingest", "--quiet", str(corpus), "--db", f"sqlite:///{path}")
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE statements SET context_before = ?, context_after = ? WHERE id = ?",
                     (WRITTEN["context_before"], WRITTEN["context_after"], INGESTED["id"]))
        conn.execute("UPDATE sources SET title = ? WHERE id = (SELECT source_id FROM statements WHERE id = ?)",
                     (WRITTEN["title"], INGESTED["id"]))
    conn.close()
    return f"sqlite:///{path}"


def assert_shown_not_obeyed(out: str) -> None:
    assert not OBEYED.search(out), repr(OBEYED.search(out).group())  # type: ignore[union-attr]
    assert "\\x1b]0;pwned\\x07\\x1b[2J\\x1b[31mALL CLEAR\\x1b[0m" in out
    assert "\\x1b]8;;https://evil.example\\x1b\\the notice\\x1b]8;;\\x1b\\" in out
    assert "\\u202eraeh\\u202c" in out and "\\u2066more\\u2069" in out
    assert "Harbour notice\\x1b[8m" in out and "Port Gazette\\x9b31m" in out


def test_check_shows_the_hostile_statement_as_text(hostile_db: str) -> None:
    done = quotecheck("check", QUOTE, "--speaker", "Mallory Example", "--db", hostile_db)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("VERIFIED")
    assert_shown_not_obeyed(out)
    # The newline inside the context is not a line of its own: no forged verdict line appears.
    assert [line for line in out.splitlines() if HEADLINE.match(line)] == [out.splitlines()[0]]
    context = next(line for line in out.splitlines() if line.startswith("Context: "))
    assert "ALL CLEAR\\x1b[0m VERIFIED: a forged line" in context


def test_check_json_and_export_keep_the_stored_values_exactly(hostile_db: str) -> None:
    done = quotecheck("check", QUOTE, "--json", "--db", hostile_db)
    assert done.returncode == 0, done.stderr
    assert not OBEYED.search(done.stdout) and done.stdout.count("\n") == 1
    match = json.loads(done.stdout)["match"]
    assert match["context_before"] == WRITTEN["context_before"]
    assert match["context_after"] == WRITTEN["context_after"]
    assert match["source"]["title"] == WRITTEN["title"]
    assert match["source"]["outlet"] == INGESTED["source"]["outlet"]

    exported = quotecheck("export", "--db", hostile_db)
    assert exported.returncode == 0, exported.stderr
    assert not OBEYED.search(exported.stdout)
    line = json.loads(exported.stdout)
    assert line["context_before"] == WRITTEN["context_before"] and line["source"]["title"] == WRITTEN["title"]


def test_the_console_shows_the_hostile_statement_as_text(hostile_db: str) -> None:
    done = quotecheck("console", "--db", hostile_db, stdin=f"Mallory Example: {QUOTE}\nquit\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("VERIFIED")
    assert_shown_not_obeyed(done.stdout)
    assert [line for line in done.stdout.splitlines() if HEADLINE.match(line)] == [done.stdout.splitlines()[0]]


def test_a_hostile_file_name_in_the_ingest_summary_is_shown_as_text(tmp_path: Path) -> None:
    evil = tmp_path / "notes\x1b]0;pwned\x07\u202efdp.exe"
    evil.write_text("not a corpus file", encoding="utf-8")
    done = quotecheck("ingest", "--quiet", str(evil), "--db", f"sqlite:///{tmp_path / 'q.sqlite'}")
    assert done.returncode == 1
    assert not OBEYED.search(done.stdout) and not OBEYED.search(done.stderr)
    rejected = [line for line in done.stdout.splitlines() if line.startswith("rejected ")]
    assert len(rejected) == 1 and "notes\\x1b]0;pwned\\x07\\u202efdp.exe" in rejected[0]


def test_stats_show_a_hostile_speaker_name_on_one_line(tmp_path: Path) -> None:
    corpus = tmp_path / "one.jsonl"
    corpus.write_text(json.dumps({**INGESTED, "id": "hostilespeaker01"}) + "\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'q.sqlite'}"
    assert quotecheck("ingest", "--quiet", str(corpus), "--db", url).returncode == 0
    with sqlite3.connect(tmp_path / "q.sqlite") as conn:
        conn.execute("UPDATE statements SET speaker = ?", ("Mallory\x1b[2J\nVERIFIED \u202eExample",))
    conn.close()
    done = quotecheck("stats", "--db", url)
    assert done.returncode == 0, done.stderr
    assert not OBEYED.search(done.stdout)
    assert "most quoted: Mallory\\x1b[2J VERIFIED \\u202eExample (1)" in done.stdout.splitlines()
