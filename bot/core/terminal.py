"""Text for a terminal: corpus and user text shown as text, never obeyed as commands.

A terminal acts on control characters: ESC starts colour, cursor and title sequences and OSC 8
hyperlinks, the C1 characters U+0080–U+009F are the same commands in one character (U+009B is
"ESC ["), CR returns to the start of the line to overwrite it, and the bidi controls make the
terminal show words in another order than they are stored. Corpus text comes from articles anyone
can write, so every such character is shown as an escape (`\\x1b`, `\\u202e`) instead.
"""

from __future__ import annotations

import json
import re
from typing import Any

# The bidi embeddings, overrides, isolates and marks (Arabic letter mark, LRM, RLM).
_BIDI = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Everything a terminal may obey, except the newline a layout puts between lines.
_OBEYED = re.compile(rf"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")
# What breaks a line, or looks like spacing, inside one field: shown as one space.
_LINE_BREAKS = re.compile(r"[\t\n\x0b\x0c\r\x1c-\x1f\x85\u2028\u2029]+")
# In JSON: the characters json.dumps leaves raw (it only escapes U+0000–U+001F, quote and backslash).
_RAW_IN_JSON = re.compile(rf"[\x7f-\x9f\u2028\u2029{_BIDI}]")


def visible(char: str) -> str:
    """The escape a terminal shows for one control character: \\x1b, \\x9b, \\u202e."""
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal_text(text: str) -> str:
    """`text` with its newlines kept and every other control or bidi character shown as an escape."""
    if text.isascii() and text.isprintable():
        return text  # the usual line, and the fast path
    return _OBEYED.sub(lambda match: visible(match.group()), text)


def one_line(text: str) -> str:
    """One field on one line: line breaks and tabs become a space, other controls are shown as escapes."""
    return terminal_text(_LINE_BREAKS.sub(" ", text))


def json_text(value: Any) -> str:
    """`json.dumps` (non-ASCII kept readable) with DEL, C1, bidi and line-separator characters escaped
    as \\uXXXX: the same JSON value, safe on a terminal."""
    text = json.dumps(value, ensure_ascii=False)
    if text.isascii() and "\x7f" not in text:
        return text
    # These characters only ever occur inside JSON strings, where \uXXXX stands for exactly them.
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
