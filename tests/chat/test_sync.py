"""`quotecheck sync`: registers the command tree globally or in one server, and needs a token."""

from __future__ import annotations

from dataclasses import replace

from bot.chat.sync import sync_commands
from bot.cli import main
from bot.config import Settings
from tests.fakediscord import FakeDiscord


async def test_sync_to_one_server_registers_there_only():
    fake = FakeDiscord()
    await fake.start()
    try:
        settings = Settings()
        settings = replace(settings, discord=replace(settings.discord, api_base=fake.api_base,
                                                     gateway_url=fake.gateway_url))
        names = await sync_commands(settings, fake.token, guild_id=int(fake.guild_id))
        assert set(names) >= {"verify", "search", "source", "corpus", "sync", "Verify quotes"}
        assert {c["name"] for c in fake.commands[fake.guild_id]} == set(names)
        assert None not in fake.commands
        assert fake.session is None  # REST only: no gateway connection for a sync
        assert fake.refused() == []
    finally:
        await fake.close()


def test_sync_without_a_token_is_a_usage_error(tmp_path, monkeypatch, capsys):
    config = tmp_path / "empty.toml"
    config.write_text("", encoding="utf-8")
    for name in ("QUOTECHECK_DISCORD_TOKEN", "DISCORD_TOKEN", "QUOTECHECK_DISCORD_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    assert main(["sync", "--config", str(config)]) == 2
    assert "no Discord token" in capsys.readouterr().err
