"""Who may change what: a server's moderators change only their server's statements; the shared corpus
(statements every server sees) only the bot's owner, or the operator on the command line.

Checked in the store (every adapter goes through it) and end to end through the local Discord server.
"""

from __future__ import annotations

import re

import pytest

from bot.core.model import SourceInfo, StatementRecord
from bot.store.records import NotFoundError, SharedCorpusError

SHARED_ID = "d55c943594a29604"  # a statement of the bundled seed article: shared by every server
SHARED_WORDS = "The tone and spirit of the conversation were excellent"
OTHER_GUILD = 4242


def add_own(service, guild_id: int, text: str) -> str:
    record = StatementRecord(text, "Harbour Master Jane Doe", SourceInfo(title="Minutes"), date="2025-01-02")
    return service.add(record, actor="setup", guild_id=guild_id).id


def audit_actions(service, sid: str) -> list[str]:
    return [e.action for e in service.store.history(sid)]


# -- the service and store ----------------------------------------------------------------------------


def test_a_server_cannot_change_the_shared_corpus(service):
    shared = service.get(SHARED_ID)
    assert shared is not None and shared.guild_id is None
    with pytest.raises(SharedCorpusError):
        service.remove(SHARED_ID, reason="mine now", actor="mod", guild_id=77)
    with pytest.raises(SharedCorpusError):
        service.edit(SHARED_ID, {"text": "Hijacked words"}, expected_version=1, actor="mod", guild_id=77)
    with pytest.raises(SharedCorpusError):
        service.check_may_change(SHARED_ID, 77)
    assert service.get(SHARED_ID) == shared
    assert service.version(SHARED_ID) == 1
    assert audit_actions(service, SHARED_ID) == []  # nothing half-written, nothing logged


def test_restoring_a_shared_statement_is_refused_to_a_server(service):
    service.remove(SHARED_ID, reason="operator", actor="cli", guild_id=None)
    with pytest.raises(SharedCorpusError):
        service.restore(SHARED_ID, actor="mod", guild_id=77)
    assert service.get(SHARED_ID) is None
    assert audit_actions(service, SHARED_ID) == ["remove"]


def test_the_owner_and_the_operator_may_change_the_shared_corpus(service):
    service.check_may_change(SHARED_ID, 77, owner=True)
    service.check_may_change(SHARED_ID, None)
    service.remove(SHARED_ID, reason="owner", actor="owner", guild_id=77, owner=True)
    assert service.get(SHARED_ID) is None
    service.restore(SHARED_ID, actor="cli", guild_id=None)
    edited = service.edit(SHARED_ID, {"speaker": "Donald J. Trump"}, expected_version=3, actor="owner",
                          guild_id=77, owner=True)
    assert edited.speaker == "Donald J. Trump"
    assert audit_actions(service, SHARED_ID) == ["remove", "restore", "edit"]


def test_a_server_changes_its_own_statements_and_nobody_else_does(service):
    own = add_own(service, 77, "Our ferry leaves at dawn from the northern pier")
    service.edit(own, {"date": "2025-01-03"}, expected_version=1, actor="mod", guild_id=77)
    for guild, owner in ((OTHER_GUILD, False), (OTHER_GUILD, True), (None, False)):
        with pytest.raises(NotFoundError):  # another server's statement: not even its existence is told
            service.remove(own, reason="x", actor="intruder", guild_id=guild, owner=owner)
        with pytest.raises(NotFoundError):
            service.edit(own, {"text": "Stolen"}, expected_version=2, actor="intruder", guild_id=guild, owner=owner)
        with pytest.raises(NotFoundError):
            service.check_may_change(own, guild, owner=owner)
    assert service.get(own, 77).date == "2025-01-03"
    assert audit_actions(service, own) == ["add", "edit"]


# -- end to end through the local Discord server ----------------------------------------------------


def _is_verified(rec) -> bool:
    return rec.reply["embeds"][0]["title"].startswith("✅")


async def test_moderator_remove_of_a_shared_statement_is_refused_in_discord(env):
    fake = env.fake
    rec = await fake.slash("corpus remove", {"id": SHARED_ID, "reason": "we disagree"}, member=fake.moderator)
    assert rec.ephemeral
    assert "shared corpus" in rec.text() and "owner" in rec.text()
    assert "Removed" not in rec.text()
    assert env.service.get(SHARED_ID) is not None
    assert audit_actions(env.service, SHARED_ID) == []
    assert _is_verified(await fake.slash("verify", {"quote": SHARED_WORDS}))


async def test_moderator_edit_of_a_shared_statement_is_refused_before_the_form(env):
    fake = env.fake
    rec = await fake.slash("corpus edit", {"id": SHARED_ID}, member=fake.moderator)
    assert rec.callback_type == 4 and rec.ephemeral  # a refusal, not the edit form
    assert "shared corpus" in rec.text()
    assert env.service.version(SHARED_ID) == 1


async def test_moderator_restore_of_a_shared_statement_is_refused(env):
    fake = env.fake
    env.service.remove(SHARED_ID, reason="operator removed it", actor="cli", guild_id=None)
    rec = await fake.slash("corpus restore", {"id": SHARED_ID}, member=fake.role_moderator, bypass_permissions=True)
    assert rec.ephemeral and "shared corpus" in rec.text()
    assert env.service.get(SHARED_ID) is None
    assert not _is_verified(await fake.slash("verify", {"quote": SHARED_WORDS}))


async def test_the_bots_owner_may_change_the_shared_corpus_from_discord(env):
    fake = env.fake
    gone = await fake.slash("corpus remove", {"id": SHARED_ID, "reason": "owner's decision"}, member=fake.owner)
    assert gone.ephemeral and "Removed" in gone.text()
    assert env.service.get(SHARED_ID) is None
    back = await fake.slash("corpus restore", {"id": SHARED_ID}, member=fake.owner)
    assert "Restored" in back.text()
    form = await fake.slash("corpus edit", {"id": SHARED_ID}, member=fake.owner)
    assert form.callback_type == 9
    saved = await fake.submit_modal(form, {"Speaker": "Donald J. Trump"})
    assert "Saved" in saved.text()
    assert env.service.get(SHARED_ID).speaker == "Donald J. Trump"
    assert audit_actions(env.service, SHARED_ID) == ["remove", "restore", "edit"]


async def test_an_edit_form_opened_by_a_moderator_cannot_save_over_the_shared_corpus(env):
    """The form carries the moderator's rights: even if it had been opened, the store refuses the save."""
    from bot.chat.views import EditStatementModal

    fake = env.fake
    statement = env.service.get(SHARED_ID)
    modal = EditStatementModal(env.bot, statement, 1, int(fake.guild_id))
    assert modal.owner is False
    with pytest.raises(SharedCorpusError):
        env.service.edit(SHARED_ID, {"text": "x y"}, expected_version=1, actor="m", guild_id=int(fake.guild_id),
                         owner=modal.owner)


async def test_another_servers_statement_cannot_be_changed_or_seen(env):
    fake = env.fake
    theirs = add_own(env.service, OTHER_GUILD, "The other server's lighthouse keeper retires in spring")
    for command, options in (("corpus remove", {"id": theirs, "reason": "x"}), ("corpus restore", {"id": theirs}),
                             ("corpus edit", {"id": theirs}), ("corpus history", {"id": theirs}),
                             ("source", {"id": theirs})):
        member = fake.alice if command == "source" else fake.owner
        rec = await fake.slash(command, options, member=member)
        text = rec.text()
        assert "lighthouse keeper" not in text
        assert rec.callback_type != 9
        assert re.search(r"no such statement|not found|No statement|no history|nothing", text, re.I), text
    assert env.service.get(theirs, OTHER_GUILD) is not None
    assert audit_actions(env.service, theirs) == ["add"]
