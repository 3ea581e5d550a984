"""Unit tests of the chat adapter's small parts: cooldowns, log redaction, moderator check, dates, embeds."""

from __future__ import annotations

import logging

import discord
import pytest

from bot.chat.cooldowns import LookupLimiter
from bot.chat.corpus import is_moderator
from bot.chat.embeds import EMBED_TOTAL, compact_result_embed, fit, result_embed, statement_embed
from bot.chat.errors import UserFacingError
from bot.chat.lookups import date_bound
from bot.chat.redact import REDACTED, TokenRedactor, redact
from bot.core.model import Alternative, CheckResult, Difference, SourceInfo, StatementRecord


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_limiter_allows_rate_per_window_per_user():
    clock = Clock()
    limiter = LookupLimiter(2, 10.0, clock=clock)
    assert limiter.hit(1) == 0 and limiter.hit(1) == 0
    wait = limiter.hit(1)
    assert wait == pytest.approx(10.0)
    assert limiter.hit(2) == 0  # another user is not affected
    clock.now += 4
    assert limiter.hit(1) == pytest.approx(6.0)
    clock.now += 6
    assert limiter.hit(1) == 0


def test_redact_removes_interaction_webhook_and_bot_tokens():
    line = ("POST https://discord.com/api/v10/interactions/123/aW50ZXJhY3Rpb246secret/callback "
            "PATCH /api/v10/webhooks/456/aW50ZXJhY3Rpb246secret/messages/@original "
            "{'token': 'aW50ZXJhY3Rpb246secret'} Authorization: Bot MTIzNDU2Nzg5MDEyMzQ1Njc4.abc.def")
    out = redact(line)
    assert "secret" not in out and "MTIzNDU2" not in out
    assert out.count(REDACTED) == 4
    assert "/interactions/123/" in out and "/webhooks/456/" in out


def test_redactor_rewrites_records_with_arguments():
    record = logging.LogRecord("discord.webhook.async_", logging.DEBUG, __file__, 1,
                               "Webhook %s %s returned %s", ("POST", "/webhooks/1/tok_en-123/x", 200), None)
    assert TokenRedactor().filter(record)
    assert record.getMessage() == f"Webhook POST /webhooks/1/{REDACTED}/x returned 200"


class FakeRole:
    def __init__(self, name: str, role_id: int) -> None:
        self.name, self.id = name, role_id


def test_moderator_by_permission_or_configured_role(monkeypatch):
    member = discord.Member.__new__(discord.Member)
    monkeypatch.setattr(discord.Member, "roles", property(lambda self: [FakeRole("Quote Moderators", 77)]))
    none = discord.Permissions.none()
    assert is_moderator(member, discord.Permissions(manage_messages=True), "")
    assert is_moderator(member, none, "Quote Moderators")
    assert is_moderator(member, none, "77")
    assert not is_moderator(member, none, "Admins")
    assert not is_moderator(member, none, "")


def test_date_bounds():
    assert date_bound("2025", end=False) == "2025-01-01"
    assert date_bound("2025", end=True) == "2025-12-31"
    assert date_bound("2025-05", end=True) == "2025-05-31"
    assert date_bound("2025-05-19", end=False) == "2025-05-19"
    assert date_bound(None, end=False) is None
    with pytest.raises(UserFacingError):
        date_bound("May 2025", end=False)


def _statement(text: str, **kw) -> StatementRecord:
    source = kw.pop("source", SourceInfo(title="T" * 600, url="https://example.org/" + "x" * 200, outlet="O" * 300,
                                         date="2025-01-01"))
    return StatementRecord(text=text, speaker=kw.pop("speaker", "S" * 500), source=source, id="abc123",
                           context_before=kw.pop("before", "[" * 5000), context_after=kw.pop("after", "](" * 3000))


def test_result_embed_stays_within_limits_on_hostile_maximal_input():
    statement = _statement("@everyone " + "*_`|" * 2000)
    result = CheckResult(
        quote="<@&1> " + "\\" * 994, speaker="＠ｈｅｒｅ" * 20, verdict="misattributed", score=91.0, match=statement,
        differences=tuple(Difference("replace", "*" * 300, "_" * 300, True, "name") for _ in range(20)),
        alternatives=(Alternative(statement, 80.0),), note="n" * 2000,
    )
    embed = result_embed(result)
    data = embed.to_dict()
    assert len(embed) <= EMBED_TOTAL
    assert len(data["description"]) <= 4096
    assert all(0 < len(f["value"]) <= 1024 and len(f["name"]) <= 256 for f in data["fields"])
    assert "https://example.org/" in next(f["value"] for f in data["fields"] if f["name"] == "Source")


def test_statement_embed_and_compact_embeds_fit_together():
    statement = _statement("w " * 4000)
    assert len(statement_embed(statement)) <= EMBED_TOTAL
    results = [CheckResult(quote="q" * 1000, speaker=None, verdict="close", score=90, match=statement)] * 5
    embeds = fit([compact_result_embed(r, budget=1100) for r in results])
    assert sum(len(e) for e in embeds) <= EMBED_TOTAL


def test_fit_shortens_the_longest_description():
    embeds = [discord.Embed(description="a" * 4000), discord.Embed(description="b" * 3000)]
    fit(embeds)
    assert sum(len(e) for e in embeds) <= EMBED_TOTAL
    assert len(embeds[1].description) == 3000


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from bot.chat.corpus_embeds import review_embed  # noqa: E402
from bot.chat.embeds import alternatives_embed, context_embed, search_page_embed  # noqa: E402
from tests.chat.test_safety import UNTRUSTED, live_mentions  # noqa: E402

BIG = st.one_of(UNTRUSTED, UNTRUSTED.map(lambda t: t * 50))


@st.composite
def statements(draw) -> StatementRecord:
    return StatementRecord(
        text=draw(BIG) or "x", speaker=draw(st.none() | UNTRUSTED),
        source=SourceInfo(title=draw(st.none() | BIG), url=draw(st.none() | st.just("https://a.example/x") | UNTRUSTED),
                          outlet=draw(st.none() | UNTRUSTED), date="2024-01-02"),
        context_before=draw(BIG), context_after=draw(BIG), id="s1",
    )


@st.composite
def results(draw) -> CheckResult:
    verdict = draw(st.sampled_from(["verified", "close", "altered", "misattributed", "unverified"]))
    match = None if verdict == "unverified" else draw(statements())
    diffs = draw(st.lists(st.builds(Difference, st.sampled_from(["replace", "insert", "delete"]), UNTRUSTED,
                                    UNTRUSTED, st.booleans(), st.none() | UNTRUSTED), max_size=12))
    alts = draw(st.lists(st.builds(Alternative, statements(), st.floats(0, 100)), max_size=4))
    return CheckResult(quote=draw(UNTRUSTED) or "q", speaker=draw(st.none() | UNTRUSTED), verdict=verdict,
                       score=draw(st.floats(0, 100)), match=match, differences=tuple(diffs),
                       alternatives=tuple(alts), note=draw(st.none() | UNTRUSTED))


def _check(embed: discord.Embed) -> None:
    data = embed.to_dict()
    assert len(embed) <= EMBED_TOTAL
    assert len(data.get("title", "")) <= 256 and len(data.get("description", "")) <= 4096
    assert len(data.get("footer", {}).get("text", "")) <= 2048
    texts = [data.get("description", "")]
    for f in data.get("fields", []):
        assert 0 < len(f["value"].strip()) and len(f["value"]) <= 1024 and 0 < len(f["name"]) <= 256
        texts.append(f["value"])
    assert all(live_mentions(t) == [] for t in texts)


@given(results())
@settings(max_examples=60, deadline=None)
def test_every_embed_is_within_limits_and_mention_free_for_any_input(result):
    _check(result_embed(result))
    _check(alternatives_embed(result.alternatives))
    if result.match is not None:
        _check(context_embed(result.match))
        _check(statement_embed(result.match))
        _check(search_page_embed(result.quote, [(result.match, 50.0)] * 5, 1, 5, 7))
    embeds = fit([compact_result_embed(result, budget=1100) for _ in range(5)])
    assert sum(len(e) for e in embeds) <= EMBED_TOTAL


def test_review_embed_with_many_long_reports_fits():
    from datetime import UTC, datetime

    from bot.store.records import Report, UnverifiedQuote

    now = datetime.now(UTC)
    reports = [Report(i, now, 1, "r", "@everyone " * 200, None, None, "altered", "n" * 2000, "open") for i in range(30)]
    unverified = [UnverifiedQuote("<@&1> " * 300, 5, now) for _ in range(30)]
    _check(review_embed(reports, unverified))


def test_redactor_redacts_tracebacks_too():
    try:
        raise RuntimeError("POST /api/v10/interactions/1/aW50ZXJhY3Rpb24secret/callback failed")
    except RuntimeError:
        import sys

        record = logging.LogRecord("discord.client", logging.ERROR, __file__, 1, "boom", (), sys.exc_info())
    assert TokenRedactor().filter(record)
    formatted = logging.Formatter().format(record)
    assert "secret" not in formatted and REDACTED in formatted and "RuntimeError" in formatted
