"""Speakers that are not named people: organisations, unnamed people, documents, and role nouns
that stand for a person the article introduced ("the Ohio congresswoman").

A quotation's attribution may name a person ("Marcy Kaptur said"), or describe a speaker with a
common noun phrase ("a ministry spokesman said", "the airline said", "the court filing says",
"the 71-year-old governor added"). `describe` tells which kind a description is by its head noun;
`role_matches` tells whether what the article wrote around a person ("Rep. Marcy Kaptur",
"Kaptur, the Ohio Democrat,") fits a role noun, so extraction can resolve the noun to that person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.core.lexicon import (
    DOCUMENT_HEADS,
    FEMALE_ROLE_HEADS,
    MALE_ROLE_HEADS,
    NATIONALITY_NOUNS,
    ORGANISATION_HEADS,
    PERSON_HEADS,
)

SpeakerKind = Literal["person", "organisation", "unnamed", "document"]
SPEAKER_KINDS: tuple[SpeakerKind, ...] = ("person", "organisation", "unnamed", "document")
# Kinds whose words can be misattributed: a named person or a named organisation.
NAMED_KINDS = frozenset({"person", "organisation"})

# Head nouns of texts that speak: statements, filings, adverts, posts.
DOCUMENT_NOUNS = frozenset(DOCUMENT_HEADS)
# Head nouns of organisations and publications.
ORGANISATION_NOUNS = frozenset(ORGANISATION_HEADS)
# Head nouns that describe one person: titles, jobs and plain person words.
PERSON_NOUNS = frozenset(PERSON_HEADS)
# Role nouns with a gender, for the pronoun a role noun may be matched against.
_FEMALE = frozenset(FEMALE_ROLE_HEADS)
_MALE = frozenset(MALE_ROLE_HEADS)

# How a title before a name spells a role: "Sen. Ted Cruz" is "the senator".
_TITLE_ROLES = {
    "sen": "senator",
    "sens": "senator",
    "rep": "congressman congresswoman representative",
    "reps": "congressman congresswoman representative",
    "gov": "governor",
    "gen": "general",
    "lt": "lieutenant",
    "dr": "doctor",
    "prof": "professor",
    "pres": "president",
    "president-elect": "president",
}

_DETERMINER = re.compile(
    r"(?:a|an|the|one|another|some|several|many|two|three|four|five|his|her|their|its|this|that|these|those)\b",
    re.IGNORECASE,
)
# Nationalities written as nouns for a person ("the Australian said").
NATIONALITIES = frozenset(NATIONALITY_NOUNS)
_INDEFINITE = frozenset("a an one another some several many two three four five".split())
_AGE = re.compile(r"\d+-year-old$")


@dataclass(frozen=True, slots=True)
class Description:
    """A speaker written as a common noun phrase: its kind and the words to store."""

    kind: SpeakerKind | Literal["role"]  # "role": a definite person noun, to resolve to a person
    text: str  # as written ("a ministry spokesman"); documents without their article ("court filing")
    head: str  # the head noun, lower case ("spokesman", "filing", "governor")
    gender: str | None = None  # "m" or "f" when the head noun has one


def head_noun(phrase: str) -> str:
    """The last word of a noun phrase, lower case, without a possessive ("the company's" → "company")."""
    words = phrase.split()
    if not words:
        return ""
    word = words[-1].lower().replace("’", "'").strip(".,;:")
    return word[:-2] if word.endswith("'s") else word


def describe(subject: str) -> Description | None:
    """The kind of speaker a determiner noun phrase describes, or None when it is not one.

    "a ministry spokesman" → unnamed; "the airline", "the Clinton campaign" → organisation;
    "the court filing" → document "court filing"; "the Ohio congresswoman", "the 71-year-old" →
    role (a person the article introduced); "he", "it", "which" → None.
    """
    text = " ".join(subject.split()).strip(" ,;:")
    words = text.split()
    if len(words) < 2 or len(words) > 8 or not _DETERMINER.fullmatch(words[0]):
        return None
    determiner = words[0].lower()
    if words[-1][:1].isupper():
        if determiner == "the" and len(words) == 2 and words[1].lower() in NATIONALITIES:
            return Description("role", text, words[1].lower())  # "the Australian": a person introduced
        return None  # a name ("the Washington Post"): for the name rules
    head = head_noun(text)
    if not head or not re.fullmatch(r"[a-z][a-z'\-]*|\d+-year-old", head):
        return None
    if head in DOCUMENT_NOUNS:
        return Description("document", " ".join(words[1:]), head)
    if head in ORGANISATION_NOUNS:
        return Description("organisation", text, head)
    gender = "f" if head in _FEMALE else "m" if head in _MALE else None
    person_word = head in PERSON_NOUNS or head.rstrip("s") in PERSON_NOUNS or _AGE.fullmatch(head) is not None
    if not person_word:
        return None
    plural = head.endswith("s") and head.rstrip("s") in PERSON_NOUNS and head not in PERSON_NOUNS
    if determiner in ("the", "this", "that") and not plural:
        return Description("role", text, head, gender)
    return Description("unnamed", text, head, gender)


def role_matches(head: str, written_before: str, written_after: str) -> bool:
    """True when what an article wrote around a person names the role `head`: a title before the
    name ("Sen. Ted Cruz", "Ohio Gov. John Kasich") or a description after it ("Kasich, the governor
    of Ohio,", "Trump, 70,", "Trump, a real estate developer")."""
    if _AGE.fullmatch(head):
        return bool(re.match(r"\s*,\s*\d{2,3}\s*,", written_after)) or head in written_after
    role_words = set(re.findall(r"[a-z][a-z'\-]*", written_before.lower()))
    for word in list(role_words):
        role_words.update(_TITLE_ROLES.get(word, "").split())
    after = written_after.lower()
    if after.lstrip().startswith(","):
        role_words.update(re.findall(r"[a-z][a-z'\-]*", after.split(",", 2)[1] if after.count(",") >= 2 else after))
    return head in role_words


def gender_fits(description: Description, gender: str | None) -> bool:
    return description.gender is None or gender is None or description.gender == gender


def unnamed_label(speaker: str) -> str:
    """How a reply names an unnamed speaker: "a ministry spokesman" → "an unnamed ministry
    spokesman"; a description without an article keeps its words."""
    words = speaker.split()
    if words and words[0].lower() in _INDEFINITE - {"some", "several", "many", "two", "three", "four", "five"}:
        return "an unnamed " + " ".join(words[1:]) if len(words) > 1 else speaker
    if words and words[0].lower() in ("the", "this", "that"):
        return "an unnamed " + " ".join(words[1:]) if len(words) > 1 else speaker
    return speaker
