"""Word-level alignment of a quote inside a statement.

The quote is usually a fragment, so the alignment is semi-global: statement words before and after
the quoted part cost nothing. Words are compared by key after contractions are expanded ("isn't" →
"is not") and numbers are reduced to their value ("one thousand" → "1000"), so those spellings
align as equal and the verdict can still see that the surface differed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from bot.core.normalize import Word, normalize
from bot.core.numbers import number_spans

OpTag = Literal["equal", "similar", "replace", "insert", "delete"]

# Contractions written with an apostrophe: suffix → expansion of the suffix.
_SUFFIXES = {"'re": "are", "'ve": "have", "'ll": "will", "'d": "would", "'m": "am"}
# Bases of "n't" whose stem is not the word itself ("won't" → "will not").
_NT_STEMS = {"ca": "can", "wo": "will", "sha": "shall", "ai": "is"}
# "'s" is only expanded after pronouns: elsewhere it is usually a possessive.
_S_BASES = frozenset("it that what he she there here who where how".split())
# Contractions written without the apostrophe, as in transcripts that lost them ("dont", "Im").
# Words that are also plain English words ("were", "well", "ill", "its", "wont", "id") are left out.
_BARE = {
    **{w + "nt": [w, "not"] for w in "is are was were do does did could would should has have had must need might".split()},
    "cant": ["can", "not"],
    "cannot": ["can", "not"],
    "im": ["i", "am"],
    "ive": ["i", "have"],
    "youre": ["you", "are"],
    "theyre": ["they", "are"],
    "youve": ["you", "have"],
    "weve": ["we", "have"],
    "theyve": ["they", "have"],
    "youll": ["you", "will"],
    "theyll": ["they", "will"],
    "thats": ["that", "is"],
    "theres": ["there", "is"],
    "whats": ["what", "is"],
    "hes": ["he", "is"],
    "shes": ["she", "is"],
    "gonna": ["going", "to"],
    "wanna": ["want", "to"],
}


@dataclass(frozen=True, slots=True)
class Token:
    """One unit of alignment: a key and the source words (first, last inclusive) it came from."""

    key: str
    first: int
    last: int


@dataclass(frozen=True, slots=True)
class Op:
    """One alignment step over token ranges [q0, q1) of the quote and [s0, s1) of the statement."""

    tag: OpTag
    q0: int
    q1: int
    s0: int
    s1: int


def expand(surface: str) -> list[str] | None:
    """The words a contraction stands for ("Isn't" → ["is", "not"]), or None when it is not one."""
    norm = normalize(surface)
    if "'" in norm:
        if norm.endswith("n't"):
            stem = norm[:-3]
            return [_NT_STEMS.get(stem, stem), "not"]
        for suffix, full in _SUFFIXES.items():
            if norm.endswith(suffix):
                return [norm[: -len(suffix)].replace("'", ""), full]
        if norm.endswith("'s") and norm[:-2] in _S_BASES:
            return [norm[:-2], "is"]
        if norm == "let's":
            return ["let", "us"]
        return None
    return _BARE.get(norm)


def tokens(words: Sequence[Word]) -> list[Token]:
    """Alignment tokens of a word list: contractions expanded, number words merged into values."""
    keys = [w.key for w in words]
    spans = {start: (end, value) for start, end, value in number_spans(keys)}
    out: list[Token] = []
    i = 0
    while i < len(words):
        if i in spans:
            end, value = spans[i]
            out.append(Token(value, i, end - 1))
            i = end
            continue
        parts = expand(words[i].surface)
        if parts:
            out.extend(Token(part, i, i) for part in parts)
        else:
            out.append(Token(keys[i], i, i))
        i += 1
    return out


def _variant(word: str) -> str:
    # British and American spellings meet in one form: colour/color, organise/organize, centre/center.
    for old, new in (("our", "or"), ("ise", "ize"), ("isation", "ization"), ("yse", "yze"), ("tre", "ter"), ("ll", "l")):
        word = word.replace(old, new)
    return word


def similar(a: str, b: str) -> bool:
    """True when two different word keys are a typo or spelling variant of each other."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 2 or a[:1].isdigit() or b[:1].isdigit():
        return False
    shorter = min(len(a), len(b))
    if shorter >= 4:
        allowed = 1 if max(len(a), len(b)) <= 7 else 2
        if OSA.distance(a, b, score_cutoff=allowed + 1) <= allowed:
            # In short words one changed letter is often another word ("Iran"/"Iraq"); only a
            # dropped, doubled or swapped letter counts there.
            return max(len(a), len(b)) > 5 or len(a) != len(b) or sorted(a) == sorted(b)
    # Spelling variants keep the first letter; checking that first skips most unrelated pairs.
    return shorter >= 4 and a[0] == b[0] and _variant(a) == _variant(b)


_SIMILAR_COST = 0.35
# A shade above a gap, so a word added at either end of the quote is an insertion, not a
# replacement of the statement word next to the quoted part.
_REPLACE_COST = 1.01
# Statement words left out inside the quoted part cost less than quote words added: a quote that
# drops a clause is still the same stretch of the statement, not its start plus invented words.
_DELETE_COST = 0.5
_MAX_CELLS = 6000


def align(
    quote: Sequence[Token], statement: Sequence[Token], start: int = 0, slip: Callable[[str, str], bool] | None = None
) -> list[Op]:
    """Align the quote tokens inside statement[start:]; statement words outside the aligned part are not ops.

    `slip(quoted, original)` tells a typo the spelling rules of `similar` do not see ("Niiht" for
    "Night"): such a pair aligns as similar words, not as a quote word added beside a statement word."""
    qk = [t.key for t in quote]
    sk = [t.key for t in statement]
    lo, hi = start, len(sk)
    if hi - lo > len(qk) + 8 or len(qk) * (hi - lo) > _MAX_CELLS:
        # The quote found word for word: there, at its first place, as the full alignment would put
        # it (a short piece before an elision must leave the words after it to the next piece).
        at = _exact(qk, sk, statement, lo, hi)
        if at is not None:
            return [Op("equal", i, i + 1, at + i, at + i + 1) for i in range(len(qk))]
        lo, hi = _window(qk, sk, lo, hi)
    return _semiglobal(qk, sk, lo, hi, slip)


def _exact(qk: list[str], sk: list[str], statement: Sequence[Token], lo: int, hi: int) -> int | None:
    """The first statement position in [lo, hi) where the quote keys occur contiguously as whole
    words (not the "you" of "you're"), or None; `sk` holds the statement tokens' keys."""
    n = len(qk)
    at = lo
    while n:
        try:
            at = sk.index(qk[0], at, hi - n + 1)
        except ValueError:
            return None
        whole = (at == 0 or statement[at - 1].last < statement[at].first) and (
            at + n == len(statement) or statement[at + n].first > statement[at + n - 1].last
        )
        if whole and sk[at : at + n] == qk:
            return at
        at += 1
    return None


def _window(qk: list[str], sk: list[str], lo: int, hi: int) -> tuple[int, int]:
    # Long statements: find the quote's region by characters first, then align words only there.
    text = " ".join(sk[lo:hi])
    found = fuzz.partial_ratio_alignment(" ".join(qk), text)
    assert found is not None  # without a score cutoff there is always an alignment
    offsets = []
    pos = 0
    for key in sk[lo:hi]:
        offsets.append(pos)
        pos += len(key) + 1
    first = lo + max(0, _index_at(offsets, found.dest_start))
    last = lo + _index_at(offsets, found.dest_end)
    margin = len(qk) // 2 + 3
    return max(lo, first - margin), min(hi, last + margin + 1)


def _index_at(offsets: list[int], char: int) -> int:
    index = 0
    for i, pos in enumerate(offsets):
        if pos <= char:
            index = i
        else:
            break
    return index


def _semiglobal(qk: list[str], sk: list[str], lo: int, hi: int, slip: Callable[[str, str], bool] | None = None) -> list[Op]:
    n, m = len(qk), hi - lo
    inf = float("inf")
    # cost[i][j]: best cost of aligning qk[:i] ending at statement position lo + j.
    prev = [0.0] * (m + 1)
    back: list[bytearray] = [bytearray(m + 1)]
    sim_cache: dict[tuple[str, str], float] = {}
    for i in range(1, n + 1):
        cur = [inf] * (m + 1)
        row = bytearray(m + 1)
        cur[0] = prev[0] + 1.0
        row[0] = 1  # insert (quote word not in statement)
        qa = qk[i - 1]
        for j in range(1, m + 1):
            sb = sk[lo + j - 1]
            if qa == sb:
                sub = 0.0
            else:
                pair = (qa, sb)
                sub = sim_cache.get(pair, -1.0)
                if sub < 0:
                    sub = _SIMILAR_COST if similar(qa, sb) or (slip is not None and slip(qa, sb)) else _REPLACE_COST
                    sim_cache[pair] = sub
            best, move = prev[j - 1] + sub, 0
            if prev[j] + 1.0 < best:
                best, move = prev[j] + 1.0, 1
            if cur[j - 1] + _DELETE_COST < best:
                best, move = cur[j - 1] + _DELETE_COST, 2
            cur[j] = best
            row[j] = move
        back.append(row)
        prev = cur
    # Free trailing statement words: end wherever the quote is cheapest, the earliest on ties.
    end = min(range(m + 1), key=lambda j: (prev[j], j))
    steps: list[tuple[OpTag, int, int]] = []
    i, j = n, end
    while i > 0:
        move = back[i][j] if j > 0 else 1
        if move == 0:
            a, b = qk[i - 1], sk[lo + j - 1]
            steps.append(("equal" if a == b else "similar" if sim_cache.get((a, b)) == _SIMILAR_COST else "replace", i - 1, lo + j - 1))
            i -= 1
            j -= 1
        elif move == 1:
            steps.append(("insert", i - 1, lo + j))
            i -= 1
        else:
            steps.append(("delete", i, lo + j - 1))
            j -= 1
    steps.reverse()
    ops: list[Op] = []
    for tag, qi, sj in steps:
        if tag in ("equal", "similar", "replace"):
            ops.append(Op(tag, qi, qi + 1, sj, sj + 1))
        elif tag == "insert":
            ops.append(Op(tag, qi, qi + 1, sj, sj))
        else:
            ops.append(Op(tag, qi, qi, sj, sj + 1))
    return ops
