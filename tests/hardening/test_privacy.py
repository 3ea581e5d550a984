"""Secrets and personal data: the bot token comes from the environment or a file outside the project and is
never logged, nor is any interaction token (DEBUG logs print request URLs); lookups are kept only as long as
configured."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from datetime import timedelta

import pytest

from bot.config import PROJECT_ROOT, Settings, SettingsError, load_settings
from tests.chat.conftest import ROOT, SEED, start_process, stop_process
from tests.fakediscord import FakeDiscord

TOKEN = "MTA5ODc2NTQzMjE.secret-bot-token.zyx"


async def test_debug_logs_of_a_running_bot_hold_no_token(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    config = tmp_path / "quotecheck.toml"
    config.write_text(f'[corpus]\nbundled = ["{corpus}"]\n[discord]\nlookup_rate = 100\n'
                      f'moderator_role = "Quote Moderators"\n', encoding="utf-8")
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "discord_token").write_text(TOKEN + "\n", encoding="utf-8")  # a file outside the project
    fake = FakeDiscord(token=TOKEN)
    await fake.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUOTECHECK_") and k != "DISCORD_TOKEN"}
    env.update({
        "PYTHONPATH": str(ROOT), "QUOTECHECK_CONFIG": str(config),
        "QUOTECHECK_DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite'}",
        "QUOTECHECK_DISCORD_TOKEN_FILE": str(secrets / "discord_token"),
        "QUOTECHECK_DISCORD_API_BASE": fake.api_base, "QUOTECHECK_DISCORD_GATEWAY_URL": fake.gateway_url,
        "QUOTECHECK_LOG_LEVEL": "DEBUG",
    })
    bot = None
    try:
        sync = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "sync", env=env, cwd=tmp_path,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        sync_out, sync_err = await asyncio.wait_for(sync.communicate(), 60)
        assert sync.returncode == 0, sync_err.decode()
        log = tmp_path / "bot.log"
        bot = await start_process("run", env=env, cwd=tmp_path, log=log)
        await fake.wait_until(lambda: fake.session is not None, timeout=60)
        await asyncio.sleep(0.3)
        # Every kind of request that carries an interaction token: callbacks, follow-ups, edits, deletions.
        verify = await fake.slash("verify", {"quote": "The tone and spirit of the conversation were excellent"}, timeout=20)
        assert verify.reply["embeds"][0]["title"].startswith("✅")
        report = await fake.click(verify.reply, "Report a problem", member=fake.bob)
        sent = await fake.submit_modal(report, {"What is wrong?": "not a real quote"}, member=fake.bob)
        assert sent.ephemeral
        missing = await fake.slash("source", {"id": "nosuchid"}, timeout=20)  # deletes the public "thinking…"
        assert missing.ephemeral
        stats = await fake.slash("corpus stats", member=fake.moderator, timeout=20)
        assert stats.ephemeral
        await fake.disconnect_gateway(4000)  # RESUME sends the token over the gateway: not logged either
        await fake.wait_until(lambda: fake.session.resumes == 1, timeout=30)
        assert fake.refused() == [] and fake.pinged == []
    finally:
        code = await stop_process(bot, signal.SIGINT) if bot is not None else None
        await fake.close()
    logs = log.read_text(encoding="utf-8", errors="replace")
    assert code == 0, logs[-2000:]  # Ctrl+C closes the bot in good order
    assert "[redacted]" in logs  # the DEBUG logs did print request URLs and gateway payloads…
    assert "/interactions/" in logs or "/webhooks/" in logs
    assert TOKEN not in logs and TOKEN.split(".")[1] not in logs  # …never the bot token
    tokens = [i.token for i in fake.interactions.values()]
    assert len(tokens) >= 5
    assert [t for t in tokens if t in logs or t[:24] in logs] == []  # nor any interaction token
    assert TOKEN not in sync_out.decode() + sync_err.decode()


def test_the_token_never_shows_in_a_repr():
    settings = load_settings(environ={"QUOTECHECK_DISCORD_TOKEN": TOKEN, "QUOTECHECK_CONFIG": "/nonexistent.toml"})
    assert settings.discord.resolved_token() == TOKEN
    assert TOKEN not in repr(settings) and TOKEN not in str(settings.discord)


def test_a_token_written_in_a_project_config_file_is_refused(tmp_path):
    inside = PROJECT_ROOT / "config" / f"test-{os.getpid()}.toml"
    inside.write_text(f'[discord]\ntoken = "{TOKEN}"\n', encoding="utf-8")
    try:
        with pytest.raises(SettingsError) as refused:
            load_settings(config_path=inside, environ={})
        assert TOKEN not in str(refused.value) and "QUOTECHECK_DISCORD_TOKEN" in str(refused.value)
    finally:
        inside.unlink()
    outside = tmp_path / "quotecheck.toml"  # e.g. /etc/quotecheck.toml, readable by the service only
    outside.write_text(f'[discord]\ntoken = "{TOKEN}"\n', encoding="utf-8")
    assert load_settings(config_path=outside, environ={}).discord.resolved_token() == TOKEN


def test_no_token_like_string_is_committed():
    import re
    import subprocess

    files = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True).stdout.split()
    # A real bot token: base64 user id, a dot, 6 characters, a dot, 27 or more characters.
    pattern = re.compile(r"[MNO][A-Za-z\d_-]{23,25}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,}")
    found = []
    for name in files:
        path = PROJECT_ROOT / name
        if path.is_file() and path.stat().st_size < 2_000_000:
            text = path.read_text(encoding="utf-8", errors="ignore")
            found += [f"{name}: {m.group()[:10]}…" for m in pattern.finditer(text)]
    assert found == []


def test_lookups_are_kept_only_as_long_as_configured(tmp_path):
    from sqlmodel import Session, select

    from bot.jobs.retention import prune_lookups
    from bot.service import QuoteService
    from bot.store.tables import LookupRow, utcnow

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    settings = load_settings(environ={"QUOTECHECK_JOBS_LOOKUP_LOG_DAYS": "7", "QUOTECHECK_CONFIG": "/nonexistent.toml"})
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'q.sqlite'}", bundled=(str(corpus),), jobs=settings.jobs)
    assert settings.jobs.lookup_log_days == 7
    service = QuoteService.open(settings, load_bundled=True, progress=False)
    try:
        service.check("The tone and spirit of the conversation were excellent", guild_id=1)
        service.check("Something nobody ever said about the moon", guild_id=1)
        engine = service.store.engine
        with Session(engine) as session:
            rows = session.exec(select(LookupRow)).all()
            assert len(rows) == 2
            rows[0].at = utcnow() - timedelta(days=8)  # one lookup past the retention period
            session.add(rows[0])
            session.commit()
        result = prune_lookups(engine, settings.jobs.lookup_log_days)
        assert result.deleted == 1
        with Session(engine) as session:
            left = session.exec(select(LookupRow)).all()
        assert [r.quote for r in left] == ["Something nobody ever said about the moon"]
    finally:
        service.close()
