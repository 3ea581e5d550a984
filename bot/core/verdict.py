"""How a quote differs from the statement it matched, and whether the differences change the meaning.

`compare(quote, statement)` aligns the two word by word (elided pieces in order), groups the
differences, and gives each a kind, the words on both sides, whether it is meaningful, and why.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.core.align import Op, Token, align, tokens
from bot.core.model import Difference
from bot.core.normalize import Word, split_elisions, words
from bot.core.numbers import NUMBER_WORDS, is_number_key
from bot.core.omissions import Piece, left_out, omissions
from bot.core.vocabulary import CorpusFrequency, is_typo, may_be_slip

Level = Literal["verified", "close", "altered"]

NEGATIONS = frozenset("not no never nothing nobody none neither nor nowhere".split())
# Words whose addition or removal does not change what was said, alone or as these phrases.
FILLER = frozenset(
    """
    um umm uh uhh er erm ah oh well so just really actually basically literally very quite
    okay ok yeah indeed truly simply certainly now then also
    the a an that this these those and but to of in on at for with as by from is are be it its
    """.split()
)
FILLER_PHRASES = ("you know", "i mean", "of course", "you see", "kind of", "sort of")
# More added or dropped words than this is a substantial change, whatever the words.
_MAX_FILLER_WORDS = 4
_ANTONYM_PAIRS = """
increase decrease; increased decreased; increases decreases; increasing decreasing; rise fall;
rising falling; rose fell; up down; more less; more fewer; most least; higher lower; high low;
better worse; best worst; good bad; win lose; won lost; winning losing; strong weak; stronger weaker;
strongest weakest; success failure; succeed fail; succeeded failed; accept reject; accepted rejected;
agree disagree; agreed disagreed; allow forbid; allowed forbidden; always never; all none;
everyone nobody; everything nothing; everybody nobody; love hate; loved hated; friend enemy;
friends enemies; peace war; true false; right wrong; legal illegal; safe dangerous; safer riskier;
rich poor; richer poorer; large small; big small; bigger smaller; largest smallest; open closed;
open close; start stop; started stopped; begin end; support oppose; supported opposed;
supports opposes; for against; with without; before after; early late; earlier later; first last;
guilty innocent; wealthy poor; easy hard; easy difficult; easier harder; possible impossible;
ready unready; yes no; pro anti; positive negative; optimistic pessimistic; ally adversary;
allies adversaries; victory defeat; gain loss; gains losses; profit loss; growth decline;
expand shrink; expanding shrinking; raise lower; raised lowered; raise cut; cut raise; cuts raises;
hire fire; hired fired; buy sell; bought sold; import export; imports exports; north south;
east west; democrat republican; democrats republicans; liberal conservative; left right;
inside outside; include exclude; included excluded; increase cut; maximum minimum; max min;
above below; over under; love dislike; like dislike; happy sad; alive dead; live die; lived died;
should shouldnt; can cannot; will wont; must mustnt; everyone no-one; ever never; approve reject;
approved rejected; remember forget; remembered forgot; present absent; guilty acquitted;
""".replace("\n", " ")
ANTONYMS: frozenset[frozenset[str]] = frozenset(
    frozenset(pair.split()) for pair in _ANTONYM_PAIRS.split(";") if len(pair.split()) == 2
)
_NEG_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "non", "a")


@dataclass(frozen=True, slots=True)
class Comparison:
    """The word-level comparison of a quote with one statement."""

    level: Level
    differences: tuple[Difference, ...]
    matched: int  # quote tokens aligned to an equal or similar statement token
    total: int  # quote tokens
    first_word: int  # statement words covered by the quote, inclusive; -1 when nothing aligned
    last_word: int

    @property
    def coverage(self) -> float:
        """Share of the quote's words found in the statement (typos count as found)."""
        return self.matched / self.total if self.total else 0.0


def opposite(a: str, b: str) -> bool:
    """True when two word keys are opposites ("increase"/"decrease", "legal"/"illegal")."""
    if frozenset((a, b)) in ANTONYMS:
        return True
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    if len(shorter) >= 4:
        for prefix in _NEG_PREFIXES:
            if longer == prefix + shorter or longer == prefix + "-" + shorter:
                return True
    return False


def compare(
    quote: str, statement: str, before: str = "", after: str = "", corpus: CorpusFrequency | None = None
) -> Comparison:
    """Align `quote` (elided pieces in order) inside `statement` and classify every difference.

    `before` and `after` are the words around the statement in its source: a quote that runs on
    into them ("Russia is ready…" where only "is ready…" was inside the quotation marks) differs
    only by that context, which does not change the meaning. `corpus` gives the corpus's document
    frequency of a word key: with the word list, it tells a typo (a non-word) from another word.
    Statement words the quote leaves out that change its sense come first, as `context` differences."""
    pieces = split_elisions(quote) or [quote]
    s_words = words(statement)
    s_tokens = tokens(s_words)
    s_editorial = _bracketed(statement, s_words)
    before_keys = [t.key for t in tokens(words(before))[-12:]] if before else []
    after_keys = [t.key for t in tokens(words(after))[:12]] if after else []
    differences: list[Difference] = []
    matched = total = 0
    position = 0
    first_word, last_word = -1, -1
    aligned_pieces: list[Piece] = []
    for number, piece in enumerate(pieces):
        q_words = words(piece)
        q_tokens = tokens(q_words)
        if not q_tokens:
            continue
        piece_bound = position
        ops = align(q_tokens, s_tokens, position, _slips(q_tokens, corpus)) if position < len(s_tokens) else [
            Op("insert", i, i + 1, len(s_tokens), len(s_tokens)) for i in range(len(q_tokens))
        ]
        ops = [_typo_as_similar(op, q_tokens, s_tokens, corpus) for op in ops]
        total += len(q_tokens)
        matched += sum(1 for op in ops if op.tag in ("equal", "similar"))
        aligned = [op for op in ops if op.s1 > op.s0]
        this_piece = len(aligned_pieces) if aligned else -1
        if aligned:
            position = aligned[-1].s1
            aligned_pieces.append(Piece(aligned[0].s0, aligned[-1].s1, tuple(t.key for t in q_tokens)))
            first = s_tokens[aligned[0].s0].first
            last = s_tokens[aligned[-1].s1 - 1].last
            first_word = first if first_word < 0 else first_word
            last_word = last
        q_editorial = _bracketed(piece, q_words)
        piece_start = piece_bound if number == 0 else None
        groups = _groups(ops, q_tokens, s_tokens)
        for g, group in enumerate(groups):
            context = _context(group, q_tokens, before_keys if number == 0 and g == 0 else [],
                               after_keys if number == len(pieces) - 1 and g == len(groups) - 1 else [])
            if context:
                matched += context
                q_span = _span(q_tokens, group[0].q0, group[-1].q1)
                differences.append(Difference("insert", _surface(q_words, piece, q_span), "", False, "context"))
                continue
            difference = _classify(group, q_words, q_tokens, s_words, s_tokens, statement, piece, q_editorial, s_editorial, corpus)
            swapped = _edge_swap(group, q_tokens, s_tokens, piece_start, len(s_tokens) if number == len(pieces) - 1 else None)
            read = group
            if difference is not None and difference.meaningful and swapped is not None:
                reread = _classify(swapped, q_words, q_tokens, s_words, s_tokens, statement, piece, q_editorial, s_editorial, corpus)
                if reread is not None:
                    difference, read = reread, swapped
                    if this_piece >= 0:
                        # The edge word stands for the statement word next to the aligned part ("dowt"
                        # for the "dont" before "have any ideas"): that word is quoted, not left out.
                        held = aligned_pieces[this_piece]
                        aligned_pieces[this_piece] = Piece(min(held.start, swapped[0].s0), max(held.end, swapped[-1].s1), held.keys)
                        position = max(position, swapped[-1].s1)
            if difference is not None and difference.reason == "number":
                # Only at the quote's own edges: a number cut inside an elision is left out of the quote.
                edge: Literal["start", "end"] | None = (
                    "start" if number == 0 and read[0].q0 == 0
                    else "end" if number == len(pieces) - 1 and read[-1].q1 == len(q_tokens)
                    else None
                )
                if edge is not None:
                    difference = _number_cut(difference, read, edge, q_words, q_tokens, s_words, s_tokens, statement, corpus)
            if difference is not None:
                differences.append(difference)
    differences[:0] = omissions(statement, s_words, s_tokens, aligned_pieces)
    if not differences:
        level: Level = "verified"
    elif any(d.meaningful for d in differences):
        level = "altered"
    else:
        level = "close"
    return Comparison(level, tuple(differences), matched, total, first_word, last_word)


def _slips(q_tokens: Sequence[Token], corpus: CorpusFrequency | None) -> Callable[[str, str], bool] | None:
    """The typo test the aligner uses for the quote's possible slips (none for a quote of real words):
    a slip aligns with the word it stands for, even beside a repeated word or at the quote's edge."""
    suspects = {t.key for t in q_tokens if may_be_slip(t.key, corpus)}
    if not suspects:
        return None
    return lambda quoted, original: quoted in suspects and is_typo(quoted, original, corpus)


# At most this many words added at the quote's edge are read as a changed word, not an addition.
_EDGE_SWAP_WORDS = 3


def _typo_as_similar(op: Op, q_tokens: Sequence[Token], s_tokens: Sequence[Token], corpus: CorpusFrequency | None) -> Op:
    """A one-word replacement by a non-word a small edit away ("thuir" for "their") is a typo:
    aligned as a similar word, like the slips the aligner already tells apart in longer words."""
    if op.tag != "replace" or op.q1 - op.q0 != 1 or op.s1 - op.s0 != 1:
        return op
    quoted, original = q_tokens[op.q0].key, s_tokens[op.s0].key
    if not is_typo(quoted, original, corpus):
        return op
    return Op("similar", op.q0, op.q1, op.s0, op.s1)


def _edge_swap(
    group: list[Op], q_tokens: Sequence[Token], s_tokens: Sequence[Token], lower: int | None, upper: int | None
) -> list[Op] | None:
    """A meaningful insertion at the quote's first or last word, read as a replacement of the statement
    words next to the quoted part ("were excellent" quoted as "were terrible": a changed word, not an
    added one), or None when the group is not such an insertion or the statement has no words there."""
    if any(op.tag != "insert" for op in group):
        return None
    q0, q1, at = group[0].q0, group[-1].q1, group[0].s0
    count = q1 - q0
    if count > _EDGE_SWAP_WORDS:
        return None
    # A word stands for a whole statement word: "didny" for "didnt" takes its "not" as well.
    if upper is not None and q1 == len(q_tokens) and at < upper:
        end = min(upper, at + count)
        while end < upper and s_tokens[end].first == s_tokens[end - 1].last:
            end += 1
        return [Op("replace", q0, q1, at, end)]
    if lower is not None and q0 == 0 and at > lower:
        begin = max(lower, at - count)
        while begin > lower and s_tokens[begin - 1].last == s_tokens[begin].first:
            begin -= 1
        return [Op("replace", q0, q1, begin, at)]
    return None


def _context(group: list[Op], q_tokens: Sequence[Token], before: list[str], after: list[str]) -> int:
    """How many quote tokens of an insertion at the quote's edge are the source's surrounding words."""
    if not (before or after) or any(op.tag != "insert" for op in group):
        return 0
    q0, q1 = group[0].q0, group[-1].q1
    inserted = [t.key for t in q_tokens[q0:q1]]
    if before and q0 == 0 and before[-len(inserted):] == inserted:
        return len(inserted)
    if after and q1 == len(q_tokens) and after[: len(inserted)] == inserted:
        return len(inserted)
    return 0


_BRACKETS = re.compile(r"\[[^\]]*\]")


def _bracketed(text: str, text_words: Sequence[Word]) -> frozenset[int]:
    """Indexes of the words inside square brackets: an editor's insertion, not the speaker's words."""
    spans = [(m.start(), m.end()) for m in _BRACKETS.finditer(text)]
    if not spans:
        return frozenset()
    return frozenset(i for i, w in enumerate(text_words) if any(a < w.start < b for a, b in spans))


def _words_of(op: Op, toks: Sequence[Token], quote_side: bool) -> set[int]:
    lo, hi = (op.q0, op.q1) if quote_side else (op.s0, op.s1)
    found: set[int] = set()
    for t in toks[lo:hi]:
        found.update(range(t.first, t.last + 1))
    return found


def _groups(ops: list[Op], q_tokens: Sequence[Token], s_tokens: Sequence[Token]) -> list[list[Op]]:
    # Ops join one group when they are adjacent changes, or when they share a source word (the
    # "not" of "isn't" aligned apart from its "is").
    groups: list[list[Op]] = []
    last_q: set[int] = set()
    last_s: set[int] = set()
    for op in ops:
        q = _words_of(op, q_tokens, True)
        s = _words_of(op, s_tokens, False)
        changed = op.tag in ("replace", "insert", "delete")
        if groups and (
            (q & last_q)
            or (s & last_s)
            or (changed and any(o.tag in ("replace", "insert", "delete") for o in groups[-1]))
        ):
            groups[-1].append(op)
            last_q |= q
            last_s |= s
        else:
            groups.append([op])
            last_q, last_s = q, s
    return groups


def _span(toks: Sequence[Token], lo: int, hi: int) -> tuple[int, int] | None:
    if hi <= lo:
        return None
    return toks[lo].first, toks[hi - 1].last


def _surface(text_words: Sequence[Word], text: str, span: tuple[int, int] | None) -> str:
    if span is None:
        return ""
    return text[text_words[span[0]].start : text_words[span[1]].end]


def _classify(
    group: list[Op],
    q_words: Sequence[Word],
    q_tokens: Sequence[Token],
    s_words: Sequence[Word],
    s_tokens: Sequence[Token],
    statement: str,
    piece: str,
    q_editorial: frozenset[int] = frozenset(),
    s_editorial: frozenset[int] = frozenset(),
    corpus: CorpusFrequency | None = None,
) -> Difference | None:
    group = [_typo_as_similar(op, q_tokens, s_tokens, corpus) for op in group]
    q0, q1 = min(op.q0 for op in group), max(op.q1 for op in group)
    s_ops = [op for op in group if op.s1 > op.s0]
    s0 = min((op.s0 for op in s_ops), default=group[0].s0)
    s1 = max((op.s1 for op in s_ops), default=group[0].s0)
    q_span, s_span = _span(q_tokens, q0, q1), _span(s_tokens, s0, s1)
    quoted = _surface(q_words, piece, q_span)
    original = _surface(s_words, statement, s_span)
    q_keys = [t.key for t in q_tokens[q0:q1]]
    s_keys = [t.key for t in s_tokens[s0:s1]]
    tags = {op.tag for op in group}
    if tags == {"equal"}:
        q_form = [w.key for w in q_words[q_span[0] : q_span[1] + 1]] if q_span else []
        s_form = [w.key for w in s_words[s_span[0] : s_span[1] + 1]] if s_span else []
        if q_form == s_form:
            return None
        reason = "number form" if any(k[:1].isdigit() for k in q_keys) else "contraction"
        return Difference("replace", quoted, original, False, reason)
    kind: Literal["replace", "insert", "delete"] = (
        "insert" if not s_keys else "delete" if not q_keys else "replace"
    )
    # Words an editor added in square brackets ("him [Trump]") were not said: leaving them out
    # of a quote is no difference, adding some to one is a harmless clarification.
    if kind == "delete" and s_span and all(i in s_editorial for i in range(s_span[0], s_span[1] + 1)):
        return None
    if kind == "insert" and q_span and all(i in q_editorial for i in range(q_span[0], q_span[1] + 1)):
        return Difference(kind, quoted, original, False, "editorial")
    if kind == "replace" and _one_word(q_span) and _one_word(s_span) and q_span and s_span:
        # One word for one, compared as written: a contraction is several tokens ("youre" → you are).
        q_key, s_key = q_words[q_span[0]].key, s_words[s_span[0]].key
        if is_typo(q_key, s_key, corpus):
            return Difference("typo", quoted, original, False, "typo")
    reason, meaningful = _reason(group, q_keys, s_keys, kind, q_words, q_span, s_words, s_span)
    if reason == "number" and _number_slip(q_words, q_span, s_keys, corpus):
        return Difference("typo", quoted, original, False, "typo")
    if reason == "spelling" and any(a != b and is_typo(a, b, corpus) for a, b in zip(q_keys, s_keys)):
        return Difference("typo", quoted, original, False, "typo")
    return Difference(kind, quoted, original, meaningful, reason)


def _reason(
    group: list[Op],
    q_keys: list[str],
    s_keys: list[str],
    kind: str,
    q_words: Sequence[Word],
    q_span: tuple[int, int] | None,
    s_words: Sequence[Word],
    s_span: tuple[int, int] | None,
) -> tuple[str, bool]:
    if all(op.tag in ("equal", "similar") for op in group):
        # A typo inside a word is not a change of meaning, unless it adds or drops the "n" of a
        # negation ("ever"/"never", "one"/"none") or turns a word into its opposite.
        pairs = list(zip(q_keys, s_keys))
        if any(a == "n" + b or b == "n" + a for a, b in pairs):
            return "negation", True
        if any(opposite(a, b) for a, b in pairs):
            return "antonym", True
        return "spelling", False
    if sorted(k for k in q_keys if k in NEGATIONS) != sorted(k for k in s_keys if k in NEGATIONS):
        return "negation", True
    q_numbers = [k for k in q_keys if k[:1].isdigit()]
    s_numbers = [k for k in s_keys if k[:1].isdigit()]
    if q_numbers != s_numbers:
        return "number", True
    if any(opposite(a, b) for a in q_keys for b in s_keys):
        return "antonym", True
    if _is_filler(q_keys) and _is_filler(s_keys):
        return "filler", False
    if kind == "replace" and (_has_name(q_words, q_span) or _has_name(s_words, s_span)):
        return "name", True
    return {"insert": "insertion", "delete": "deletion"}.get(kind, "wording"), True


def _number_slip(q_words: Sequence[Word], q_span: tuple[int, int] | None, s_keys: list[str], corpus: CorpusFrequency | None) -> bool:
    """Whether the quoted words give the statement's number once each non-word a slip away from one
    number word is read as that word ("fdur million" for "four million"): a typo, not another number."""
    if q_span is None:
        return False
    mended: list[str] = []
    for word in q_words[q_span[0] : q_span[1] + 1]:
        near = [n for n in NUMBER_WORDS if is_typo(word.key, n, corpus)] if word.key.isalpha() and word.key not in NUMBER_WORDS else []
        mended.append(near[0] if len(near) == 1 else word.surface)
    return [t.key for t in tokens(words(" ".join(mended)))] == s_keys


def _number_cut(
    difference: Difference,
    group: list[Op],
    edge: Literal["start", "end"],
    q_words: Sequence[Word],
    q_tokens: Sequence[Token],
    s_words: Sequence[Word],
    s_tokens: Sequence[Token],
    statement: str,
    corpus: CorpusFrequency | None,
) -> Difference:
    """A quote whose first or last words cut a number phrase ("million people…" out of "37 million
    people…", a slip in them or not) leaves out number words that govern it: a `context` difference
    naming them, as for any cut end that changes the sense. Any other number difference is returned
    unchanged."""
    q_ops = [op for op in group if op.q1 > op.q0]
    s_ops = [op for op in group if op.s1 > op.s0]
    if not q_ops or not s_ops:
        return difference
    q_span = _span(q_tokens, q_ops[0].q0, q_ops[-1].q1)
    s_span = _span(s_tokens, s_ops[0].s0, s_ops[-1].s1)
    if q_span is None or s_span is None:
        return difference
    quoted = [w.key for w in q_words[q_span[0] : q_span[1] + 1]]
    said = list(range(s_span[0], s_span[1] + 1))
    if len(quoted) >= len(said):
        return difference
    kept, dropped = (said[-len(quoted) :], said[: -len(quoted)]) if edge == "start" else (said[: len(quoted)], said[len(quoted) :])
    if not all(is_number_key(s_words[i].key) for i in dropped):
        return difference
    if not all(q == s_words[i].key or is_typo(q, s_words[i].key, corpus) for q, i in zip(quoted, kept)):
        return difference
    return left_out(statement, s_words, dropped[0], dropped[-1], "", "number")


def _one_word(span: tuple[int, int] | None) -> bool:
    return span is not None and span[0] == span[1]


def _has_name(text_words: Sequence[Word], span: tuple[int, int] | None) -> bool:
    # A capitalised word that does not open the text is taken for a proper name.
    if span is None:
        return False
    for index in range(span[0], span[1] + 1):
        surface = text_words[index].surface
        if index == 0:
            continue
        if surface[:1].isupper() and surface.lower() not in ("i", "i'm", "i've", "i'll", "i'd"):
            return True
    return False


def _is_filler(keys: list[str]) -> bool:
    """True when the words (possibly none) are a few filler words or phrases ("well", "you know")."""
    if len(keys) > _MAX_FILLER_WORDS:
        return False
    text = f" {' '.join(keys)} "
    for phrase in FILLER_PHRASES:
        text = text.replace(f" {phrase} ", " ")
    return all(k in FILLER for k in text.split())
