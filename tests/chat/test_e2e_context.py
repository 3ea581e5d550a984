"""End to end: a quote whose elision or cut leaves out words that carry the sense, and one with a typo,
through the real discord.py client and the local server, on real 1992 debate and 1948 State of the Union sentences."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.config import Settings

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "corpus" / "000_41f3c08ac7623368.txt"
HOSTILE = Path(__file__).parent / "fixtures" / "hostile.jsonl"
STATEMENTS = ROOT / "tests" / "fixtures" / "context" / "statements.jsonl"


@pytest.fixture
def chat_settings(tmp_path: Path) -> Settings:
    """The usual chat corpus (the seed article, hostile statements) plus the real debate and speech sentences."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    shutil.copy(HOSTILE, corpus / "hostile.jsonl")
    shutil.copy(STATEMENTS, corpus / "context.jsonl")
    return Settings(database_url=f"sqlite:///{tmp_path / 'quotecheck.sqlite'}", bundled=(str(corpus),))


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


async def test_an_elided_negation_is_altered_and_the_reply_shows_what_was_left_out(env):
    quote = "I will ... raise taxes on the middle class to pay for these programs."
    rec = await env.fake.slash("verify", {"quote": quote, "speaker": "Bill Clinton"})
    embed = rec.reply["embeds"][0]
    assert embed["title"].startswith("🟧 Altered")
    first = unescape(embed["description"]).splitlines()[0]
    assert first == "The quote leaves out **not**: “I will **__not__** raise taxes on the middle...”"
    differences = next(f["value"] for f in embed["fields"] if f["name"] == "Differences")
    assert unescape(differences).splitlines()[0] == "⚠️ left out “not” (negation)"
    assert env.fake.limit_violations() == [] and env.fake.pinged == []


async def test_a_cut_condition_in_a_message_is_named_and_a_typo_stays_close(env):
    fake = env.fake
    message = fake.post_message(
        'Truman said "the United States can be an effective force for world peace" and Clinton said '
        '"I will not raise taxes on the middle class to pay for thuse programs."'
    )
    rec = await fake.message_command("Verify quotes", message)
    embeds = rec.reply["embeds"]
    assert len(embeds) == 2
    assert embeds[0]["title"].startswith("🟧 Altered")
    assert "The quote leaves out **only if it is strong**" in unescape(embeds[0]["description"])
    assert embeds[1]["title"].startswith("🟦 Close")
    assert "leaves out" not in embeds[1]["description"]
    assert fake.limit_violations() == [] and fake.pinged == []
