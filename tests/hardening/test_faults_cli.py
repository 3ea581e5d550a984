"""The database failing under the command line and the console: a one-line error, never a traceback, and the
console carries on with the next quote."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from bot.cli import main
from bot.config import Settings
from bot.store.corpus import CorpusStore

SEED = Path(__file__).resolve().parents[2] / "corpus" / "000_41f3c08ac7623368.txt"
EXCELLENT = "The tone and spirit of the conversation were excellent"


def outage(*args, **kwargs):
    raise OperationalError("SELECT", {}, Exception("server closed the connection unexpectedly"))


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    for name in ("QUOTECHECK_DATABASE_URL", "QUOTECHECK_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    url = f"sqlite:///{tmp_path / 'q.sqlite'}"
    assert main(["ingest", "--quiet", str(SEED), "--db", url]) == 0
    capsys.readouterr()
    return url


def test_check_during_an_outage_is_a_one_line_error(db, monkeypatch, capsys):
    monkeypatch.setattr(CorpusStore, "get_statements", outage)
    code = main(["check", "--db", db, EXCELLENT])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("quotecheck: error: the corpus database is not available") and err.count("\n") == 1


def test_the_console_carries_on_after_an_outage(db, monkeypatch):
    from bot.console import run_console
    from bot.service import QuoteService

    service = QuoteService.open(Settings(database_url=db), progress=False)
    real = service.matcher.check
    calls = {"n": 0}

    def first_fails(*args, **kwargs):  # the index reads statements from the database while it checks
        calls["n"] += 1
        if calls["n"] == 1:
            outage()
        return real(*args, **kwargs)

    monkeypatch.setattr(service.matcher, "check", first_fails)
    stdout = io.StringIO()
    try:
        assert run_console(service, stdin=io.StringIO(f"{EXCELLENT}\n{EXCELLENT}\n"), stdout=stdout) == 0
    finally:
        service.close()
    lines = stdout.getvalue().splitlines()
    assert lines[0].startswith("error: the corpus database is not available")
    assert any(line.startswith("VERIFIED") for line in lines[1:])
