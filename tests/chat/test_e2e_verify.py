"""End to end: /verify through the real discord.py client and the local Discord server."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


async def test_verify_answers_with_verdict_source_date_and_context(env):
    fake = env.fake
    rec = await fake.slash("verify", {"quote": "The tone and spirit of the conversation were excellent", "speaker": "Trump"})
    assert rec.callback_type == 5  # deferred before the lookup
    embed = rec.reply["embeds"][0]
    text = unescape(rec.text())
    assert embed["title"].startswith("✅ Verified")
    assert "Donald Trump" in text
    assert "2025-05-19" in text
    assert "social media post" in text  # context before the statement
    assert not rec.ephemeral
    assert set(rec.buttons()) == {"More context", "Report a problem"} | ({"Other matches"} & set(rec.buttons()))
    assert fake.limit_violations() == []
    assert fake.pinged == []

