"""Chat syntax around a pasted quote is not part of it."""

from __future__ import annotations

import pytest

from bot.core.chat_syntax import without_chat_syntax
from bot.core.query import QuoteError, clean_quote

WORDS = "The tone and spirit of the conversation were excellent"


@pytest.mark.parametrize(
    "pasted",
    [
        f"> {WORDS}",
        f">>> {WORDS}",
        f"@everyone {WORDS}",
        f"@here {WORDS}",
        f"＠ｅｖｅｒｙｏｎｅ {WORDS}",
        f"＠here {WORDS}",
        f"<@&123456789012345678> {WORDS}",
        f"<@123456789012345678> {WORDS}",
        f"<@!123456789012345678> {WORDS}",
        f"{WORDS} <#123456789012345678>",
        f"{WORDS} <:shrug:123456789012345678>",
        f"{WORDS} <a:party:123456789012345678>",
        f"<t:1716110000:R> {WORDS}",
        f"<t:1716110000> {WORDS}",
        f"`{WORDS}`",
        f"```{WORDS}```",
        f"> @everyone <@&1> `{WORDS}` <:ok:2> <t:1716110000:F>",
    ],
)
def test_chat_syntax_is_removed(pasted: str) -> None:
    assert without_chat_syntax(pasted) == WORDS
    assert clean_quote(pasted) == WORDS


def test_words_are_left_alone() -> None:
    for text in (WORDS, "Send it to me@here.com, he said", "3 > 2 and 1 < 2", "email bob@everyone.org today", "a <b> tag"):
        assert without_chat_syntax(text) == text


def test_the_marker_of_every_quoted_line_goes() -> None:
    assert without_chat_syntax("> first line\n> second line") == "first line\nsecond line"


def test_a_mention_inside_the_quote_leaves_one_space() -> None:
    assert without_chat_syntax("we <@123> will win , <t:1:R>.") == "we will win,."


@pytest.mark.parametrize("pasted", ["@everyone", "<@&123> <t:1716110000:R>", "> `` ", "＠ｈｅｒｅ <:x:1>"])
def test_only_chat_syntax_is_an_empty_quote(pasted: str) -> None:
    with pytest.raises(QuoteError, match=r"empty|no words"):
        clean_quote(pasted)
