"""End to end: chat syntax pasted around a quote is not part of it, and is never echoed as a ping."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e

EXCELLENT = "The tone and spirit of the conversation were excellent"


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


async def test_mentions_markers_emoji_and_timestamps_around_a_quote_leave_it_verified(env):
    fake = env.fake
    pasted = (f"> @everyone <@&{fake.guild_id}> <@{fake.bob.user.id}> ＠ｈｅｒｅ `{EXCELLENT}` "
              f"<:thumbsup:112233445566778899> <t:1716110000:R>")
    rec = await fake.slash("verify", {"quote": pasted, "speaker": "Trump"})
    embed = rec.reply["embeds"][0]
    assert embed["title"].startswith("✅ Verified"), embed["title"]
    description = unescape(embed["description"])
    assert EXCELLENT in description  # the quote as matched
    for syntax in ("everyone", "<@", "ｈｅｒｅ", "<t:", "<:thumbsup", "`"):
        assert syntax not in description
    assert fake.pinged == [] and fake.limit_violations() == []


async def test_a_role_mention_in_front_of_a_correct_quote_is_not_an_insertion(env):
    rec = await env.fake.slash("verify", {"quote": f"<@&{env.fake.guild_id}> {EXCELLENT}"})
    embed = rec.reply["embeds"][0]
    assert embed["title"].startswith("✅ Verified"), embed["title"]
    assert not any(f["name"] == "Differences" for f in embed["fields"])


async def test_only_chat_syntax_is_refused_privately(env):
    rec = await env.fake.slash("verify", {"quote": "@everyone <@&1> <t:1716110000:R>"})
    assert rec.ephemeral and "empty" in unescape(rec.text())
    assert env.fake.pinged == []
