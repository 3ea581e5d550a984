"""End to end: the buttons under lookups answer after the bot restarts, and crafted custom ids get a clear no."""

from __future__ import annotations

import copy
import re

import pytest

from bot.chat.buttons import EXPIRED, UNKNOWN, button_refs
from tests.chat.conftest import connect_bot, start_env, stop_bot, stop_env
from tests.fakediscord.state import snowflake

pytestmark = pytest.mark.e2e

EXCELLENT = "The tone and spirit of the conversation were excellent"
PEACE = "Russia is ready to work toward peace in Ukraine"


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def ids_in(text: str) -> list[str]:
    return re.findall(r"`([0-9a-z]+)`", text)


def with_custom_id(fake, message: dict, label: str, custom_id: str) -> dict:
    """A copy of `message` (under a new id) whose button `label` carries `custom_id`, as a modified client could send."""
    crafted = copy.deepcopy(fake.messages[message["id"]])
    crafted["id"] = snowflake()
    for row in crafted["components"]:
        for child in row["components"]:
            if child.get("label") == label:
                child["custom_id"] = custom_id
                child["disabled"] = False
    fake.messages[crafted["id"]] = crafted
    return crafted


async def test_every_button_answers_after_a_restart(service, chat_settings):
    from bot.service import QuoteService

    first, first_task = await start_env(service, chat_settings)
    fake = first.fake
    verified = (await fake.slash("verify", {"quote": EXCELLENT})).reply
    resembling = (await fake.slash("verify", {"quote": PEACE})).reply
    search = (await fake.slash("search", {"query": "Russia Ukraine peace"})).reply
    before = await fake.click(verified, "More context")
    assert "social media post" in unescape(before.text())
    form_open_during_restart = await fake.click(verified, "Report a problem", member=fake.bob)
    assert form_open_during_restart.callback_type == 9

    # A new process: a new service on the same database, a new client from the factory, the same Discord.
    await stop_bot(first, first_task)
    assert first.bot.is_closed()
    service = QuoteService.open(chat_settings, load_bundled=True, progress=False)
    restarted, task = await connect_bot(fake, service, first.settings)
    assert restarted.bot is not first.bot
    try:
        context = await fake.click(verified, "More context", member=fake.bob)
        assert context.ephemeral and "social media post" in unescape(context.text())

        others = await fake.click(resembling, "Other matches")
        assert others.ephemeral
        alternatives = ids_in(others.text())
        assert alternatives and all(service.get(i) is not None for i in alternatives)

        shown = await fake.click(resembling, "Report a problem")
        assert shown.callback_type == 9
        submitted = await fake.submit_modal(shown, {"What is wrong?": "Said on another day"})
        assert "review queue" in unescape(submitted.text())
        [report] = service.open_reports(int(fake.guild_id))
        assert report.quote == PEACE and report.note == "Said on another day"
        # A form opened before the restart and sent after it is received too.
        late = await fake.submit_modal(form_open_during_restart, {"What is wrong?": "Typed across the restart"})
        assert "review queue" in unescape(late.text())
        reports = service.open_reports(int(fake.guild_id))
        assert [(r.quote, r.note) for r in reports][-1] == (EXCELLENT, "Typed across the restart")
        assert str(fake.bob.user.id) in reports[-1].reporter

        page_one = ids_in(search["embeds"][0]["description"])
        turned = await fake.click(search, "Next ▶")
        assert not turned.errors
        message = fake.messages[search["id"]]
        assert "Page 2/" in message["embeds"][0]["footer"]["text"]
        page_two = ids_in(message["embeds"][0]["description"])
        assert page_two and not set(page_two) & set(page_one)
        assert fake.refused() == [] and fake.pinged == []
    finally:
        await stop_env(restarted, task)
        service.close()


async def test_crafted_custom_ids_get_a_clear_private_answer(env):
    fake = env.fake
    verified = (await fake.slash("verify", {"quote": EXCELLENT})).reply
    cases = {
        "qc:alt:AAAAAAAAAAAAAAAAAAAAAA": EXPIRED,  # a reference that was never handed out
        "qc:rep:../../etc": UNKNOWN,  # not even shaped like a reference
        "qc:page:nope": UNKNOWN,
        "qc:zzz:1": UNKNOWN,  # a kind of button this bot does not have
        "qc:ctx:a\nb": UNKNOWN,
        "qc:page:\n": UNKNOWN,
        "qc:ctx:no-such-statement": "no longer in this server's corpus",
    }
    for custom_id, expected in cases.items():
        crafted = with_custom_id(fake, verified, "More context", custom_id)
        answer = await fake.click(crafted, custom_id)
        assert answer.ephemeral, custom_id
        assert expected in answer.text(), (custom_id, answer.text())


async def test_a_crafted_report_form_is_refused(env):
    fake = env.fake
    rec = await fake.slash("verify", {"quote": PEACE})
    foreign = button_refs(env.bot).save("result", {"quote": "another server's words"},
                                       guild_id=int(fake.guild_id) + 1, user_id=fake.alice.user.id)
    for custom_id, expected in ((f"qc:repform:{foreign}", EXPIRED), ("qc:repform:<@everyone>", UNKNOWN)):
        shown = await fake.click(rec.reply, "Report a problem")
        shown.callback["custom_id"] = custom_id  # as a modified client could send it
        answer = await fake.submit_modal(shown, {"What is wrong?": "crafted"})
        assert answer.ephemeral and expected in answer.text(), (custom_id, answer.text())
    assert env.service.open_reports(int(fake.guild_id)) == []


async def test_another_servers_reference_finds_nothing(env):
    fake = env.fake
    rec = await fake.slash("verify", {"quote": PEACE})
    # A reference written for another server (same kind of button), slipped into this server's message.
    foreign = button_refs(env.bot).save("result", {"quote": "secret words of another server", "alternatives": []},
                                       guild_id=int(fake.guild_id) + 1, user_id=fake.alice.user.id)
    crafted = with_custom_id(fake, rec.reply, "Other matches", f"qc:alt:{foreign}")
    answer = await fake.click(crafted, f"qc:alt:{foreign}")
    assert answer.ephemeral and EXPIRED in answer.text()
    report = with_custom_id(fake, rec.reply, "Report a problem", f"qc:rep:{foreign}")
    refused = await fake.click(report, f"qc:rep:{foreign}")
    assert refused.callback_type == 4 and EXPIRED in refused.text()  # no form opened for another server's quote


async def test_another_servers_statement_is_not_shown(env):
    from bot.core.model import SourceInfo, StatementRecord

    fake = env.fake
    other_guild = int(fake.guild_id) + 1
    secret = env.service.add(
        StatementRecord(text="Only the other server knows these words", speaker="Someone Else",
                        source=SourceInfo(title="Elsewhere", kind="statements")),
        actor="test", guild_id=other_guild)
    verified = (await fake.slash("verify", {"quote": EXCELLENT})).reply
    crafted = with_custom_id(fake, verified, "More context", f"qc:ctx:{secret.id}")
    answer = await fake.click(crafted, f"qc:ctx:{secret.id}")
    assert answer.ephemeral and "Only the other server" not in answer.text()
    assert "no longer in this server's corpus" in answer.text()


async def test_a_page_out_of_range_shows_the_last_page(env):
    fake = env.fake
    search = (await fake.slash("search", {"query": "Russia Ukraine peace"})).reply
    footer = search["embeds"][0]["footer"]["text"]
    pages = int(re.search(r"Page 1/(\d+)", footer).group(1))
    next_id = fake.messages[search["id"]]["components"][0]["components"][1]["custom_id"]
    far = re.sub(r":\d+$", ":999", next_id)
    crafted = with_custom_id(fake, search, "Next ▶", far)
    await fake.click(crafted, far)
    assert f"Page {pages}/{pages}" in fake.messages[crafted["id"]]["embeds"][0]["footer"]["text"]


async def test_if_the_buttons_cannot_be_stored_the_answer_still_goes_out(env, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from bot.store.buttons import ButtonRefs

    def refuse(*args, **kwargs):
        raise OperationalError("INSERT INTO button_refs", {}, Exception("database is locked"))

    monkeypatch.setattr(ButtonRefs, "save", refuse)
    fake = env.fake
    rec = await fake.slash("verify", {"quote": EXCELLENT})
    assert rec.reply["embeds"][0]["title"].startswith("✅ Verified")
    assert set(rec.buttons()) == {"More context"}  # the one button that needs nothing stored
    search = await fake.slash("search", {"query": "Russia Ukraine peace"})
    assert "Page 1/" in search.reply["embeds"][0]["footer"]["text"] and not search.buttons()


async def test_a_quote_with_control_characters_is_stored_for_the_report(env):
    fake = env.fake
    quote = "Bananas \x00 are the \x07 official currency of the moon colony"
    rec = await fake.slash("verify", {"quote": quote}, raw=True)
    assert "Report a problem" in rec.buttons(), rec.text()
    shown = await fake.click(rec.reply, "Report a problem")
    submitted = await fake.submit_modal(shown, {"What is wrong?": "odd characters\x01"})
    assert "review queue" in unescape(submitted.text()), submitted.text()
    [report] = env.service.open_reports(int(fake.guild_id))
    # The control characters the database cannot hold are dropped; the words reach the moderators.
    assert report.note == "odd characters"
    assert report.quote == "Bananas  are the  official currency of the moon colony"
