"""What a quote leaves out of its statement, and whether leaving it out changes the sense.

Quotes drop words all the time, harmlessly: a fragment of a sentence, "…" for a side remark. They
change the sense when what was dropped governs the quoted words:

- an elision mark stands for words carrying a negation, a number or amount, a limiting word or a
  speaker's qualifier ("I will … raise taxes" for "I will not raise taxes");
- the quote stops where its clause goes on with a condition or exception ("effective only" for
  "effective only if both sides agree");
- the quote starts right after a negation that governs it ("raise taxes on the middle class" out
  of "I will not raise taxes on the middle class");
- the quote starts or stops inside a number ("million people" out of "37 million people", "we
  produced 181" out of "we produced 181 million rounds").

Each such omission is a `context` difference naming the words left out, with the passage of the
statement around them for display. Everything here works on the alignment tokens of `align`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.align import Token
from bot.core.model import Difference
from bot.core.normalize import Word
from bot.core.numbers import NUMBER_WORDS, is_number_key

# Word keys (contractions already expanded: "don't" gives "not") whose omission changes the sense.
NEGATIONS = frozenset("not no never nor none nothing nobody neither nowhere without".split())
LIMITERS = frozenset("only just except excepting almost nearly barely hardly scarcely merely solely".split())
AMOUNTS = NUMBER_WORDS | frozenset("percent cent half twice double triple dozen dozens".split())
# A speaker's hedge or report of someone else's claim: leaving it out turns a doubt into an assertion.
QUALIFIERS = frozenset(
    """maybe perhaps probably possibly likely unlikely allegedly reportedly supposedly apparently
    seemingly presumably arguably might claimed alleged""".split()
)
# ("provided" and "providing" set a condition only as "provided that": "the act providing for…" does not.)
CONDITIONS = frozenset("if unless".split())

# Phrases that, right after the quote's last word, make the quoted clause conditional.
CONDITION_PHRASES: tuple[tuple[str, ...], ...] = (
    ("if",),
    ("unless",),
    ("only", "if"),
    ("only", "when"),
    ("as", "long", "as"),
    ("so", "long", "as"),
    ("provided", "that"),
    ("providing", "that"),
    ("on", "condition"),
    ("except",),
)
# After these the following "if" asks a question or concedes ("know if", "even if", "as if") or opens
# a clause of its own ("and if", "but if"): it sets no condition on what was said before it.
_NOT_A_CONDITION_AFTER = frozenset(
    """even as what and or but know knew known see saw seen ask asked asking wonder wondered check
    decide decided determine tell sure doubt question find learn unclear clear""".split()
)
# "not only …", "not just …": the negation leaves the words after it standing.
_NEGATION_KEEPS = frozenset("only just merely simply least".split())
# Punctuation that ends a sentence or clause: what follows it no longer governs the quoted words.
_CLAUSE_END = frozenset(".!?;:")
# Punctuation between a negation and the quote that separates them ("No, we will…").
_SEPARATES = frozenset(".!?;:,()\"\u2014\u2013")
_SHOWN_WORDS = 12  # of the words left out, at most
_PASSAGE_SIDE = 5  # words of the statement shown on each side of what was left out

# Word keys of the match text (apostrophes dropped) that may start or fill an omission that changes
# the sense; a cheap first look before the full comparison.
_NOT_CONTRACTIONS = frozenset(
    [w + "nt" for w in "is are was were do does did could would should has have had must need might".split()]
    + ["cant", "cannot", "wont", "aint", "shant"]
)
SUSPECT_GAP = NEGATIONS | LIMITERS | AMOUNTS | QUALIFIERS | CONDITIONS | _NOT_CONTRACTIONS
SUSPECT_BEFORE = NEGATIONS | _NOT_CONTRACTIONS
_LEADS = (("only",), ("just",), ("but", "only"))  # a limiter leading a condition: "| only as long as …"
# (Words that continue a phrase the cut splits, "effective only | if", "as | long as", are included;
# "that" of "provided that" is not: a quote ending in "provided" is too rare to pay for.)
SUSPECT_AFTER = (
    frozenset(phrase[0] for phrase in CONDITION_PHRASES)
    | frozenset(word for phrase in CONDITION_PHRASES for word in phrase[1:] if word != "that")
    | frozenset(lead[0] for lead in _LEADS)
    | _NOT_CONTRACTIONS
)


@dataclass(frozen=True, slots=True)
class Piece:
    """One quote piece between elision marks, as aligned: statement tokens [start, end) and its own keys."""

    start: int
    end: int
    keys: tuple[str, ...]


def may_omit_meaning(text: str, spans: Sequence[tuple[int, int]]) -> bool:
    """A cheap first look at a quote found word for word: whether what it leaves out may change the sense.

    `text` is a statement's match text and `spans` the character ranges of the quote's pieces in it,
    in order. False means no omission can matter; True asks for the full comparison (which sees the
    punctuation and decides)."""
    if not spans:
        return False
    before = text[: spans[0][0]].split()
    if before and before[-1] in SUSPECT_BEFORE:
        return True
    if before and is_number_key(before[-1]) and is_number_key(text[spans[0][0] :].split()[0]):
        return True  # the quote starts inside a number
    for (_, end), (start, _) in zip(spans, spans[1:]):
        if any(key in SUSPECT_GAP or key[:1].isdigit() for key in text[end:start].split()):
            return True
    after = text[spans[-1][1] :].split()
    if after and is_number_key(after[0]) and is_number_key(text[: spans[-1][1]].split()[-1]):
        return True  # the quote stops inside a number
    return bool(after) and after[0] in SUSPECT_AFTER


def meaning_of(keys: Sequence[str]) -> str | None:
    """Why leaving out these word keys changes the sense ("negation", "number", …), or None when it does not."""
    for reason, found in (
        ("negation", any(k in NEGATIONS for k in keys)),
        ("number", any(k[:1].isdigit() or k in AMOUNTS for k in keys)),
        ("limiter", any(k in LIMITERS for k in keys)),
        ("condition", any(k in CONDITIONS for k in keys)),
        ("qualifier", any(k in QUALIFIERS for k in keys)),
    ):
        if found:
            return reason
    return None


def omissions(statement: str, s_words: Sequence[Word], s_tokens: Sequence[Token], pieces: Sequence[Piece]) -> list[Difference]:
    """The `context` differences of a quote whose pieces were aligned in the statement: a cut start,
    elisions, a cut end, in the statement's order."""
    if not pieces:
        return []
    found: list[Difference] = []
    start_cut = _cut_start(statement, s_words, s_tokens, pieces[0])
    if start_cut is not None:
        found.append(start_cut)
    for number in range(len(pieces) - 1):
        elided = _elision(statement, s_words, s_tokens, pieces[number], pieces[number + 1])
        if elided is not None:
            found.append(elided)
    end_cut = _cut_end(statement, s_words, s_tokens, pieces[-1])
    if end_cut is not None:
        found.append(end_cut)
    return found


def _between(statement: str, s_words: Sequence[Word], left: Token, right: Token) -> str:
    """The statement's characters between two tokens' words (punctuation, spaces)."""
    if left.last >= right.first:
        return ""
    return statement[s_words[left.last].end : s_words[right.first].start]


def _cut_start(statement: str, s_words: Sequence[Word], s_tokens: Sequence[Token], piece: Piece) -> Difference | None:
    if piece.start == 0 or piece.start >= len(s_tokens):
        return None
    before, first = s_tokens[piece.start - 1], s_tokens[piece.start]
    if _splits_number(statement, s_words, before, first):
        lo = piece.start - 1
        while lo > 0 and _splits_number(statement, s_words, s_tokens[lo - 1], s_tokens[lo]):
            lo -= 1
        return _difference(statement, s_words, s_tokens, lo, piece.start, "", "number")
    if before.key not in NEGATIONS or first.key in _NEGATION_KEEPS:
        return None
    if before.last == first.first:
        return None  # the quote starts inside a word
    if any(c in _SEPARATES for c in _between(statement, s_words, before, first)):
        return None
    return _difference(statement, s_words, s_tokens, piece.start - 1, piece.start, "", "negation")


def _elision(statement: str, s_words: Sequence[Word], s_tokens: Sequence[Token], left: Piece, right: Piece) -> Difference | None:
    lo, hi = left.end, right.start
    if hi <= lo:
        return None
    if meaning_of([t.key for t in s_tokens[lo:hi]]) is None:
        return None
    # The mark stands for the fewest words: when the words before it occur again later in the gap
    # ("we will … cut spending" in "we will not raise taxes, and we will cut spending"), they are
    # read there.
    n = len(left.keys)
    keys = [t.key for t in s_tokens]
    for at in range(hi - n, lo - 1, -1):
        if at > left.start and tuple(keys[at : at + n]) == left.keys:
            lo = at + n
            break
    if hi <= lo:
        return None
    reason = meaning_of(keys[lo:hi])
    if reason is None:
        return None
    return _difference(statement, s_words, s_tokens, lo, hi, "\u2026", reason)


def _cut_end(statement: str, s_words: Sequence[Word], s_tokens: Sequence[Token], piece: Piece) -> Difference | None:
    end = piece.end
    if end <= 0 or end >= len(s_tokens):
        return None
    last, following = s_tokens[end - 1], s_tokens[end]
    if _splits_number(statement, s_words, last, following):
        hi = end + 1
        while hi < len(s_tokens) and _splits_number(statement, s_words, s_tokens[hi - 1], s_tokens[hi]):
            hi += 1
        return _difference(statement, s_words, s_tokens, end, hi, "", "number")
    if following.key == "not" and following.first == last.last:
        # The quote stops inside a contraction whose "n't" it leaves out ("I do" of "I don't").
        return _difference(statement, s_words, s_tokens, end, end + 1, "", "negation")
    if any(c in _CLAUSE_END for c in _between(statement, s_words, last, following)):
        return None
    if _condition_follows([t.key for t in s_tokens[max(0, end - 2) : end]], [t.key for t in s_tokens[end : end + 5]]):
        return _difference(statement, s_words, s_tokens, end, _clause_end(statement, s_words, s_tokens, end), "", "condition")
    return None


def _splits_number(statement: str, s_words: Sequence[Word], left: Token, right: Token) -> bool:
    """Whether two neighbouring tokens are words of one number ("37 million", "twenty five"): a quote
    cut between them changes the number it gives."""
    if not (is_number_key(left.key) and is_number_key(right.key)) or left.last == right.first:
        return False
    return _between(statement, s_words, left, right).strip() in ("", "-")


def _condition_follows(tail: list[str], ahead: list[str]) -> bool:
    """Whether the statement words `ahead` (after the quote's last words `tail`) open a condition or
    exception on the quoted clause, possibly split by the cut ("effective only | if …") or led by a
    limiter ("retained | only as long as …", "| but only if …")."""
    leads = [0] + [len(lead) for lead in _LEADS if tuple(ahead[: len(lead)]) == lead]
    for phrase in CONDITION_PHRASES:
        for lead in leads:
            if ahead[lead : lead + len(phrase)] != list(phrase):
                continue
            if phrase == ("if",) and not lead and tail[-1:] and tail[-1] in _NOT_A_CONDITION_AFTER:
                continue
            return True
        for split in range(1, len(phrase)):
            if tail[-split:] == list(phrase[:split]) and ahead[: len(phrase) - split] == list(phrase[split:]):
                return True
    return False


def _clause_end(statement: str, s_words: Sequence[Word], s_tokens: Sequence[Token], start: int) -> int:
    """The token after the last one of the clause that begins at `start` (the statement's end at most)."""
    for k in range(start + 1, len(s_tokens)):
        if any(c in ".!?;" for c in _between(statement, s_words, s_tokens[k - 1], s_tokens[k])):
            return k
    return len(s_tokens)


def _difference(
    statement: str, s_words: Sequence[Word], s_tokens: Sequence[Token], lo: int, hi: int, quoted: str, reason: str
) -> Difference:
    """A `context` difference for statement tokens [lo, hi), naming them and the passage around them."""
    return left_out(statement, s_words, s_tokens[lo].first, s_tokens[hi - 1].last, quoted, reason)


def left_out(statement: str, s_words: Sequence[Word], first: int, last: int, quoted: str, reason: str) -> Difference:
    """A `context` difference for the statement's words [first, last], naming them and the passage around them."""
    shown_last = min(last, first + _SHOWN_WORDS - 1)
    original = statement[s_words[first].start : s_words[shown_last].end]
    if shown_last < last:
        original += "\u2026"
    return Difference("context", quoted, original, True, reason, passage=_passage(statement, s_words, first, shown_last))


def _passage(statement: str, s_words: Sequence[Word], first: int, last: int) -> str:
    lo = max(0, first - _PASSAGE_SIDE)
    hi = min(len(s_words) - 1, last + _PASSAGE_SIDE)
    text = statement[s_words[lo].start : s_words[hi].end]
    return ("\u2026" if lo > 0 else "") + text + ("\u2026" if hi < len(s_words) - 1 else "")
