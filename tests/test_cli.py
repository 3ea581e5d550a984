"""The command line per CONTRACT.md: exit codes, output shapes, errors without tracebacks."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

REPO = Path(__file__).resolve().parent.parent
PUTIN = "Russia is for a peaceful settlement to the Ukraine crisis"
RESULT_KEYS = {"quote", "speaker", "verdict", "score", "elapsed_ms", "match", "differences", "alternatives"}
MATCH_KEYS = {"statement_id", "text", "speaker", "date", "source", "context_before", "context_after"}
EXPORT_KEYS = {"id", "text", "speaker", "date", "source", "context_before", "context_after"}
ALIASED = {"Vladimir Putin", "Donald Trump", "Volodymyr Zelenskyy", "Ursula von der Leyen"}  # the seed's speakers with other names


def export_keys(line: dict) -> set[str]:
    """The keys a shared statement's export line must have: the contract's, plus the speaker's other names."""
    return EXPORT_KEYS | ({"speaker_aliases"} if line["speaker"] in ALIASED else set())


@pytest.fixture(autouse=True)
def no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("QUOTECHECK_DISCORD_TOKEN", "DISCORD_TOKEN", "QUOTECHECK_DATABASE_URL", "QUOTECHECK_CONFIG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def loaded(db_url: str, bundled_seed_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["ingest", str(bundled_seed_path), "--db", db_url]) == 0
    capsys.readouterr()
    return db_url


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUOTECHECK_") and k != "DISCORD_TOKEN"}
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=REPO, env=env, input=stdin, capture_output=True, text=True, timeout=120)


def test_ingest_summary_and_rerun(db_url: str, bundled_seed_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db_url, "ingest", str(bundled_seed_path)]) == 0
    assert "11 statements added" in capsys.readouterr().out
    assert main(["ingest", str(bundled_seed_path), "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert "0 statements added" in out and "11 skipped" in out


def test_ingest_with_a_rejected_file_exits_1(db_url: str, tmp_path: Path, bundled_seed_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary")
    assert main(["ingest", str(bundled_seed_path), str(bad), "--db", db_url]) == 1
    out = capsys.readouterr().out
    assert "11 statements added" in out and f"rejected {bad}: contains NUL bytes" in out


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["ingest"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2


def test_check_json_shape(loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", PUTIN, "--speaker", "Putin", "--json", "--db", loaded]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= RESULT_KEYS
    assert data["verdict"] == "verified" and data["speaker"] == "Putin" and data["quote"] == PUTIN
    assert set(data["match"]) == MATCH_KEYS
    assert set(data["match"]["source"]) == {"title", "url", "outlet"}
    assert data["match"]["speaker"] == "Vladimir Putin" and data["match"]["date"] == "2025-05-19"
    assert 0 <= data["score"] <= 100 and data["elapsed_ms"] >= 0
    for alt in data["alternatives"]:
        assert set(alt) == {"statement_id", "score", "speaker", "text"}


def test_check_unverified_is_exit_0_with_null_match(loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "Penguins will govern the moon by next spring", "--json", "--db", loaded]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "unverified" and data["match"] is None and data["speaker"] is None


def test_check_and_search_on_an_empty_corpus_say_so(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", PUTIN, "--json", "--db", db_url]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["verdict"] == "unverified"
    assert "the corpus is empty" in captured.err and "quotecheck ingest" in captured.err
    assert main(["search", "peaceful settlement", "--db", db_url]) == 0
    assert "the corpus is empty" in capsys.readouterr().err


def test_check_on_a_corpus_says_nothing_on_standard_error(loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", PUTIN, "--db", loaded]) == 0
    assert capsys.readouterr().err == ""


def test_check_text_reply(loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", PUTIN, "--speaker", "Donald Trump", "--db", loaded]) == 0
    out = capsys.readouterr().out
    assert out.startswith("MISATTRIBUTED") and "Vladimir Putin" in out


def test_check_empty_quote_exits_1_with_one_line(loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "   ", "--db", loaded]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "empty" in err


def test_check_quote_starting_with_dash(loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--json", "--db", loaded, "--", "-- Russia is for a peaceful settlement"]) == 0
    assert json.loads(capsys.readouterr().out)["quote"] == "-- Russia is for a peaceful settlement"


def test_check_batch_keeps_order_and_reports_bad_lines(loaded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "q.jsonl"
    batch.write_text("\n".join([
        json.dumps({"quote": PUTIN, "speaker": "Putin"}),
        "{broken",
        json.dumps({"quote": "  "}),
        json.dumps({"quote": "The tone and spirit of the conversation were excellent"}),
    ]) + "\n", encoding="utf-8")
    assert main(["check", "--batch", str(batch), "--json", "--db", loaded]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["verdict"] for line in lines] == ["verified", None, None, "verified"]
    assert "error" in lines[1] and "error" in lines[2]
    assert lines[3]["match"]["speaker"] == "Donald Trump"


def test_check_batch_from_stdin(loaded: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps({"quote": PUTIN}) + "\n"))
    assert main(["check", "--batch", "-", "--json", "--db", loaded]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "verified"


def test_export_lines_and_round_trip(loaded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--db", loaded]) == 0
    exported = capsys.readouterr().out
    lines = [json.loads(line) for line in exported.splitlines()]
    assert len(lines) == 11 and all(set(line) == export_keys(line) for line in lines)
    assert set(lines[0]["source"]) == {"title", "url", "outlet", "kind"}
    putin = next(line for line in lines if line["speaker"] == "Vladimir Putin")
    assert putin["speaker_aliases"] == ["Putin", "Russian President Vladimir Putin"]
    dump = tmp_path / "corpus.jsonl"
    dump.write_text(exported, encoding="utf-8")
    empty = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    assert main(["ingest", str(dump), "--db", empty]) == 0
    capsys.readouterr()
    assert main(["export", "--db", empty]) == 0
    assert capsys.readouterr().out == exported


def _export(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict]:
    assert main(["export", *args]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_export_by_server_and_round_trip_with_scopes(
    loaded: str, other_db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.core.model import SourceInfo, StatementRecord
    from bot.store.corpus import CorpusStore
    from bot.store.database import make_engine

    guild = 987654321098765432
    store = CorpusStore(make_engine(loaded))
    record = StatementRecord("The harbour ferry will run twice an hour this summer", "Harbour Master Jane Doe",
                             SourceInfo(title="Minutes", outlet="Port Gazette"), date="2025-06-01")
    own = store.add_statement(record, actor="test", guild_id=guild).id
    store.add_statement(record, actor="test", guild_id=guild + 1)  # another server's: in no --guild export but its own
    store.engine.dispose()

    everything = _export(capsys, "--db", loaded)
    mine = _export(capsys, "--db", loaded, "--guild", str(guild))
    shared = _export(capsys, "--db", loaded, "--shared")
    assert [line["id"] for line in mine] == [own]
    assert mine[0]["guild_id"] == str(guild) and set(mine[0]) == EXPORT_KEYS | {"guild_id"}
    assert len(shared) == 11 and all(set(line) == export_keys(line) for line in shared)
    assert len(everything) == 13 and [line for line in everything if "guild_id" not in line] == shared

    dump = tmp_path / "corpus.jsonl"
    dump.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in everything), encoding="utf-8")
    assert main(["ingest", str(dump), "--db", other_db_url]) == 0
    capsys.readouterr()
    assert _export(capsys, "--db", other_db_url) == everything
    assert _export(capsys, "--db", other_db_url, "--guild", str(guild)) == mine
    assert _export(capsys, "--db", other_db_url, "--shared") == shared


@pytest.mark.parametrize("options", [["--guild", "abc"], ["--guild", "0"], ["--guild", "-4"], ["--guild", "5", "--shared"]])
def test_export_with_a_bad_scope_is_a_usage_error(options: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["export", *options])
    assert info.value.code == 2
    assert "--guild" in capsys.readouterr().err


def test_console_and_run_without_token(tmp_path: Path, bundled_seed_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "quotecheck.toml"
    config.write_text(f'[corpus]\nbundled = ["{bundled_seed_path.parent / bundled_seed_path.name}"]\n', encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'run.sqlite'}"
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"Putin: {PUTIN}\n\nThe tone and spirit of the conversation were excellent\nquit\nignored\n"))
    assert main(["run", "--config", str(config), "--db", db]) == 0
    captured = capsys.readouterr()
    assert "QUOTECHECK_DISCORD_TOKEN" in captured.err
    assert captured.out.startswith("VERIFIED") and "— Vladimir Putin, 2025-05-19" in captured.out
    assert captured.out.count("VERIFIED") == 2
    monkeypatch.setattr(sys, "stdin", io.StringIO("Donald Trump: " + PUTIN + "\n"))
    assert main(["console", "--config", str(config), "--db", db]) == 0
    assert capsys.readouterr().out.startswith("MISATTRIBUTED")


def test_subprocess_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    result = run_cli("export", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert result.returncode == 2
    assert result.stderr.startswith("quotecheck: error: cannot connect") and result.stderr.count("\n") == 1
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    result = run_cli("export", "--db", f"sqlite:///{blocked / 'sub' / 'x.sqlite'}")
    assert result.returncode == 2 and result.stderr.startswith("quotecheck: error: cannot create the database folder")
    result = run_cli("--db", f"sqlite:///{tmp_path / 'x.sqlite'}", "check", "")
    assert result.returncode == 1 and "Traceback" not in result.stderr and "empty" in result.stderr
    result = run_cli("check", "--db", f"sqlite:///{tmp_path / 'x.sqlite'}", "--batch", str(tmp_path / "missing.jsonl"))
    assert result.returncode == 2 and "no such file" in result.stderr
    result = run_cli("ingest", str(tmp_path / "missing.txt"), "--db", f"sqlite:///{tmp_path / 'x.sqlite'}")
    assert result.returncode == 1 and "no such file" in result.stdout


CONTEXT_STATEMENTS = REPO / "tests" / "fixtures" / "context" / "statements.jsonl"  # 1992 debate, 1948 State of the Union
CLINTON_ELIDED = "I will ... raise taxes on the middle class to pay for these programs."


def test_check_names_what_an_elision_or_a_cut_leaves_out(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(CONTEXT_STATEMENTS), "--db", db_url]) == 0
    capsys.readouterr()
    assert main(["check", CLINTON_ELIDED, "--speaker", "Bill Clinton", "--db", db_url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("ALTERED")
    assert lines[1] == "The quote leaves out “not”: “I will not raise taxes on the middle…”"
    assert main(["check", CLINTON_ELIDED, "--speaker", "Bill Clinton", "--json", "--db", db_url]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "altered" and data["match"]["speaker"] == "Bill Clinton"
    assert data["differences"][0] == {"kind": "context", "quoted": "…", "original": "not", "meaningful": True, "reason": "negation"}
    cut = "the United States can be an effective force for world peace"
    assert main(["check", cut, "--json", "--db", db_url]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "altered"
    assert [(d["kind"], d["original"]) for d in data["differences"]] == [("context", "only if it is strong")]
    # Words left out that carry no such sense, and a typo, keep the quote verified and close.
    assert main(["check", "I will not raise taxes … to pay for these programs", "--json", "--db", db_url]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "verified"
    assert main(["check", "I will not raise taxes on the middle class to pay for thuse programs", "--json", "--db", db_url]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "close"
    assert data["differences"] == [{"kind": "typo", "quoted": "thuse", "original": "these", "meaningful": False, "reason": "typo"}]


PARAPHRASE = "The Russian president wants the Ukraine crisis settled peacefully"


def test_check_json_carries_related_statements(loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", PARAPHRASE, "--json", "--db", loaded]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "unverified"
    assert data["related"][0]["speaker"] == "Vladimir Putin"
    assert set(data["related"][0]) == MATCH_KEYS | {"score"}
    assert main(["check", PUTIN, "--json", "--db", loaded]) == 0
    assert "related" not in json.loads(capsys.readouterr().out)  # verified: said word for word


def test_search_json_text_filters_and_limit(loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", PARAPHRASE, "--json", "--db", loaded]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["query"] == PARAPHRASE and data["results"][0]["text"].startswith("Russia is for a peaceful settlement")
    assert set(data["results"][0]) == MATCH_KEYS | {"score"}
    assert main(["search", "pressure on Russia pushes it toward peace", "--speaker", "Zelenskyy", "--limit", "1", "--json", "--db", loaded]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert len(results) == 1 and results[0]["speaker"] == "Volodymyr Zelenskyy"
    assert main(["search", PARAPHRASE, "--from", "2026", "--json", "--db", loaded]) == 0  # no result is still exit 0
    assert json.loads(capsys.readouterr().out)["results"] == []
    assert main(["search", PARAPHRASE, "--from", "2025-05", "--to", "2025-05-31", "--db", loaded]) == 0
    out = capsys.readouterr().out
    assert "1. Vladimir Putin, 2025-05-19: “Russia is for a peaceful settlement" in out
    assert main(["search", "The moon landing was filmed in a studio in Nevada", "--db", loaded]) == 0
    assert "No statement in the corpus is close enough" in capsys.readouterr().out


def test_search_usage_errors_exit_2(loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", PARAPHRASE, "--from", "May 2025", "--db", loaded]) == 2
    with pytest.raises(SystemExit) as info:
        main(["search", PARAPHRASE, "--limit", "0", "--db", loaded])
    assert info.value.code == 2


def test_check_batch_carries_related_statements(loaded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "q.jsonl"
    batch.write_text(json.dumps({"quote": PARAPHRASE}) + "\n" + json.dumps({"quote": PUTIN}) + "\n", encoding="utf-8")
    assert main(["check", "--batch", str(batch), "--json", "--db", loaded]) == 0
    paraphrase, verbatim = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert paraphrase["verdict"] == "unverified" and paraphrase["related"][0]["speaker"] == "Vladimir Putin"
    assert verbatim["verdict"] == "verified" and "related" not in verbatim
