"""Hostile article text through parsing, the store and the renderers (Hypothesis, token grammar): stored
verbatim or refused with a reason, idempotent, and every stored statement shown within limits, mention-free."""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings

from bot.core.documents import parse_document
from bot.core.invisible import remove_invisible
from bot.core.model import CorpusFormatError
from bot.store.corpus import CorpusStore
from bot.store.database import make_engine
from bot.store.replay import differences
from tests.fakediscord import limits
from tests.hardening.checks import dangling_backslash, live_mentions
from tests.strategies import hostile_article

FRONT = "---\ntitle: Port @everyone [news](https://evil.example) ||x||\ndate: 2025-06-01\noutlet: <@&1> Gazette\n---\n\n"
COUNTER = itertools.count()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> CorpusStore:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('ingest') / 'q.sqlite'}")
    yield CorpusStore(engine)
    engine.dispose()


def texts(payload: dict) -> list[str]:
    parts = [payload.get("title", ""), payload.get("description", "")]
    for field in payload.get("fields", []):
        parts += [field["name"], field["value"]]
    return parts


@given(hostile_article())
@example('"Tell @everyone and <@&1> that the **harbour** is open ||now||," Mayor Tom Baker said.')
@example('Deputy Mayor Ann Lee said: "We waited ＠ｅｖｅｒｙｏｎｅ \u202efor this\u202c day \\"')
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_hostile_articles_are_stored_verbatim_and_shown_safely(store, body):
    from bot.chat.embeds import statement_embed

    origin = f"/hostile/{next(COUNTER)}.md"
    text = FRONT + body
    digest = hashlib.sha256(text.encode()).hexdigest()
    try:
        doc = parse_document(Path(origin).name, text)
        outcome = store.ingest_document(doc, origin=origin, content_hash=digest)
    except CorpusFormatError as exc:
        assert str(exc)  # refused with a reason (control characters, no statement…)
        return
    assert store.ingest_document(doc, origin=origin, content_hash=digest).status == "skipped"  # idempotent
    ids = [r.id for r in store.statements() if r.source.title and r.source.title.startswith("Port")]
    stored = list(store.get_statements(ids).values())
    assert outcome.added <= len(doc.statements)
    for record in stored:
        assert record.text.strip()
        payload = statement_embed(record).to_dict()
        assert limits.check_message({"embeds": [payload], "allowed_mentions": {"parse": []}}) == []
        for part in texts(payload):
            assert live_mentions(part) == [], part
            assert not dangling_backslash(part)
    visible = remove_invisible(body)  # zero-width and bidi characters are dropped on parse, nothing else
    for record in doc.statements:
        # Verbatim: the quote's words as the article has them (the pieces of a split quote joined by spaces).
        assert all(word in visible for word in record.text.split()), record.text


def test_the_hostile_log_replays(store):
    assert differences(store) == []
