"""Direct quotations and their speakers, extracted from the body of a news article.

The pipeline, per article:
1. datelines and bylines are blanked out (same length, so every offset still points into the body);
2. quotation marks are paired into regions (`bot.core.quotemarks`), per paragraph, for double
   marks (straight, curly, the NYT's two apostrophes) and single marks (UK style) while telling
   apostrophes apart; a region inside another is nested and stays part of it;
3. regions are grouped into quotations: a quote continued over paragraphs, and a quote split by its
   attribution (`"I'll tell you," he said, "but …"`), are one quotation;
4. each quotation gets a speaker from the attribution after it (`," Putin said`), before it
   (`Putin said: "`), or the quote before it, and pronouns resolve to the person they stand for
   (the speaking or first-named person of the nearest sentence that names a fitting one);
5. the sentences around it become its context, and quotes of one or two words, or quoted titles in
   Title Case, are flagged as scare quotes.

Speakers are canonical full names (`bot.core.speakers.PeopleIndex`): the longest form the article
uses, without titles; a title and surname the article never completes ("President Trump") becomes
the well-known head of state's full name, any other surname stays as written.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from bot.core.lexicon import (
    ANSWER_VERBS,
    ATTRIBUTION_ADVERBS,
    CALENDAR_WORDS,
    GENERIC_ORGANISATION_HEADS,
    LEADING_ONLY_VERBS,
    NAME_PARTICLES,
    NATIONALITY_NOUNS,
    NEGATIONS,
    ORGANISATION_NAMES,
    ORGANISATION_NOUNS,
    PUT_IT_VERBS,
    ROLE_NOUNS,
    SHORT_ATTRIBUTION_VERBS,
    SPEECH_VERBS,
    TIME_DAYS,
    TIME_MODIFIERS,
    TIME_PERIODS,
    TITLE_MINOR_WORDS,
    VERBS_BEFORE_OBJECT,
    alternation,
)
from bot.core.quotemarks import QuoteRegion, quote_regions
from bot.core.sentences import paragraph_spans, split_sentences
from bot.core.speaker_kinds import Description, SpeakerKind, describe, gender_fits, role_matches
from bot.core.speakers import ABBREVIATED_TITLES, CAP_TOKEN, NOT_NAME_WORDS, SENTENCE_OPENERS, Mention, PeopleIndex, name_runs, parse_run


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
    scare: bool  # one or two words ("constructive"), or a title ("Meet the Press"): not a statement
    speaker_forms: tuple[str, ...] = ()  # other ways the article names the speaker ("Putin")
    # The quote's own attribution names a person (`Putin said`, `he said` resolved), not an
    # organisation (`the Kremlin said`) or a speaker carried over from a quote before.
    attributed_person: bool = False
    # What the speaker is: a named `person`, an `organisation`, an `unnamed` person described as
    # written ("a ministry spokesman"), or a `document` ("court filing").
    speaker_kind: SpeakerKind = "person"


# --- Datelines and bylines -----------------------------------------------------------------------

_DATELINE = re.compile(
    r"[A-Z][A-Z.'’\-]+(?:[ ,]+[A-Z][A-Za-z.'’\-]*){0,4}\s*(?:\([^()\n]{1,40}\)\s*)?[—–-]{1,2}\s+"
    r"|\([A-Z][A-Za-z ]{1,30}\)\s*[—–-]{1,2}\s+"
)
# Case matters: "By Jane Doe" is a byline, "By contrast, …" is not.
_BYLINE = re.compile(
    r"^\s*(?:(?:By|BY)\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*\s*(?:,|and\b|$)|(?:Reporting|Editing|Writing) by|"
    r"Additional reporting|Photo:|Copyright|COPYRIGHT|©|Follow\b.{0,80}\bon (?:Twitter|X|Facebook)|"
    r"\(?(?:Reuters|AP|AFP)\)?\s*$)"
    r"|(?i:contributed (?:reporting|to this (?:report|story|article))|all rights reserved)"
    r"|\b(?:is|was) an? (?:\w+ )?(?:reporter|correspondent|writer|editor|columnist) (?:for|at|with)\b",
    re.MULTILINE,
)


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


# --- Attribution ---------------------------------------------------------------------------------

# Speech verbs after a quotation (`," she said`), and those that may also introduce one before it.
_TRAIL_VERBS = alternation(SPEECH_VERBS)
_LEAD_VERBS = alternation(SPEECH_VERBS + LEADING_ONLY_VERBS)
_TRAIL_VERB = rf"(?:{_TRAIL_VERBS})\b"
_LEAD_VERB = re.compile(rf"\b(?:{_LEAD_VERBS})\b")
_ADVERBS = alternation(ATTRIBUTION_ADVERBS)
_WHEN = rf"(?:(?:{alternation(TIME_MODIFIERS)})\s+)?(?:{alternation(TIME_PERIODS)})|{alternation(TIME_DAYS)}"
_TRAILING_ADVERBS = re.compile(rf"(?:\s+(?:{_ADVERBS}|{_WHEN}|[a-z]+ly))+\s*$")
# Subject text: no clause punctuation, but abbreviations ("Sen.", "J.") keep their period.
_SUBJ_CHARS = rf"(?:\b(?:{ABBREVIATED_TITLES})\.|\b[A-Z]\.|[^,.;:!?\"“”()—–\n])"
_VERB_FIRST = re.compile(rf"{_TRAIL_VERB}\s+(?P<subj>{_SUBJ_CHARS}{{1,120}})")
_ACCORDING = re.compile(rf"\b[Aa]ccording to\s+(?P<subj>{_SUBJ_CHARS}{{1,120}})")
_SUBJ_FIRST = re.compile(
    rf"(?P<subj>{_SUBJ_CHARS}{{1,90}}?)(?:\s*,(?P<app>[^\n]{{1,200}}?),)?"
    rf"(?:\s+(?:{_ADVERBS}))*\s+{_TRAIL_VERB}"
)
_AFTER_VERB = re.compile(r"\s+(?:in|on|at|to|during|after|before|from|about|with|for|when|while|of|via|outside|inside)\s+")
_NOT_SUBJECT_START = re.compile(
    r"(?:and|but|or|which|who|whom|that|as|while|because|when|if|so|then|than|where|what|how|why|"
    r"in|on|at|to|for|of|with|after|before|since|until|about|this|these|those|it|there)\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(?P<p>[Hh]e|[Ss]he|[Tt]hey|I|[Ww]e|[Yy]ou)\s*$")
_PRONOUN_ONLY = re.compile(r"\s*(?P<p>[Hh]e|[Ss]he|[Tt]hey|I|[Ww]e|[Yy]ou)\s*")
_RUN_AT_END = re.compile(rf"{CAP_TOKEN}(?:(?:\s+(?:{alternation(NAME_PARTICLES)}))*\s+{CAP_TOKEN})*\s*$")
_ORGANISATION = re.compile(
    rf"\b(?:[A-Z][A-Za-z]*[A-Z][A-Za-z]*|{alternation(ORGANISATION_NAMES)}|"
    rf"(?:[A-Z][\w’'\-]+ )+(?:{alternation(ORGANISATION_NOUNS)}))\b"
)
_ROLE_NOUNS = alternation(ROLE_NOUNS)
_DETERMINER_END = re.compile(rf"\b(?:a|an|the|one|his|her|their|its|another|some)\s+(?:[\w'’-]+\s+){{0,3}}(?:{_ROLE_NOUNS})$")
_DESCRIBED_END = re.compile(
    r"\b(?:[Aa]n?|[Tt]he|[Oo]ne|[Aa]nother|[Ss]ome|[Ss]everal)\s+(?:[\w'’-]+\s+){0,4}[\w'’-]+$"
)
_LONE_NAME = re.compile(r"\s*(?:[Tt]he\s+)?(?P<name>[A-Z][\w’'&.-]+(?:\s+[A-Z][\w’'&.-]+){0,3})\s*")
_AUXILIARY = re.compile(r"\b(?:could|would|will|is|was|are|were|has|had|have|should|may|might|can|must|did|does)\b")
_DETERMINER = re.compile(r"(?:a|an|the|one|his|her|their|its|another|some|several|many)\b", re.IGNORECASE)
_DASH_NAME = re.compile(rf"\s*[—–―-]+\s*(?P<subj>{CAP_TOKEN}(?:\s+{CAP_TOKEN}){{0,3}})\s*(?:[,.]|$)")
_NAME_AFTER_COMMA = re.compile(rf"\s*(?P<subj>(?:{CAP_TOKEN}\s+){{0,5}}{CAP_TOKEN})\s*,")
_ORGANISATION_WORDS = frozenset(ORGANISATION_NAMES) | frozenset(ORGANISATION_NOUNS) | {"Street"}
_ORGANISATION_TOKENS = frozenset(w.lower() for w in _ORGANISATION_WORDS) | frozenset(NOT_NAME_WORDS)
_ORGANISATION_NAME = re.compile(
    r"(?:[A-Z][\w&.'’-]*\s+)*[A-Z][\w&.'’-]*(?:\s+(?:of|for|on)\s+(?:the\s+)?[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*)*)?"
)
_VERB_AFTER = re.compile(rf"(?:\s+(?:{_ADVERBS}))*\s+{_TRAIL_VERB}")
_PAST_AFTER = re.compile(r"(?:\s+(?:also|then|later|has|had|again))?\s+[a-z]{3,}ed\b")
_VERB_BEFORE = re.compile(rf"\b(?:{alternation(VERBS_BEFORE_OBJECT)})\s+$")
_ASKED_BY = re.compile(
    r"\b(?:asked|questioned|pressed|challenged) by\s+(?P<subj>\S)"
)
_SHORT_PARENTHETICAL = re.compile(r"\([^()\"“”\n]{0,40}\)")
_ING_VERB = re.compile(r"ing\b")
# Transcripts may spell the negation without its apostrophe ("didnt say").
_NEGATED = re.compile(rf"(?:\b(?:{alternation(NEGATIONS)})|n['’]t)\s+(?:\w+\s+)?$")
_PRONOUN_SUBJECT = re.compile(r"\s*(?P<p>He|She)\b")
_RELATIVE = re.compile(r"\b(?:who|whose|whom|whos|who['’]s)\b")
_IT = re.compile(r"\s*[Ii]t\s*")
# The subject opening a clause, then a verb: a name ("GM said", "The IAAF has warned", "LG Group
# says") or a description ("The committee reached").
_ORGANISATION_SUBJECT = re.compile(
    r"(?:(?<=^)|(?<=[.!?;:\"”’]\s)|(?<=[.!?;:\"”’]\s\s)|(?<=\n)|(?<=\sbut\s))\s*(?:(?:But|And|However|Meanwhile|Now),?\s+)?"
    r"(?:(?:[Tt]he\s+)?"
    r"(?P<name>[A-Z][\w&'’.-]*(?:\s+(?:of|for|and|&)?\s*[A-Z][\w&'’.-]*){0,4})"
    r"|[Tt]he\s+(?P<described>[a-z][\w-]*(?:\s+[a-z][\w-]*){0,2}?))"
    # then a verb: any lower-case word but a preposition, conjunction or relative ("The EU sought")
    r"(?=\s+(?!(?:of|in|on|at|for|to|and|or|the|a|an|with|from|by|as|who|which|that)\b)[a-z]{2,}\b)"
)
_PRONOUN_REACH = 6  # sentences searched back for the person a pronoun stands for
_ORGANISATION_REACH = 3  # sentences searched back for the organisation "it" or "the company" stands for
_WINDOW = 600  # characters of narration searched for an attribution on either side of a quote


@dataclass(frozen=True, slots=True)
class _Attribution:
    """A speaker as found: a pronoun to resolve, or a name (possibly None) already resolved."""

    speaker: str | None
    pronoun: str | None = None
    pronoun_at: int = 0
    person: bool = False
    kind: SpeakerKind = "person"


_NOBODY = _Attribution(None)


class _Article:
    """One article's text, sentences, people and quotations, with the look-ups extraction needs."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.text = strip_dateline_and_byline(body)
        self.paragraphs = paragraph_spans(self.text)
        self.sentences = split_sentences(self.text) or [(0, len(self.text))]
        self.sentence_starts = [start for start, _ in self.sentences]
        self.regions = quote_regions(self.text, self.paragraphs)
        self.paragraph_starts = [start for start, _ in self.paragraphs]
        self.masked = self._masked()
        self.mentions = self._mentions()
        self.people = PeopleIndex(self.mentions, self._speech_subjects())
        self.person_mentions = [m for m in self.mentions if self.people.is_person(m)]
        self.mention_starts = [m.start for m in self.person_mentions]
        self._forms: dict[str, dict[str, None]] | None = None

    def _masked(self) -> str:
        """The text with quotation contents and short parentheticals ("(D-Ore.)") blanked, so that
        attribution patterns see only the narration around quotes."""
        chars = list(self.text)
        for region in self.regions:
            chars[region.start : region.end] = " " * (region.end - region.start)
        masked = "".join(chars)
        return _SHORT_PARENTHETICAL.sub(lambda m: " " * len(m.group(0)), masked)

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

    def _speech_subjects(self) -> list[str]:
        """Single names written as the subject of a speech verb ("Bob said", "said Bob")."""
        names = []
        for mention in self.mentions:
            if len(mention.tokens) == 1 and (
                _VERB_AFTER.match(self.masked, mention.end)
                or _PAST_AFTER.match(self.masked, mention.end)
                or _VERB_BEFORE.search(self.masked, max(0, mention.start - 12), mention.start)
            ):
                names.append(mention.tokens[0])
        return names

    def forms(self, speaker: str) -> tuple[str, ...]:
        """The names, as written, the article uses for a speaker other than the canonical one."""
        if self._forms is None:
            self._forms = {}
            for mention in self.person_mentions:
                canonical = " ".join(self.people.canonical_tokens(mention.tokens))
                written = " ".join(mention.tokens)
                if written != canonical:
                    self._forms.setdefault(canonical, {})[written] = None
        return tuple(self._forms.get(speaker, ()))

    def sentence_index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.sentence_starts, offset) - 1)

    def paragraph_index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.paragraph_starts, offset) - 1)

    # Speakers ------------------------------------------------------------------------------------

    def speaker_of(self, subject: str, offset: int) -> _Attribution:
        """The speaker an attribution's subject names ("White House press secretary Karoline
        Leavitt", "he", "Putin", "the Kremlin"); `_NOBODY` for "a senior official"."""
        pronoun = _PRONOUN_ONLY.fullmatch(subject)
        if pronoun:
            return _Attribution(None, pronoun.group("p").lower(), offset + pronoun.start("p"))
        if _IT.fullmatch(subject):  # "It said": the organisation the narration was about, never "It"
            return self.organisation_before(offset) or _NOBODY
        described = describe(subject)
        if described is not None:  # "a ministry spokesman", "the airline", "the Ohio congresswoman"
            return self.described_speaker(described, offset)
        mentions = [m for run in name_runs(subject) for m in parse_run(run.group(0), run.start())]
        # "Nogar's son Stephen": the owner of a possessive is not who speaks.
        mentions = [m for m in mentions if not subject[m.start : m.end].endswith(("'s", "’s"))] or mentions
        people = [m for m in mentions if self.people.is_person(m)]
        if not people and mentions and len(subject.split()) <= 4 and not _ORGANISATION.search(subject):
            # The capitalised subject of a speech verb is a person even if named nowhere else.
            if not subject.lstrip()[:1].islower():
                people = mentions[-1:]
        organisation = _ORGANISATION.search(subject)
        if people and _names_organisation(subject, people[-1], organisation):
            people = []  # "the Kremlin", "Delta Air Lines", "The Economist"
        if people:
            return _Attribution(" ".join(self.people.canonical_tokens(people[-1].tokens)), person=True)
        if organisation:  # "the Kremlin", "the State Department"
            return _Attribution(organisation.group(0), kind="organisation")
        lone = _LONE_NAME.fullmatch(subject)
        if lone:
            return _Attribution(lone.group("name"), kind="organisation")  # "Twitter said", "Pew found"
        return _NOBODY

    def described_speaker(self, described: Description, offset: int) -> _Attribution:
        """A speaker written as a noun phrase: a role noun becomes the person the article introduced
        in that role, anything else is stored as described."""
        if described.kind == "role":
            person = self.role_person(described, offset)
            if person:
                return _Attribution(person, person=True)
            return _Attribution(described.text, kind="unnamed")
        if described.kind == "organisation":
            named = self.organisation_named(described.head, offset)
            if named:
                return _Attribution(named, kind="organisation")
            if described.head in GENERIC_ORGANISATION_HEADS:  # "the company": the one just written about
                before = self.organisation_before(offset)
                if before is not None and before.kind == "organisation":
                    return before
        return _Attribution(described.text, kind=described.kind)

    def organisation_named(self, head: str, offset: int) -> str | None:
        """The organisation "the airline" or "the board" stands for: the latest name before it whose
        words hold that noun ("Delta Air Lines", "the Illinois Board of Elections")."""
        window = self.masked[max(0, offset - 3000) : offset]
        last = None
        for match in _ORGANISATION_NAME.finditer(window):
            if head in match.group(0).lower().replace(" ", "").replace("'", ""):
                last = match.group(0)
        return last

    def organisation_before(self, offset: int) -> _Attribution | None:
        """The organisation "it" or "the company" stands for: the latest subject of a verb ("GM said",
        "The IAAF has warned", "the committee found") in the sentence before `offset` or the few before
        it, when it is an organisation, a described one or a document; None when it is a person (the
        narration moved on from any organisation before it)."""
        sentence = self.sentence_index(offset)
        for index in range(sentence, max(-1, sentence - _ORGANISATION_REACH), -1):
            lo, hi = self.sentences[index]
            found = list(_ORGANISATION_SUBJECT.finditer(self.masked, lo, min(hi, offset)))
            for subject in reversed(found):
                if subject.group("described"):  # "The committee reached …. It warned": as "the committee said"
                    described = describe("the " + subject.group("described"))
                    if described is None:
                        continue  # "The deal was announced": no speaker
                    if described.kind in ("role", "unnamed"):
                        return None
                    return self.described_speaker(described, subject.start("described"))
                if subject.group("name").lower() in SENTENCE_OPENERS:
                    continue  # "It has", "The deal": not a name
                if not self._organisation(subject):
                    return None
                return _Attribution(subject.group("name").rstrip("'’"), kind="organisation")  # "Siemens' …" → "Siemens"
        return None

    def _organisation(self, match: re.Match[str]) -> bool:
        """Whether a capitalised subject is an organisation's name: not a person the article names,
        a calendar word, a possessive ("Kraft's sales") or a word capitalised only as a sentence's first."""
        name = match.group("name")
        words = name.split()
        first = words[0].lower()
        if first in CALENDAR_WORDS or first in SENTENCE_OPENERS or name.endswith(("'s", "’s")):
            return False
        if len(words) == 1:
            if words[0].isupper() and len(words[0]) > 1:
                return True  # "GM", "EMI": not a person's name
            if first in NATIONALITY_NOUNS:
                return False
            before_verb = _VERB_AFTER.match(self.masked, match.end("name")) or _PAST_AFTER.match(self.masked, match.end("name"))
            if not before_verb and not self._capitalised_within(words[0], match.start("name")):
                return False  # "Weak sales hit Next": a sentence's first word, not a name before its verb
            mentions = parse_run(name, match.start("name"))
            return not any(self.people.named_in_full(m.tokens) or m.titled for m in mentions)
        # Several words: an organisation's when one is an organisation word, an acronym or in CamelCase
        # ("LG Group", "UK Coal", "AstraZeneca"); two plain capitalised words are taken for a person.
        return any(
            w.lower().strip("'’") in _ORGANISATION_TOKENS or w.isupper() or re.search(r"[a-z][A-Z]", w) or w in ("&", "of", "for")
            for w in words
        )

    def _capitalised_within(self, word: str, at: int) -> bool:
        """Whether the article writes `word` capitalised inside a sentence, not only at its start."""
        for found in re.finditer(rf"\b{re.escape(word)}\b", self.text):
            before = self.text[max(0, found.start() - 8) : found.start()].rstrip()
            if found.start() != at and before and before[-1] not in ".!?\"“”'‘’:\n":
                return True
        return False

    def role_person(self, described: Description, offset: int) -> str | None:
        """The person a role noun stands for: the latest person before it written with that role
        ("Ohio Rep. Marcy Kaptur" for "the Ohio congresswoman", "Kasich, the governor of Ohio" for
        "the governor"), else the person a pronoun there would stand for."""
        lo = bisect.bisect_left(self.mention_starts, offset)
        for mention in reversed(self.person_mentions[max(0, lo - 60) : lo]):
            before = self.text[max(0, mention.start - 50) : mention.start]
            before = re.split(r"[.;:!?\n\"“”]", before)[-1]
            after = self.text[mention.end : mention.end + 120]
            if role_matches(described.head, before, after):
                if gender_fits(described, self.people.gender(mention.tokens)):
                    return " ".join(self.people.canonical_tokens(mention.tokens))
        return self.resolve_pronoun(offset, described.gender)

    def fits(self, speaker: str | None, pronoun: str) -> bool:
        """Whether "he" or "she" may stand for `speaker` (its gender unknown or the same)."""
        if not speaker:
            return False
        gender = self.people.gender(tuple(speaker.split()))
        return gender is None or gender == ("m" if pronoun == "he" else "f")

    def resolve(self, attribution: _Attribution) -> str | None:
        if attribution.pronoun is None:
            return attribution.speaker
        if attribution.pronoun not in ("he", "she"):
            return None
        gender = "m" if attribution.pronoun == "he" else "f"
        return self.resolve_pronoun(attribution.pronoun_at, gender)

    def resolve_pronoun(self, offset: int, gender: str | None) -> str | None:
        """The person a he/she stands for: the first fitting person named in the pronoun's sentence
        before it, else in the sentences before (the subject of a sentence is usually named first)."""
        sentence = self.sentence_index(offset)
        last = bisect.bisect_left(self.mention_starts, offset)
        for index in range(sentence, max(-1, sentence - _PRONOUN_REACH), -1):
            lo, hi = self.sentences[index]
            first = bisect.bisect_left(self.mention_starts, lo)
            fitting = [
                mention
                for mention in self.person_mentions[first:last]
                if mention.start < hi and (gender is None or self.people.gender(mention.tokens) in (None, gender))
            ]
            # Someone who speaks in that sentence ("Cruz spokesman Rick Tyler said") before the
            # sentence's first-named person.
            speaking = [m for m in fitting if _VERB_AFTER.match(self.masked, m.end)]
            if speaking or fitting:
                chosen = (speaking or fitting)[0]
                return " ".join(self.people.canonical_tokens(chosen.tokens))
            last = first
        return None

    def trail_attribution(self, start: int, stop: int) -> _Attribution | None:
        """Attribution right after a quote: `," he said`, `," said Putin`, `," Timofeev, head of …,
        told NPR`, or a later clause of the sentence (`" about the plan, said X`)."""
        trail = self.masked[start : min(stop, start + _WINDOW)]
        clause_starts = [0] + [m.end() for m in re.finditer(r",", trail)]
        for clause_start in clause_starts:
            found = self._clause_attribution(trail, clause_start, start)
            if found is not None:
                return found
        return None

    def _clause_attribution(self, trail: str, at: int, offset: int) -> _Attribution | None:
        clause = trail[at:]
        stripped = clause.lstrip(" \t,;:—–―-\n\"”’'")
        base = offset + at + len(clause) - len(stripped)
        according = _ACCORDING.match(stripped)
        if according:
            return self.speaker_of(_subject_head(according.group("subj")), base + according.start("subj"))
        verb_first = _VERB_FIRST.match(stripped)
        if verb_first:
            subject = _subject_head(verb_first.group("subj")).strip()
            found = self.speaker_of(subject, base + verb_first.start("subj"))
            if found.speaker or found.pronoun:
                return found
            whole = self.speaker_of(verb_first.group("subj"), base + verb_first.start("subj"))
            if whole.person:
                return whole  # "said master of ceremonies Asab Al-Tabchi"
            if _DETERMINER.match(subject) and len(subject.split()) <= 6 and not _AUXILIARY.search(subject):
                return found  # "said one longtime adviser": someone, unnamed
        named = _NAME_AFTER_COMMA.match(trail, at) if at == 0 and self.masked[offset - 2 : offset].startswith(",") else None
        if named:  # `,” Texas delegate Bill Eastland, wearing a cowboy hat, …`: the name is the attribution
            found = self.speaker_of(named.group("subj"), offset + named.start("subj"))
            if found.person:
                return found
        dash = _DASH_NAME.match(clause)
        if dash:
            found = self.speaker_of(dash.group("subj"), offset + at + dash.start("subj"))
            if found.person:
                return found
        subject_first = _SUBJ_FIRST.match(stripped)
        if subject_first:
            subject = subject_first.group("subj").strip()
            # A subject is short and starts like one: a name, a pronoun, "the spokesman".
            if len(subject.split()) <= 7 and not _NOT_SUBJECT_START.match(subject):
                if re.search(r"\b[A-Z]", subject) or _DETERMINER.match(subject) or _PRONOUN_ONLY.fullmatch(subject):
                    return self.speaker_of(subject, base + subject_first.start("subj"))
        return None

    def lead_attribution(self, start: int, stop: int) -> _Attribution | None:
        """Attribution before a quote in the same sentence: `Putin said, "`, `X told NPR: "`, `X
        called it "…"`; when the verb has no subject of its own (`… and told reporters "`), the
        sentence's first person."""
        start = max(start, stop - _WINDOW)  # attributions sit next to their quote
        lead = self.masked[start:stop]
        according = _ACCORDING.search(lead)
        if according:
            return self.speaker_of(_subject_head(according.group("subj")), start + according.start("subj"))
        verbs = list(_LEAD_VERB.finditer(lead))
        organisation: _Attribution | None = None
        for verb in reversed(verbs):
            before = lead[: verb.start()]
            if _ING_VERB.search(verb.group(0)) and before.rstrip().endswith(","):
                continue  # "…, telling reporters": the subject is the main clause's
            if _NEGATED.search(before):
                return _NOBODY  # "Trump never said …": the words are not his
            before = _TRAILING_ADVERBS.sub("", before).rstrip()
            if before.endswith(","):
                # "Dean Johnson, a salesman from Sumter, South Carolina, says": the person before
                # the appositive is the subject.
                appositive_person = self._appositive_person(start, start + len(before) - 1)
                if appositive_person:
                    return _Attribution(appositive_person, person=True)
                comma = before.rfind(",", max(0, len(before) - 200), len(before) - 1)
                if comma >= 0:
                    before = before[:comma].rstrip()
            pronoun = _PRONOUN.search(before)
            if pronoun:
                return _Attribution(None, pronoun.group("p").lower(), start + pronoun.start("p"))
            window = max(0, len(before) - 160)  # a subject is a few words: bound the search
            run = _RUN_AT_END.search(before, window)
            if run and run.group(0).rstrip().endswith(("'s", "’s")):
                continue  # "Clinton's remarks": a possessive, not a subject
            if run:
                found = self.speaker_of(run.group(0), start + run.start())
                if found.person or _IT.fullmatch(run.group(0)):
                    return found  # "It said" with no organisation before: nobody, not the next name
                appositive_person = self._appositive_person(start, start + len(before))
                if appositive_person:
                    return _Attribution(appositive_person, person=True)
                if found.speaker and organisation is None:
                    organisation = found  # "the Senate goes on …": keep looking for a person
                continue
            described_at = _DESCRIBED_END.search(before)
            described = describe(described_at.group(0)) if described_at else None
            if described_at and described is not None:
                if described.kind == "document":
                    # "Trump issued a statement saying": the statement's author speaks.
                    author = self._author_before(start, start + described_at.start())
                    if author:
                        return _Attribution(author, person=True)
                return self.speaker_of(described_at.group(0), start + described_at.start())
            if _DETERMINER_END.search(before):
                return organisation or _NOBODY  # "a senior official said"
        if organisation is not None:
            return organisation
        asked_by = _ASKED_BY.search(lead)
        if asked_by:
            # "asked by host Bill Maher, …, “…?”": the question is the asker's.
            person = self.first_person_in(start + asked_by.start("subj"), min(stop, start + asked_by.end() + 60))
            if person:
                return _Attribution(person, person=True)
        if verbs or lead.rstrip().endswith(":"):
            # The subject of the verb's own clause ("…, Federer addressed the crowd and concluded by
            # saying"), else the sentence's first person.
            clause_start = start + lead.rfind(",", 0, verbs[-1].start()) + 1 if verbs else start
            person = self._clause_subject(clause_start, stop) or self.first_person_in(start, stop)
            if person and not self._first_person_in_relative_clause(start, stop):
                return _Attribution(person, person=True)
            subject = _PRONOUN_SUBJECT.match(lead)
            if subject:  # "He condemned the deal, saying that “…”"
                return _Attribution(None, subject.group("p").lower(), start + subject.start("p"))
        return None

    def _author_before(self, start: int, stop: int) -> str | None:
        """The person named last in the clause ending at `stop` ("Trump issued" before "a statement")."""
        clause_start = max(start, self.masked.rfind(",", start, stop) + 1)
        lo = bisect.bisect_left(self.mention_starts, clause_start)
        hi = bisect.bisect_left(self.mention_starts, stop)
        if hi > lo:
            return " ".join(self.people.canonical_tokens(self.person_mentions[hi - 1].tokens))
        return None

    def _appositive_person(self, start: int, stop: int) -> str | None:
        """A person named and then described: "Anthony Anton, president and CEO of … stated"."""
        lo = bisect.bisect_left(self.mention_starts, start)
        for mention in self.person_mentions[lo:]:
            if mention.start >= stop:
                break
            if _RELATIVE.search(self.masked, start, mention.start):
                break  # "The czar, who worked for Ronald Reagan, said": a name inside the description
            if self.masked[mention.end : mention.end + 60].lstrip()[:1] == ",":
                return " ".join(self.people.canonical_tokens(mention.tokens))
        return None

    def _first_person_in_relative_clause(self, start: int, stop: int) -> bool:
        """`The czar, who has worked for every president since Ronald Reagan, said`: the first
        person of text[start:stop] is named after "who", inside the description of the subject."""
        lo = bisect.bisect_left(self.mention_starts, start)
        if lo >= len(self.person_mentions) or self.person_mentions[lo].start >= stop:
            return False
        return _RELATIVE.search(self.masked, start, self.person_mentions[lo].start) is not None

    def speaking_person_in(self, start: int, stop: int) -> str | None:
        """The first person in text[start:stop] written as the subject of a speech verb."""
        lo = bisect.bisect_left(self.mention_starts, start)
        for mention in self.person_mentions[lo:]:
            if mention.start >= stop:
                break
            if _VERB_AFTER.match(self.masked, mention.end):
                return " ".join(self.people.canonical_tokens(mention.tokens))
        return None

    def _clause_subject(self, start: int, stop: int) -> str | None:
        """The person opening the clause text[start:stop] as the subject of a verb in the past."""
        lo = bisect.bisect_left(self.mention_starts, start)
        if lo < len(self.person_mentions):
            mention = self.person_mentions[lo]
            if mention.start < stop and not self.masked[start : mention.start].strip():
                if _PAST_AFTER.match(self.masked, mention.end):
                    return " ".join(self.people.canonical_tokens(mention.tokens))
        return None

    def acting_person_in(self, start: int, stop: int) -> str | None:
        """The first person in text[start:stop] written before a verb in the past tense: the
        subject of narration ("Unison's Dave Prentis criticised the plans.")."""
        lo = bisect.bisect_left(self.mention_starts, start)
        for mention in self.person_mentions[lo:]:
            if mention.start >= stop:
                break
            if _PAST_AFTER.match(self.masked, mention.end):
                return " ".join(self.people.canonical_tokens(mention.tokens))
        return None

    def first_person_in(self, start: int, stop: int) -> str | None:
        lo = bisect.bisect_left(self.mention_starts, start)
        if lo < len(self.person_mentions) and self.person_mentions[lo].start < stop:
            return " ".join(self.people.canonical_tokens(self.person_mentions[lo].tokens))
        return None

    # Context -------------------------------------------------------------------------------------

    def context(self, first_sentence: int, last_sentence: int, open_at: int, close_end: int) -> tuple[str, str]:
        """The sentences around a quote, each side ending in the quote's own sentence frame.

        The frame (`Russia` before `"is ready to work…," Putin said in a briefing`) is what makes a
        partial quote readable, and it lets the matcher tell a reporter's lead-in from an insertion.
        """
        before = self._gather(range(first_sentence - 1, max(-1, first_sentence - 3), -1))
        after = self._gather(range(last_sentence + 1, min(len(self.sentences), last_sentence + 3)))
        lead = self.text[self.sentences[first_sentence][0] : open_at].strip()
        tail = self.text[close_end : self.sentences[last_sentence][1]].strip()
        return _join(before, lead), _join(tail, after)

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


def _names_organisation(subject: str, mention: Mention, organisation: re.Match[str] | None) -> bool:
    """Whether a subject's last person-like mention is an organisation's name: inside a name ending
    in an organisation word ("Delta Air Lines"), or one word after "the" ("the Kremlin", "The Economist")."""
    if mention.titled:
        return False  # "President McKinley"
    if organisation and organisation.start() <= mention.start and mention.end <= organisation.end():
        return organisation.group(0).split()[-1] in _ORGANISATION_WORDS  # not a name in CamelCase ("McKinley")
    before = subject[: mention.start].split()
    return len(mention.tokens) == 1 and bool(before) and before[-1].lower() == "the"


def _join(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def _subject_head(subject: str) -> str:
    """The subject without what follows it: "Putin in a briefing" → "Putin"."""
    return _AFTER_VERB.split(subject, maxsplit=1)[0]


_SPLIT_GAP_VERB = re.compile(rf"\b{_TRAIL_VERB}")


def _group(article: _Article) -> list[list[QuoteRegion]]:
    """Regions joined into quotations: continued over paragraphs, or split by their attribution."""
    text = article.text
    groups: list[list[QuoteRegion]] = []
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
                and _SPLIT_GAP_VERB.search(gap)
                and not re.search(r"[.!?]\s", gap)
                and gap.rstrip(" \t\"“”'‘’")[-1:] in (",", ":", "—", "–")
                and len(gap.split()) <= 14
            ):
                groups[-1].append(region)  # "I'll tell you," he said, "but …"
                continue
        groups.append([region])
    return groups


def _pieces(article: _Article, group: list[QuoteRegion]) -> list[tuple[int, int]]:
    """The spans of a quotation's pieces, trimmed of spaces, and of the comma that US style puts
    inside the closing mark (`excellent," he said`)."""
    body = article.body
    spans: list[tuple[int, int]] = []
    for index, region in enumerate(group):
        start, end = region.start, region.end
        while start < end and body[start].isspace():
            start += 1
        while end > start and body[end - 1].isspace():
            end -= 1
        if index == len(group) - 1:
            while end > start and (body[end - 1] in ",;:" or body[end - 1].isspace()):
                end -= 1
        if start < end:
            spans.append((start, end))
    return spans


@dataclass(slots=True)
class _Found:
    """A quotation while its speaker is being worked out."""

    group: list[QuoteRegion]
    spans: list[tuple[int, int]]
    first_sentence: int
    last_sentence: int
    attribution: _Attribution | None
    trailing: bool  # the attribution came after the quote in its sentence


def _short_attribution_sentence(article: _Article, index: int, short_only: bool) -> _Attribution | None:
    """The sentence after a quote that opens by attributing it: `…?” Priebus said, …` (the splitter
    ends a sentence after `?”`), or, after `.”`, a sentence that does nothing else: `.” Trump said.`"""
    lo, hi = article.sentences[index]
    sentence = article.masked[lo:hi]
    put = _HOW_PUT.match(sentence)
    if put:  # `…” That was how Jane Doe, the museum's director, put it.`
        return article.speaker_of(put.group("subj"), lo + put.start("subj"))
    match = _SHORT_ATTRIBUTION.match(sentence)
    if match is None:
        return None
    rest = article.text[lo + match.end() : hi]
    if not short_only and _ANSWER_VERB.search(match.group(0)) and not _ATTRIBUTION_END.match(rest):
        return None  # `…?” Mr Milburn replied that …`: the one who answers did not ask
    if short_only and not _ATTRIBUTION_END.match(rest):
        return None  # `.” Oltchick said Freddy had …`: a new statement, not an attribution
    return article.speaker_of(match.group("subj"), lo + match.start("subj"))


_ANSWER_VERB = re.compile(rf"\b(?:{alternation(ANSWER_VERBS)})\b")
# A sentence after a quote naming who said it: "That was how Jane Doe, the museum's director, put it."
_HOW_PUT = re.compile(
    rf"\s*(?:That|This|So|Thus)(?:\s+(?:is|was|was exactly|is exactly|'s|’s))?\s+(?:how|what)\s+"
    rf"(?P<subj>(?:{CAP_TOKEN}\s+){{0,3}}{CAP_TOKEN})(?:\s*,[^,\n\"“”]{{1,100}},)?"
    rf"(?:\s+(?:\w+ly|later|once|then|also))?\s+(?:{alternation(PUT_IT_VERBS)})\b"
)
# What may follow the verb of a sentence that only attributes: nothing, or where and when.
_ATTRIBUTION_END = re.compile(
    r"\s*(?:[.!?]|,|(?:in|on|at|during|to|from|after|before|of|when|while|via|about|"
    r"yesterday|today|tonight|recently|later|earlier|afterward|afterwards)\b[^\"“”]{0,80}[.!?]?)\s*$"
)
_SHORT_ATTRIBUTION = re.compile(
    rf"\s*(?P<subj>[Hh]e|[Ss]he|(?:{CAP_TOKEN}\s+){{0,3}}{CAP_TOKEN})(?:\s*,[^,\n\"“”]{{1,100}},)?"
    rf"(?:\s+(?:also|then|later))?\s+(?:{alternation(SHORT_ATTRIBUTION_VERBS)})\b"
)


_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_MINOR_WORDS = frozenset(TITLE_MINOR_WORDS)


def _is_title(text: str) -> bool:
    """A quoted title or name in Title Case ("Meet the Press", "Gang of Eight"): not a statement."""
    words = _WORD.findall(text)
    major = [w for w in words if w.lower() not in _MINOR_WORDS]
    return len(words) >= 2 and bool(major) and all(w[0].isupper() for w in major) and len(words) <= 14


def _previous_subject(article: _Article, sentence: int) -> str | None:
    """The person a quotation standing alone continues: the subject of the sentence before it,
    when that sentence is narration naming someone first ("Howard continued his remarks.")."""
    if sentence == 0:
        return None
    lo, hi = article.sentences[sentence - 1]
    if any(lo <= region.open_at < hi for region in article.regions):
        return None
    speaking = article.speaking_person_in(lo, hi) or article.acting_person_in(lo, hi)
    return speaking or article.first_person_in(lo, min(hi, lo + 40))


def extract_quotes(body: str) -> list[ExtractedQuote]:
    """Every quotation in an article body, in order, with speaker and context; scare quotes flagged."""
    article = _Article(body)
    groups = _group(article)
    found: list[_Found] = []
    for number, group in enumerate(groups):
        spans = _pieces(article, group)
        if not spans:
            continue
        first, last = group[0], group[-1]
        first_sentence = article.sentence_index(first.open_at)
        last_sentence = article.sentence_index(max(last.close_end - 1, last.start))
        next_open = groups[number + 1][0].open_at if number + 1 < len(groups) else len(article.text)
        sentence_end = article.sentences[last_sentence][1]
        trail_stop = min(next_open, max(sentence_end, last.close_end))
        lead_start = article.sentences[first_sentence][0]

        attribution = None
        trailing = False
        next_sentence: int | None = None
        short_only = True
        for earlier, later in zip(group, group[1:]):
            if earlier.closed:
                attribution = article.trail_attribution(earlier.close_end, later.open_at)
                if attribution:
                    break
        if attribution is None and last.closed:
            attribution = article.trail_attribution(last.close_end, trail_stop)
            trailing = attribution is not None
            if (
                attribution is None
                and sentence_end <= last.close_end
                and last_sentence + 1 < len(article.sentences)
                and article.sentences[last_sentence + 1][0] < next_open
            ):
                next_sentence = last_sentence + 1
                short_only = article.text[last.start : last.end].rstrip(" \n’'”\"")[-1:] not in ("?", "!")
        if attribution is None and lead_start < first.open_at:
            attribution = article.lead_attribution(lead_start, first.open_at)
        if attribution is None and next_sentence is not None:
            attribution = _short_attribution_sentence(article, next_sentence, short_only)
            trailing = attribution is not None
        if attribution is None and not article.masked[lead_start : first.open_at].strip() and first_sentence > 0:
            lo, hi = article.sentences[first_sentence - 1]
            if article.text[lo:hi].rstrip().endswith(":"):
                attribution = article.lead_attribution(lo, hi)
        found.append(_Found(group, spans, first_sentence, last_sentence, attribution, trailing))

    # A quote without attribution takes the one of the next quote in its sentence (`"A" and "B,"
    # X said`) or, when it stands alone, the speaker of the quote just before (a speaker goes on).
    for index in range(len(found) - 2, -1, -1):
        item, following = found[index], found[index + 1]
        if item.attribution is None and following.attribution and following.trailing:
            if following.first_sentence == item.last_sentence:
                item.attribution = following.attribution
    quotes: list[ExtractedQuote] = []
    previous_speaker: str | None = None
    previous_kind: SpeakerKind = "person"
    previous_paragraph = -10
    for item in found:
        first, last = item.group[0], item.group[-1]
        text = " ".join(body[start:end] for start, end in item.spans)
        scare = len(text.split()) <= 2 or _is_title(text)
        attributed_person = False
        kind: SpeakerKind = "person"
        if item.attribution is not None:
            speaker = article.resolve(item.attribution)
            kind = item.attribution.kind
            if speaker is None and item.attribution.pronoun in ("he", "she") and previous_kind == "person":
                # No one fitting named nearby: the pronoun goes on with the person quoted last.
                speaker = previous_speaker if article.fits(previous_speaker, item.attribution.pronoun) else None
            attributed_person = speaker is not None and (item.attribution.person or item.attribution.pronoun is not None)
        else:
            lead_start = article.sentences[item.first_sentence][0]
            lead = article.masked[lead_start : first.open_at]
            speaker = article.first_person_in(lead_start, first.open_at) if lead.strip() else None
            if speaker is None and not lead.strip():
                speaker = _previous_subject(article, item.first_sentence)
            if speaker is None and article.paragraph_index(first.open_at) - previous_paragraph <= 1:
                speaker, kind = previous_speaker, previous_kind
        context_before, context_after = article.context(
            item.first_sentence, item.last_sentence, first.open_at, last.close_end
        )
        forms = article.forms(speaker) if speaker else ()
        quotes.append(
            ExtractedQuote(
                text=text,
                speaker=speaker,
                start=item.spans[0][0],
                end=item.spans[-1][1],
                spans=tuple(item.spans),
                context_before=context_before,
                context_after=context_after,
                scare=scare,
                speaker_forms=forms,
                attributed_person=attributed_person,
                speaker_kind=kind,
            )
        )
        if not scare or (item.attribution is not None and item.trailing):
            previous_speaker, previous_kind = speaker, kind
            previous_paragraph = article.paragraph_index(last.close_end - 1)
    return quotes
