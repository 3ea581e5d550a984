"""End to end: what Discord's protocol demands of the bot (rate limits, reconnects, tokens, sync, intents)."""

from __future__ import annotations

import logging

import pytest

from tests.fakediscord import NotPermitted

pytestmark = pytest.mark.e2e

EXCELLENT = "The tone and spirit of the conversation were excellent"
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content


@pytest.mark.parametrize("is_global", [False, True], ids=["per-route", "global"])
async def test_a_429_is_waited_out_and_retried(env, is_global):
    fake = env.fake
    fake.inject_429("POST", r"^/api/v10/webhooks/", times=1, retry_after=0.3, is_global=is_global)
    rec = await fake.slash("verify", {"quote": EXCELLENT})
    assert rec.reply["embeds"][0]["title"].startswith("✅")
    posts = [r for r in fake.requests if r.method == "POST" and r.path.startswith("/api/v10/webhooks/")]
    assert [r.status for r in posts] == [429, 200]
    assert posts[1].at - posts[0].at >= 0.25  # it waited as told, no retry storm
    assert fake.refused() == []


async def test_a_cloudflare_ban_is_not_hammered(env):
    fake = env.fake
    fake.inject_429("POST", r"^/api/v10/webhooks/", times=1, cloudflare=True)
    rec = await fake.slash("verify", {"quote": EXCELLENT})
    # discord.py gives up on a ban page at once; the bot then tells the member privately, once.
    assert rec.ephemeral and "went wrong" in rec.text()
    posts = [r for r in fake.requests if r.method == "POST" and r.path.startswith("/api/v10/webhooks/")]
    assert [r.status for r in posts] == [429, 200]


async def test_gateway_traffic_is_zlib_compressed_as_requested(env):
    assert any("compress=zlib-stream" in url for url in env.fake.gateway_urls)
    assert env.fake.compress and env.bot.is_ready()


async def test_gateway_disconnect_is_followed_by_resume_and_missed_events_are_replayed(env):
    fake = env.fake
    session_id = fake.session.id
    await fake.disconnect_gateway(code=4000)
    # Sent while the bot is disconnected: Discord keeps it for the resumed session.
    rec = await fake.slash("verify", {"quote": EXCELLENT})
    assert rec.reply["embeds"][0]["title"].startswith("✅")
    resumes = [f for f in fake.gateway_received if f.get("op") == 6]
    assert len(resumes) == 1 and resumes[0]["d"]["session_id"] == session_id
    assert resumes[0]["d"]["seq"] >= 2  # READY and GUILD_CREATE were seen before the drop
    assert fake.session.identifies == 1 and fake.session.resumes == 1  # no second IDENTIFY
    again = await fake.slash("verify", {"quote": EXCELLENT}, member=fake.bob)
    assert again.reply["embeds"]


async def test_identify_asks_for_no_privileged_intents(env):
    identify = next(f for f in env.fake.gateway_received if f.get("op") == 2)
    assert identify["d"]["intents"] & PRIVILEGED_INTENTS == 0


async def test_interaction_tokens_never_reach_the_logs(env, caplog):
    caplog.set_level(logging.DEBUG)
    rec = await env.fake.slash("verify", {"quote": EXCELLENT})
    more = await env.fake.click(rec.reply, "More context")
    messages = [r.getMessage() for r in caplog.records]
    assert messages, "discord.py logged nothing at DEBUG"
    for token in (rec.token, more.token, env.fake.token):
        assert not any(token in m for m in messages)
    assert any("[redacted]" in m for m in messages)  # the URLs were logged, with the token cut out


async def test_the_bot_does_not_sync_on_start(env):
    puts = [r for r in env.fake.requests if r.method == "PUT"]
    assert len(puts) == 1  # the one `quotecheck sync` made before the bot started
    logins = [i for i, r in enumerate(env.fake.requests) if r.path.endswith("/users/@me")]
    assert len(logins) == 2 and env.fake.requests.index(puts[0]) < logins[1]


async def test_owner_can_sync_from_discord_and_others_cannot(env):
    fake = env.fake
    rec = await fake.slash("sync", {"scope": "here"}, member=fake.owner)
    assert rec.ephemeral and "Registered" in rec.text()
    assert any(r.method == "PUT" and f"/guilds/{fake.guild_id}/commands" in r.path for r in fake.requests)
    admin = fake.add_member("adam", permissions=fake.owner.permissions)
    refused = await fake.slash("sync", {"scope": "global"}, member=admin)
    assert refused.ephemeral and "owner" in refused.text()
    with pytest.raises(NotPermitted):
        await fake.slash("sync", member=fake.moderator)


async def test_commands_are_guild_only_where_they_must_be(env):
    commands = {c["name"]: c for c in env.fake.commands[None]}
    assert set(commands) >= {"verify", "search", "source", "corpus", "sync", "Verify quotes"}
    corpus = commands["corpus"]
    assert int(corpus["default_member_permissions"]) == 1 << 13  # Manage Messages
    assert corpus.get("contexts") == [0] or corpus.get("dm_permission") is False
    quote = next(o for o in commands["verify"]["options"] if o["name"] == "quote")
    image = next(o for o in commands["verify"]["options"] if o["name"] == "image")
    # A quote or a picture of one: neither option alone is required, the bot asks for one of them.
    assert quote["max_length"] == 1000 and not quote.get("required") and image["type"] == 11 and not image.get("required")
    assert any(o.get("autocomplete") for o in commands["verify"]["options"] if o["name"] == "speaker")


async def test_a_command_in_flight_survives_a_gateway_drop(env):
    from tests.chat.test_e2e_errors import SlowService

    fake = env.fake
    slow = SlowService(env.service)
    env.bot.service = slow
    pending = await fake.slash("verify", {"quote": EXCELLENT}, wait=False)
    await fake.wait_until(lambda: pending.callback_type == 5)
    await fake.disconnect_gateway(code=4000)
    slow.release.set()  # the lookup finishes while the websocket is down: the answer goes over REST
    await fake.wait_until(lambda: pending.complete)
    assert pending.reply["embeds"][0]["title"].startswith("✅")
    await fake.wait_until(lambda: fake.session.resumes == 1)
    assert fake.session.identifies == 1
