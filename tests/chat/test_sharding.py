"""Sharding: one shard per process, several shards in one process (AutoShardedBot), bad settings refused."""

from __future__ import annotations

from dataclasses import replace

import pytest
from discord.ext import commands

from bot.chat.app import QuoteBot, ShardedQuoteBot, create_bot
from bot.config import Settings, SettingsError


def _settings(**discord: object) -> Settings:
    base = Settings()
    return replace(base, discord=replace(base.discord, **discord))


async def test_one_shard_per_process_uses_the_plain_bot():
    bot = create_bot(None, _settings(shard_count=4, shard_ids=(2,)))
    assert type(bot) is QuoteBot
    assert (bot.shard_id, bot.shard_count) == (2, 4)
    await bot.close()


def test_several_shards_in_one_process_use_the_auto_sharded_bot():
    bot = create_bot(None, _settings(shard_count=4, shard_ids=(0, 2)))
    assert isinstance(bot, ShardedQuoteBot) and isinstance(bot, commands.AutoShardedBot)
    assert bot.shard_ids == [0, 2] and bot.shard_count == 4
    everything = create_bot(None, _settings(shard_count=2))
    assert isinstance(everything, ShardedQuoteBot) and everything.shard_ids is None and everything.shard_count == 2


def test_shard_ids_from_the_environment_are_read_as_numbers():
    from bot.config import load_settings

    settings = load_settings(environ={"QUOTECHECK_DISCORD_SHARD_COUNT": "4", "QUOTECHECK_DISCORD_SHARD_IDS": "1,3"})
    bot = create_bot(None, settings)
    assert isinstance(bot, ShardedQuoteBot) and bot.shard_ids == [1, 3] and bot.shard_count == 4
    with pytest.raises(SettingsError):
        create_bot(None, replace(settings, discord=replace(settings.discord, shard_ids=("one",))))


def test_no_sharding_settings_give_a_single_connection():
    bot = create_bot(None, _settings())
    assert type(bot) is QuoteBot and bot.shard_count is None


@pytest.mark.parametrize(("count", "ids"), [(0, (1,)), (2, (2,)), (2, (0, 5)), (3, (-1,))])
def test_inconsistent_shard_settings_are_refused(count, ids):
    with pytest.raises(SettingsError):
        create_bot(None, _settings(shard_count=count, shard_ids=ids))
