"""End to end: a digest channel the bot may not post in is given up after three 403s in a row (security R13)."""

from __future__ import annotations

import logging
from dataclasses import replace

import discord
import pytest

from bot.chat.forbidden import PathDisabled

pytestmark = pytest.mark.e2e


def _digest_posts(fake, since: int) -> list:
    return [r for r in fake.requests[since:] if r.method == "POST" and r.path.endswith(f"/channels/{fake.channel_id}/messages")]


def _post_to(env, channel: int, **jobs_changes: object) -> None:
    settings = env.bot.settings
    env.bot.settings = replace(settings, jobs=replace(settings.jobs, digest_channel_id=channel, **jobs_changes))


async def test_three_refusals_switch_the_digest_off_until_the_settings_change(env, caplog):
    fake = env.fake
    _post_to(env, int(fake.channel_id))
    fake.inject_error("POST", rf"^/api/v10/channels/{fake.channel_id}/messages$", times=1000)
    before = len(fake.requests)
    with caplog.at_level(logging.WARNING, logger="bot.chat.forbidden"):
        for _ in range(3):
            with pytest.raises(discord.Forbidden):
                await env.bot.post_digest("Daily digest")
        for _ in range(5):
            with pytest.raises(PathDisabled, match="switched off"):
                await env.bot.post_digest("Daily digest")
    assert len(_digest_posts(fake, before)) == 3  # nothing more reached Discord
    warnings = [r for r in caplog.records if r.name == "bot.chat.forbidden"]
    assert len(warnings) == 1 and "403" in warnings[0].getMessage()

    # The operator changes the digest settings (after fixing the channel's permissions): it is tried again.
    fake._injections.clear()
    _post_to(env, int(fake.channel_id), digest_cron="0 9 * * *")
    await env.bot.post_digest("Daily digest, at last")
    assert [m["content"] for m in fake.channel_messages()] == ["Daily digest, at last"]


async def test_a_success_between_refusals_starts_the_count_again(env):
    fake = env.fake
    _post_to(env, int(fake.channel_id))
    path = rf"^/api/v10/channels/{fake.channel_id}/messages$"
    for _ in range(3):
        fake.inject_error("POST", path, times=2)
        for _ in range(2):
            with pytest.raises(discord.Forbidden):
                await env.bot.post_digest("Daily digest")
        await env.bot.post_digest("Daily digest")  # accepted: two refusals never add up to three
    assert len(fake.channel_messages()) == 3
    assert not env.bot.digest_guard.disabled


async def test_other_errors_do_not_count_towards_the_limit(env):
    fake = env.fake
    _post_to(env, int(fake.channel_id))
    fake.inject_error("POST", rf"^/api/v10/channels/{fake.channel_id}/messages$", status=400, code=50035,
                      message="Invalid Form Body", times=5)
    for _ in range(5):
        with pytest.raises(discord.HTTPException) as raised:
            await env.bot.post_digest("Daily digest")
        assert not isinstance(raised.value, discord.Forbidden)
    assert not env.bot.digest_guard.disabled
    await env.bot.post_digest("Daily digest")
    assert len(fake.channel_messages()) == 1
