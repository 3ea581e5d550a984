"""A quote as it comes from a user, made ready for matching (chat, console and command line alike)."""

from __future__ import annotations

import unicodedata

from bot.core.chat_syntax import without_chat_syntax
from bot.core.errors import QuotecheckError
from bot.core.normalize import quote_pieces
from bot.core.text_rules import BLANK, CHECK_QUOTE_MAX, is_valid_unicode

MAX_QUOTE_CHARS = CHECK_QUOTE_MAX


class QuoteError(QuotecheckError, ValueError):
    """A quote that cannot be checked (empty, whitespace only, too long); the message says why."""

    quotes_input = True


def clean_quote(quote: str) -> str:
    """The quote as it is matched: outer whitespace and chat syntax (`bot.core.chat_syntax`)
    removed; QuoteError when nothing checkable is left."""
    return checkable(quote)[0]


def checkable(quote: str) -> tuple[str, list[str]]:
    """`clean_quote`, and the match texts of its pieces (`quote_pieces`): the one normalisation a
    quote gets on its way to a verdict; QuoteError when nothing checkable is left."""
    if quote is None or not isinstance(quote, str):
        raise QuoteError("the quote must be text")
    text = quote.strip()
    if not is_valid_unicode(text):
        # Lone surrogates: undecodable bytes on a command line, or a crafted JSON escape.
        raise QuoteError("the quote is not valid text (it holds undecodable characters)")
    _require_visible(text)
    if len(text) > MAX_QUOTE_CHARS:
        raise QuoteError(f"the quote is too long ({len(text)} characters; the limit is {MAX_QUOTE_CHARS})")
    text = without_chat_syntax(text)
    _require_visible(text)
    pieces = quote_pieces(text)
    if not pieces:
        # Only punctuation or symbols ("```", "#", "＠"): the matcher has no word to look for.
        raise QuoteError("the quote has no words to check")
    return text, pieces


def _require_visible(text: str) -> None:
    visible = [ch for ch in text if not ch.isspace() and ch not in BLANK and unicodedata.category(ch) != "Cc"]
    if not visible:
        raise QuoteError("the quote is empty")
