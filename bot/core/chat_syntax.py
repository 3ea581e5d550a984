"""Chat syntax is not part of a quote: what a chat client adds around pasted words is removed
before matching.

People paste quotes the way their chat client writes them: with a `> ` quote marker in front, in
backticks, after a mention of the person they answer (`<@123>`, `<@&456>` for a role), with
`@everyone`, a custom emoji (`<:name:789>`) or a timestamp (`<t:1716110000:R>`). None of it is
words anyone said, and left in, `@everyone` reads as an inserted word and the quote as altered.
"""

from __future__ import annotations

import re

# <@123>, <@!123> (user), <@&123> (role), <#123> (channel), </name sub:123> (command),
# <:name:123>, <a:name:123> (custom emoji), <t:1716110000> and <t:1716110000:R> (timestamps).
_ANGLE = re.compile(
    r"<(?:@[!&]?\d{1,25}|#\d{1,25}|/[\w\- ]{1,100}:\d{1,25}|a?:\w{1,64}:\d{1,25}|t:-?\d{1,16}(?::[tTdDfFR])?)>"
)
# @everyone / @here, also in fullwidth or small forms (＠ｅｖｅｒｙｏｎｅ), which some clients and
# pasted text use to dodge mention filters.
_MASS = re.compile(
    r"(?<![\w@＠﹫])[@＠﹫]\s?(?:everyone|here|ｅｖｅｒｙｏｎｅ|ｈｅｒｅ)(?![\w])",
    re.IGNORECASE,
)
# A block quote marker at the start of a line: "> ", ">>> ".
_QUOTE_MARKER = re.compile(r"^[ \t]*>{1,3}[ \t]+", re.MULTILINE)
_BACKTICKS = re.compile(r"`+")
_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+([,.;:!?…])")


def without_chat_syntax(text: str) -> str:
    """`text` without mentions, channel links, @everyone/@here, custom emoji, timestamps, a leading
    quote marker on any line and code-span backticks; the spaces they leave are tidied. Text
    without chat syntax comes back unchanged."""
    if not any(mark in text for mark in "<@＠﹫>`"):
        return text
    cleaned = _ANGLE.sub(" ", text)
    cleaned = _MASS.sub(" ", cleaned)
    cleaned = _QUOTE_MARKER.sub("", cleaned)
    cleaned = _BACKTICKS.sub("", cleaned)
    if cleaned == text:
        return text
    cleaned = _SPACE_BEFORE_PUNCT.sub(r"\1", _SPACES.sub(" ", cleaned))
    return "\n".join(line.strip() for line in cleaned.strip().split("\n"))
