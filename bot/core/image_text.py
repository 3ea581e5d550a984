"""Text read from a picture (a quote card, a screenshot of a post) turned into the quotations it shows.

An OCR engine gives pieces of text with their boxes, in no reliable order and with its typical
slips (`1` for `I`, a lost space after a full stop, a dash read as `-` or dropped). This module puts
the pieces back into lines and paragraphs, mends those slips, and finds what a reader of the card
sees: the quotation, and the name printed under it (`— Abraham Lincoln`) as its speaker. A
screenshot of a post gives its author (the name beside the `@handle`) when no other name is printed.
Pure: the engine and the image decoding live in `bot.imaging`.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, replace

from bot.core.claims import find_claims
from bot.core.speakers import CAP_TOKEN, strip_titles

MIN_CONFIDENCE = 0.5  # below this the engine is guessing (noise in a photo, texture read as letters)
MIN_WORDS = 3  # fewer words are a caption or a label, not a quotation
QUOTE_CHARS = 1000  # a quotation longer than this is cut (the chat limit for a typed quote)


@dataclass(frozen=True)
class OcrPiece:
    """One piece of text an OCR engine found, with its box in pixels and the engine's confidence (0-1)."""

    text: str
    left: float
    top: float
    right: float
    bottom: float
    confidence: float = 1.0

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Row:
    """Pieces that sit on one line of the picture, left to right."""

    text: str
    top: float
    bottom: float
    height: float


@dataclass(frozen=True)
class ImageText:
    """What a picture says: its text as read (lines kept) and the quotations found in it with their speakers."""

    text: str
    claims: tuple[tuple[str, str | None], ...]


_NAME = rf"(?:{CAP_TOKEN})(?:\s+(?:(?:von|van|der|den|de|da|del|la|le|bin|al)\s+)*(?:{CAP_TOKEN})){{0,4}}"
# Dashes, and what a recogniser trained on Chinese as well reads for one (一 "one", ー, －, ─).
_DASHES = "-–—―~一ー－─"
# `— Abraham Lincoln`, `- Lincoln, 1863`, `~Mark Twain (1897)`: a name signed under a quotation.
_SIGNED = re.compile(rf"^[{_DASHES}]+\s*(?P<name>{_NAME})\s*(?:[,(].*)?$")
# A line holding only a name (the engine often drops the dash in front of it).
_NAME_ONLY = re.compile(rf"^(?P<name>{_NAME})\s*(?:,\s*\d{{3,4}})?$")
# The author line of a post: `Abraham Lincoln @lincoln`, `Abraham Lincoln ✓ @lincoln · 2h`.
_AUTHOR = re.compile(rf"^(?P<name>{_NAME})\W{{0,3}}\s*@\w+")
# A handle alone on its line (the engine may split it at a capital: "@Morton kondracke").
_HANDLE = re.compile(r"^@\w+(?:\s\w+)?(?:\s*[·•].*)?$")
# The lines around a post's text: time and date, counts of replies and likes, links, hashtags.
_METADATA = re.compile(
    r"\b\d{1,2}:\d{2}\s*(?:[AaPp]\.?[Mm]\.?)?|\d(?:[\d.,]*\d)?\s*[KkMm]?\s*(?:Retweets?|Reposts?|Likes?|Replies|Views|Quotes?|Comments?|Shares?|Bookmarks?)\b"
    r"|^(?:https?://|www\.)\S+$|^#\w+(?:\s+#\w+)*$|^@\w+$"
)
_PRONOUNS = frozenset("he she they i we you it someone".split())
_OPENING = "\"“„«'‘"
_CLOSING = "\"”»'’"
_ANY_MARK = re.compile(r"[\"“”„«»]")
# A quotation closed and another opened: `"…," she said, "…"`.
_TWO_QUOTATIONS = re.compile(r"[”\"]\s*[,;]?\s+\w+(?:\s+\w+){0,3}[,:]?\s*[“\"]")
# A lone `1` or `l` where the word `I` stands ("If 1 didn't", "l think", "1'm").
_LONE_I = re.compile(r"(?<![\w.,'’])[1l|](?=(?:['’](?:m|ll|ve|d))?(?![\w.,]))")
_DIGIT = re.compile(r"\d")  # a number close after a lone `1` means it is a number ("1 in 10")
# A full stop, question or exclamation mark run into the next sentence: "excellent.If".
_RUN_ON = re.compile(r"(?<=[a-z])([.!?])(?=[A-Z][a-z])")
_COMMA_RUN = re.compile(r"(?<=[a-z]),(?=[a-z])")  # "testing,and"
_POSSESSIVE_RUN = re.compile(r"(?<=[A-Za-z])(['’]s)(?=[a-z]{4,})")  # "Commission'ssubstantive"
# An initial run into the name after it: "Donald J.Trump".
_INITIAL = re.compile(r"(?<=\b[A-Z])\.(?=[A-Z][a-z])")
# Two names run together ("JamesStockdale", "AlGore", "LyndonB"), not "McCain", "DeSantis", "MacArthur"
# or an acronym read with a small letter ("ISiS").
_CAMEL = re.compile(
    r"(?<!Mac)(?<!Van)(?<!Von)(?<!Mc)(?<!\bDe)(?<!\bDi)(?<!\bDu)(?<!\bLa)(?<!\bLe)(?<!\bi)(?<!\be)"
    r"(?<![A-Z]{2}[a-z])(?<=[a-z])(?=[A-Z])"
)
_TOKEN = re.compile(r"\S+")
_L_WORD = re.compile(r"(?<![\w'’])l[a-z]+(?![\w'’])")  # a word starting with a small l
I_FOR_L_RATIO = 100.0
# A run of letters (capitalised or not) long enough to hold two words ("ofa").
_LOWER_RUN = re.compile(r"(?<![\w'’])[A-Za-z][a-z]{2,40}(?![\w'’])")
_SHORT_WORDS = frozenset(
    "a i am an as at be by do go he if in is it me my no of oh ok on or so to up us we".split()
)
COMMON_COUNT = 2e6  # occurrences in the word counts of a common word (about the 20,000 most frequent)
SPLIT_PRIOR = 20.0  # how much likelier a lost space is than a rare word written as one
KNOWN_NAME_COUNT = 1e3  # a capitalised run seen this often as one word is kept whole
LONG_WORD_COUNT = 5e4  # the same for words of eight letters or more
SHORT_COMMON_COUNT = 5e6  # the same for words of three or four letters
THREE_LETTER_COUNT = 2e7  # and for three letters (about the 500 most frequent)
# Frequent on the web as tokens, but here pieces of a misread longer word ("informatlon").
_WORD_ENDINGS = frozenset("ing ion tion sion ment ent ence ance ted ness ers ure ther tho ful less able ible ive ous ity est ism ist ally".split())
_TOTAL_KEY = ""  # the word counts may carry their total under the empty word
# A line ending in a hyphen whose next line goes on with the word: "conver-" + "sation".
_HYPHENATED = re.compile(r"(?<=[a-z])-$")


def rows_of(pieces: list[OcrPiece]) -> list[Row]:
    """The pieces the engine is sure of, grouped into lines (top to bottom) read left to right."""
    kept = sorted((p for p in pieces if p.confidence >= MIN_CONFIDENCE and p.text.strip()), key=lambda p: p.middle)
    groups: list[list[OcrPiece]] = []
    for piece in kept:
        last = groups[-1] if groups else None
        # Same line when its middle lies within the line's band (boxes of one line differ by a few pixels).
        if last is not None and abs(piece.middle - statistics.fmean(p.middle for p in last)) < 0.5 * min(piece.height, last[0].height):
            last.append(piece)
        else:
            groups.append([piece])
    rows = []
    for group in groups:
        group.sort(key=lambda p: p.left)
        text = " ".join(" ".join(p.text.split()) for p in group)
        rows.append(Row(text, min(p.top for p in group), max(p.bottom for p in group), statistics.median(p.height for p in group)))
    return rows


def mend(text: str, words: Mapping[str, float] | None = None) -> str:
    """The engine's usual slips undone: `1`/`l` standing for the word I, a sentence or a name run into
    the next, and (given English word counts) words whose space between them was lost ("toget")."""
    text = _LONE_I.sub(lambda m: m.group() if _DIGIT.search(text, m.end(), m.end() + 12) else "I", text)
    text = _TOKEN.sub(lambda m: m.group() if m.group()[0] in "@#" or "/" in m.group() else _CAMEL.sub(" ", m.group()), text)
    text = _INITIAL.sub(". ", text)
    text = _RUN_ON.sub(r"\1 ", text)
    text = _COMMA_RUN.sub(", ", text)
    text = _POSSESSIVE_RUN.sub(r"\1 ", text)
    if words:
        text = _L_WORD.sub(lambda m: _capital_i(m.group(), words), text)
        text = _LOWER_RUN.sub(lambda m: _split_run(m.group(), words), text)
    return text


def _capital_i(token: str, words: Mapping[str, float]) -> str:
    """`lraq` → `Iraq`, `lt` → `It`: a capital I read as a small l, when the word with I is far more common."""
    with_i = words.get("i" + token[1:].lower(), 0.0)
    return "I" + token[1:] if with_i > I_FOR_L_RATIO * max(words.get(token.lower(), 0.0), 1.0) else token


def _split_run(token: str, words: Mapping[str, float]) -> str:
    """`token` with spaces put back, its capital kept on the first word ("Thecostof" → "The cost of")."""
    parts = split_run_on(token.lower(), words)
    if parts is None:
        return token
    if token[0].isupper() and (len(parts[0]) < 2 or words.get(token.lower(), 0.0) >= KNOWN_NAME_COUNT):
        return token  # a capitalised word the counts know is a name ("Ifill"), not words run together
    parts[0] = token[: len(parts[0])]
    return " ".join(parts)


def split_run_on(token: str, words: Mapping[str, float]) -> list[str] | None:
    """The common words `token` is made of when the engine lost the spaces between them ("thingswemust"),
    or None when it is a word in its own right or not made of common words.

    The most probable split under a unigram model (Viterbi), kept only when more probable than the
    token as one word. Only common words count as parts (short ones from a closed list), so a rare
    name is not cut into syllables that happen to be words."""
    total = words.get(_TOTAL_KEY) or sum(words.values())
    n = len(token)
    best: list[tuple[float, int]] = [(0.0, 0)] + [(-math.inf, 0)] * n  # (log probability, start of the last part)
    for end in range(1, n + 1):
        for start in range(max(0, end - 24), end):
            part = token[start:end]
            if best[start][0] == -math.inf or not _common(part, words):
                continue
            score = best[start][0] + math.log(words[part] / total)
            if score > best[end][0]:
                best[end] = (score, start)
    if best[n][0] == -math.inf:
        return None
    parts = []
    end = n
    while end > 0:
        start = best[end][1]
        parts.append(token[start:end])
        end = start
    parts.reverse()
    alone = words.get(token)
    # The engine often loses a space and rarely adds letters: a split gets the benefit of the doubt.
    if len(parts) < 2 or (alone and math.log(alone / total) >= best[n][0] + math.log(SPLIT_PRIOR)):
        return None
    return parts


def _common(part: str, words: Mapping[str, float]) -> bool:
    if len(part) <= 2:
        return part in _SHORT_WORDS and part in words
    # Short parts must be very common: "con", "ing" and "tion" are pieces of longer words, not words.
    if part in _WORD_ENDINGS:
        return False
    count = words.get(part, 0.0)
    if len(part) >= 8:
        return count >= LONG_WORD_COUNT  # long words are rarely pieces of other words
    if len(part) == 3:
        return count >= THREE_LETTER_COUNT
    return count >= (SHORT_COMMON_COUNT if len(part) == 4 else COMMON_COUNT)


def paragraphs(rows: list[Row]) -> list[list[Row]]:
    """Rows split where the gap or the letter size changes: a paragraph, a signature and a header apart."""
    blocks: list[list[Row]] = []
    for row in rows:
        if blocks:
            prev = blocks[-1][-1]
            gap = row.top - prev.bottom
            size_change = max(row.height, prev.height) / min(row.height, prev.height)
            if gap < 0.9 * max(row.height, prev.height) and size_change < 1.25:
                blocks[-1].append(row)
                continue
        blocks.append([row])
    return blocks


def join_rows(rows: list[Row]) -> str:
    """The rows of one paragraph (already mended) as one line of text, words broken by a hyphen at a
    line end joined again."""
    out = ""
    for row in rows:
        text = row.text
        if not out:
            out = text
        elif _HYPHENATED.search(out) and text[:1].islower():
            out = out[:-1] + text
        else:
            out += " " + text
    return out


def signature(text: str) -> str | None:
    """The name of a signature line (`— Abraham Lincoln`, `- Lincoln, 1863`), else None."""
    match = _SIGNED.match(text.strip())
    return _name(match.group("name")) if match else None


def read_text(pieces: list[OcrPiece], words: Mapping[str, float] | None = None) -> ImageText:
    """The text of the picture and its quotations, each with the name signed under it, or the post's author.
    `words` (English word counts) lets words run together by the engine be split again."""
    rows = [replace(row, text=mend(row.text, words)) for row in rows_of(pieces)]
    shown = "\n".join(row.text for row in rows)
    author = _author(rows)
    claims: list[tuple[str, str | None]] = []
    seen: set[str] = set()
    pending: list[str] = []  # paragraphs waiting for the signature that closes them

    def flush(speaker: str | None) -> None:
        body = " ".join(pending)
        pending.clear()
        for quote, named in _quotations(body):
            key = quote.casefold()
            if key not in seen:
                seen.add(key)
                if named is not None and named.casefold() in _PRONOUNS:
                    named = None  # `He said: "…"` names nobody; the name signed under it or the author does
                claims.append((quote[:QUOTE_CHARS], named or speaker))

    for block in paragraphs(rows):
        current: list[Row] = []
        for index, row in enumerate(block):
            text = row.text
            if _is_metadata(text) or _AUTHOR.match(text) or _HANDLE.match(text) or _names(text, author):
                continue
            signed = signature(text)
            before = join_rows(current) if current else (pending[-1] if pending else "")
            last_row = index == len(block) - 1
            # A bare name closes the text above it when set apart (a paragraph of its own) or after its last sentence.
            apart = len(block) == 1 and bool(pending)
            if (signed is None and last_row and before and (apart or _closes_quotation(before))
                    and (plain := _NAME_ONLY.match(text)) and text.strip(" ,.").lower() not in _SHORT_WORDS):
                signed = _name(plain.group("name"))  # not a last line holding one short word ("SO", "It")
            if signed is not None:
                if current:
                    pending.append(join_rows(current))
                    current = []
                flush(signed)
            else:
                current.append(row)
        if current:
            pending.append(join_rows(current))
    flush(author)
    return ImageText(shown, tuple(claims))


def _quotations(body: str) -> list[tuple[str, str | None]]:
    """The quotations of a paragraph run: itself when it is one quotation (marked or not), else each marked one."""
    body = body.strip()
    if not body:
        return []
    if len(body) > 2 and body[0] in _OPENING and body.rstrip(".")[-1:] in _CLOSING and not _TWO_QUOTATIONS.search(body):
        # One quotation from end to end, perhaps with words quoted inside it ("…a 'have not' nation").
        words = body.strip(_OPENING + _CLOSING + " ")
        return [(words, None)] if len(words.split()) >= MIN_WORDS else []
    if _ANY_MARK.search(body) and _balanced(body):
        found = find_claims(body)
        if found:
            return found
    words = body.strip(_OPENING + _CLOSING + " ")
    return [(words, None)] if len(words.split()) >= MIN_WORDS else []


def _balanced(body: str) -> bool:
    """False when a quotation is opened and not closed (or closed and not opened): the picture shows a
    cut piece of a longer text, and the words around the stray mark belong to the same speaker."""
    curly = body.count("“") + body.count("„") + body.count("«") == body.count("”") + body.count("»")
    return curly and body.count('"') % 2 == 0


def _author(rows: list[Row]) -> str | None:
    """The name on a post's author line (`Name @handle`, or `Name` above a line `@handle`)."""
    for index, row in enumerate(rows[:4]):
        author = _AUTHOR.match(row.text)
        if author:
            return _name(author.group("name"))
        if _HANDLE.match(row.text) and index > 0 and (above := _NAME_ONLY.match(rows[index - 1].text)):
            return _name(above.group("name"))
    return None


def _names(text: str, author: str | None) -> bool:
    """True for the line that only names the post's author (shown above the `@handle` line)."""
    plain = _NAME_ONLY.match(text)
    return author is not None and plain is not None and _name(plain.group("name")) == author


def _closes_quotation(text: str) -> bool:
    # A colon too: a card may end on the words that introduce what follows ("I shall propose:").
    return text.rstrip()[-1:] in _CLOSING + ".!?:"


def _is_metadata(text: str) -> bool:
    return bool(_METADATA.search(text)) and len(text.split()) <= 12


def _name(raw: str) -> str | None:
    name = strip_titles(" ".join(raw.split())).strip(" ,.")
    return name or None


# -- the words read, compared with the statement they were matched to --------------------------

# Letters and digits an OCR engine mistakes for one another, each group written as one letter:
# `l`, `I`, `1` and `|` (and `i`, whose dot is lost); `O`, `o` and `0`; `$` and `S`; and pairs read as one
# letter (`rn` for `m`, `cl` for `d`, `vv` for `w`). A word of the card and a word of the statement
# that are the same written this way differ by how the picture was read, not by what it says.
_LOOKALIKE_PAIRS = (("rn", "m"), ("ci", "d"), ("vv", "w"))  # after the letters below: `cl` is `ci` by then
_LOOKALIKE_LETTERS = str.maketrans({"l": "i", "1": "i", "|": "i", "!": "i", "0": "o", "$": "s"})
# The most words of the card, and of the statement, taken as one misreading ("AIGore" for "Al Gore",
# "to get her"); spaces lost in a whole line of small type join more words into one.
_LOOKALIKE_SPAN = 3
_RUN_TOGETHER_SPAN = 8


def lookalike(text: str) -> str:
    """`text` with the characters an OCR engine confuses written alike and spaces and punctuation
    dropped: two readings of the same printed words give the same string ("lve" and "I've",
    "2o0" and "200", "AIGore" and "Al Gore")."""
    folded = text.lower().translate(_LOOKALIKE_LETTERS)
    for pair, letter in _LOOKALIKE_PAIRS:
        folded = folded.replace(pair, letter)
    return "".join(ch for ch in folded if ch.isalnum())


def mend_against(read: str, statement: str) -> tuple[str, list[tuple[str, str]]]:
    """The words read from a picture with each misreading of the statement's words put right, and the
    (read, statement) pairs that were: a run of words whose letters differ from the statement's only
    by OCR lookalikes or spacing. A word that differs otherwise (a negation, a number, a name changed
    on the card) is left as read, so the verdict on what the card says is unchanged."""
    from difflib import SequenceMatcher

    from bot.core.normalize import match_text

    ours, theirs = read.split(), statement.split()
    ours_keys = [match_text(word) for word in ours]
    theirs_keys = [match_text(word) for word in theirs]
    blocks = SequenceMatcher(None, ours_keys, theirs_keys, autojunk=False).get_opcodes()
    out: list[str] = []
    mended: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in blocks:
        if op != "replace":
            out.extend(ours[i1:i2] if op != "insert" else [])
            continue
        i, j = i1, j1
        while i < i2:
            # The shortest runs first, from where the statement's side has got to.
            found = next(((a, k, b) for k in range(j, j2) for a in range(1, _LOOKALIKE_SPAN + 1)
                          for b in range(1, _RUN_TOGETHER_SPAN + 1)
                          if i + a <= i2 and k + b <= j2 and _same_reading(" ".join(ours[i:i + a]), " ".join(theirs[k:k + b]))),
                         None)
            if found is None:
                out.append(ours[i])
                i += 1
                continue
            a, k, b = found
            card, source = " ".join(ours[i:i + a]), " ".join(theirs[k:k + b])
            out.append(_with_marks_of(card, source))
            mended.append((card, source))
            i, j = i + a, k + b
    return " ".join(out), mended


def _same_reading(card: str, source: str) -> bool:
    folded = lookalike(card)
    if not lookalike(source):
        # A dash or another mark of the statement read as a stray letter or symbol ("—" as "μ" or "一").
        return len(card) == 1 and not (card.isascii() and card.isalnum()) and card != source
    return bool(folded) and folded == lookalike(source) and card != source


def _with_marks_of(card: str, source: str) -> str:
    """The statement's words with the quotation marks and punctuation around them as the card has them."""
    lead = card[: len(card) - len(card.lstrip(_OPENING + "([{"))]
    tail = card[len(card.rstrip(_CLOSING + ".,;:!?)]}")):]
    return lead + source.strip(_OPENING + _CLOSING + ".,;:!?()[]{}") + tail


@dataclass(frozen=True)
class Reread:
    """A quotation read from a picture with the engine's misreadings of the statement it matched put right."""

    quote: str
    speaker: str | None
    note: str


def reread(quote: str, printed: str | None, statement: str, speaker: str | None) -> Reread | None:
    """The quotation (and the name `printed` under it) with the misreadings of `statement` and of its
    `speaker` put right (see `mend_against`), or None when nothing was misread."""
    mended, pairs = mend_against(quote, statement)
    if printed and speaker and printed != speaker and lookalike(printed) == lookalike(speaker):
        pairs.append((printed, speaker))
        printed = speaker
    if not pairs:
        return None
    shown = ", ".join(f"“{card}” as “{source}”" for card, source in pairs[:4])
    return Reread(mended, printed, f"misread in the picture, taken as the statement has them: {shown}")
