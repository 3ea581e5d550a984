"""End to end: the bot's shards run as separate processes against one database.

Each "process" here is what `quotecheck run` builds: its own QuoteService (its own in-memory index)
and its own bot from `create_bot`, configured only through the shard settings. Both connect to one
local Discord server holding two guilds; the server sends each guild's events only to the shard
that owns it, (guild_id >> 22) % shard_count, as Discord does. The processes share one SQLite file
and catch up with each other's changes through `refresh`, which the refresh job runs in every
process every `refresh_interval_seconds`.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace

import pytest

from bot.config import Settings
from tests.chat.conftest import Env, connect_bot, stop_bot
from tests.fakediscord import FakeDiscord, Guild, shard_of

pytestmark = pytest.mark.e2e

EXCELLENT = "The tone and spirit of the conversation were excellent"
EXCELLENT_ID = "d55c943594a29604"  # a statement of the bundled (shared) corpus
LIGHTHOUSE = "Our lighthouse will shine again before the winter storms arrive"


@dataclass
class Process:
    """One bot process: its service, its bot and the guilds of the interactions its bot received."""

    env: Env
    task: asyncio.Task[None]
    received: list[int] = field(default_factory=list)


@dataclass
class Cluster:
    fake: FakeDiscord
    settings: Settings
    services: tuple[object, object]
    first: Guild  # shard 0 of 2, shard 2 of 4
    second: Guild  # shard 1 of 2, shard 1 of 4
    running: list[Process] = field(default_factory=list)

    async def start(self, service: object, shard_count: int, shard_ids: tuple[int, ...]) -> Process:
        """Connect a bot process serving `shard_ids` of `shard_count`, as QUOTECHECK_DISCORD_SHARD_* would."""
        discord_settings = replace(self.settings.discord, shard_count=shard_count, shard_ids=shard_ids)
        env, task = await connect_bot(self.fake, service, replace(self.settings, discord=discord_settings))
        process = Process(env, task)

        async def note(interaction: object) -> None:
            process.received.append(interaction.guild_id)  # type: ignore[attr-defined]

        env.bot.add_listener(note, "on_interaction")  # type: ignore[attr-defined]
        self.running.append(process)
        return process

    async def stop_all(self) -> None:
        while self.running:
            process = self.running.pop()
            await stop_bot(process.env, process.task)


@pytest.fixture
async def cluster(service: object, chat_settings: Settings) -> AsyncIterator[Cluster]:
    """The local server with two guilds and two services on one database (the bundled corpus loaded once)."""
    from bot.chat.sync import sync_commands
    from bot.service import QuoteService

    fake = FakeDiscord(shard_count=2, first_guild_shard=(2, 4))
    second = fake.add_guild("Fact Checkers", shard=(1, 4))
    await fake.start()
    settings = replace(chat_settings, discord=replace(
        chat_settings.discord, api_base=fake.api_base, gateway_url=fake.gateway_url,
        moderator_role=fake.moderator_role_name, lookup_rate=100, lookup_cooldown=60.0))
    await sync_commands(settings, fake.token)
    other = QuoteService.open(chat_settings, progress=False)  # the second process opens the same file
    found = Cluster(fake, settings, (service, other), fake.guild, second)
    try:
        yield found
        assert fake.refused() == [], [(r.method, r.path[:40], r.status, r.response) for r in fake.refused()]
        assert fake.pinged == []
    finally:
        await found.stop_all()
        other.close()
        await fake.close()


def title(rec: object) -> str:
    return rec.reply["embeds"][0]["title"]  # type: ignore[attr-defined]


async def add_statement(fake: FakeDiscord, guild: Guild, words: str) -> str:
    """A moderator adds `words` with /corpus add in `guild`; returns the new statement's id."""
    shown = await fake.slash("corpus add", member=fake.moderator, guild=guild)
    done = await fake.submit_modal(shown, {"Quote (exact words)": words, "Speaker": "Harbour Master Jane Doe"})
    assert done.ephemeral and "Added statement" in done.text()
    return re.search(r"`([0-9a-z]+)`", done.text()).group(1)  # type: ignore[union-attr]


async def test_each_guild_is_answered_by_the_shard_that_owns_it_only(cluster):
    fake, first, second = cluster.fake, cluster.first, cluster.second
    assert (shard_of(first.id, 2), shard_of(second.id, 2)) == (0, 1)
    zero = await cluster.start(cluster.services[0], 2, (0,))
    one = await cluster.start(cluster.services[1], 2, (1,))

    identified = sorted(f["d"]["shard"] for f in fake.gateway_received if f.get("op") == 2)
    assert identified == [[0, 2], [1, 2]]
    assert [g.id for g in zero.env.bot.guilds] == [int(first.id)]
    assert [g.id for g in one.env.bot.guilds] == [int(second.id)]

    shards, _, _ = await zero.env.bot.http.get_bot_gateway()  # what AutoShardedBot asks when given no count
    assert shards == fake.shard_count == 2

    in_first = await fake.slash("verify", {"quote": EXCELLENT}, guild=first)
    in_second = await fake.slash("verify", {"quote": EXCELLENT}, guild=second, member=fake.bob)
    assert title(in_first).startswith("✅") and title(in_second).startswith("✅")
    assert (in_first.shard_id, in_second.shard_id) == (0, 1)
    assert zero.received == [int(first.id)] and one.received == [int(second.id)]


async def test_changes_made_through_one_shard_reach_the_other_process(cluster):
    fake, first, second = cluster.fake, cluster.first, cluster.second
    zero = await cluster.start(cluster.services[0], 2, (0,))
    one = await cluster.start(cluster.services[1], 2, (1,))
    other_service = one.env.service

    # A server's own statement, added through shard 0: the other process learns of it, and keeps it in that server.
    own_id = await add_statement(fake, first, LIGHTHOUSE)
    assert other_service.refresh() >= 1  # what the refresh job does in every process
    assert other_service.get(own_id, int(first.id)) is not None
    assert title(await fake.slash("verify", {"quote": LIGHTHOUSE}, guild=first)).startswith("✅")
    elsewhere = await fake.slash("verify", {"quote": LIGHTHOUSE}, guild=second)
    assert elsewhere.shard_id == 1 and not title(elsewhere).startswith("✅")

    # The bot's owner removes a statement of the shared corpus through shard 0: shard 1's process stops finding it.
    removed = await fake.slash("corpus remove", {"id": EXCELLENT_ID, "reason": "wrong outlet"}, member=fake.owner,
                               guild=first)
    assert "Removed" in removed.text()
    assert other_service.refresh() >= 1
    gone = await fake.slash("verify", {"quote": EXCELLENT}, guild=second)
    assert gone.shard_id == 1 and not title(gone).startswith("✅")
    restored = await fake.slash("corpus restore", {"id": EXCELLENT_ID}, member=fake.owner, guild=first)
    assert "Restored" in restored.text()
    assert other_service.refresh() >= 1
    back = await fake.slash("verify", {"quote": EXCELLENT}, guild=second)
    assert back.shard_id == 1 and title(back).startswith("✅")
    assert set(zero.received) == {int(first.id)} and set(one.received) == {int(second.id)}


async def test_after_resharding_a_statement_added_through_one_shard_is_found_through_another(cluster):
    fake, first, second = cluster.fake, cluster.first, cluster.second
    await cluster.start(cluster.services[0], 2, (0,))
    await cluster.start(cluster.services[1], 2, (1,))
    own_id = await add_statement(fake, first, LIGHTHOUSE)  # through shard 0 of 2, in the first process
    await cluster.stop_all()

    # From 2 shards to 4, as in the README: `0,1` in the first process, `2,3` in the second. The first
    # guild moves to shard 2, now in the other process; the second guild stays on shard 1.
    assert (shard_of(first.id, 4), shard_of(second.id, 4)) == (2, 1)
    # Started together: discord.py waits 5 s before each further shard's IDENTIFY in a process.
    low, high = await asyncio.gather(cluster.start(cluster.services[0], 4, (0, 1)),
                                     cluster.start(cluster.services[1], 4, (2, 3)))
    assert sorted(s.shard for s in fake.sessions.values()) == [(0, 4), (1, 4), (2, 4), (3, 4)]
    assert [g.id for g in low.env.bot.guilds] == [int(second.id)]
    assert [g.id for g in high.env.bot.guilds] == [int(first.id)]

    # The second process has not caught up yet; its next refresh brings the statement in.
    stale = await fake.slash("verify", {"quote": LIGHTHOUSE}, guild=first)
    assert stale.shard_id == 2 and not title(stale).startswith("✅")
    assert high.env.service.refresh() >= 1
    found = await fake.slash("verify", {"quote": LIGHTHOUSE}, guild=first)
    assert found.shard_id == 2 and title(found).startswith("✅")
    assert own_id in found.text()
    in_second = await fake.slash("verify", {"quote": EXCELLENT}, guild=second)
    assert in_second.shard_id == 1 and title(in_second).startswith("✅")
    assert high.received == [int(first.id)] * 2 and low.received == [int(second.id)]
