"""Direct quotations and their speakers, extracted from the body of a news article.

The pipeline, per article:
1. datelines and bylines are blanked out (same length, so every offset still points into the body);
2. quotation marks are paired into regions, per paragraph, for double marks (straight, curly, the
   NYT's two apostrophes) and single marks (UK style) while telling apostrophes apart; a region
   inside another is nested and stays part of it;
3. regions are grouped into quotations: a quote continued over paragraphs, and a quote split by its
   attribution (`"I'll tell you," he said, "but …"`), are one quotation;
4. each quotation gets a speaker from the attribution after it (`," Putin said`), before it
   (`Putin said: "`), or the quote before it, and pronouns resolve to the person they stand for;
5. the sentences around it become its context, and quotes of one or two words are flagged as scare
   quotes.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from bot.core.sentences import split_sentences
from bot.core.speakers import Mention, PeopleIndex, name_runs, parse_run


@dataclass(frozen=True, slots=True)
class ExtractedQuote:
    """One quotation found in an article, with who said it and the text around it."""

    text: str  # the quotation's words without the outer marks; the pieces of a split quote joined
    speaker: str | None  # canonical full name ("Vladimir Putin"), an organisation, or None
    start: int  # offset in the body of the first quoted character
    end: int  # offset just after the last quoted character
    spans: tuple[tuple[int, int], ...]  # every piece, in order; text is their contents joined by spaces
    context_before: str
    context_after: str
    scare: bool  # one or two words ("constructive"): not a statement of its own


# --- Datelines and bylines -----------------------------------------------------------------------

_DATELINE = re.compile(
    r"[A-Z][A-Z.'’\-]+(?:[ ,]+[A-Z][A-Za-z.'’\-]*){0,4}\s*(?:\([^()\n]{1,40}\)\s*)?[—–-]{1,2}\s+"
    r"|\([A-Z][A-Za-z ]{1,30}\)\s*[—–-]{1,2}\s+"
)
_BYLINE = re.compile(
    r"^\s*(?:By\s+[A-Z]|BY\s+[A-Z]|Reporting by|Editing by|Writing by|Additional reporting|Photo:|"
    r"Copyright|©|Follow\b.{0,80}\bon (?:Twitter|X|Facebook)|\(?(?:Reuters|AP|AFP)\)?\s*$)"
    r"|contributed (?:reporting|to this (?:report|story|article))|All rights reserved"
    r"|\b(?:is|was) an? (?:\w+ )?(?:reporter|correspondent|writer|editor|columnist) (?:for|at|with)\b",
    re.IGNORECASE,
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_LINE_BREAK = re.compile(r"\n")


def paragraph_spans(body: str) -> list[tuple[int, int]]:
    """Paragraphs: split at blank lines, or at every line break when the text has no blank line."""
    pattern = _PARAGRAPH_BREAK if _PARAGRAPH_BREAK.search(body) else _LINE_BREAK
    spans: list[tuple[int, int]] = []
    start = 0
    for match in pattern.finditer(body):
        if body[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if body[start:].strip():
        spans.append((start, len(body)))
    return spans


def boilerplate_spans(body: str) -> list[tuple[int, int]]:
    """Spans of the dateline ("MOSCOW — ") and of byline and credit paragraphs: never statements."""
    spans: list[tuple[int, int]] = []
    paragraphs = paragraph_spans(body)
    if paragraphs:
        first_start = paragraphs[0][0]
        while first_start < len(body) and body[first_start].isspace():
            first_start += 1
        dateline = _DATELINE.match(body, first_start)
        if dateline:
            spans.append((dateline.start(), dateline.end()))
    for start, end in paragraphs:
        if end - start <= 220 and _BYLINE.search(body, start, end):
            spans.append((start, end))
    return sorted(spans)


def strip_dateline_and_byline(body: str) -> str:
    """The body with datelines and bylines replaced by spaces (offsets are unchanged)."""
    chars = list(body)
    for start, end in boilerplate_spans(body):
        for index in range(start, end):
            if not chars[index].isspace():
                chars[index] = " "
    return "".join(chars)


# --- Quotation marks -----------------------------------------------------------------------------

_MARK = re.compile(r"''|[\"“”„«»‘’']")
_DOUBLE = frozenset({"''", '"', "“", "”", "„", "«", "»"})
_LEFT_CONTEXT = frozenset(" \t\n([{—–-/:;\u00a0")
_RIGHT_CONTEXT = frozenset(" \t\n.,;:!?)]}—–-\u00a0…")
_ELISIONS = re.compile(r"(?:em|til|cause|n|tis|twas|bout|round|\d\d?s?)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Region:
    """The inside of one pair of quotation marks (or of an opening mark left open)."""

    open_at: int  # offset of the opening mark
    start: int  # first character inside
    end: int  # just after the last character inside
    close_end: int  # just after the closing mark (== end when left open)
    double: bool
    closed: bool


def _classify(text: str, mark: str, at: int, end: int) -> str:
    """'open', 'close', 'either' (decided by state), 'close?' (only if open) or 'apostrophe'."""
    before = text[at - 1] if at > 0 else "\n"
    after = text[end] if end < len(text) else "\n"
    if mark in "“„«":
        return "open"
    if mark in "”»":
        return "close"
    if mark in ('"', "''"):
        left = before in _LEFT_CONTEXT or before in "“‘'\""
        right = after in _RIGHT_CONTEXT or after in "”’'\""
        if left and not right:
            return "open"
        if right and not left:
            return "close"
        return "either"
    # Single marks: apostrophes inside words (don't, Russia's) and elisions ('90s) are not quotes.
    if before.isalnum() and after.isalnum():
        return "apostrophe"
    if mark == "‘" or before in _LEFT_CONTEXT or before in "“\"":
        if after.isspace() or _ELISIONS.match(text, end):
            return "apostrophe"
        return "open"
    if after in _RIGHT_CONTEXT or after in "”\"":
        return "close?"
    return "apostrophe"


def _scan(text: str, start: int, end: int, double: bool, next_opens: bool, out: list[_Region]) -> None:
    """Pair the marks of one kind (double or single) inside one paragraph."""
    open_mark: re.Match[str] | None = None
    for mark in _MARK.finditer(text, start, end):
        token = mark.group(0)
        if (token in _DOUBLE) != double:
            continue
        role = _classify(text, token, mark.start(), mark.end())
        if role == "apostrophe":
            continue
        if role == "either":
            role = "open" if open_mark is None else "close"
        if role == "open":
            if open_mark is not None and double:
                # A new opening mark while one is open: the earlier quote ran on without its
                # closing mark (paragraphs run together), so it ends here and continues.
                out.append(_Region(open_mark.start(), open_mark.end(), mark.start(), mark.start(), True, False))
            open_mark = mark
        elif open_mark is not None:
            out.append(_Region(open_mark.start(), open_mark.end(), mark.start(), mark.end(), double, True))
            open_mark = None
    if open_mark is not None and (double or next_opens):
        out.append(_Region(open_mark.start(), open_mark.end(), end, end, double, False))


def _quote_regions(text: str, paragraphs: list[tuple[int, int]]) -> list[_Region]:
    regions: list[_Region] = []
    for index, (start, end) in enumerate(paragraphs):
        next_start = paragraphs[index + 1][0] if index + 1 < len(paragraphs) else len(text)
        following = text[next_start : next_start + 3].lstrip()
        next_opens_single = following[:1] in ("‘", "'") and following[:2] != "''"
        _scan(text, start, end, True, False, regions)
        _scan(text, start, end, False, next_opens_single, regions)
    regions.sort(key=lambda r: (r.open_at, -r.close_end))
    kept: list[_Region] = []
    for region in regions:
        if not text[region.start : region.end].strip():
            continue
        if kept and region.open_at < kept[-1].close_end:
            outer = kept[-1]
            if region.close_end <= outer.close_end:
                continue  # nested inside the previous quote: part of it
            if not region.double and outer.double:
                continue  # crossing marks: trust the double ones
            if region.double and not outer.double:
                kept[-1] = region
                continue
        kept.append(region)
    return kept


# --- Attribution ---------------------------------------------------------------------------------

_VERBS = (
    r"said|says|say|saying|told|tells|telling|added|adds|adding|asked|asks|asking|noted|notes|"
    r"wrote|writes|writing|stated|states|explained|explains|argued|argues|insisted|insists|"
    r"continued|continues|declared|declares|warned|warns|tweeted|tweets|posted|recalled|recalls|"
    r"replied|replies|responded|responds|answered|answers|claimed|claims|acknowledged|acknowledges|"
    r"admitted|admits|announced|announces|joked|jokes|quipped|quips|remarked|remarks|observed|"
    r"observes|suggested|suggests|shouted|yelled|cried|concluded|concludes|countered|counters|"
    r"conceded|concedes|emphasized|emphasizes|emphasised|stressed|stresses|urged|urges|promised|"
    r"promises|vowed|vows|predicted|predicts|mused|muses|lamented|laments|complained|complains|"
    r"boasted|boasts|bragged|brags|reiterated|reiterates|testified|texted|emailed|wondered|wonders|"
    r"thundered|exclaimed|whispered|reported|reports|commented|comments|agreed|agrees|charged|"
    r"contended|contends|maintained|maintains|asserted|asserts|retorted|snapped|fumed|scoffed|"
    r"pleaded|demanded|demands|confirmed|confirms|denied|denies|assured|cautioned|cautions|"
    r"speculated|elaborated|reflected|recounted|offered|opined|proclaimed|advised|implored|alleged|"
    r"alleges|reasoned|insisted|began|chanted|read|reads|called|calls|described|describes|"
    r"pointed out|points out|went on|goes on|chimed in|shot back|fired back|summed up|"
    r"explained|writes|put it|puts it|pledged|pledges|accused|accuses|acknowledged|ordered|tells"
)
_VERB = re.compile(rf"\b(?:{_VERBS})\b")
_ADVERBS = (
    r"also|later|then|again|previously|recently|once|reportedly|repeatedly|publicly|privately|"
    r"earlier|further|simply|flatly|bluntly|angrily|subsequently|first|often|frequently|has|had|"
    r"have|would|will|had|has|once|famously|memorably|quickly|finally|recently|immediately|"
    r"last|tearfully|proudly|calmly|candidly|openly|repeatedly|emphatically|confidently|already"
)
_TRAILING_ADVERBS = re.compile(rf"(?:\s+(?:{_ADVERBS}))+\s*$")
# Subject text: no clause punctuation, but abbreviations ("Sen.", "J.") may keep their period.
_SUBJ_CHARS = r"(?:\b[A-Z][a-z]{0,3}\.|[^,.;:!?\"“”()—–])"
_VERB_FIRST = re.compile(rf"(?:{_VERBS})\s+(?P<subj>{_SUBJ_CHARS}{{1,120}})")
_ACCORDING = re.compile(r"\baccording to\s+(?P<subj>[^,.;:!?\"“”()]{1,120})", re.IGNORECASE)
_SUBJ_FIRST = re.compile(
    rf"(?P<subj>{_SUBJ_CHARS}{{1,90}}?)(?:\s*,(?P<app>[^\"“”]{{1,200}}?),)?"
    rf"(?:\s+(?:{_ADVERBS}))*\s+(?:{_VERBS})\b"
)
_PRONOUN = re.compile(r"\b(?P<p>[Hh]e|[Ss]he|[Tt]hey|I|[Ww]e|[Yy]ou|[Ii]t)\s*$")
_PRONOUN_ONLY = re.compile(r"\s*(?P<p>[Hh]e|[Ss]he|[Tt]hey|I|[Ww]e|[Yy]ou|[Ii]t)\s*$")
_RUN_AT_END = re.compile(
    r"(?:[A-Z][a-z]{0,3}\.|[A-Z](?:[\w’'\-]*\w)?)"
    r"(?:(?:\s+(?:von|van|der|den|de|da|del|della|di|du|la|le|bin|ibn|al|el))*\s+"
    r"(?:[A-Z][a-z]{0,3}\.|[A-Z](?:[\w’'\-]*\w)?))*\s*$"
)
_ORG_HINT = re.compile(r"\b(?:[A-Z]{2,}|[A-Z][a-z]+ (?:House|Department|Ministry|Office|Party|Committee|Council|Commission|Campaign|Agency|Court))\b")
_FUNCTION_START = re.compile(r"^(?:the|a|an|his|her|their|its|our|one|some|another|many|several)\b")


@dataclass(frozen=True, slots=True)
class _Attribution:
    """A speaker as found: a pronoun to resolve, or a name (possibly None) already resolved."""

    speaker: str | None
    pronoun: str | None = None
    pronoun_at: int = 0


class _Article:
    """One article's text, sentences, people and quotations, with the look-ups extraction needs."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.text = strip_dateline_and_byline(body)
        self.paragraphs = paragraph_spans(self.text)
        self.sentences = split_sentences(self.text)
        self.sentence_starts = [start for start, _ in self.sentences]
        self.regions = _quote_regions(self.text, self.paragraphs)
        self.paragraph_starts = [start for start, _ in self.paragraphs]
        self.mentions = self._mentions()
        self.people = PeopleIndex(self.mentions)
        self.person_mentions = [m for m in self.mentions if self.people.is_person(m)]
        self.mention_starts = [m.start for m in self.person_mentions]

    def _mentions(self) -> list[Mention]:
        mentions: list[Mention] = []
        cursor = 0
        for region in [*self.regions, None]:
            stop = region.open_at if region else len(self.text)
            for run in name_runs(self.text, cursor, stop):
                mentions.extend(parse_run(run.group(0), run.start()))
            if region:
                cursor = region.close_end
        return mentions

    def sentence_index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.sentence_starts, offset) - 1)

    def paragraph_index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.paragraph_starts, offset) - 1)

    # Speakers ------------------------------------------------------------------------------------

    def speaker_of(self, subject: str, offset: int, lone_subject: bool) -> _Attribution | None:
        """The speaker named by an attribution's subject text ("White House press secretary Karoline
        Leavitt", "he", "Putin"); None when the subject names nobody and no organisation."""
        subject = subject.strip()
        pronoun = _PRONOUN_ONLY.fullmatch(subject)
        if pronoun:
            return _Attribution(None, pronoun.group("p").lower(), offset)
        mentions = [m for run in name_runs(subject) for m in parse_run(run.group(0), run.start())]
        people = [m for m in mentions if self.people.is_person(m)]
        if people:
            return _Attribution(" ".join(self.people.canonical_tokens(people[-1].tokens)))
        if lone_subject and len(mentions) == 1 and not _FUNCTION_START.match(subject):
            # The capitalised subject of a speech verb is a person even if named nowhere else.
            words = subject.split()
            if len(words) <= 4 and not _ORG_HINT.search(subject):
                return _Attribution(" ".join(self.people.canonical_tokens(mentions[-1].tokens)))
        organisation = _ORG_HINT.search(subject) or re.search(r"[A-Z][\w’'\-]+(?:\s+[A-Z][\w’'\-]+)*", subject)
        if organisation and not _FUNCTION_START.match(subject.lower()) or organisation and _ORG_HINT.search(subject):
            return _Attribution(organisation.group(0))
        if organisation:
            return _Attribution(organisation.group(0))
        return _Attribution(None)

    def resolve(self, attribution: _Attribution) -> str | None:
        if attribution.pronoun is None:
            return attribution.speaker
        if attribution.pronoun not in ("he", "she"):
            return None
        gender = "m" if attribution.pronoun == "he" else "f"
        return self.resolve_pronoun(attribution.pronoun_at, gender)

    def resolve_pronoun(self, offset: int, gender: str) -> str | None:
        """The person a he/she stands for: the first fitting person named in the pronoun's sentence
        before it, else in the sentences before (the subject of a sentence is usually named first)."""
        sentence = self.sentence_index(offset)
        last = bisect.bisect_left(self.mention_starts, offset)
        for index in range(sentence, max(-1, sentence - 6), -1):
            lo, hi = self.sentences[index]
            first = bisect.bisect_left(self.mention_starts, lo)
            for mention in self.person_mentions[first:last]:
                if mention.start >= hi:
                    break
                found = self.people.gender(mention.tokens)
                if found is None or found == gender:
                    return " ".join(self.people.canonical_tokens(mention.tokens))
            last = first
        return None

    def trail_attribution(self, start: int, stop: int) -> _Attribution | None:
        """Attribution right after a quote: `," he said`, `," said Putin`, `," Timofeev, head of …, told NPR`."""
        trail = self.text[start:stop]
        stripped = trail.lstrip(" \t,;:—–-\n")
        offset = start + len(trail) - len(stripped)
        according = _ACCORDING.match(stripped)
        if according:
            return self.speaker_of(according.group("subj"), offset + according.start("subj"), True)
        verb_first = _VERB_FIRST.match(stripped)
        if verb_first:
            subject = re.split(r"\s+(?:in|on|at|to|during|after|before|from|about|with|for|when|while)\s+", verb_first.group("subj"))[0]
            found = self.speaker_of(subject, offset + verb_first.start("subj"), True)
            if found and (found.speaker or found.pronoun):
                return found
        subject_first = _SUBJ_FIRST.match(stripped)
        if subject_first:
            subject = subject_first.group("subj")
            return self.speaker_of(subject, offset + subject_first.start("subj"), True)
        return None

    def lead_attribution(self, start: int, stop: int) -> _Attribution | None:
        """Attribution before a quote in the same sentence: `Putin said, "`, `X told NPR: "`."""
        lead = self.text[start:stop]
        according = _ACCORDING.search(lead)
        if according:
            return self.speaker_of(according.group("subj"), start + according.start("subj"), True)
        verbs = list(_VERB.finditer(lead))
        for verb in reversed(verbs):
            before = lead[: verb.start()]
            before = _TRAILING_ADVERBS.sub("", before).rstrip()
            if before.endswith(","):
                comma = before.rfind(",", max(0, len(before) - 200), len(before) - 1)
                if comma >= 0:
                    before = before[:comma].rstrip()
            pronoun = _PRONOUN.search(before)
            if pronoun:
                return _Attribution(None, pronoun.group("p").lower(), start + pronoun.start("p"))
            run = _RUN_AT_END.search(before)
            if run:
                found = self.speaker_of(run.group(0), start + run.start(), True)
                if found and found.speaker:
                    return found
        return None

    def first_person_in(self, start: int, stop: int) -> str | None:
        lo = bisect.bisect_left(self.mention_starts, start)
        if lo < len(self.person_mentions) and self.person_mentions[lo].start < stop:
            return " ".join(self.people.canonical_tokens(self.person_mentions[lo].tokens))
        return None

    # Context -------------------------------------------------------------------------------------

    def context(self, first_sentence: int, last_sentence: int) -> tuple[str, str]:
        before = self._gather(range(first_sentence - 1, max(-1, first_sentence - 3), -1))
        after = self._gather(range(last_sentence + 1, min(len(self.sentences), last_sentence + 3)))
        return before, after

    def _gather(self, indices: range) -> str:
        pieces: list[str] = []
        for index in indices:
            lo, hi = self.sentences[index]
            pieces.append(self.text[lo:hi].strip())
            if sum(len(p) for p in pieces) >= 80:
                break
        if indices.step < 0:
            pieces.reverse()
        return " ".join(pieces)


def _group(article: _Article) -> list[list[_Region]]:
    """Regions joined into quotations: continued over paragraphs, or split by their attribution."""
    text = article.text
    groups: list[list[_Region]] = []
    for region in article.regions:
        if groups:
            last = groups[-1][-1]
            gap = text[last.close_end : region.open_at]
            if not last.closed and not gap.strip():
                groups[-1].append(region)  # "… (paragraph ends) / "… continues
                continue
            inside = text[region.start : region.end].lstrip(" ‘'\"“")
            if (
                last.closed
                and "\n" not in gap
                and len(gap) <= 120
                and inside[:1].islower()
                and text[last.start : last.end].rstrip()[-1:] in (",", "—", "–", "-")
                and _VERB.search(gap)
                and not re.search(r"[.!?]\s", gap)
            ):
                groups[-1].append(region)  # "I'll tell you," he said, "but …"
                continue
        groups.append([region])
    return groups


def _pieces(article: _Article, group: list[_Region]) -> list[tuple[int, int]]:
    body = article.body
    spans: list[tuple[int, int]] = []
    for index, region in enumerate(group):
        start, end = region.start, region.end
        while start < end and body[start].isspace():
            start += 1
        while end > start and body[end - 1].isspace():
            end -= 1
        if index == len(group) - 1:
            while end > start and body[end - 1] in ",;:" or end > start and body[end - 1].isspace():
                end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def extract_quotes(body: str) -> list[ExtractedQuote]:
    """Every quotation in an article body, in order, with speaker and context; scare quotes flagged."""
    article = _Article(body)
    quotes: list[ExtractedQuote] = []
    previous_speaker: str | None = None
    previous_paragraph = -10
    groups = _group(article)
    for number, group in enumerate(groups):
        spans = _pieces(article, group)
        if not spans:
            continue
        first, last = group[0], group[-1]
        first_sentence = article.sentence_index(first.open_at)
        last_sentence = article.sentence_index(max(last.close_end - 1, last.start))
        next_open = groups[number + 1][0].open_at if number + 1 < len(groups) else len(article.text)
        sentence_end = article.sentences[last_sentence][1] if article.sentences else len(article.text)
        if sentence_end <= last.close_end and last_sentence + 1 < len(article.sentences):
            # The closing mark ends the sentence; an attribution may still follow (`?" he asked.`).
            follower = article.text[last.close_end : article.sentences[last_sentence + 1][1]]
            if follower[:1] in (" ", ",") and follower.strip()[:1].islower():
                sentence_end = article.sentences[last_sentence + 1][1]
        trail_stop = min(next_open, max(sentence_end, last.close_end))
        previous_close = groups[number - 1][-1].close_end if number else 0
        lead_start = max(article.sentences[first_sentence][0] if article.sentences else 0, previous_close)

        attribution = None
        for earlier, later in zip(group, group[1:]):
            if earlier.closed:
                attribution = article.trail_attribution(earlier.close_end, later.open_at)
                if attribution:
                    break
        if attribution is None and last.closed:
            attribution = article.trail_attribution(last.close_end, trail_stop)
        if attribution is None:
            attribution = article.lead_attribution(lead_start, first.open_at)
        if attribution is None and not article.text[lead_start : first.open_at].strip() and first_sentence > 0:
            lo, hi = article.sentences[first_sentence - 1]
            if article.text[lo:hi].rstrip().endswith(":"):
                attribution = article.lead_attribution(max(lo, previous_close), hi)
        speaker = article.resolve(attribution) if attribution else None
        if attribution is None:
            lead = article.text[lead_start : first.open_at]
            paragraph = article.paragraph_index(first.open_at)
            if lead.strip():
                speaker = article.first_person_in(lead_start, first.open_at)
            if speaker is None and paragraph - previous_paragraph <= 1 and not lead.strip():
                speaker = previous_speaker

        text = " ".join(body[start:end] for start, end in spans)
        context_before, context_after = article.context(first_sentence, last_sentence)
        quotes.append(
            ExtractedQuote(
                text=text,
                speaker=speaker,
                start=spans[0][0],
                end=spans[-1][1],
                spans=tuple(spans),
                context_before=context_before,
                context_after=context_after,
                scare=len(text.split()) <= 2,
            )
        )
        if speaker is not None and not quotes[-1].scare:
            previous_speaker = speaker
            previous_paragraph = article.paragraph_index(last.close_end - 1)
        elif attribution is not None and not quotes[-1].scare:
            previous_speaker = None
    return quotes
