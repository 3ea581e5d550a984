"""`quotecheck jobs`, `jobs run`, `backup` and `restore` through the real command-line entry point."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from bot.cli import main

from .conftest import SPEECH


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    inbox = tmp_path / "inbox"
    config = tmp_path / "quotecheck.toml"
    config.write_text(
        "[jobs]\n"
        f"inbox = [{json.dumps(str(inbox))}]\n"
        f"backup_dir = {json.dumps(str(tmp_path / 'backups'))}\n"
        "backup_keep = 2\n"
        "digest_channel_id = 42\n"
        f"heartbeat_file = {json.dumps(str(tmp_path / 'heartbeat.json'))}\n",
        encoding="utf-8",
    )
    for name in list(os.environ):
        if name.startswith("QUOTECHECK_"):
            monkeypatch.delenv(name)
    db = f"sqlite:///{tmp_path / 'q.sqlite'}"
    return ["--config", str(config), "--db", db], inbox, tmp_path


def _drop(inbox: Path, name: str, text: str) -> None:
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / name
    path.write_text(text, encoding="utf-8")
    old = time.time() - 3600
    os.utime(path, (old, old))


def test_jobs_lists_every_configured_job_with_last_run_and_next_run(setup, capsys):
    options, inbox, _ = setup
    assert main([*options, "jobs", "--json"]) == 0
    jobs = {j["id"]: j for j in map(json.loads, capsys.readouterr().out.splitlines())}
    assert set(jobs) >= {"inbox", "digest", "backup", "retention"}
    assert "feeds" not in jobs  # none configured
    assert jobs["inbox"]["last_run"] is None and jobs["inbox"]["status"] is None
    assert jobs["digest"]["next_run"].startswith(tuple("0123456789"))

    _drop(inbox, "gettysburg.md", SPEECH)
    assert main([*options, "jobs", "run", "inbox"]) == 0
    assert "1 file(s) ingested" in capsys.readouterr().out
    assert main([*options, "jobs", "--json"]) == 0
    jobs = {j["id"]: j for j in map(json.loads, capsys.readouterr().out.splitlines())}
    assert jobs["inbox"]["status"] == "ok" and "ingested" in jobs["inbox"]["result"]
    assert jobs["inbox"]["next_run"] > jobs["inbox"]["last_run"]

    assert main([*options, "jobs"]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split()[:3] == ["job", "last", "run"]
    assert any(line.startswith("inbox") and " ok " in line for line in table.splitlines())


def test_jobs_run_digest_prints_the_digest(setup, capsys):
    options, inbox, _ = setup
    _drop(inbox, "gettysburg.md", SPEECH)
    main([*options, "jobs", "run", "inbox"])
    capsys.readouterr()
    assert main([*options, "jobs", "run", "digest"]) == 0
    out = capsys.readouterr().out
    assert "Daily digest" in out and "New statements: 3" in out


def test_jobs_run_unknown_job_is_a_usage_error(setup, capsys):
    options, _, _ = setup
    assert main([*options, "jobs", "run", "feeds"]) == 2
    assert "no job 'feeds'" in capsys.readouterr().err


def test_backup_then_restore_gives_back_the_same_export(setup, capsys):
    options, inbox, tmp_path = setup
    _drop(inbox, "gettysburg.md", SPEECH)
    main([*options, "jobs", "run", "inbox"])
    capsys.readouterr()
    main([*options, "export"])
    original = capsys.readouterr().out
    assert original.count("\n") == 3

    assert main([*options, "backup"]) == 0
    out = capsys.readouterr().out
    backup = Path(out.split("backup written: ")[1].split(" (")[0])
    assert backup.exists() and backup.parent == tmp_path / "backups"

    _drop(inbox, "second.md", SPEECH.replace("Four score", "Eight score").replace("Gettysburg", "Elsewhere"))
    main([*options, "jobs", "run", "inbox"])
    capsys.readouterr()
    main([*options, "export"])
    assert capsys.readouterr().out != original

    assert main([*options, "restore", str(backup)]) == 0
    assert "restored" in capsys.readouterr().out
    assert main([*options, "export"]) == 0
    assert capsys.readouterr().out == original


def test_restore_of_a_bad_file_fails_and_backup_refuses_postgres(setup, capsys, tmp_path):
    options, _, _ = setup
    junk = tmp_path / "junk.sqlite"
    junk.write_text("nothing here")
    assert main([*options, "restore", str(junk)]) == 1
    assert "not a usable backup" in capsys.readouterr().err
    config = options[:2]
    assert main([*config, "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "backup"]) == 2
    assert "pg_dump" in capsys.readouterr().err
