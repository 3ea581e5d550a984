"""Where a quote cut out of a statement changes its sense, as the contract reads it.

The contract: where the omitted words or a cut end would change the sense (a negation, a number,
"only", a condition governing the quoted words) the verdict is `altered`. The words are listed here
on their own (from the contract's wording, not from the matcher's lists) so the benches judge the
matcher; `bench/matching.py` and `bench/scale_real.py` draw their genuine fragments with the same rule.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

NEGATIONS = frozenset("not never no nor without nothing nobody none neither".split())
LIMITERS = frozenset("only just except almost nearly barely".split())
QUALIFIERS = frozenset("maybe perhaps probably possibly might allegedly reportedly supposedly apparently claimed alleged".split())
# Contractions of "not" as transcripts without apostrophes write them.
BARE_NOTS = frozenset(
    [w + "nt" for w in "is are was were do does did could would should has have had must".split()] + ["cant", "wont", "cannot"]
)
CONDITIONS = frozenset("if unless provided".split())
NUMBERS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen
    eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million billion
    trillion percent half twice double triple""".split()
)
# ("provided" alone is mostly "as provided by law": a condition only as "provided that".)
CUTS = re.compile(r"\b(?:only if|only when|if|unless|as long as|so long as|provided that|except)\b", re.I)
# Before these an "if" concedes ("even if"), compares ("as if"), asks ("see if", "what if") or opens a
# clause of its own ("and if"): it sets no condition on the words before it.
NOT_CONDITIONS = frozenset(
    """even as what and or but see know knew wonder wondering ask asked asking determine question check decide
    whether tell sure""".split()
)

# Why a cut is not a genuine quote, as `governing_cut` says it.
AFTER_NEGATION = "starts right after a negation"
BEFORE_CONDITION = "stops right before a condition"
INSIDE_NUMBER = "cuts a number in two"
INSIDE_CONDITION = "stops inside a condition"
# Number words that go on a number ("37 million", "twenty five"): a cut between two of them changes it.
_NUMBER_PARTS = NUMBERS - {"percent", "half", "twice", "double", "triple"}


def bare(word: str) -> str:
    return re.sub(r"[^\w']", "", word.lower().replace("\u2019", "'"))


def governing_cut(words: Sequence[str], start: int, end: int, *, any_condition: bool = False) -> str | None:
    """Why quoting `words[start:end]` of a statement's words leaves out a word governing them (the
    negation right before, the condition right after), or None when the cut keeps the sense.
    `any_condition`: every "if" after counts, also one that concedes or asks ("even if", "see if")."""
    if 0 < start < end and _one_number(words[start - 1], words[start]):
        return INSIDE_NUMBER
    if start < end < len(words) and _one_number(words[end - 1], words[end]):
        return INSIDE_NUMBER
    if start > 0 and not words[start - 1].endswith((",", ".", ";", ":")):
        before = bare(words[start - 1])
        if before in NEGATIONS | BARE_NOTS or before.endswith("n't"):
            return AFTER_NEGATION
    if end < len(words) and not words[end - 1].endswith((".", "!", "?", ";", ":")):
        if CUTS.match(" ".join(words[end : end + 3])) and (any_condition or bare(words[end - 1]) not in NOT_CONDITIONS):
            return BEFORE_CONDITION
        if _splits_condition(words, start, end):
            return INSIDE_CONDITION
    return None


def _splits_condition(words: Sequence[str], start: int, end: int) -> bool:
    """Whether the cut falls inside a condition phrase: "so long | as…", "and only | if…"."""
    for held in (1, 2):
        if end - held < start or any(w.endswith((",", ".", ";", ":", "!", "?")) for w in words[end - held : end - 1]):
            continue
        tail = " ".join(bare(w) for w in words[end - held : end])
        joined = f"{tail} {' '.join(bare(w) for w in words[end : end + 3])}"
        found = CUTS.match(joined)
        if found is not None and found.end() > len(tail):  # the phrase goes on past the cut
            return True
    return False


def _one_number(left: str, right: str) -> bool:
    """Whether two neighbouring words are parts of one number ("37 million", "twenty-five" apart)."""
    if left.endswith((",", ".", ";", ":", "!", "?")):
        return False

    def part(word: str) -> bool:
        key = bare(word)
        return key[:1].isdigit() or key in _NUMBER_PARTS

    return part(left) and part(right)
