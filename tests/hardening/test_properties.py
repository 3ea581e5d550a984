"""Hypothesis over the pure core and the renderers, fed by the token grammar of tests/strategies.py."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.config import Settings
from bot.core.extract import extract_quotes
from bot.core.matcher import Matcher
from bot.core.model import SourceInfo, StatementRecord
from bot.core.normalize import normalize
from bot.core.render import render_result
from tests.hardening.checks import dangling_backslash, live_mentions
from tests.strategies import INVISIBLE, bad_inputs, hostile_article, hostile_quote, hostile_text, speaker_name

VERDICTS = {"verified", "close", "altered", "misattributed", "unverified"}
SOURCE = SourceInfo(title="Readout @everyone [x](https://evil.example)", url="https://example.org/a", date="2025-05-19")
STATEMENTS = (
    StatementRecord("The tone and spirit of the conversation were excellent.", "Donald Trump", SOURCE, id="s1"),
    StatementRecord("Russia is in favour of a peaceful settlement of the Ukrainian crisis.", "Vladimir Putin", SOURCE,
                    id="s2", position=1),
    StatementRecord("We will build the bridge across the river before winter comes.", "Jane Doe", SOURCE, id="s3",
                    position=2),
    StatementRecord("@everyone the **harbour** is <@&123> closed until `Monday` ||secret||", "<@&1> Mallory",
                    SOURCE, id="s4", position=3, context_before="# Heading\n> quoted", context_after="``` and \\"),
)
TEXTS = tuple(s.text for s in STATEMENTS)
# Characters that show nothing: a quote carrying them inside its words is still the same quote.
SILENT = [v for k, v in INVISIBLE.items() if k not in {"nul", "crlf", "nbsp"}]
# C0 and C1 controls other than newline: a terminal reply must not carry them (escape sequences, NUL).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def checkable(quote: str) -> bool:
    from bot.service import QuoteError, clean_quote

    try:
        clean_quote(quote)
    except QuoteError:
        return False
    return True


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    found = Matcher(Settings().matching)
    found.add_many(STATEMENTS)
    return found


# -- normalisation -------------------------------------------------------------------------------------


@given(hostile_text())
@example("ﷺ" * 3)
@example("a" + "\u0301" * 1200)
@example("Ｔｈｅ ＠ｅｖｅｒｙｏｎｅ")
@settings(max_examples=400, deadline=None)
def test_normalize_is_idempotent_and_drops_invisible_characters(text):
    key = normalize(text)
    assert normalize(key) == key
    assert not any(ch in key for chars in SILENT for ch in chars)
    assert key == key.strip() and "  " not in key


@given(st.sampled_from(TEXTS), st.lists(st.tuples(st.integers(0, 200), st.sampled_from(SILENT)), min_size=1, max_size=6))
@example(TEXTS[0], [(5, "\U000e0041")])
@example(TEXTS[0], [(5, "\u2066")])
@settings(max_examples=200, deadline=None)
def test_invisible_characters_do_not_change_the_key(text, insertions):
    spliced = text
    for at, char in insertions:
        at = min(at, len(spliced))
        spliced = spliced[:at] + char + spliced[at:]
    assert normalize(spliced) == normalize(text)


# -- extraction ----------------------------------------------------------------------------------------


@given(hostile_article())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_extraction_of_hostile_articles_stays_inside_the_text(body):
    for quote in extract_quotes(body):
        assert 0 <= quote.start <= quote.end <= len(body)
        for start, end in quote.spans:
            assert quote.start <= start <= end <= quote.end
        pieces = [body[start:end] for start, end in quote.spans]
        # The quote's words are the article's words: nothing invented, nothing from outside the marks.
        assert normalize(quote.text).replace(" ", "") == normalize(" ".join(pieces)).replace(" ", "")


# -- matching ------------------------------------------------------------------------------------------


@given(hostile_quote(TEXTS), st.none() | speaker_name())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_hostile_quote_gets_a_verdict(matcher, quote, speaker):
    if not checkable(quote):
        return  # the service refuses these before matching (tested through the adapters)
    result = matcher.check(quote, speaker=speaker)
    assert result.verdict in VERDICTS
    assert 0 <= result.score <= 100
    assert (result.match is None) == (result.verdict == "unverified")


@given(st.sampled_from(STATEMENTS[:3]), st.lists(st.tuples(st.integers(0, 200), st.sampled_from(SILENT)), min_size=1,
                                                 max_size=5))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_statement_with_invisible_characters_is_still_verified(matcher, statement, insertions):
    quote = statement.text
    for at, char in insertions:
        at = min(at, len(quote))
        quote = quote[:at] + char + quote[at:]
    result = matcher.check(quote)
    assert result.verdict == "verified", (quote, result.verdict, result.score)
    assert result.match is not None and result.match.id == statement.id


# -- rendering -----------------------------------------------------------------------------------------


def _results(matcher, quote, speaker):
    yield matcher.check(quote, speaker=speaker)
    yield matcher.check(STATEMENTS[3].text, speaker=speaker)  # a hostile corpus statement as the match


@given(hostile_quote(TEXTS), st.none() | speaker_name())
@example("@everyone the **harbour** is <@&123> closed", "<@&1> Mallory")
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_terminal_replies_carry_no_control_characters(matcher, quote, speaker):
    if not checkable(quote):
        return
    for result in _results(matcher, quote, speaker):
        text = render_result(result)
        assert not _CONTROL.search(text), repr(_CONTROL.search(text).group())


@given(hostile_quote(TEXTS), st.none() | speaker_name())
@example("＠ｅｖｅｒｙｏｎｅ " + "*" * 999, "＜@&1＞")
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_embeds_are_within_limits_and_never_ping(matcher, quote, speaker):
    from bot.chat.embeds import compact_result_embed, result_embed
    from tests.fakediscord import limits

    if not checkable(quote):
        return
    for result in _results(matcher, quote, speaker):
        for embed in (result_embed(result), compact_result_embed(result)):
            payload = embed.to_dict()
            assert limits.check_message({"embeds": [payload], "allowed_mentions": {"parse": []}}) == []
            parts = [payload.get("title", ""), payload.get("description", ""), payload.get("footer", {}).get("text", "")]
            parts += [f["value"] for f in payload.get("fields", [])] + [f["name"] for f in payload.get("fields", [])]
            for part in parts:
                assert live_mentions(part) == [], part
                assert not dangling_backslash(part)


def test_every_listed_bad_input_gets_a_verdict_or_is_refused_quickly(matcher):
    from bot.service import QuoteError, clean_quote

    refused: set[str] = set()
    for name, text in bad_inputs().items():
        try:
            clean_quote(text)
        except QuoteError as exc:
            assert str(exc) and "\n" not in str(exc)
            refused.add(name)
            continue
        result = matcher.check(text)
        assert result.verdict in VERDICTS, name
        render_result(result)
    # Nothing to look for, or too long to look at: refused with a reason. Everything else gets a verdict.
    nothing = {"empty", "whitespace", "invisible only", "newline flood", "zwsp", "bom", "nul", "backtick", "lone surrogate"}
    assert nothing | {"crafted brackets", "long word"} <= refused
    # A mention alone is chat syntax, not a quote (bot.core.chat_syntax): nothing is left to look for.
    assert {"everyone", "fullwidth everyone", "role", "user", "timestamp"} <= refused
    assert not refused & {"mention mix", "masked link", "fdfa run", "combining flood",
                          "math bold", "format", "sql", "exactly max", "nul inside", "spoiler", "heading"}
