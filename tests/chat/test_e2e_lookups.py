"""End to end: /search with its pages, /source, the `Verify quotes` message menu, per-server visibility."""

from __future__ import annotations

import re

import pytest

from bot.core.model import SourceInfo, StatementRecord
from tests.fakediscord import ClientRefused

pytestmark = pytest.mark.e2e


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def ids_in(text: str) -> list[str]:
    return re.findall(r"`([0-9a-z]+)`", text)


async def test_search_pages_through_results_with_buttons(env):
    fake = env.fake
    rec = await fake.slash("search", {"query": "Russia Ukraine peace"})
    first = rec.reply
    footer = first["embeds"][0]["footer"]["text"]
    pages = int(re.search(r"Page 1/(\d+)", footer).group(1))
    assert pages >= 2, footer
    buttons = rec.buttons()
    assert buttons["◀ Previous"].get("disabled") and not buttons["Next ▶"].get("disabled")
    page_one = ids_in(first["embeds"][0]["description"])
    turned = await fake.click(first, "Next ▶")
    assert turned.callback_type == 6  # acknowledged, then the message itself is edited
    message = fake.messages[first["id"]]
    assert "Page 2/" in message["embeds"][0]["footer"]["text"]
    page_two = ids_in(message["embeds"][0]["description"])
    assert page_two and not set(page_two) & set(page_one)
    back = await fake.click(message, "◀ Previous")
    assert back.callback_type == 6
    assert ids_in(fake.messages[first["id"]]["embeds"][0]["description"]) == page_one
    assert fake.limit_violations() == []


async def test_only_the_searcher_can_turn_pages(env):
    fake = env.fake
    rec = await fake.slash("search", {"query": "Russia Ukraine peace"}, member=fake.alice)
    other = await fake.click(rec.reply, "Next ▶", member=fake.bob)
    assert other.callback_type == 4 and other.ephemeral
    assert "Page 1/" in fake.messages[rec.reply["id"]]["embeds"][0]["footer"]["text"]


async def test_search_filters_by_speaker_and_dates(env):
    fake = env.fake
    rec = await fake.slash("search", {"query": "Russia peace", "speaker": "Vladimir Putin", "from": "2025", "to": "2025-05"})
    found = ids_in(rec.reply["embeds"][0]["description"])
    assert found
    assert all(env.service.get(i).speaker == "Vladimir Putin" for i in found)
    none = await fake.slash("search", {"query": "Russia peace", "from": "2026-01-01"})
    assert ids_in(none.reply["embeds"][0]["description"]) == []
    bad = await fake.slash("search", {"query": "Russia", "from": "May 2025"})
    assert bad.ephemeral and "YYYY" in bad.text()


async def test_source_shows_the_whole_statement(env):
    fake = env.fake
    rec = await fake.slash("source", {"id": "891d9e292a85b299"})
    text = unescape(rec.text())
    assert "memorandum on a possible future peace accord" in text
    assert "Vladimir Putin" in text and "2025-05-19" in text
    missing = await fake.slash("source", {"id": "doesnotexist"})
    assert missing.ephemeral and "no statement" in missing.text().lower()
    # The public "thinking…" placeholder was removed rather than left hanging.
    assert missing.original is None or missing.original.get("flags", 0) & 64


async def test_statements_added_in_another_server_stay_there(env):
    fake = env.fake
    elsewhere = env.service.add(
        StatementRecord(text="Our harbour festival returns every June with fireworks over the bay",
                        speaker="Harbour Master", source=SourceInfo(title="Other server note", kind="statements")),
        actor="test", guild_id=int(fake.guild_id) + 1,
    )
    rec = await fake.slash("source", {"id": elsewhere.id})
    assert rec.ephemeral
    verify = await fake.slash("verify", {"quote": "Our harbour festival returns every June with fireworks over the bay"})
    assert verify.reply["embeds"][0]["title"].startswith("⬜ Unverified")


async def test_verify_quotes_menu_checks_every_quotation_in_a_message(env):
    fake = env.fake
    message = fake.post_message(
        'Apparently Trump said "The tone and spirit of the conversation were terrible" and '
        'Zelenskyy said "If the Russians are not ready to stop the killings, there must be stronger sanctions."'
    )
    rec = await fake.message_command("Verify quotes", message)
    embeds = rec.reply["embeds"]
    assert len(embeds) == 2
    titles = [e["title"] for e in embeds]
    assert titles[0].startswith("🟧 Altered")
    assert titles[1].startswith(("✅ Verified", "🟦 Close"))
    assert "Checked 2 quotations" in rec.reply["content"]
    assert fake.limit_violations() == [] and fake.pinged == []


async def test_verify_quotes_menu_without_quotations_answers_privately(env):
    fake = env.fake
    message = fake.post_message("nothing quoted here, just chatting @everyone")
    rec = await fake.message_command("Verify quotes", message)
    assert rec.ephemeral and "no quotation" in rec.text().lower()


async def test_menu_on_a_message_full_of_quotes_stays_within_limits(env):
    fake = env.fake
    quote = "We will build the bridge across the river and every town along the valley will share in the work"
    message = fake.post_message(" ".join(f'Long Winded said "{quote} number {i}."' for i in range(12))[:4000])
    rec = await fake.message_command("Verify quotes", message)
    assert 1 <= len(rec.reply["embeds"]) <= 5
    assert fake.limit_violations() == []


async def test_unknown_option_is_refused_by_the_client(env):
    with pytest.raises(ClientRefused):
        await env.fake.slash("search", {"words": "x"})
