"""Rules about text itself, in one place: invisible characters, control characters, lone surrogates, length limits.

Several layers apply these rules for their own purpose, each with the set it needs:
- `ALWAYS_INVISIBLE`, `JOINERS`, `TAGS`: removed from corpus text and names (bot/core/invisible.py),
  keeping only the joiners and tags that change how visible text is drawn;
- `MATCH_INVISIBLE`: removed outright from matching keys (bot/core/normalize.py), a wider set
  (variation selectors, Hangul fillers) since keys are never shown;
- `DISPLAY_INVISIBLE`: removed from text shown in Discord together with the C0/C1 controls (bot/chat/safety.py);
- `BLANK`: characters that look like nothing, so a quote made only of them is empty (bot/service.py);
- `CONTROL`: C0 controls other than tab and line breaks, which the database must not hold (NUL breaks PostgreSQL).
"""

from __future__ import annotations

import re

# --- Invisible characters ------------------------------------------------------------------------

# Removed wherever they are: zero-width space, word joiner and invisible operators, BOM, soft
# hyphen, Mongolian vowel separator, the bidi marks, embeddings, overrides and isolates.
ALWAYS_INVISIBLE = "\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
JOINERS = "\u200c\u200d"
TAGS = "\U000e0000-\U000e007f"

# Characters removed outright from matching keys: zero-width, joiners, bidi controls, soft hyphen,
# BOM, variation selectors. They are invisible, so a pasted quote may carry them where the corpus does not.
MATCH_INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
    "\u206a\u206b\u206c\u206d\u206e\u206f\ufeff\ufe00\ufe01\ufe02\ufe03\ufe0e\ufe0f"
    # Tag characters (U+E0000-E007F) are invisible too, and can be hidden inside a pasted quote.
    + "".join(chr(code) for code in range(0xE0000, 0xE0080))
)

# Zero-width, bidi controls, soft hyphen, BOM, tag characters and C0/C1 controls except tab and newline.
DISPLAY_INVISIBLE = re.compile(
    "[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\U000e0000-\U000e007f"
    "\x00-\x08\x0b-\x1f\x7f-\x9f]"
)

# Characters that look like nothing: a quote made only of these (and spaces) is empty.
BLANK = frozenset({"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"})

# --- Control characters and lone surrogates ------------------------------------------------------

# NUL breaks PostgreSQL text; the other C0 controls are never part of real prose.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SURROGATE = re.compile("[\ud800-\udfff]")  # in a Python str any of these is unpaired


def is_valid_unicode(text: str) -> bool:
    """Whether `text` holds no lone surrogate (undecodable bytes on a command line, a crafted JSON escape)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def replace_surrogates(text: str, replacement: str = "\ufffd") -> str:
    """`text` with each lone surrogate replaced, so it can be stored and printed."""
    return SURROGATE.sub(replacement, text)


# --- Length limits -------------------------------------------------------------------------------

QUOTE_MAX = 1000  # the longest quote a chat user may submit (contract: quote ≤ 1,000 characters)
CHECK_QUOTE_MAX = 2000  # the longest quote the service checks (command line, console)
