"""Run history: latest run per job, last success, pruning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.jobs.runs import RunLog, last_started

T0 = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


def test_latest_shows_last_run_and_last_success(engine):
    runs = RunLog(engine)
    first = runs.start("feeds", "a", now=T0)
    runs.finish(first, "ok", "3 articles", now=T0 + timedelta(seconds=5))
    second = runs.start("feeds", "a", now=T0 + timedelta(hours=1))
    runs.finish(second, "error", "HTTP 503", now=T0 + timedelta(hours=1, seconds=2))
    other = runs.start("inbox", "b", now=T0 + timedelta(minutes=3))

    latest = runs.latest()
    assert latest["feeds"].last_status == "error"
    assert latest["feeds"].last_result == "HTTP 503"
    assert latest["feeds"].last_success == T0 + timedelta(seconds=5)
    assert latest["inbox"].last_status == "running"
    assert latest["inbox"].last_success is None
    assert last_started(engine, "feeds") == T0 + timedelta(hours=1)
    assert last_started(engine, "digest") is None
    runs.finish(other, "ok", "")


def test_prune_keeps_the_newest_runs_of_each_job(engine):
    runs = RunLog(engine)
    for i in range(7):
        runs.finish(runs.start("inbox", "a", now=T0 + timedelta(minutes=i)), "ok", f"run {i}")
    runs.finish(runs.start("backup", "a", now=T0), "ok", "only")
    assert runs.prune(keep_per_job=3) == 4
    assert [r.result for r in runs.history("inbox")] == ["run 6", "run 5", "run 4"]
    assert [r.result for r in runs.history("backup")] == ["only"]


def test_long_results_are_cut_to_the_column(engine):
    runs = RunLog(engine)
    runs.finish(runs.start("feeds", "a"), "error", "x" * 5000)
    assert len(runs.latest()["feeds"].last_result) == 2000
