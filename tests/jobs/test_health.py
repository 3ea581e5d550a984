"""The container health check reads the heartbeat the watchdog writes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.jobs.health import check_heartbeat, main
from bot.jobs.scheduler import write_heartbeat

NOW = datetime(2026, 5, 20, 8, 0, tzinfo=UTC)


def test_fresh_healthy_heartbeat_passes_and_old_one_fails(tmp_path):
    path = tmp_path / "hb.json"
    write_heartbeat(path, NOW, healthy=True, stale=["feeds"], holder="h")
    ok, message = check_heartbeat(path, 180, now=NOW + timedelta(seconds=30))
    assert ok and "feeds" in message
    ok, message = check_heartbeat(path, 180, now=NOW + timedelta(seconds=400))
    assert not ok and "stuck" in message


def test_unhealthy_missing_or_garbled_heartbeat_fails(tmp_path):
    path = tmp_path / "hb.json"
    assert not check_heartbeat(path, 180)[0]
    write_heartbeat(path, NOW, healthy=False, stale=[], holder="h")
    assert not check_heartbeat(path, 180, now=NOW)[0]
    path.write_text("{not json")
    assert not check_heartbeat(path, 180, now=NOW)[0]
    path.write_text(json.dumps({"healthy": True}))
    assert not check_heartbeat(path, 180, now=NOW)[0]


def test_command_line_exit_codes(tmp_path, capsys):
    path = tmp_path / "hb.json"
    assert main([str(path)]) == 1
    write_heartbeat(path, datetime.now(UTC), healthy=True, stale=[], holder="h")
    assert main([str(path), "--max-age", "60"]) == 0
    assert capsys.readouterr().out.startswith("unhealthy")  # first call's line
