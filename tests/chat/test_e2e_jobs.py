"""End to end: /corpus jobs shows the scheduled jobs; results only to the bot's owner."""

from __future__ import annotations

import os
import time
from dataclasses import replace

import pytest

from bot.config import JobSettings

pytestmark = pytest.mark.e2e

SPEECH = """---
kind: speech
speaker: Abraham Lincoln
title: Address at Gettysburg
---
Four score and seven years ago our fathers brought forth on this continent a new nation.
"""


async def test_without_a_scheduler_the_command_says_so(env):
    rec = await env.fake.slash("corpus jobs", member=env.fake.moderator)
    assert rec.ephemeral and "No scheduled jobs" in rec.text()


async def test_moderators_see_each_job_and_the_owner_its_result(env, tmp_path):
    from bot.jobs.startup import start_scheduler

    inbox = tmp_path / "secret-inbox-folder"
    inbox.mkdir()
    (inbox / "gettysburg.md").write_text(SPEECH, encoding="utf-8")
    old = time.time() - 3600
    os.utime(inbox / "gettysburg.md", (old, old))
    jobs = JobSettings(inbox=(str(inbox),), inbox_interval_minutes=60, refresh_interval_seconds=0,
                       backup_keep=0, heartbeat_file=str(tmp_path / "heartbeat.json"))
    env.bot.scheduler = await start_scheduler(env.service, replace(env.settings, jobs=jobs), watchdog_seconds=3600)
    # The inbox never ran, so it runs at start; wait for it to land in done/.
    await env.fake.wait_until(lambda: (inbox / "done" / "gettysburg.md").exists())
    await env.fake.wait_until(lambda: any(s.last_status == "ok" for s in env.bot.scheduler.status() if s.id == "inbox"))

    fake = env.fake
    moderator = await fake.slash("corpus jobs", member=fake.moderator)
    text = moderator.text()
    assert moderator.ephemeral
    assert "inbox" in text and "retention" in text and "✅" in text
    assert "secret-inbox-folder" not in text and "ingested" not in text

    owner = await fake.slash("corpus jobs", member=fake.owner)
    assert "1 file(s) ingested" in owner.text()
    assert "<t:" in owner.text()  # times shown in each reader's own time zone
