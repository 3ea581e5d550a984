"""End to end: /verify, its autocomplete and its buttons, through the real discord.py client and the local server."""

from __future__ import annotations

import asyncio
import re

import pytest

from tests.fakediscord import ClientRefused

pytestmark = pytest.mark.e2e

EXCELLENT = "The tone and spirit of the conversation were excellent"


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def assert_clean(fake) -> None:
    """Nothing the bot sent broke a Discord limit, and nothing would have notified anyone."""
    assert fake.limit_violations() == []
    assert fake.pinged == []


async def test_verify_answers_with_verdict_source_date_and_context(env):
    fake = env.fake
    rec = await fake.slash("verify", {"quote": EXCELLENT, "speaker": "Trump"})
    assert rec.callback_type == 5  # deferred before the lookup
    embed = rec.reply["embeds"][0]
    text = unescape(rec.text())
    assert embed["title"].startswith("✅ Verified")
    assert embed["color"] == 0x2ECC71
    assert "Donald Trump" in text
    assert "2025-05-19" in text
    assert "social media post" in text  # the sentence before the statement
    assert "NPR" in text
    assert not rec.ephemeral
    assert {"More context", "Report a problem"} <= set(rec.buttons())
    assert_clean(fake)


async def test_altered_quote_marks_the_difference(env):
    rec = await env.fake.slash("verify", {"quote": "The tone and spirit of the conversation were terrible"})
    embed = rec.reply["embeds"][0]
    assert embed["title"].startswith("🟧 Altered")
    assert "**__terrible__**" in embed["description"]  # the changed word, marked in the quote as submitted
    assert any(f["name"] == "Differences" and "terrible" in f["value"] for f in embed["fields"])


async def test_misattributed_names_the_real_speaker(env):
    rec = await env.fake.slash("verify", {"quote": EXCELLENT, "speaker": "Vladimir Putin"})
    embed = rec.reply["embeds"][0]
    assert embed["title"].startswith("🟥 Misattributed")
    speaker = next(f["value"] for f in embed["fields"] if f["name"] == "Speaker")
    assert "Donald Trump" in speaker and "Vladimir Putin" in speaker


async def test_unverified_quote(env):
    rec = await env.fake.slash("verify", {"quote": "Bananas are the official currency of the moon colony"})
    embed = rec.reply["embeds"][0]
    assert embed["title"].startswith("⬜ Unverified")
    assert "More context" not in rec.buttons()
    assert "Report a problem" in rec.buttons()


async def test_speaker_autocomplete_offers_corpus_speakers(env):
    rec = await env.fake.autocomplete("verify", {"quote": "x", "speaker": "Vla"}, focused="speaker")
    assert rec.callback_type == 8
    names = [c["name"] for c in rec.callback["choices"]]
    assert names[0] == "Vladimir Putin"  # the best match first
    assert all(c["value"] == c["name"] for c in rec.callback["choices"])
    assert env.fake.limit_violations() == []


async def test_more_context_button_shows_surroundings_privately(env):
    fake = env.fake
    rec = await fake.slash("verify", {"quote": EXCELLENT})
    click = await fake.click(rec.reply, "More context", member=fake.bob)
    assert click.callback_type == 5  # deferred privately: the statement is read from the database
    assert click.ephemeral
    text = unescape(click.text())
    assert "social media post" in text and "back out of the process" in text
    assert_clean(fake)


async def test_other_matches_button_lists_alternatives(env):
    fake = env.fake
    rec = await fake.slash("verify", {"quote": "Russia is ready to work toward peace in Ukraine"})
    assert "Other matches" in rec.buttons()
    click = await fake.click(rec.reply, "Other matches")
    assert click.ephemeral
    ids = re.findall(r"`([0-9a-z]+)`", click.text())
    assert ids and all(env.service.get(i) is not None for i in ids)


async def test_report_button_opens_a_modal_and_queues_the_report(env):
    fake = env.fake
    rec = await fake.slash("verify", {"quote": "Bananas are the official currency of the moon colony"})
    shown = await fake.click(rec.reply, "Report a problem")
    assert shown.callback_type == 9
    submitted = await fake.submit_modal(shown, {"What is wrong?": "It was in a 2019 speech"})
    assert submitted.ephemeral
    assert "review queue" in unescape(submitted.text())
    reports = env.service.open_reports(int(fake.guild_id))
    assert [r.note for r in reports] == ["It was in a 2019 speech"]
    assert reports[0].reporter and fake.alice.user.id in reports[0].reporter
    assert_clean(fake)


async def test_quote_over_the_limit_is_refused_privately_even_through_the_raw_api(env):
    fake = env.fake
    with pytest.raises(ClientRefused):  # the Discord app enforces the option's max_length…
        await fake.slash("verify", {"quote": "a" * 1001})
    rec = await fake.slash("verify", {"quote": "a" * 1001}, raw=True)  # …and the bot checks again
    assert rec.callback_type == 4 and rec.ephemeral
    assert "1000" in rec.text()


async def test_mentions_and_markdown_in_quotes_and_corpus_never_ping(env):
    fake = env.fake
    quote = f"@everyone listen: the harbour is <@&{fake.guild_id}> closed <@{fake.bob.user.id}> ＠ｈｅｒｅ"
    rec = await fake.slash("verify", {"quote": quote})
    assert_clean(fake)
    description = rec.reply["embeds"][0]["description"]
    assert "@everyone" not in description.replace("\\@everyone", "")
    assert "<@" not in description.replace("\\<\\@", "")
    hostile = await fake.slash("source", {"id": "hostile0000000001"})
    body = hostile.text()
    assert "\\@everyone" in body and "https://evil" not in body.replace("https\\:", "")
    for message in fake.messages.values():
        if message["author"]["id"] == fake.bot_user.id:
            assert "@everyone" not in re.sub(r"\\@everyone", "", message["content"])
    for request in fake.requests:
        body = request.body or {}
        payload = body.get("data", body) if isinstance(body, dict) else {}
        if isinstance(payload, dict) and ("content" in payload or "embeds" in payload):
            assert payload.get("allowed_mentions", {}).get("parse") == []


async def test_oversize_corpus_text_stays_within_discord_limits(env):
    fake = env.fake
    long_words = "We will build the bridge across the river and every town along the valley will share in the work"
    rec = await fake.slash("verify", {"quote": long_words})
    assert rec.reply["embeds"], rec.errors
    source = await fake.slash("source", {"id": "longstatement0001"})
    more = await fake.click(rec.reply, "More context")
    assert source.reply["embeds"] and more.reply["embeds"]
    assert fake.limit_violations() == []


async def test_lookup_cooldown_answers_privately(service, chat_settings):
    from tests.chat.conftest import start_env, stop_env

    env, task = await start_env(service, chat_settings, lookup_rate=2, lookup_cooldown=60.0)
    try:
        fake = env.fake
        for _ in range(2):
            ok = await fake.slash("verify", {"quote": EXCELLENT}, member=fake.bob)
            assert not ok.ephemeral
        limited = await fake.slash("verify", {"quote": EXCELLENT}, member=fake.bob)
        assert limited.callback_type == 4 and limited.ephemeral
        assert "try again" in limited.text()
        other = await fake.slash("verify", {"quote": EXCELLENT}, member=fake.alice)  # per user
        assert not other.ephemeral
    finally:
        await stop_env(env, task)


async def test_moderator_buttons_are_greyed_out_when_the_view_times_out(env, monkeypatch):
    import bot.chat.views as views

    monkeypatch.setattr(views, "VIEW_TIMEOUT", 0.3)
    fake = env.fake
    await fake.slash("verify", {"quote": "Bananas are the official currency of the moon colony"})
    rec = await fake.slash("corpus review", member=fake.moderator)
    message_id = rec.reply["id"]
    assert fake.messages[message_id]["components"]

    def disabled() -> bool:
        rows = fake.messages[message_id]["components"]
        return bool(rows) and all(c.get("disabled") for row in rows for c in row["components"])

    await fake.wait_until(disabled, timeout=5)


async def test_result_buttons_do_not_time_out(env, monkeypatch):
    import bot.chat.views as views

    monkeypatch.setattr(views, "VIEW_TIMEOUT", 0.1)
    fake = env.fake
    rec = await fake.slash("verify", {"quote": EXCELLENT})
    await asyncio.sleep(0.4)
    assert not any(c.get("disabled") for row in fake.messages[rec.reply["id"]]["components"] for c in row["components"])
    click = await fake.click(fake.messages[rec.reply["id"]], "More context")
    assert "social media post" in unescape(click.text())


async def test_a_paraphrase_is_not_found_word_for_word_and_names_the_closest_statements(env):
    rec = await env.fake.slash("verify", {"quote": "The Russian president wants the Ukraine crisis settled peacefully"})
    embed = rec.reply["embeds"][0]
    text = unescape(rec.text())
    assert embed["title"].startswith("⬜ Unverified")
    assert "Not found word for word. Closest statements in the corpus:" in text
    assert "1. Vladimir Putin, 2025-05-19: “Russia is for a peaceful settlement" in text.replace("**", "")
    assert_clean(env.fake)


async def test_a_claim_about_nothing_in_the_corpus_says_nothing_is_close(env):
    rec = await env.fake.slash("verify", {"quote": "The moon landing was filmed in a studio in Nevada"})
    text = unescape(rec.text())
    assert "Not found word for word. No statement in the corpus is close enough to show as related." in text
