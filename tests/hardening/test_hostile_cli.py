"""Every bad input of security.md through the command line and the console: a verdict or a one-line error,
never a traceback, never a control character on the terminal."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from tests.strategies import bad_inputs

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "corpus" / "000_41f3c08ac7623368.txt"
HOSTILE = REPO / "tests" / "chat" / "fixtures" / "hostile.jsonl"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HEADLINE = re.compile(r"^(VERIFIED|CLOSE|ALTERED|MISATTRIBUTED|UNVERIFIED): ")
TIMINGS: dict[str, float] = {}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'q.sqlite'}"
    assert main(["ingest", "--quiet", str(SEED), str(HOSTILE), "--db", url]) == 0
    return url


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("QUOTECHECK_DISCORD_TOKEN", "DISCORD_TOKEN", "QUOTECHECK_DATABASE_URL", "QUOTECHECK_CONFIG"):
        monkeypatch.delenv(name, raising=False)


def cli_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("QUOTECHECK_") and k != "DISCORD_TOKEN"}


@pytest.mark.parametrize("name", sorted(bad_inputs()))
def test_check_answers_or_explains_in_one_line(name: str, db: str, capsys: pytest.CaptureFixture[str]) -> None:
    quote = bad_inputs()[name]
    started = time.perf_counter()
    code = main(["check", "--db", db, "--", quote])
    TIMINGS[name] = time.perf_counter() - started
    out, err = capsys.readouterr()
    assert code in (0, 1)
    if code == 1:
        assert out == ""
        assert err.startswith("quotecheck: error: the quote ") and err.count("\n") == 1, err
    else:
        assert err == ""
        assert HEADLINE.match(out), out[:200]
        assert not _CONTROL.search(out)
    json_code = main(["check", "--json", "--db", db, "--", quote])
    out, err = capsys.readouterr()
    assert json_code == code
    if code == 0:
        answer = json.loads(out)
        assert answer["quote"] == quote and answer["verdict"] in {"verified", "close", "altered", "misattributed", "unverified"}


@pytest.mark.parametrize("name", ["everyone", "fullwidth everyone", "masked link", "format", "nul inside", "rlo"])
def test_hostile_speaker_names_are_only_a_filter(name: str, db: str, capsys: pytest.CaptureFixture[str]) -> None:
    speaker = bad_inputs()[name]
    code = main(["check", "--db", db, "--speaker", speaker, "The tone and spirit of the conversation were excellent"])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert out.startswith("MISATTRIBUTED") or out.startswith("VERIFIED")
    assert not _CONTROL.search(out)


def test_a_batch_of_every_bad_input_answers_each_line_in_order(db: str) -> None:
    inputs = bad_inputs()
    lines = [json.dumps({"quote": q}) for q in inputs.values()]
    lines += [json.dumps({"quote": "The tone and spirit of the conversation were excellent", "speaker": s})
              for s in inputs.values()]
    lines += ["{not json", "[]", json.dumps({"quote": 5}), json.dumps({"quote": "x", "speaker": 7})]
    done = subprocess.run([sys.executable, "-m", "bot", "check", "--db", db, "--batch", "-", "--json"], cwd=REPO,
                          env=cli_env(), input="\n".join(lines), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(answers) == len(lines)
    for query, answer in zip(inputs.values(), answers):
        assert answer.get("quote", query) == query
        assert (answer["verdict"] is None) == ("error" in answer)
    assert [a["verdict"] is None for a in answers[-4:]] == [True] * 4
    speakers = answers[len(inputs) : 2 * len(inputs)]
    assert all(a["verdict"] in {"verified", "misattributed"} or a.get("error") for a in speakers)


def test_undecodable_bytes_on_the_command_line_are_a_one_line_error(db: str) -> None:
    done = subprocess.run([sys.executable.encode(), b"-m", b"bot", b"check", b"--db", db.encode(), b"The tone \xff spirit"],
                          cwd=REPO, env=cli_env(), capture_output=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.decode().startswith("quotecheck: error:") and done.stderr.count(b"\n") == 1
    speaker = subprocess.run([sys.executable.encode(), b"-m", b"bot", b"check", b"--db", db.encode(), b"--speaker",
                              b"Tr\xffump", b"The tone and spirit of the conversation were excellent"],
                             cwd=REPO, env=cli_env(), capture_output=True, timeout=120)
    assert speaker.returncode == 0 and speaker.stdout.startswith(b"MISATTRIBUTED"), speaker.stderr[-300:]


def test_the_console_survives_every_bad_input(db: str) -> None:
    from bot.console import run_console
    from bot.service import QuoteService

    service = QuoteService.open(Settings(database_url=db), progress=False)
    try:
        inputs = list(bad_inputs().values())
        stdin = io.StringIO("\n".join(q.replace("\n", " ").replace("\r", " ") for q in inputs) + "\n")
        stdout = io.StringIO()
        assert run_console(service, stdin=stdin, stdout=stdout) == 0
    finally:
        service.close()
    text = stdout.getvalue()
    answered = len(re.findall(r"^(VERIFIED|CLOSE|ALTERED|MISATTRIBUTED|UNVERIFIED): ", text, re.M))
    refused = len(re.findall(r"^error: the quote ", text, re.M))
    non_blank = sum(1 for q in inputs if q.replace("\n", " ").replace("\r", " ").strip())
    assert answered + refused == non_blank
    assert not _CONTROL.search(text)


def test_report_timings() -> None:
    """Prints the slowest inputs (the figures for the report); runs after the parametrised checks."""
    if TIMINGS:
        slowest = sorted(TIMINGS.items(), key=lambda item: -item[1])[:3]
        print(f"\n{len(TIMINGS)} bad inputs through `quotecheck check`; slowest (incl. index load):",
              ", ".join(f"{n} {t * 1000:.0f} ms" for n, t in slowest))
