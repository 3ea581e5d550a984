"""The container: the Dockerfile and the entrypoint pass their linters, compose.yaml wires the bot to
PostgreSQL, and the entrypoint script works when run outside Docker (no Docker engine here)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from bot.jobs.scheduler import write_heartbeat

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"
TOOLS = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = shutil.which(name, path=f"{TOOLS}{os.pathsep}{os.environ.get('PATH', '')}")
    if found is None:
        pytest.skip(f"{name} is not installed (pip install '.[test]' brings it)")
    return found


def test_dockerfile_passes_hadolint():
    result = subprocess.run([_tool("hadolint"), "--failure-threshold", "style", str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_entrypoint_passes_shellcheck():
    result = subprocess.run([_tool("shellcheck"), "--shell=sh", str(ENTRYPOINT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_is_multi_stage_non_root_with_a_health_check():
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    stages = [line for line in lines if line.startswith("FROM ")]
    assert len(stages) >= 2 and "slim" in stages[-1]
    final = lines[lines.index(stages[-1]) :]
    users = [line.split()[1] for line in final if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in {"0", "root"}
    assert any(line.startswith("HEALTHCHECK") for line in final)
    assert any("COPY --from=build /opt/venv" in line for line in final)
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "data", "tests"} <= set(ignored)


def test_the_image_installs_the_picture_reader_and_checks_that_it_loads():
    text = (ROOT / "Dockerfile").read_text()
    install = next(line for line in text.splitlines() if line.startswith("RUN pip install"))
    assert "[images]" in install
    assert "opencv-python-headless==" in text  # no desktop OpenGL libraries in a slim image
    runtime = text[text.rindex("\nFROM ") :]
    assert "from rapidocr_onnxruntime import RapidOCR" in runtime  # loads with the runtime stage's own libraries


def test_compose_runs_the_bot_against_a_healthy_postgres():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) >= {"bot", "postgres"}
    bot, db = services["bot"], services["postgres"]
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "healthcheck" in db and "ports" not in db
    assert bot["environment"]["QUOTECHECK_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "@postgres:" in bot["environment"]["QUOTECHECK_DATABASE_URL"]
    assert ":" not in bot["environment"]["QUOTECHECK_DATABASE_URL"].split("//")[1].split("@")[0]  # no password
    for secret in bot["secrets"] + db["secrets"]:
        assert secret in compose["secrets"]
    assert any(volume.endswith(":/app/data") for volume in bot["volumes"])


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("QUOTECHECK_", "PG"))}
    environ.update(
        QUOTECHECK_PYTHON=sys.executable,
        PYTHONPATH=str(ROOT),
        QUOTECHECK_DATABASE_URL=f"sqlite:///{tmp_path / 'q.sqlite'}",
        QUOTECHECK_JOBS_HEARTBEAT_FILE=str(tmp_path / "heartbeat.json"),
        QUOTECHECK_JOBS_INBOX=str(tmp_path / "inbox"),
    )
    environ.update(env)
    return subprocess.run(["sh", str(ENTRYPOINT), *args], capture_output=True, text=True, env=environ, cwd=tmp_path, timeout=120)


def test_entrypoint_prepares_the_database_and_runs_subcommands(tmp_path):
    result = _run(["jobs", "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    jobs = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert "inbox" in jobs and "backup" in jobs
    assert (tmp_path / "q.sqlite").exists()

    exported = _run(["export"], tmp_path)
    assert exported.returncode == 0 and exported.stdout == ""  # an empty corpus, but a working one


def test_entrypoint_health_check_follows_the_heartbeat(tmp_path):
    assert _run(["healthcheck"], tmp_path).returncode == 1
    write_heartbeat(tmp_path / "heartbeat.json", datetime.now(UTC), healthy=True, stale=[], holder="x")
    result = _run(["healthcheck"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_entrypoint_gives_up_on_an_unreachable_database(tmp_path):
    result = _run(
        ["jobs"], tmp_path, QUOTECHECK_DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none", QUOTECHECK_DB_WAIT_SECONDS="0"
    )
    assert result.returncode == 1
    assert "database not reachable" in result.stderr


def test_entrypoint_reads_the_database_password_from_a_file(tmp_path):
    missing = _run(["jobs"], tmp_path, QUOTECHECK_DATABASE_PASSWORD_FILE=str(tmp_path / "nope"))
    assert missing.returncode == 2 and "PASSWORD_FILE" in missing.stderr
    secret = tmp_path / "pw"
    secret.write_text("s3cret")
    shown = _run(["sh", "-c", 'printf %s "$PGPASSWORD"'], tmp_path, QUOTECHECK_DATABASE_PASSWORD_FILE=str(secret))
    assert shown.returncode == 0 and shown.stdout == "s3cret"


def test_entrypoint_runs_other_commands_as_they_are(tmp_path):
    result = _run(["echo", "hello"], tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == "hello"
