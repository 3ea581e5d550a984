"""The process killed (SIGKILL) while it writes: no partial file, no duplicates, every acknowledged change
kept, SQLite's integrity check clean, the audit log still replays to the corpus, and the next run finishes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from bot.core.documents import parse_document
from bot.store.corpus import CorpusStore
from bot.store.database import make_engine
from bot.store.replay import differences

REPO = Path(__file__).resolve().parents[2]
FILES = 150
SENTENCES = 40


def cli_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("QUOTECHECK_") and k != "DISCORD_TOKEN"}


def speech(n: int, sentences: int = SENTENCES) -> str:
    lines = [f"Speaker {n} promised that harbour number {n} would open gate {k} before winter {k + n}." for k in range(sentences)]
    return f"---\nkind: speech\nspeaker: Mayor Number {n}\ntitle: Speech {n}\ndate: 2024-01-02\n---\n" + "\n".join(lines) + "\n"


def make_folder(root: Path, files: int = FILES) -> Path:
    folder = root / "speeches"
    folder.mkdir()
    for n in range(files):
        (folder / f"speech_{n:04d}.md").write_text(speech(n), encoding="utf-8")
    return folder


def scalar(path: Path, sql: str) -> int:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as conn:
        return int(conn.execute(sql).fetchone()[0])


def integrity(path: Path) -> str:
    with closing(sqlite3.connect(path, timeout=5)) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def kill_when(proc: subprocess.Popen, ready, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            pytest.fail(f"the run ended (code {proc.returncode}) before the fault could be injected")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the fault point was never reached")
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert proc.returncode == -signal.SIGKILL


def statements_per_document(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        rows = conn.execute(
            "SELECT d.origin, count(s.id) FROM documents d LEFT JOIN sources src ON src.document_id = d.id "
            "LEFT JOIN statements s ON s.source_id = src.id GROUP BY d.id"
        ).fetchall()
    return dict(rows)


def test_killed_folder_ingest_leaves_whole_files_and_the_next_run_finishes(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    db = tmp_path / "q.sqlite"
    url = f"sqlite:///{db}"
    make_engine(url).dispose()  # the schema exists before the run, so the test can watch the tables
    expected = {str(p.resolve()): len(parse_document(p.name, p.read_text()).statements) for p in folder.iterdir()}
    args = [sys.executable, "-m", "bot", "ingest", str(folder), "--db", url, "--quiet"]
    proc = subprocess.Popen(args, cwd=REPO, env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    kill_when(proc, lambda: scalar(db, "SELECT count(*) FROM documents") >= 10)

    assert integrity(db) == "ok"
    stored = statements_per_document(db)
    assert 10 <= len(stored) < FILES
    for origin, count in stored.items():
        assert count == expected[origin], f"{origin} is partial: {count} of {expected[origin]}"  # all or nothing
    assert scalar(db, "SELECT count(*) FROM (SELECT origin FROM documents GROUP BY origin HAVING count(*) > 1)") == 0
    store = CorpusStore(make_engine(url))
    try:
        assert differences(store) == []
    finally:
        store.engine.dispose()

    rerun = subprocess.run(args, cwd=REPO, env=cli_env(), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr[-500:]
    added = sum(expected.values()) - sum(stored.values())
    assert f"{added} statements added" in rerun.stdout, rerun.stdout
    assert statements_per_document(db) == expected  # finished: every file, whole, once
    again = subprocess.run(args, cwd=REPO, env=cli_env(), capture_output=True, text=True, timeout=300)
    assert "0 statements added" in again.stdout
    store = CorpusStore(make_engine(url))
    try:
        assert store.count() == sum(expected.values())
        assert differences(store) == []
    finally:
        store.engine.dispose()
    assert integrity(db) == "ok"


def test_killed_single_large_import_is_all_or_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "big"
    folder.mkdir()
    (folder / "long_speech.md").write_text(speech(1, sentences=20_000), encoding="utf-8")
    db = tmp_path / "q.sqlite"
    url = f"sqlite:///{db}"
    make_engine(url).dispose()
    wal = Path(f"{db}-wal")
    start = wal.stat().st_size if wal.exists() else 0
    args = [sys.executable, "-m", "bot", "ingest", str(folder), "--db", url, "--quiet"]
    proc = subprocess.Popen(args, cwd=REPO, env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Kill while the single transaction is being written: the write-ahead log has started to grow.
    kill_when(proc, lambda: wal.exists() and wal.stat().st_size > start + 64 * 1024)
    assert integrity(db) == "ok"
    documents = scalar(db, "SELECT count(*) FROM documents")
    statements = scalar(db, "SELECT count(*) FROM statements")
    assert (documents, statements) in {(0, 0), (1, 20_000)}
    rerun = subprocess.run(args, cwd=REPO, env=cli_env(), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0
    assert scalar(db, "SELECT count(*) FROM statements") == 20_000
    store = CorpusStore(make_engine(url))
    try:
        assert differences(store) == []
    finally:
        store.engine.dispose()


CHANGER = """
import sys
from bot.store.corpus import CorpusStore
from bot.store.database import make_engine
store = CorpusStore(make_engine(sys.argv[1]))
ids = [s.id for s in store.statements()]
for i in range(100000):
    sid = ids[i % len(ids)]
    if (i // len(ids)) % 2 == 0:
        store.remove_statement(sid, reason=f"r{i}", actor="k", guild_id=None, interaction_id=f"k{i}")
    else:
        store.restore_statement(sid, actor="k", guild_id=None, interaction_id=f"k{i}")
    print(f"ACK k{i}", flush=True)  # only after the commit returned: an acknowledged change
"""


def test_every_acknowledged_change_survives_a_kill(tmp_path: Path) -> None:
    db = tmp_path / "q.sqlite"
    url = f"sqlite:///{db}"
    folder = make_folder(tmp_path, files=3)
    assert subprocess.run([sys.executable, "-m", "bot", "ingest", str(folder), "--db", url, "--quiet"], cwd=REPO,
                          env=cli_env(), capture_output=True, timeout=120).returncode == 0
    proc = subprocess.Popen([sys.executable, "-c", CHANGER, url], cwd=REPO, env=cli_env(), stdout=subprocess.PIPE,
                            text=True)
    acked: list[str] = []
    assert proc.stdout is not None
    while len(acked) < 150:
        line = proc.stdout.readline()
        assert line, "the writer stopped early"
        acked.append(line.split()[1])
    os.kill(proc.pid, signal.SIGKILL)
    acked += [line.split()[1] for line in proc.stdout.read().splitlines() if line.startswith("ACK")]
    proc.wait(10)
    assert integrity(db) == "ok"
    with closing(sqlite3.connect(db)) as conn:
        logged = {row[0] for row in conn.execute("SELECT interaction_id FROM audit_log WHERE interaction_id LIKE 'k%'")}
    assert set(acked) <= logged  # every acknowledged change is there (and perhaps one committed as it died)
    assert len(logged - set(acked)) <= 1
    store = CorpusStore(make_engine(url))
    try:
        assert differences(store) == []
    finally:
        store.engine.dispose()
