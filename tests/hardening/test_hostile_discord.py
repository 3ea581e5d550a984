"""Every bad input of security.md through the real discord.py client and the local Discord server.

Each gets an answer or a clear private refusal; no message pings anyone (allowed_mentions parse=[] on every
message, no live mention in any text even after NFKC), none breaks a limit or ends in half an escape, no
unexpected error, and no other server's statement ever shows.
"""

from __future__ import annotations

import json
import logging
import time

import pytest

from bot.core.invisible import remove_invisible
from bot.core.model import SourceInfo, StatementRecord
from tests.fakediscord import Attachment
from tests.hardening.checks import message_payloads, problems
from tests.strategies import bad_inputs, limited

pytestmark = pytest.mark.e2e

SHARED_WORDS = "The tone and spirit of the conversation were excellent"
OTHER_GUILD = 999_000_111
OTHER_WORDS = "The secret harbour tunnel opens to members of the other server only"
UNEXPECTED = "Something went wrong on our side"


@pytest.fixture
async def roomy(service, chat_settings):
    """The end-to-end environment without the per-member lookup cooldown (this test sends hundreds)."""
    from tests.hardening.conftest import start_env, stop_env

    env, task = await start_env(service, chat_settings, lookup_rate=1_000_000)
    try:
        yield env
    finally:
        await stop_env(env, task)


def other_servers_statement(service) -> str:
    record = StatementRecord(OTHER_WORDS, "Secret Keeper", SourceInfo(title="Members only", url="https://example.org/s"))
    return service.add(record, actor="other", guild_id=OTHER_GUILD).id


def checkable(quote: str) -> bool:
    from bot.service import QuoteError, clean_quote

    try:
        clean_quote(quote)
    except QuoteError:
        return False
    return True


def latency(rec) -> float:
    return (rec.acked_at or time.monotonic()) - rec.created


async def test_every_bad_input_to_verify_is_answered_safely(roomy, caplog):
    fake = roomy.fake
    caplog.set_level(logging.ERROR)
    inputs = bad_inputs(fake.guild_id)
    slowest = slowest_answer = 0.0
    refused: set[str] = set()
    answered = 0
    for name, quote in inputs.items():
        # Over 1,000 characters the Discord app refuses to send; a crafted client sends it through the raw API.
        raw = len(quote) > 1000 or not quote
        rec = await fake.slash("verify", {"quote": quote}, member=fake.alice, raw=raw)
        text = rec.text()
        assert UNEXPECTED not in text, name
        if rec.ephemeral:
            refused.add(name)
            assert "quote" in text.lower(), (name, text)
        else:
            answered += 1
            assert rec.reply["embeds"][0]["title"][:1] in "✅🟦🟧🟥⬜", name
        slowest = max(slowest, latency(rec))
        slowest_answer = max(slowest_answer, (rec.answered_at or time.monotonic()) - rec.created)
    assert problems(fake) == []
    # The checks saw every answer (one message per input at least), each with allowed_mentions parse=[].
    payloads = [p for _, p in message_payloads(fake) if p.get("embeds") or p.get("content")]
    assert len(payloads) >= len(inputs)
    assert all(p["allowed_mentions"] == {"parse": []} for p in payloads)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    print(f"\n/verify: {len(inputs)} bad inputs, {answered} answered, {len(refused)} refused privately, "
          f"slowest acknowledgement {slowest * 1000:.0f} ms, slowest answer {slowest_answer * 1000:.0f} ms")
    # Refused in the chat exactly when the service cannot check it or it is over the option's 1,000 characters.
    assert refused == {name for name, quote in inputs.items() if len(quote) > 1000 or not checkable(quote)}
    # A mention, a timestamp or a marker alone is chat syntax, not a quote: refused as empty (bot.core.chat_syntax).
    assert {"user", "role", "timestamp", "fullwidth everyone"} <= refused
    assert answered == len(inputs) - len(refused) >= 25


async def test_hostile_speakers_and_autocomplete_values_are_plain_filters(roomy):
    fake = roomy.fake
    for name, speaker in limited(bad_inputs(fake.guild_id), 100).items():
        if not speaker.strip():
            continue
        rec = await fake.slash("verify", {"quote": SHARED_WORDS, "speaker": speaker}, member=fake.bob, raw=True)
        assert UNEXPECTED not in rec.text(), name
        choices = await fake.autocomplete("verify", {"quote": "x", "speaker": speaker}, "speaker", member=fake.bob)
        assert choices.callback_type == 8, name
    assert problems(fake) == []


async def test_hostile_searches_and_ids(roomy):
    fake = roomy.fake
    for name, text in limited(bad_inputs(fake.guild_id), 300).items():
        if text.strip():
            rec = await fake.slash("search", {"query": text}, member=fake.alice, raw=True)
            assert UNEXPECTED not in rec.text(), name
        if 0 < len(text) <= 64:
            rec = await fake.slash("source", {"id": text}, member=fake.alice, raw=True)
            assert UNEXPECTED not in rec.text(), name
            assert rec.ephemeral  # no statement has such an id: a private "no such statement"
    assert problems(fake) == []


async def test_another_servers_statements_never_show(roomy):
    fake = roomy.fake
    theirs = other_servers_statement(roomy.service)
    shown = []
    shown.append(await fake.slash("source", {"id": theirs}, member=fake.alice))
    shown.append(await fake.slash("verify", {"quote": OTHER_WORDS}, member=fake.alice))
    shown.append(await fake.slash("search", {"query": "secret harbour tunnel other server"}, member=fake.alice))
    shown.append(await fake.slash("corpus history", {"id": theirs}, member=fake.moderator))
    shown.append(await fake.autocomplete("verify", {"quote": "x", "speaker": "Secret"}, "speaker", member=fake.alice))
    message = fake.post_message(f'"{OTHER_WORDS}," Secret Keeper said.')
    shown.append(await fake.message_command("Verify quotes", message, member=fake.alice))
    for index, rec in enumerate(shown):
        dumped = json.dumps([rec.callback, *rec.messages], ensure_ascii=False)
        # Neither its source, nor its id (where the member did not type it), nor its speaker (ditto).
        assert "Members only" not in dumped and "example.org/s" not in dumped
        assert index in (0, 3) or theirs not in dumped
    for rec in shown[:5]:
        assert "Secret Keeper" not in json.dumps([rec.callback, *rec.messages])
    assert shown[0].ephemeral and "no statement" in shown[0].text().lower()
    assert shown[1].reply["embeds"][0]["title"].startswith("⬜")
    assert shown[4].callback["choices"] == []
    assert all(e["title"].startswith("⬜") for e in shown[5].reply["embeds"])
    assert problems(fake) == []


async def test_verify_quotes_on_a_message_full_of_bad_input(roomy):
    fake = roomy.fake
    inputs = limited(bad_inputs(fake.guild_id), 300)
    lines = [f'"{text} {SHARED_WORDS}," {name.title()} said.' for name, text in list(inputs.items())[:12]]
    message = fake.post_message("\n".join(lines)[:2000])
    rec = await fake.message_command("Verify quotes", message, member=fake.alice)
    assert UNEXPECTED not in rec.text()
    flood = fake.post_message("[" * 1000 + "](" * 500)
    rec = await fake.message_command("Verify quotes", flood, member=fake.alice)
    assert rec.ephemeral and "no quotation" in rec.text()
    assert problems(fake) == []


HOSTILE_ARTICLE = (
    "---\ntitle: Harbour @everyone [news](https://evil.example)\ndate: 2025-06-01\noutlet: Port <@&1> Gazette\n---\n\n"
    'The harbour reopened on Sunday. "Tell @everyone and <@&GUILD> that the **harbour** is open again, '
    'see [the notice](https://evil.example) ||now||," Mayor Tom Baker said.\n\n'
    '"We waited three long years \u202efor this\u202c day and ＠ｅｖｅｒｙｏｎｅ ﹫here knows it \\," '
    "said Deputy Mayor Ann \u200bLee.\n"
)


async def test_hostile_article_is_stored_verbatim_and_shown_safely(roomy):
    fake = roomy.fake
    article = HOSTILE_ARTICLE.replace("GUILD", fake.guild_id)
    rec = await fake.slash("corpus import", {"file": Attachment("hostile.md", article.encode())}, member=fake.moderator)
    assert "Confirm" in rec.buttons(), rec.text()
    await fake.click(rec.reply, "Confirm", member=fake.moderator)
    guild = int(fake.guild_id)
    texts = [s.text for s in roomy.service.store.statements(guild) if s.guild_id == guild]
    assert len(texts) == 2
    # Verbatim: the words exactly as the article has them, mentions and markdown included; only the
    # invisible characters (the bidi override, the zero-width space in the name) are dropped on parse.
    assert any(f"Tell @everyone and <@&{fake.guild_id}>" in t and "**harbour**" in t for t in texts), texts
    assert any("＠ｅｖｅｒｙｏｎｅ ﹫here" in t and "three long years for this day" in t for t in texts), texts
    assert not any("\u202e" in t or "\u200b" in t for t in texts), texts
    assert "Ann Lee" in {s.speaker for s in roomy.service.store.statements(guild)}
    for text in texts:
        assert text in remove_invisible(article)
    check = await fake.slash("verify", {"quote": f"Tell @everyone and <@&{fake.guild_id}> that the harbour is open again"},
                             member=fake.alice)
    assert check.reply["embeds"][0]["title"][:1] in "✅🟦"
    statement_id = check.reply["embeds"][0]["footer"]["text"].rsplit(" ", 1)[-1]
    source = await fake.slash("source", {"id": statement_id}, member=fake.alice)
    assert not source.ephemeral
    more = await fake.slash("verify", {"quote": "We waited three long years for this day and @everyone @here knows it"},
                            member=fake.alice)
    assert more.reply["embeds"][0]["title"][:1] in "✅🟦"
    assert problems(fake) == []
