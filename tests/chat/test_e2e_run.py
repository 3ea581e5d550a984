"""End to end through the command line: `quotecheck sync` and `quotecheck run`, pointed at the local server
by the QUOTECHECK_DISCORD_API_BASE / QUOTECHECK_DISCORD_GATEWAY_URL environment variables."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from pathlib import Path

import pytest

from tests.chat.conftest import ROOT, SEED
from tests.fakediscord import FakeDiscord

pytestmark = pytest.mark.e2e


async def _run(*args: str, env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env=env, cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


async def test_sync_then_run_from_the_command_line(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    config = tmp_path / "quotecheck.toml"
    config.write_text(f'[corpus]\nbundled = ["{corpus}"]\n[discord]\nlookup_rate = 100\n', encoding="utf-8")
    fake = FakeDiscord()
    await fake.start()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "QUOTECHECK_CONFIG": str(config),
        "QUOTECHECK_DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite'}",
        "QUOTECHECK_DISCORD_TOKEN": fake.token,
        "QUOTECHECK_DISCORD_API_BASE": fake.api_base,
        "QUOTECHECK_DISCORD_GATEWAY_URL": fake.gateway_url,
        "QUOTECHECK_LOG_LEVEL": "DEBUG",
    }
    bot = rec = None
    try:
        sync = await _run("sync", env=env, cwd=tmp_path)
        out, err = await asyncio.wait_for(sync.communicate(), 60)
        assert sync.returncode == 0, err.decode()
        assert "verify" in out.decode() and "corpus" in out.decode()
        assert fake.command("verify")
        bot = await _run("run", env=env, cwd=tmp_path)
        await fake.wait_until(lambda: fake.session is not None, timeout=60)
        await asyncio.sleep(0.3)  # guild_ready_timeout: the bot dispatches once its guilds arrived
        rec = await fake.slash("verify", {"quote": "The tone and spirit of the conversation were excellent"},
                               timeout=20)
        assert rec.reply["embeds"][0]["title"].startswith("✅")
        assert fake.refused() == [] and fake.pinged == []
        puts = [r for r in fake.requests if r.method == "PUT"]
        assert len(puts) == 1  # `run` did not sync again
    finally:
        if bot is not None and bot.returncode is None:
            bot.send_signal(signal.SIGINT)
            try:
                _, err = await asyncio.wait_for(bot.communicate(), 60)  # a loaded 2-core machine exits slowly; its logs are needed
            except TimeoutError:
                bot.kill()
                _, err = await bot.communicate()
            logs = err.decode()
            if rec is not None:
                assert "[redacted]" in logs  # DEBUG logs print the request URLs…
                assert rec.token not in logs and fake.token not in logs  # …never the tokens
        await fake.close()
