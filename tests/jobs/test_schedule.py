"""Which jobs the settings turn on, and when they run."""

from __future__ import annotations

from datetime import timedelta

from bot.config import JobSettings, Settings, load_settings
from bot.jobs.schedule import job_schedules


def _ids(settings: Settings) -> list[str]:
    return [s.id for s in job_schedules(settings)]


def test_defaults_give_backup_retention_and_refresh_only():
    assert _ids(Settings(database_url="sqlite:////tmp/x.sqlite")) == ["backup", "retention", "refresh"]


def test_every_job_when_everything_is_configured():
    jobs = JobSettings(inbox=("data/inbox",), feeds=({"url": "https://example.org/feed.xml"},), digest_channel_id=5)
    schedules = {s.id: s for s in job_schedules(Settings(database_url="sqlite:////tmp/x.sqlite", jobs=jobs))}
    assert list(schedules) == ["inbox", "feeds", "digest", "backup", "retention", "refresh"]
    assert schedules["inbox"].period() == timedelta(minutes=5)
    assert schedules["feeds"].period() == timedelta(minutes=30)
    assert schedules["digest"].period() == timedelta(days=1)
    assert not schedules["refresh"].shared and schedules["backup"].shared


def test_postgres_has_no_backup_job_and_zero_turns_jobs_off():
    jobs = JobSettings(lookup_log_days=0, refresh_interval_seconds=0)
    assert _ids(Settings(database_url="postgresql+psycopg://u@h/db", jobs=jobs)) == []


def test_settings_from_the_environment(tmp_path):
    settings = load_settings(
        tmp_path / "none.toml",
        environ={
            "QUOTECHECK_JOBS_INBOX": "/srv/inbox,/srv/inbox2",
            "QUOTECHECK_JOBS_FEEDS": "https://example.org/a.xml",
            "QUOTECHECK_JOBS_BACKUP_CRON": "0 */6 * * *",
        },
    )
    schedules = {s.id: s for s in job_schedules(settings)}
    assert "/srv/inbox2" in schedules["inbox"].description
    assert schedules["backup"].period() == timedelta(hours=6)
    assert "1 RSS/Atom feed" in schedules["feeds"].description


def test_a_bad_cron_line_names_its_setting(tmp_path, capsys):
    import pytest

    from bot.cli import main
    from bot.config import SettingsError

    with pytest.raises(SettingsError, match=r"jobs\.backup_cron"):
        job_schedules(Settings(database_url="sqlite:////tmp/x.sqlite", jobs=JobSettings(backup_cron="every night")))
    config = tmp_path / "q.toml"
    config.write_text('[jobs]\nretention_cron = "61 * * * *"\n')
    assert main(["--config", str(config), "--db", f"sqlite:///{tmp_path / 'q.sqlite'}", "jobs"]) == 2
    assert "jobs.retention_cron" in capsys.readouterr().err
