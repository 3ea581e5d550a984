"""Invisible characters: zero-width spaces and joiners, bidi controls, soft hyphens, tag characters.

They carry no meaning in a statement and are a known spoofing vector: "Vla\u200bdimir Putin" looks
like the name but does not compare equal to it, and a right-to-left override shows words in another
order than they are stored. Corpus files lose them when parsed (`bot.core.documents`) and name
comparisons ignore them (`bot.core.speakers.fold`). Only the joiners that change how visible text is
drawn are kept: a ZWJ inside an emoji sequence (👩‍💻), ZWJ/ZWNJ between letters of the scripts that
use them (Persian, Hindi), and the tag characters of a subdivision flag (🏴 England).
"""

from __future__ import annotations

import re

from bot.core.text_rules import ALWAYS_INVISIBLE as _ALWAYS
from bot.core.text_rules import JOINERS as _JOINERS
from bot.core.text_rules import TAGS as _TAGS

# Emoji, and what may end an emoji before a ZWJ (the emoji presentation selector).
_EMOJI = "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21aa\u231a-\u23ff\u24c2\u25aa-\u27bf\u2934\u2935\u2b05-\u2b55\u3030\u303d\u3297\u3299\U0001f000-\U0001faff"
# Scripts whose spelling uses ZWJ/ZWNJ between letters: Arabic (Persian), the Indic scripts.
_JOINING_SCRIPTS = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\u0900-\u0dff\ufb50-\ufdff\ufe70-\ufefc"

_CANDIDATE = re.compile(f"[{_ALWAYS}{_JOINERS}{_TAGS}]")
_FOUND = re.compile(f"[{_ALWAYS}]+|[{_JOINERS}]|[{_TAGS}]+")
_EMOJI_CHAR = re.compile(f"[{_EMOJI}]")
_EMOJI_END = re.compile(f"[{_EMOJI}\ufe0f]")
_JOINING_CHAR = re.compile(f"[{_JOINING_SCRIPTS}]")
_FLAG_TAGS = re.compile("[\U000e0020-\U000e007e]+\U000e007f")
_BLACK_FLAG = "\U0001f3f4"


def remove_invisible(text: str) -> str:
    """`text` without the invisible characters that carry no meaning (see the module docstring)."""
    if text.isascii() or _CANDIDATE.search(text) is None:
        return text  # the usual case, and the fast one
    return _FOUND.sub(_replacement, text)


def _replacement(match: re.Match[str]) -> str:
    found, text = match.group(0), match.string
    before = text[match.start() - 1] if match.start() > 0 else ""
    after = text[match.end()] if match.end() < len(text) else ""
    if found in _JOINERS:
        if _JOINING_CHAR.match(before) and _JOINING_CHAR.match(after):
            return found  # part of the spelling
        if found == "\u200d" and _EMOJI_END.match(before) and _EMOJI_CHAR.match(after):
            return found  # 👩‍💻: one emoji drawn from two
        return ""
    if before == _BLACK_FLAG and _FLAG_TAGS.fullmatch(found):
        return found  # 🏴 + "gbeng" + cancel tag: the flag of England
    return ""
