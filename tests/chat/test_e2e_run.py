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

from tests.chat.conftest import ROOT, SEED, start_process, stop_process
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
        log = tmp_path / "bot.log"
        bot = await start_process("run", env=env, cwd=tmp_path, log=log)
        await fake.wait_until(lambda: fake.session is not None, timeout=60)
        await asyncio.sleep(0.3)  # guild_ready_timeout: the bot dispatches once its guilds arrived
        rec = await fake.slash("verify", {"quote": "The tone and spirit of the conversation were excellent"},
                               timeout=20)
        assert rec.reply["embeds"][0]["title"].startswith("✅")
        assert fake.refused() == [] and fake.pinged == []
        puts = [r for r in fake.requests if r.method == "PUT"]
        assert len(puts) == 1  # `run` did not sync again
    finally:
        code = await stop_process(bot, signal.SIGTERM) if bot is not None else None  # as `docker stop` does
        await fake.close()
    logs = log.read_text(encoding="utf-8", errors="replace")
    assert code == 0, logs[-2000:]  # closed in good order, not killed
    assert "SIGTERM received: closing the bot" in logs
    assert "[redacted]" in logs  # DEBUG logs print the request URLs…
    assert rec.token not in logs and fake.token not in logs  # …never the tokens
