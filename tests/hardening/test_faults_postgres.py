"""PostgreSQL dropping the connection in the middle of a moderator change (a fault-injecting proxy in front of
the real server): a clear error, nothing half-written, no false "done", and the bot carries on afterwards."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.store.corpus import CorpusStore
from bot.store.database import make_engine
from bot.store.replay import differences
from tests.hardening.checks import problems
from tests.hardening.dbproxy import DbProxy
from tests.hardening.test_faults_discord import NOT_CHANGED, add_own

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
EXCELLENT = "The tone and spirit of the conversation were excellent"


@pytest.fixture
async def pg_env(pg_url, chat_settings):
    from bot.service import QuoteService
    from tests.hardening.conftest import start_env, stop_env

    proxy = DbProxy("127.0.0.1", 5432)
    proxied = pg_url.replace("@127.0.0.1:5432/", f"@127.0.0.1:{proxy.port}/")
    assert proxied != pg_url
    settings = replace(chat_settings, database_url=proxied)
    service = QuoteService.open(settings, load_bundled=True, progress=False)
    direct = CorpusStore(make_engine(pg_url))
    env, task = await start_env(service, settings)
    try:
        yield env, proxy, direct
    finally:
        await stop_env(env, task)
        service.close()
        direct.engine.dispose()
        proxy.close()


@pytest.mark.parametrize("cut", [b"INSERT INTO audit_log", b"COMMIT"])
async def test_connection_lost_mid_transaction(pg_env, cut):
    env, proxy, direct = pg_env
    fake, guild = env.fake, int(env.fake.guild_id)
    sid = add_own(env.service, guild)
    proxy.cut_on = cut
    rec = await fake.slash("corpus remove", {"id": sid, "reason": "spam"}, member=fake.moderator)
    proxy.cut_on = None
    assert proxy.cuts == 1
    assert rec.ephemeral and NOT_CHANGED in rec.text() and "Removed" not in rec.text()
    found = direct.get_statement(sid, guild)
    assert found is not None and found[1] == 1 and found[2] is False  # version 1, not removed
    assert [e.action for e in direct.history(sid)] == ["add"]
    again = await fake.slash("corpus remove", {"id": sid, "reason": "spam"}, member=fake.moderator)
    assert "Removed" in again.text()
    assert direct.get_statement(sid, guild)[2] is True
    assert differences(direct) == []
    assert problems(fake) == []


async def test_database_down_every_command_says_so_and_nothing_changes(pg_env):
    env, proxy, direct = pg_env
    fake, guild = env.fake, int(env.fake.guild_id)
    sid = add_own(env.service, guild)
    proxy.down = True
    proxy.drop_all()
    try:
        check = await fake.slash("verify", {"quote": EXCELLENT}, timeout=30)
        assert check.ephemeral and "not answering" in check.text()  # the index reads records from the database
        rec = await fake.slash("corpus remove", {"id": sid, "reason": "x"}, member=fake.moderator, timeout=30)
        assert rec.ephemeral and NOT_CHANGED in rec.text()
    finally:
        proxy.down = False
    assert direct.get_statement(sid, guild)[2] is False
    check = await fake.slash("verify", {"quote": EXCELLENT})
    assert check.reply["embeds"][0]["title"].startswith("✅")  # back as soon as the database is
    again = await fake.slash("corpus remove", {"id": sid, "reason": "x"}, member=fake.moderator)
    assert "Removed" in again.text()
    assert differences(direct) == []
    assert problems(fake) == []
