"""End to end: /corpus for moderators (add, import, edit, remove, restore, history, review, stats) and its guard."""

from __future__ import annotations

import json
import re

import pytest

from bot.core.documents import parse_document
from bot.core.model import SourceInfo, StatementRecord, statement_id
from tests.fakediscord import Attachment, NotPermitted

pytestmark = pytest.mark.e2e

EXCELLENT_ID = "d55c943594a29604"


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def statements_of(service, guild_id: int) -> list[dict]:
    return list(service.export(int(guild_id), all_guilds=False))


async def test_non_moderator_is_refused_by_discord_and_by_the_bot(env):
    fake = env.fake
    with pytest.raises(NotPermitted):  # default_member_permissions hides the command…
        await fake.slash("corpus stats", member=fake.alice)
    # …but a server admin can override that, so the bot checks by itself.
    rec = await fake.slash("corpus stats", member=fake.alice, bypass_permissions=True)
    assert rec.callback_type == 4 and rec.ephemeral
    assert "moderators" in rec.text()
    removed = await fake.slash("corpus remove", {"id": EXCELLENT_ID, "reason": "x"}, member=fake.alice,
                               bypass_permissions=True)
    assert removed.ephemeral
    assert env.service.get(EXCELLENT_ID) is not None  # nothing happened


async def test_moderator_role_counts_as_moderator(env):
    fake = env.fake
    rec = await fake.slash("corpus stats", member=fake.role_moderator, bypass_permissions=True)
    assert rec.ephemeral
    assert "Statements" in rec.text()


async def test_stats_for_moderators(env):
    fake = env.fake
    rec = await fake.slash("corpus stats", member=fake.moderator)
    assert rec.ephemeral
    fields = {f["name"]: f["value"] for f in rec.reply["embeds"][0]["fields"]}
    assert int(fields["Statements"]) == env.service.stats(int(fake.guild_id)).statements > 0


async def test_add_opens_a_form_and_stores_the_statement_in_this_server_only(env):
    fake = env.fake
    shown = await fake.slash("corpus add", member=fake.moderator)
    assert shown.callback_type == 9
    done = await fake.submit_modal(shown, {
        "Quote (exact words)": "Our lighthouse will shine again before the winter storms arrive",
        "Speaker": "Harbour Master Jane Doe",
        "Date (YYYY-MM-DD)": "2025-10-01",
        "Source title and link": "Town hall minutes https://example.org/minutes",
        "Context (what was said around it)": "At the town meeting on the harbour.",
    })
    assert done.ephemeral
    new_id = re.search(r"`([0-9a-z]+)`", done.text()).group(1)
    stored = env.service.get(new_id, int(fake.guild_id))
    assert stored is not None and stored.speaker == "Harbour Master Jane Doe"
    assert stored.source.url == "https://example.org/minutes"
    assert env.service.get(new_id, int(fake.guild_id) + 1) is None  # another server does not see it
    history = env.service.history(new_id, int(fake.guild_id))
    assert [h.action for h in history] == ["add"] and fake.moderator.user.id in history[0].actor
    check = await fake.slash("verify", {"quote": "Our lighthouse will shine again before the winter storms arrive"})
    assert check.reply["embeds"][0]["title"].startswith("✅ Verified")


async def test_add_with_a_bad_date_is_refused_and_nothing_is_stored(env):
    fake = env.fake
    before = env.service.stats(int(fake.guild_id)).statements
    shown = await fake.slash("corpus add", member=fake.moderator)
    done = await fake.submit_modal(shown, {"Quote (exact words)": "Some words here", "Speaker": "Someone",
                                           "Date (YYYY-MM-DD)": "May 5th"})
    assert done.ephemeral and "YYYY-MM-DD" in done.text()
    assert env.service.stats(int(fake.guild_id)).statements == before


async def test_import_shows_statements_then_confirm_stores_them(env):
    fake = env.fake
    lines = [
        {"text": "The new ferry timetable starts on Monday morning", "speaker": "Ferry Captain Ann Lee",
         "date": "2025-03-03", "source": {"title": "Ferry news", "url": "https://example.org/ferry"}},
        {"text": "Tickets will cost the same as last year for every passenger", "speaker": "Ferry Captain Ann Lee",
         "date": "2025-03-03", "source": {"title": "Ferry news", "url": "https://example.org/ferry"}},
    ]
    data = "\n".join(json.dumps(line) for line in lines).encode()
    rec = await fake.slash("corpus import", {"file": Attachment("ferry.jsonl", data)}, member=fake.moderator)
    assert rec.ephemeral
    preview = unescape(rec.text())
    assert "2 statements found" in preview and "ferry timetable" in preview
    assert env.service.search("ferry timetable Monday", None, 5) == [] or all(
        "ferry" not in s.text for s, _ in env.service.search("ferry timetable Monday", None, 5))
    done = await fake.click(rec.reply, "Confirm", member=fake.moderator)
    assert done.callback_type == 6
    assert "Imported 2 statements" in fake.messages[rec.reply["id"]]["embeds"][0]["description"]
    assert fake.messages[rec.reply["id"]]["components"] == []
    check = await fake.slash("verify", {"quote": "The new ferry timetable starts on Monday morning"})
    assert check.reply["embeds"][0]["title"].startswith("✅ Verified")
    again = await fake.slash("corpus import", {"file": Attachment("ferry.jsonl", data)}, member=fake.moderator)
    assert "imported before" in again.text()


async def test_import_cancel_stores_nothing(env):
    fake = env.fake
    data = json.dumps({"text": "A statement nobody confirmed about the canal", "speaker": "Nobody"}).encode()
    before = env.service.stats(int(fake.guild_id)).statements
    rec = await fake.slash("corpus import", {"file": Attachment("canal.jsonl", data)}, member=fake.moderator)
    cancelled = await fake.click(rec.reply, "Cancel", member=fake.moderator)
    assert cancelled.callback_type == 7
    assert "nothing was added" in fake.messages[rec.reply["id"]]["embeds"][0]["description"]
    assert env.service.stats(int(fake.guild_id)).statements == before


async def test_import_cannot_write_into_another_server(env):
    """A line naming another server refuses the whole file (rather than moving it into this server)."""
    fake = env.fake
    here, elsewhere = int(fake.guild_id), int(fake.guild_id) + 1
    ours = {"id": "harbour-own-1", "text": "The harbour lighthouse will shine again before the winter storms",
            "speaker": "Harbour Master Jane Doe", "guild_id": str(here)}
    planted = {"id": "planted-1", "text": "A statement this server tries to plant in another server's corpus",
               "speaker": "Harbour Master Jane Doe", "guild_id": str(elsewhere)}
    data = "\n".join(json.dumps(line) for line in (ours, planted)).encode()
    rec = await fake.slash("corpus import", {"file": Attachment("planted.jsonl", data)}, member=fake.moderator)
    assert rec.ephemeral and "statement 2 belongs to another server" in unescape(rec.text())
    assert "Confirm" not in rec.buttons()
    assert list(env.service.store.scope_statements(elsewhere)) == []
    assert env.service.get("harbour-own-1", here) is None  # nothing of the file

    rec = await fake.slash("corpus import", {"file": Attachment("ours.jsonl", json.dumps(ours).encode())},
                           member=fake.moderator)
    await fake.click(rec.reply, "Confirm", member=fake.moderator)
    assert [s.text for s in env.service.store.scope_statements(here)] == [ours["text"]]
    assert env.service.check(ours["text"], guild_id=elsewhere, log_lookup=False).verdict == "unverified"


async def test_an_import_cannot_take_the_id_another_servers_add_will_compute(env):
    """Ids hash the server in; a file naming the id another server's /corpus add will compute gets its own."""
    fake = env.fake
    here, elsewhere = int(fake.guild_id), int(fake.guild_id) + 1
    words, speaker = "The night ferry will stop at the island pier from June", "Ferry Captain Ann Lee"
    theirs = statement_id(words, speaker, f"manual:{elsewhere}", 0)
    squat = {"id": theirs, "text": "Words this server slips under the id of another server's future statement",
             "speaker": "Someone Else"}
    rec = await fake.slash("corpus import", {"file": Attachment("squat.jsonl", json.dumps(squat).encode())},
                           member=fake.moderator)
    await fake.click(rec.reply, "Confirm", member=fake.moderator)
    (imported,) = env.service.store.scope_statements(here)
    assert imported.text == squat["text"] and imported.id != theirs
    record = StatementRecord(words, speaker, SourceInfo(title="Ferry news", kind="statements"))
    added = env.service.add(record, actor="their moderator", guild_id=elsewhere)  # what their /corpus add form does
    assert (added.id, added.text, added.guild_id) == (theirs, words, elsewhere)
    assert env.service.get(theirs, here) is None


async def test_add_never_returns_a_statement_of_another_server(env):
    """Even an id another server already holds (planted before imports recomputed ids) is passed over."""
    fake = env.fake
    here, elsewhere = int(fake.guild_id), int(fake.guild_id) + 1
    words, speaker = "Our lighthouse will shine again before the winter storms arrive", "Harbour Master Jane Doe"
    ours = statement_id(words, speaker, f"manual:{here}", 0)
    planted = {"id": ours, "text": "Another server's words under this server's id", "speaker": "Someone Else",
               "guild_id": str(elsewhere)}
    env.service.import_document(parse_document("old.jsonl", json.dumps(planted)), origin="old.jsonl",
                                content_hash="old", actor="an old import")
    shown = await fake.slash("corpus add", member=fake.moderator)
    done = await fake.submit_modal(shown, {"Quote (exact words)": words, "Speaker": speaker})
    new_id = re.search(r"`([0-9a-z]+)`", done.text()).group(1)
    assert new_id != ours
    stored = env.service.get(new_id, here)
    assert (stored.text, stored.guild_id) == (words, here)
    theirs = env.service.get(ours, elsewhere)
    assert (theirs.text, theirs.guild_id) == (planted["text"], elsewhere)
    assert [h.action for h in env.service.history(ours, elsewhere)] == []  # no add, edit or removal logged on it
    check = await fake.slash("verify", {"quote": words})
    assert check.reply["embeds"][0]["title"].startswith("✅ Verified") and new_id in json.dumps(check.reply)


async def test_import_of_an_article_extracts_quotes(env):
    fake = env.fake
    article = (
        b"---\ntitle: Harbour reopens\ndate: 2025-06-01\noutlet: Port Gazette\n---\n\n"
        b'The harbour reopened on Sunday. "We have waited three long years for this day," Mayor Tom Baker said.\n'
    )
    rec = await fake.slash("corpus import", {"file": Attachment("harbour.md", article)}, member=fake.moderator)
    assert "waited three long years" in unescape(rec.text())


async def test_import_of_an_unsupported_file_is_refused(env):
    fake = env.fake
    rec = await fake.slash("corpus import", {"file": Attachment("notes.pdf", b"%PDF")}, member=fake.moderator)
    assert rec.ephemeral and "Unsupported" in rec.text()


def own_statement(env, text: str = "The tone and spirit of the harbour meeting were excellent") -> str:
    """A statement of the test server's own corpus (moderators may change only those)."""
    from bot.core.model import SourceInfo, StatementRecord

    record = StatementRecord(text, "Harbour Master Jane Doe", SourceInfo(title="Town hall minutes", date="2025-05-19"),
                             date="2025-05-19")
    return env.service.add(record, actor="setup", guild_id=int(env.fake.guild_id)).id


async def test_edit_saves_changes_and_a_concurrent_edit_is_refused(env):
    fake = env.fake
    own = own_statement(env)
    first = await fake.slash("corpus edit", {"id": own}, member=fake.moderator)
    second = await fake.slash("corpus edit", {"id": own}, member=fake.role_moderator, bypass_permissions=True)
    assert first.callback_type == 9 and second.callback_type == 9
    saved = await fake.submit_modal(first, {"Speaker": "Jane Q. Doe"})
    assert "Saved" in saved.text()
    refused = await fake.submit_modal(second, {"Date (YYYY-MM-DD)": "2025-05-20"})
    assert refused.ephemeral and "Someone else changed" in refused.text()
    current = env.service.get(own, int(fake.guild_id))
    assert current.speaker == "Jane Q. Doe"  # the first edit was not lost
    assert current.effective_date == "2025-05-19"  # the second was not applied


async def test_remove_restore_and_history(env):
    fake = env.fake
    own = own_statement(env)
    gone = await fake.slash("corpus remove", {"id": own, "reason": "duplicate of a better source"},
                            member=fake.moderator)
    assert gone.ephemeral and "Removed" in gone.text()
    assert env.service.get(own, int(fake.guild_id)) is None
    check = await fake.slash("verify", {"quote": "The tone and spirit of the harbour meeting were excellent"})
    assert not check.reply["embeds"][0]["title"].startswith("✅")
    back = await fake.slash("corpus restore", {"id": own}, member=fake.moderator)
    assert "Restored" in back.text()
    assert env.service.get(own, int(fake.guild_id)) is not None
    history = await fake.slash("corpus history", {"id": own}, member=fake.moderator)
    text = unescape(history.text())
    assert "remove" in text and "restore" in text and "duplicate of a better source" in text
    assert text.index("remove") < text.index("restore")


async def test_review_lists_reports_and_unverified_quotes_and_resolves(env):
    fake = env.fake
    guild = int(fake.guild_id)
    quote = "Bananas are the official currency of the moon colony"
    for _ in range(2):
        await fake.slash("verify", {"quote": quote})
    env.service.report(quote=quote, reporter="test", guild_id=guild, verdict="unverified", note="real quote")
    rec = await fake.slash("corpus review", member=fake.moderator)
    text = unescape(rec.text())
    assert "real quote" in text and "2× “Bananas" in text
    report_id = env.service.open_reports(guild)[0].id
    resolved = await fake.click(rec.reply, "Mark a report as resolved…", member=fake.moderator, values=[str(report_id)])
    assert resolved.callback_type == 6
    assert env.service.open_reports(guild) == []
    assert f"#{report_id} resolved" in fake.messages[rec.reply["id"]]["embeds"][0]["footer"]["text"]
    shown = await fake.click(fake.messages[rec.reply["id"]], "Add a statement for a quote users keep checking…",
                             member=fake.moderator, values=["0"])
    assert shown.callback_type == 9
    prefilled = [c["components"][0].get("value") for c in shown.callback["components"]]
    assert quote in prefilled
    added = await fake.submit_modal(shown, {"Speaker": "Moon Mayor"})
    assert "Added statement" in added.text()



async def test_a_file_with_a_hostile_statement_id_is_refused_with_its_reason(env):
    fake = env.fake
    evil_id = "e`v`il @everyone <@&" + fake.guild_id + ">"
    line = {"id": evil_id, "text": "The lantern parade will follow the old river road this autumn",
            "speaker": "Parade Marshal Ola Berg"}
    rec = await fake.slash("corpus import", {"file": Attachment("evil.jsonl", json.dumps(line).encode())},
                           member=fake.moderator)
    assert rec.ephemeral and "line 1" in unescape(rec.text())
    assert "Confirm" not in rec.buttons()
    checked = await fake.slash("verify", {"quote": "The lantern parade will follow the old river road this autumn"})
    assert checked.reply["embeds"][0]["title"].startswith("⬜")
