"""Job status text for the terminal and for the chat."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.jobs.scheduler import JobStatus
from bot.jobs.status import format_chat, format_table

T0 = datetime(2026, 5, 20, 8, 0, tzinfo=UTC)


def _status(job_id: str, **kw) -> JobStatus:
    values = {"description": f"{job_id} things", "last_run": T0, "last_status": "ok", "last_result": "fine",
                  "last_success": T0, "next_run": T0 + timedelta(hours=1)}
    values.update(kw)
    return JobStatus(id=job_id, **values)


def test_table_has_one_line_per_job_with_times():
    text = format_table([_status("inbox"), _status("digest", last_run=None, last_status=None, last_result="")])
    lines = text.splitlines()
    assert len(lines) == 3
    assert lines[1].startswith("inbox") and "2026-05-20 08:00" in lines[1] and "2026-05-20 09:00" in lines[1]
    assert lines[2].split()[1:3] == ["-", "never"]
    assert "digest things" in lines[2]
    assert format_table([]).startswith("No jobs")


def test_chat_reply_marks_failures_and_neutralises_results():
    hostile = "HTTP 500 from @everyone <@&1> [x](https://evil) " + "y" * 500
    text = format_chat([_status("feeds", last_status="error", last_result=hostile, stale=True), _status("backup")])
    assert "❌ **feeds**" in text and "✅ **backup**" in text
    assert f"<t:{int(T0.timestamp())}:R>" in text
    assert "not succeeding" in text
    assert "@everyone" not in text and "<@&" not in text
    assert "\\[x\\](" in text  # the masked link is broken
    assert len(text) <= 2000


def test_chat_reply_fits_however_many_jobs():
    text = format_chat([_status(f"job{i}", last_result="z" * 150) for i in range(40)])
    assert len(text) <= 2000 and text.endswith("…")
