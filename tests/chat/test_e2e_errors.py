"""End to end: failures reach the user as a plain private message, and slow lookups never block the bot."""

from __future__ import annotations

import logging
import threading

import pytest

pytestmark = pytest.mark.e2e

EXCELLENT = "The tone and spirit of the conversation were excellent"


class BrokenService:
    """The real service, except that checking fails the way a bug would."""

    def __init__(self, real) -> None:
        self._real = real

    def __getattr__(self, name):
        return getattr(self._real, name)

    def check(self, *args, **kwargs):
        raise RuntimeError("database exploded at /secret/path")

    def speakers(self, *args, **kwargs):
        raise RuntimeError("database exploded at /secret/path")


class SlowService:
    """The real service, except that checking waits until the test lets it go (a slow database)."""

    def __init__(self, real) -> None:
        self._real = real
        self.release = threading.Event()

    def __getattr__(self, name):
        return getattr(self._real, name)

    def check(self, *args, **kwargs):
        self.release.wait(10)
        return self._real.check(*args, **kwargs)


async def test_an_unexpected_error_is_a_private_plain_message_and_is_logged(env, caplog):
    fake = env.fake
    env.bot.service = BrokenService(env.service)
    caplog.set_level(logging.ERROR, logger="bot.chat")
    rec = await fake.slash("verify", {"quote": EXCELLENT})
    assert rec.ephemeral
    text = rec.text()
    assert "went wrong" in text
    assert "Traceback" not in text and "RuntimeError" not in text and "/secret/path" not in text
    assert fake.deleted and fake.deleted[0]["flags"] & 128  # the public "thinking…" was taken down
    assert any(r.exc_info and "database exploded" in str(r.exc_info[1]) for r in caplog.records)


async def test_a_slow_lookup_does_not_block_other_members(env):
    fake = env.fake
    slow = SlowService(env.service)
    env.bot.service = slow
    try:
        pending = await fake.slash("verify", {"quote": EXCELLENT}, wait=False)
        # While the lookup waits in its thread, the event loop keeps serving everyone else.
        choices = await fake.autocomplete("verify", {"quote": "x", "speaker": "Don"}, focused="speaker")
        source = await fake.slash("source", {"id": "d55c943594a29604"}, member=fake.bob)
        assert choices.complete and source.complete
        assert pending.callback_type == 5 and not pending.complete  # deferred, answer still to come
    finally:
        slow.release.set()
    await fake.wait_until(lambda: pending.complete)
    assert pending.reply["embeds"][0]["title"].startswith("✅")



async def test_a_failing_autocomplete_sends_nothing_invalid(env, caplog):
    caplog.set_level(logging.ERROR, logger="discord.app_commands.tree")
    env.bot.service = BrokenService(env.service)
    pending = await env.fake.autocomplete("verify", {"quote": "x", "speaker": "Vla"}, focused="speaker", wait=False)
    await env.fake.wait_until(lambda: any("autocomplete" in r.getMessage() for r in caplog.records), timeout=5)
    assert pending.callback_type is None  # no suggestions; and no invalid message callback (checked at teardown)
