"""The text reply for each verdict."""

from __future__ import annotations

from bot.core.model import Alternative, CheckResult, Difference, RelatedStatement, SourceInfo, StatementRecord
from bot.core.render import context_line, render_result, source_line

SOURCE = SourceInfo(title="Putin and Trump talk", url="https://example.org/a", outlet="NPR", date="2025-05-19")
STATEMENT = StatementRecord(
    text="Russia is for a peaceful settlement to the Ukraine crisis.",
    speaker="Vladimir Putin",
    source=SOURCE,
    context_before="After the call with Trump, Putin said:",
    context_after="Over the weekend, Putin gave an interview.",
    id="abc",
)


def test_verified_reply_names_speaker_date_source_and_context() -> None:
    text = render_result(CheckResult("Russia is for a peaceful settlement", None, "verified", 100.0, STATEMENT))
    assert text.startswith("VERIFIED")
    assert "“Russia is for a peaceful settlement to the Ukraine crisis.”" in text
    assert "— Vladimir Putin, 2025-05-19" in text
    assert "NPR, “Putin and Trump talk” <https://example.org/a>" in text
    assert "After the call with Trump, Putin said: […] Over the weekend" in text


def test_altered_reply_lists_the_meaningful_change() -> None:
    diff = Difference("insert", "not", "", True, "negation")
    text = render_result(CheckResult("Russia is not for a peaceful settlement", None, "altered", 91.0, STATEMENT, (diff,)))
    assert text.startswith("ALTERED")
    assert "added “not” (negation)" in text


def test_misattributed_reply_names_both_people() -> None:
    text = render_result(CheckResult("Russia is for a peaceful settlement", "Donald Trump", "misattributed", 100.0, STATEMENT))
    assert text.startswith("MISATTRIBUTED")
    assert "You named Donald Trump; the statement is by Vladimir Putin." in text


def test_unverified_reply_shows_closest_statements() -> None:
    alt = Alternative(STATEMENT, 55.0)
    text = render_result(CheckResult("Something nobody said", None, "unverified", 55.0, None, (), (alt,)))
    assert text.startswith("UNVERIFIED")
    assert "Closest statements" in text and "Vladimir Putin" in text
    assert "Source:" not in text


def test_long_text_is_cut_and_missing_fields_are_left_out() -> None:
    bare = StatementRecord(text="word " * 600, speaker=None, source=SourceInfo(kind="speech"))
    text = render_result(CheckResult("word word", None, "verified", 100.0, bare))
    assert "unknown speaker" in text
    assert "…”" in text
    assert source_line(bare) == "Speech"
    assert context_line(bare) == ""


def test_user_text_with_braces_is_not_formatted() -> None:
    odd = StatementRecord(text="{0.__class__} and {speaker}", speaker="{x}", source=SourceInfo())
    text = render_result(CheckResult("{0.__class__}", None, "verified", 100.0, odd))
    assert "{0.__class__} and {speaker}" in text and "— {x}" in text


def test_parsing_and_replies_import_no_adapter_libraries() -> None:
    import subprocess
    import sys

    code = (
        "import sys, bot.core.documents, bot.core.render; "
        "print(sorted(m for m in ('discord', 'sqlmodel', 'sqlalchemy', 'apscheduler', 'asyncio') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_a_paraphrase_reply_says_not_word_for_word_and_lists_the_closest_statements() -> None:
    related = (RelatedStatement(STATEMENT, 64.2),)
    result = CheckResult("Putin wants peace in Ukraine", None, "unverified", 40.0, related=related)
    text = render_result(result)
    assert text.startswith("UNVERIFIED")
    assert "Not found word for word. Closest statements in the corpus:" in text
    assert "1. Vladimir Putin, 2025-05-19: “Russia is for a peaceful settlement to the Ukraine crisis.” (score 64)" in text
    assert "Source: NPR, “Putin and Trump talk” <https://example.org/a>" in text
    data = result.to_json()
    assert data["related"][0]["statement_id"] == "abc" and data["related"][0]["score"] == 64.2
    assert data["related"][0]["source"] == {"title": "Putin and Trump talk", "url": "https://example.org/a", "outlet": "NPR"}


def test_nothing_related_is_said_and_the_json_carries_an_empty_list() -> None:
    result = CheckResult("The recipe needs flour", None, "unverified", 12.0, related=())
    assert "Not found word for word. No statement in the corpus is close enough to show as related." in render_result(result)
    assert result.to_json()["related"] == []
    verified = CheckResult("Russia is for a peaceful settlement", None, "verified", 100.0, STATEMENT)
    assert "related" not in verified.to_json()


def test_a_close_reply_lists_other_related_statements_but_not_the_match_again() -> None:
    other = StatementRecord(text="We are ready for talks.", speaker="Vladimir Putin", source=SOURCE, id="def")
    result = CheckResult("Russia is for a peacefull settlement", None, "close", 95.0, STATEMENT,
                         related=(RelatedStatement(STATEMENT, 90.0), RelatedStatement(other, 50.0)))
    text = render_result(result)
    assert "Related statements:" in text and "1. Vladimir Putin, 2025-05-19: “We are ready for talks.”" in text
    assert text.count("Russia is for a peaceful settlement to the Ukraine crisis.") == 1


CLINTON = StatementRecord(
    text="I will not raise taxes on the middle class to pay for these programs.",
    speaker="Bill Clinton",
    source=SourceInfo(title="Presidential debate", date="1992-10-15", kind="transcript"),
    id="clinton",
)


def test_what_the_quote_leaves_out_comes_first() -> None:
    from bot.core.verdict import compare

    quote = "I will ... raise taxes on the middle class to pay for these programs."
    comparison = compare(quote, CLINTON.text)
    text = render_result(CheckResult(quote, "Bill Clinton", comparison.level, 100.0, CLINTON, comparison.differences))
    lines = text.splitlines()
    assert lines[0].startswith("ALTERED")
    assert lines[1] == "The quote leaves out “not”: “I will not raise taxes on the middle…”"
    changes = lines[lines.index("Changes that alter the meaning:") + 1]
    assert changes == "  - left out “not” (negation)"


def test_a_typo_is_a_minor_difference() -> None:
    diff = Difference("typo", "Thuir", "Their", False, "typo")
    text = render_result(CheckResult("Thuir plan", None, "close", 96.0, STATEMENT, (diff,)))
    assert text.startswith("CLOSE")
    assert "Minor differences: “Thuir” instead of “Their” (typo)" in text
    assert "leaves out" not in text


def test_known_kinds_get_their_own_look_and_others_are_shown_as_written() -> None:
    from dataclasses import replace

    from bot.chat.embeds import source_text
    from bot.core.kinds import kind_badge, kind_label

    for kind, text_line, chat in (("post", "Source (Post): NPR", "💬 Post — Putin and Trump talk — NPR"),
                                  ("press release", "Source (Press release): NPR", "📣 Press release — Putin"),
                                  ("podcast", "Source (podcast): NPR", "podcast — Putin and Trump talk"),
                                  ("article", "Source: NPR", "Putin and Trump talk — NPR")):
        statement = replace(STATEMENT, source=replace(SOURCE, kind=kind))
        assert text_line in render_result(CheckResult("Russia is for a peaceful settlement", None, "verified", 100.0, statement))
        assert source_text(statement).startswith(chat)
    assert (kind_label("video"), kind_badge("letter"), kind_label("Zine")) == ("Video", "✉️ Letter", "Zine")


def test_a_quote_with_chat_syntax_shows_the_words_matched() -> None:
    result = CheckResult("> @everyone Russia is for a peaceful settlement", None, "verified", 100.0, STATEMENT,
                         matched_quote="Russia is for a peaceful settlement")
    text = render_result(result)
    assert "Quote as matched (chat formatting left out): “Russia is for a peaceful settlement”" in text
    assert "@everyone" not in text
    assert result.to_json()["quote"] == "> @everyone Russia is for a peaceful settlement"
    assert result.to_json()["quote_as_matched"] == "Russia is for a peaceful settlement"
