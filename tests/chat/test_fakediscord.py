"""The local Discord server itself refuses what Discord refuses (so the end-to-end tests can trust it)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.fakediscord import FakeDiscord
from tests.fakediscord.limits import check_message, pings
from tests.fakediscord.state import GatewaySession


@pytest.fixture
async def served() -> AsyncIterator[tuple[FakeDiscord, aiohttp.ClientSession]]:
    fake = FakeDiscord()
    await fake.start()
    fake.session = GatewaySession("no-bot")  # events queue up as for a disconnected bot
    async with aiohttp.ClientSession() as http:
        auth = {"Authorization": f"Bot {fake.token}"}
        url = f"{fake.api_base}/applications/{fake.app_id}/commands"
        async with http.put(url, json=[{"name": "echo", "description": "Echo", "type": 1}], headers=auth) as resp:
            assert resp.status == 200
        yield fake, http
    await fake.close()


async def _post(http: aiohttp.ClientSession, url: str, body: dict) -> tuple[int, dict | None, aiohttp.typedefs.LooseHeaders]:
    async with http.post(url, json=body) as resp:
        data = await resp.json(content_type=None) if resp.status != 204 else None
        return resp.status, data, resp.headers


def _callback(fake: FakeDiscord, rec) -> str:
    return f"{fake.api_base}/interactions/{rec.id}/{rec.token}/callback?with_response=1"


@pytest.mark.parametrize("data", [
    {"content": "x" * 2001},
    {"embeds": [{"description": "x" * 4097}]},
    {"embeds": [{"description": "x" * 3001}, {"description": "x" * 3000}]},
    {"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]},
    {"embeds": [{"title": "t" * 257}]},
    {"content": ""},
])
async def test_oversize_or_empty_messages_get_400(served, data):
    fake, http = served
    rec = await fake.slash("echo", wait=False)
    status, body, _ = await _post(http, _callback(fake, rec), {"type": 4, "data": data})
    assert status == 400 and body["code"] in (50035, 50006)
    assert rec.callback_type is None  # refused: not acknowledged


async def test_second_acknowledgement_is_40060_and_json_has_the_exact_content_type(served):
    fake, http = served
    rec = await fake.slash("echo", wait=False)
    async with http.post(_callback(fake, rec), json={"type": 4, "data": {"content": "hi"}}) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "application/json"  # discord.py needs it exactly
        assert (await resp.json())["resource"]["message"]["content"] == "hi"
    status, body, _ = await _post(http, _callback(fake, rec), {"type": 4, "data": {"content": "again"}})
    assert status == 400 and body["code"] == 40060


async def test_acknowledging_after_the_window_is_10062(served):
    fake, http = served
    fake.window = 0.05
    rec = await fake.slash("echo", wait=False)
    await asyncio.sleep(0.1)
    status, body, _ = await _post(http, _callback(fake, rec), {"type": 5, "data": {}})
    assert status == 404 and body["code"] == 10062


async def test_injected_429_carries_what_discord_py_needs_to_retry(served):
    fake, http = served
    fake.inject_429("POST", r"/callback$", retry_after=0.25)
    rec = await fake.slash("echo", wait=False)
    status, body, headers = await _post(http, _callback(fake, rec), {"type": 4, "data": {"content": "hi"}})
    assert status == 429 and body["retry_after"] == 0.25 and body["global"] is False
    assert "Via" in headers
    status, _, _ = await _post(http, _callback(fake, rec), {"type": 4, "data": {"content": "hi"}})
    assert status == 200


async def test_rest_needs_the_bot_token(served):
    fake, http = served
    async with http.get(f"{fake.api_base}/users/@me") as resp:
        assert resp.status == 401
    async with http.get(f"{fake.api_base}/users/@me", headers={"Authorization": f"Bot {fake.token}"}) as resp:
        assert (await resp.json())["id"] == fake.app_id


async def test_followup_before_acknowledgement_is_refused(served):
    fake, http = served
    rec = await fake.slash("echo", wait=False)
    status, body, _ = await _post(http, f"{fake.api_base}/webhooks/{fake.app_id}/{rec.token}?wait=1", {"content": "hi"})
    assert status == 404 and body["code"] == 10015


def test_limits_accept_a_message_exactly_at_the_limits():
    assert check_message({"content": "x" * 2000}) == []
    embed = {"description": "x" * 4096, "fields": [{"name": "n", "value": "v" * 1024}], "title": "t" * 256}
    assert check_message({"embeds": [embed]}) == []


def test_pings_follow_allowed_mentions_and_defaults():
    content = "@everyone <@12> <@&34>"
    assert pings(content, {"parse": []}, default_parse=("users",)) == []
    assert pings(content, None, default_parse=("users",)) == ["<@12>"]
    assert set(pings(content, None, default_parse=("users", "roles", "everyone"))) == {"@everyone", "<@12>", "<@&34>"}
    assert pings(content, {"parse": [], "roles": ["34"]}, default_parse=()) == ["<@&34>"]


async def test_channel_lookup(served):
    fake, http = served
    auth = {"Authorization": f"Bot {fake.token}"}
    async with http.get(f"{fake.api_base}/channels/{fake.channel_id}", headers=auth) as resp:
        assert (await resp.json())["id"] == fake.channel_id
    async with http.get(f"{fake.api_base}/channels/1", headers=auth) as resp:
        assert resp.status == 404
