"""Fixtures for the chat tests: a real QuoteService on a SQLite file, the local Discord server, the real bot."""

from __future__ import annotations

import asyncio
import shutil
import signal
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `tests.fakediscord` is imported as a package from the project root
    sys.path.insert(0, str(ROOT))

from bot.config import Settings  # noqa: E402

SEED = ROOT / "corpus" / "000_41f3c08ac7623368.txt"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def chat_settings(tmp_path: Path) -> Settings:
    """Settings for a fresh SQLite file whose bundled corpus is the seed article plus hostile statements."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    shutil.copy(FIXTURES / "hostile.jsonl", corpus / "hostile.jsonl")
    return Settings(database_url=f"sqlite:///{tmp_path / 'quotecheck.sqlite'}", bundled=(str(corpus),))


@pytest.fixture
def service(chat_settings: Settings) -> Iterator[object]:
    from bot.service import QuoteService

    svc = QuoteService.open(chat_settings, load_bundled=True, progress=False)
    yield svc
    svc.close()


@dataclass
class Env:
    """What an end-to-end test works with."""

    fake: object  # tests.fakediscord.FakeDiscord
    bot: object  # bot.chat.app.QuoteBot
    service: object
    settings: Settings


async def start_env(service: object, settings: Settings, **discord_overrides: object) -> tuple[Env, asyncio.Task[None]]:
    from bot.chat.sync import sync_commands
    from tests.fakediscord import FakeDiscord

    fake = FakeDiscord()
    await fake.start()
    discord_settings = replace(
        settings.discord, api_base=fake.api_base, gateway_url=fake.gateway_url,
        moderator_role=fake.moderator_role_name, lookup_rate=100, lookup_cooldown=60.0,
    )
    settings = replace(settings, discord=replace(discord_settings, **discord_overrides))
    # Register the commands the way `quotecheck sync` does, then connect the bot as `quotecheck run` does.
    await sync_commands(settings, fake.token)
    return await connect_bot(fake, service, settings)


async def connect_bot(fake: object, service: object, settings: Settings) -> tuple[Env, asyncio.Task[None]]:
    """A new bot from the factory, connected to the running local server `fake` (as after a restart)."""
    from bot.chat.app import create_bot

    bot = create_bot(service, settings, guild_ready_timeout=0.05)
    task = asyncio.create_task(bot.start(fake.token))
    ready = asyncio.create_task(bot.wait_until_ready())
    done, _ = await asyncio.wait({task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
    if ready not in done:
        ready.cancel()
        if task.done():
            task.result()  # raises the start-up error
        raise TimeoutError("the bot did not become ready")
    return Env(fake, bot, service, settings), task


async def stop_bot(env: Env, task: asyncio.Task[None]) -> None:
    """Close the bot's connection; the local server keeps running."""
    await env.bot.close()  # type: ignore[attr-defined]
    try:
        await asyncio.wait_for(task, 5)
    except (TimeoutError, asyncio.CancelledError):
        pass


async def start_process(*args: str, env: dict[str, str], cwd: Path, log: Path) -> asyncio.subprocess.Process:
    """`python -m bot ARGS` writing stdout and stderr to `log`: a file, not a pipe, so DEBUG logs never
    fill a pipe nobody reads (the bot would block on its next log line) and are kept if it must be killed."""
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", *args, env=env, cwd=cwd,
                                                    stdout=out, stderr=out)


async def stop_process(process: asyncio.subprocess.Process, sig: signal.Signals, seconds: float = 60) -> int | None:
    """Send `sig` and wait for the exit code; None when it was still running after `seconds` (then killed)."""
    if process.returncode is not None:
        return process.returncode
    process.send_signal(sig)
    try:
        return await asyncio.wait_for(process.wait(), seconds)
    except TimeoutError:
        process.kill()
        await process.wait()
        return None


async def stop_env(env: Env, task: asyncio.Task[None]) -> None:
    await stop_bot(env, task)
    await env.fake.close()  # type: ignore[attr-defined]


@pytest.fixture
async def env(service: object, chat_settings: Settings) -> AsyncIterator[Env]:
    """The real bot, created by its factory, connected to the local Discord server, commands synced."""
    environment, task = await start_env(service, chat_settings)
    try:
        yield environment
        # Whatever a test did, the bot never sent anything Discord would refuse or that would ping someone.
        fake = environment.fake
        assert fake.refused() == [], [(r.method, r.path[:40], r.status, r.response) for r in fake.refused()]
        assert fake.pinged == []
    finally:
        await stop_env(environment, task)
