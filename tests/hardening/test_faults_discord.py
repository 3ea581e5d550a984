"""Faults during moderator changes and lookups, end to end through the local Discord server.

Each test ends with the oracle: replaying the audit log from empty gives the corpus as stored, so no
fault left a change half-written or unlogged.
"""

from __future__ import annotations

import asyncio
import secrets
import sqlite3
import time

import pytest

from bot.core.model import SourceInfo, StatementRecord
from bot.store.replay import differences
from tests.fakediscord.state import Interaction
from tests.hardening.checks import problems

pytestmark = pytest.mark.e2e

NOT_CHANGED = "nothing was changed"


def add_own(service, guild_id: int, text: str = "The lighthouse keeper retires at the end of the season") -> str:
    record = StatementRecord(text, "Harbour Master Jane Doe", SourceInfo(title="Minutes"), date="2025-01-02")
    return service.add(record, actor="setup", guild_id=guild_id).id


def actions(service, sid: str) -> list[str]:
    return [e.action for e in service.store.history(sid)]


def is_live(service, sid: str, guild_id: int) -> bool:
    return service.get(sid, guild_id) is not None


async def redeliver(fake, rec) -> Interaction:
    """Deliver the same interaction (same id) again, as Discord may: events arrive 0, 1 or N times."""
    token = "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48)
    payload = dict(rec.payload, token=token)
    again = Interaction(rec.id, token, rec.type, payload, rec.member)
    fake.interactions[rec.id] = again
    await fake._dispatch("INTERACTION_CREATE", payload)
    await fake.wait_until(lambda: again.complete or bool(again.errors))
    return again


class Slow:
    """Wraps a store method so each call first sleeps (a database answering slowly)."""

    def __init__(self, real, seconds: float) -> None:
        self.real, self.seconds, self.calls = real, seconds, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        time.sleep(self.seconds)
        return self.real(*args, **kwargs)


# -- the database locked in the middle of a moderator change -----------------------------------------


@pytest.fixture
async def short_lock_env(chat_settings, monkeypatch):
    """The bot over a SQLite file that waits only 0.3 s for a lock (30 s in production)."""
    import bot.store.database as database
    from bot.service import QuoteService
    from tests.hardening.conftest import start_env, stop_env

    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 300)
    service = QuoteService.open(chat_settings, load_bundled=True, progress=False)
    env, task = await start_env(service, chat_settings)
    try:
        yield env
    finally:
        await stop_env(env, task)
        service.close()


async def test_a_locked_database_during_a_removal_is_a_clear_error_and_nothing_is_written(short_lock_env):
    env = short_lock_env
    fake, guild = env.fake, int(env.fake.guild_id)
    sid = add_own(env.service, guild)
    path = env.settings.resolved_database_url.removeprefix("sqlite:///")
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock for longer than the bot will wait
    try:
        rec = await fake.slash("corpus remove", {"id": sid, "reason": "spam"}, member=fake.moderator)
        assert rec.ephemeral and NOT_CHANGED in rec.text() and "Removed" not in rec.text()
        edit = await fake.slash("corpus edit", {"id": sid}, member=fake.moderator)
        assert edit.callback_type == 9  # reading still works while a writer holds the lock (WAL)
        saved = await fake.submit_modal(edit, {"Speaker": "Someone Else"})
        assert NOT_CHANGED in saved.text() and "Saved" not in saved.text()
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert is_live(env.service, sid, guild) and env.service.version(sid, guild) == 1
    assert actions(env.service, sid) == ["add"]
    again = await fake.slash("corpus remove", {"id": sid, "reason": "spam"}, member=fake.moderator)
    assert "Removed" in again.text()
    assert actions(env.service, sid) == ["add", "remove"]
    assert differences(env.service.store) == []
    assert problems(fake) == []


# -- the reply failing after the commit; the interaction delivered again -------------------------------


async def test_a_reply_lost_after_the_commit_and_a_redelivery_change_nothing(env):
    fake, guild = env.fake, int(env.fake.guild_id)
    sid = add_own(env.service, guild)
    # Every follow-up of this interaction fails (a Cloudflare-style 429 is not retried by discord.py).
    fake.inject_429("POST", r"^/api/v10/webhooks/", times=2, cloudflare=True)
    first = await fake.slash("corpus remove", {"id": sid, "reason": "duplicate"}, member=fake.moderator, wait=False)
    await fake.wait_until(lambda: sum(r.injected for r in fake.requests) == 2)
    assert not first.followups  # the moderator never saw "Removed"…
    assert not is_live(env.service, sid, guild)  # …but the change committed, with its audit row
    restored = await fake.slash("corpus restore", {"id": sid}, member=fake.role_moderator, bypass_permissions=True)
    assert "Restored" in restored.text()
    again = await redeliver(fake, first)
    assert again.callback_type == 5 and again.followups
    # The same interaction id is an idempotency key: the removal is not applied a second time.
    assert is_live(env.service, sid, guild)
    assert actions(env.service, sid) == ["add", "remove", "restore"]
    assert differences(env.service.store) == []
    assert fake.pinged == []


# -- a slow database: the bot acknowledges within Discord's 3-second window ----------------------------


async def test_a_slow_database_never_misses_the_interaction_window(env, monkeypatch):
    fake, guild = env.fake, int(env.fake.guild_id)
    sid = add_own(env.service, guild)
    store = env.service.store
    slow_remove = Slow(store.remove_statement, 3.5)
    slow_log = Slow(store.log_lookup, 3.5)
    slow_stats = Slow(store.stats, 3.5)
    monkeypatch.setattr(store, "remove_statement", slow_remove)
    monkeypatch.setattr(store, "log_lookup", slow_log)
    monkeypatch.setattr(store, "stats", slow_stats)
    recs = await asyncio.gather(
        fake.slash("corpus remove", {"id": sid, "reason": "slow"}, member=fake.moderator, timeout=20),
        fake.slash("verify", {"quote": "The tone and spirit of the conversation were excellent"}, timeout=20),
        fake.slash("corpus stats", member=fake.moderator, timeout=20),
    )
    assert (slow_remove.calls, slow_log.calls, slow_stats.calls) == (1, 1, 1)
    for rec in recs:
        assert rec.errors == [] and rec.callback_type == 5  # deferred in time, never 10062
        assert rec.acked_at - rec.created < fake.window
        assert rec.answered_at - rec.created > 3.0  # the answer itself came after the slow call
    assert "Removed" in recs[0].text()
    assert recs[1].reply["embeds"][0]["title"].startswith("✅")
    assert differences(store) == []
    assert problems(fake) == []


async def test_a_slow_database_before_a_form_is_refused_in_time(env, monkeypatch):
    fake, guild = env.fake, int(env.fake.guild_id)
    sid = add_own(env.service, guild)
    monkeypatch.setattr(env.service.store, "get_statement", Slow(env.service.store.get_statement, 3.5))
    rec = await fake.slash("corpus edit", {"id": sid}, member=fake.moderator, timeout=20)
    # A form cannot follow a deferral; rather than miss the window silently, the bot says why in time.
    assert rec.errors == [] and rec.callback_type == 4 and rec.ephemeral
    assert "slow" in rec.text()
    assert problems(fake) == []


# -- the gateway closing in the middle of a command ---------------------------------------------------


@pytest.mark.parametrize("how", ["close 4000", "tcp reset"])
async def test_the_gateway_dropping_mid_change_loses_nothing(env, monkeypatch, how):
    fake, guild = env.fake, int(env.fake.guild_id)
    sid = add_own(env.service, guild)
    monkeypatch.setattr(env.service.store, "remove_statement", Slow(env.service.store.remove_statement, 1.0))
    pending = await fake.slash("corpus remove", {"id": sid, "reason": "gateway"}, member=fake.moderator, wait=False)
    await fake.wait_until(lambda: pending.callback_type == 5)
    if how == "close 4000":
        await fake.disconnect_gateway(code=4000)
    else:
        fake._ws._req.transport.abort()  # no close frame: the connection simply dies
    await fake.wait_until(lambda: pending.complete, timeout=15)
    assert "Removed" in pending.text()  # the write completed and the REST follow-up was posted
    await fake.wait_until(lambda: fake.session.resumes == 1, timeout=15)
    assert fake.session.identifies == 1  # resumed, not re-identified
    check = await fake.slash("verify", {"quote": "The tone and spirit of the conversation were excellent"})
    assert check.reply["embeds"][0]["title"].startswith("✅")  # commands flow again over the resumed session
    assert actions(env.service, sid) == ["add", "remove"]
    assert differences(env.service.store) == []


# -- two moderators editing one statement at the same moment -------------------------------------------


async def test_two_moderators_submitting_at_once_lose_no_update(env):
    fake, guild = env.fake, int(env.fake.guild_id)
    sid = add_own(env.service, guild)
    first = await fake.slash("corpus edit", {"id": sid}, member=fake.moderator)
    second = await fake.slash("corpus edit", {"id": sid}, member=fake.role_moderator, bypass_permissions=True)
    a, b = await asyncio.gather(fake.submit_modal(first, {"Speaker": "Speaker From Mira"}),
                                fake.submit_modal(second, {"Speaker": "Speaker From Rolf"}))
    texts = sorted([a.text(), b.text()])
    assert sum("Saved" in t for t in texts) == 1 and sum("Someone else changed" in t for t in texts) == 1
    winner = "Speaker From Mira" if "Saved" in a.text() else "Speaker From Rolf"
    assert env.service.get(sid, guild).speaker == winner
    assert env.service.version(sid, guild) == 2 and actions(env.service, sid) == ["add", "edit"]
    assert differences(env.service.store) == []


# -- bursts of 429s -----------------------------------------------------------------------------------


async def test_a_burst_of_429s_is_waited_out_with_bounded_requests(env):
    fake = env.fake
    fake.inject_429("POST", r"^/api/v10/webhooks/", times=3, retry_after=0.2)
    fake.inject_429("POST", r"/callback$", times=2, retry_after=0.2, is_global=True)
    started = len(fake.requests)
    rec = await fake.slash("verify", {"quote": "The tone and spirit of the conversation were excellent"}, timeout=20)
    assert rec.errors == [] and rec.reply["embeds"][0]["title"].startswith("✅")
    made = fake.requests[started:]
    callbacks = [r for r in made if r.path.endswith("/callback")]
    followups = [r for r in made if "/webhooks/" in r.path and r.method == "POST"]
    # Each refused request was retried once after the wait, nothing more: 2+1 callbacks, 3+1 follow-ups.
    assert len(callbacks) == 3 and len(followups) == 4
    assert problems(fake) == []


# -- a storm of 403s ------------------------------------------------------------------------------------


async def test_a_403_storm_is_not_retried_into_a_storm(env, caplog):
    from dataclasses import replace

    import discord

    fake = env.fake
    fake.inject_error("POST", r"^/api/v10/webhooks/", times=1000)
    fake.inject_error("PATCH", r"^/api/v10/webhooks/", times=1000)
    fake.inject_error("DELETE", r"^/api/v10/webhooks/", times=1000)
    started = len(fake.requests)
    recs = await asyncio.gather(*(fake.slash("verify", {"quote": "The tone and spirit of the conversation were excellent"},
                                             member=fake.add_member(f"m{i}"), wait=False) for i in range(20)))
    await fake.wait_until(lambda: all(r.callback_type == 5 for r in recs))
    await asyncio.sleep(1.0)  # time for any retry loop to show itself
    webhook_calls = [r for r in fake.requests[started:] if "/webhooks/" in r.path]
    # Each interaction: the answer refused once, the error reply refused once (and the "thinking…" delete):
    # a few requests each, never retried in a loop.
    assert 20 <= len(webhook_calls) <= 3 * 20
    # A digest channel the bot may no longer post in: one request per attempt, the error raised to the job.
    channel = int(fake.channel_id)
    env.bot.settings = replace(env.bot.settings, jobs=replace(env.bot.settings.jobs, digest_channel_id=channel))
    fake.inject_error("POST", rf"^/api/v10/channels/{channel}/messages$", times=1000)
    before = len(fake.requests)
    for _ in range(3):
        with pytest.raises(discord.Forbidden):
            await env.bot.post_digest("Daily digest")
    posts = [r for r in fake.requests[before:] if r.path.endswith("/messages") and r.method == "POST"]
    assert len(posts) == 3
    fake._injections.clear()
    rec = await fake.slash("verify", {"quote": "The tone and spirit of the conversation were excellent"})
    assert rec.reply["embeds"][0]["title"].startswith("✅")  # the bot carries on once Discord accepts again
