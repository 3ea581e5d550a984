"""End to end: the real bot, connected to the local Discord-compatible server, posts the digest
that its scheduler produced into the moderators' channel, without pinging anyone."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import JobSettings, Settings

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `tests.fakediscord` is imported as a package from the project root
    sys.path.insert(0, str(ROOT))

pytestmark = pytest.mark.e2e


async def test_the_daily_digest_reaches_the_moderators_channel(tmp_path):
    from bot.chat.app import create_bot
    from bot.service import QuoteService
    from tests.fakediscord import FakeDiscord

    fake = FakeDiscord()
    await fake.start()
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'q.sqlite'}",
        bundled=(),
        jobs=JobSettings(
            digest_channel_id=int(fake.channel_id),
            refresh_interval_seconds=0,
            backup_keep=0,
            heartbeat_file=str(tmp_path / "heartbeat.json"),
        ),
    )
    settings = replace(settings, discord=replace(settings.discord, api_base=fake.api_base, gateway_url=fake.gateway_url))
    service = await asyncio.to_thread(QuoteService.open, settings, progress=False)
    for quote in ("@everyone the moon landing was staged", "@everyone the moon landing was staged", "I never said that"):
        await asyncio.to_thread(service.check, quote, None)

    bot = create_bot(service, settings, jobs=True, guild_ready_timeout=0.05)
    task = asyncio.create_task(bot.start(fake.token))
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 10)
        assert bot.scheduler is not None and "digest" in bot.scheduler.schedules
        outcome = await bot.scheduler.run_now("digest")
        assert outcome is not None and outcome.ok, outcome

        posted = [m for m in fake.messages.values() if "Daily digest" in m["content"]]
        assert len(posted) == 1
        content = posted[0]["content"]
        assert posted[0]["channel_id"] == fake.channel_id
        assert "Lookups: 3 (3 unverified)" in content
        assert "2× “@\u200beveryone the moon landing was staged”" in content
        assert fake.pinged == [] and fake.refused() == []
    finally:
        await bot.close()
        try:
            await asyncio.wait_for(task, 5)
        except (TimeoutError, asyncio.CancelledError):
            pass
        await fake.close()
        service.close()
