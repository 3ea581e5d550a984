"""What a pasted post says, without the parts that are about posting: links, @handles, signature
lines ("— Name (@handle) January 6, 2020"), hashtags and emoji.

Retrieval reads the words that carry the claim. A link or an emoji carries none; a hashtag or a
handle often does once split into words (#AustralianFires, @USArmy); and a signature's name is kept
(a post signed by a speaker is often about that speaker's words) while its handle and date go.
"""

from __future__ import annotations

import re
import unicodedata

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# `— Name (@handle) January 6, 2020` or `— Name (handle)` at the end of a post.
_SIGNATURE = re.compile(
    rf"\s*[—–―]+\s*(?P<name>[^—–―()\n]{{0,80}}?)\s*\((?P<handle>[^()\n]{{0,60}})\)"
    rf"(?:\s*(?:{_MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}})?[\"'”]?\s*$"
)
# A picture link is often glued to the word before it by the post's export ("#IranUsapic.twitter.com/…").
_LINK = re.compile(r"(?:https?://|www\.)\S+|pic\.twitter\.com/\S+|<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>")
_HANDLE = re.compile(r"(?<![\w@])@(\w{1,40})")
_HASHTAG = re.compile(r"(?<![\w#])#(\w{1,100})")
# Word boundaries inside a joined tag: lower→Upper, ACRONYMWord, letter↔digit, underscores.
_JOINS = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])|_+")
_SPACES = re.compile(r"\s+")
_JOINERS = {"\u200d", "\ufe0e", "\ufe0f", "\u20e3"}


def split_joined(word: str) -> str:
    """A hashtag or handle written as one word, as words: "AustralianFires" → "Australian Fires"."""
    return _JOINS.sub(" ", word).strip()


def without_emoji(text: str) -> str:
    """`text` without pictographs, symbols of that kind, their joiners and skin-tone modifiers."""
    if text.isascii():
        return text
    return "".join(
        " " if unicodedata.category(ch) in ("So", "Sk", "Cs", "Co") or ch in _JOINERS else ch for ch in text
    )


def clean_post(text: str) -> str:
    """The words of a post that state its claim (see the module docstring); plain sentences pass unchanged."""
    text = _SIGNATURE.sub(lambda m: " " + m.group("name"), text)
    text = _LINK.sub(" ", text)
    text = _HANDLE.sub(lambda m: " " + split_joined(m.group(1)) + " ", text)
    text = _HASHTAG.sub(lambda m: " " + split_joined(m.group(1)) + " ", text)
    text = without_emoji(text)
    return _SPACES.sub(" ", text).strip()
