"""Quotations inside speeches: words the speaker cites from someone else (transcripts do not use
this: spoken citations are too loose, see `parse_transcript`).

`As Franklin Roosevelt said, "The only thing we have to fear is fear itself."` in a speech is a
statement of the speech's speaker (the whole sentence), and also a quotation of Roosevelt. The
article extractor finds it; it becomes an additional statement of the quoted person, with the speech
as its source, so a check of Roosevelt's words is not called misattributed.

Precision comes first, as a wrong speaker is worse than a missing statement. A quotation is kept
only when the extractor attributes it to a person, that person is named next to it (in the
narration of its sentence, or in the sentence before a "he said"), is not the speaker (or the turn's
speaker, under any alias), and is not a group ("Americans said"), an organisation, a thing ("a
poster that read") or a title; scare quotes, named terms (`what one woman called "…"`) and quotes
under four words are left out. Paragraphs without a quotation mark never reach the extractor.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from bot.core.extract import ExtractedQuote, extract_quotes
from bot.core.lexicon import CITING_VERBS, NAMING_VERBS, QUOTING_VERBS, alternation
from bot.core.model import SourceInfo, StatementRecord
from bot.core.sentences import split_sentences
from bot.core.speakers import could_be_person, first_name_gender, fold, same_person

_QUOTE_MARK = re.compile("[\"“”]")
_NAMING_VERB = re.compile(rf"\b(?:{alternation(NAMING_VERBS)})[\s,:]*[\"“]?\s*$")
_OTHER_SUBJECT = re.compile(rf"\b(?:it|you|i|we|they)(?: \w+)? (?:{alternation(CITING_VERBS)})(?: and i quote| quote)?$")
_PLACE_PREPOSITIONS = frozenset({"in", "at", "from", "near"})
_PRONOUNS = frozenset({"he", "she", "him", "her"})
# A speech verb right after a name: that person is the one quoted, whatever pronoun follows.
_SAYS = re.compile(rf"(?:\w+ )?(?:{alternation(QUOTING_VERBS)})\b")


@dataclass(frozen=True, slots=True)
class Passage:
    """Text said by one speaker: a speech paragraph, or a transcript turn."""

    speaker: str
    text: str
    aliases: tuple[str, ...] = ()  # other names of the speaker ("Joe Biden" for "Joseph R. Biden Jr.")


def embedded_statements(
    passages: Iterable[Passage], source: SourceInfo, *, first_position: int, min_words: int
) -> tuple[StatementRecord, ...]:
    """Statements of the people the passages quote, numbered from `first_position`.

    The positions come after every sentence statement of the document, so the ids of those (which
    depend on the position) stay as they were before quotations were extracted.
    """
    statements: list[StatementRecord] = []
    seen: set[tuple[str | None, str]] = set()
    for passage in passages:
        for quote in _quotations_of_others(passage, min_words):
            if (quote.speaker, quote.text) in seen:
                continue  # the same words cited twice in one document are one statement
            seen.add((quote.speaker, quote.text))
            statements.append(
                StatementRecord(
                    text=quote.text,
                    speaker=quote.speaker,
                    source=source,
                    context_before=quote.context_before,
                    context_after=quote.context_after,
                    position=first_position + len(statements),
                )
            )
    return tuple(statements)


def _quotations_of_others(passage: Passage, min_words: int) -> Iterator[ExtractedQuote]:
    """The quotations of one passage that its speaker cites from someone named next to them."""
    if _QUOTE_MARK.search(passage.text) is None:
        return
    sentences = split_sentences(passage.text) or [(0, len(passage.text))]
    quotes = extract_quotes(passage.text)
    for index, quote in enumerate(quotes):
        # The narration that may attribute this quote: not inside the quotes either side of it.
        after_previous = quotes[index - 1].end if index > 0 else 0
        before_next = quotes[index + 1].start if index + 1 < len(quotes) else len(passage.text)
        if _cites_someone_else(quote, passage, min_words) and _named_nearby(
            quote, passage.text, sentences, after_previous, before_next
        ):
            yield quote


def _cites_someone_else(quote: ExtractedQuote, passage: Passage, min_words: int) -> bool:
    if quote.scare or not quote.attributed_person or quote.speaker is None:
        return False
    if len(quote.text.split()) < min_words or not could_be_person(quote.speaker):
        return False
    lead = passage.text[max(0, quote.start - 40) : quote.start]
    if _NAMING_VERB.search(lead):
        return False  # `what one woman called "…"`, `a poster that read: "…"`: words named, not said
    if _OTHER_SUBJECT.search(fold(lead)):
        return False  # `and it said, "…"`, `you said, "…"`: a thing or someone unnamed speaks
    return not same_person(quote.speaker, passage.speaker, passage.aliases)


def _named_nearby(
    quote: ExtractedQuote, text: str, sentences: Sequence[tuple[int, int]], after_previous: int, before_next: int
) -> bool:
    """The quoted person is named in the narration of the quotation's own sentence (`As Roosevelt
    said, "…"`, `"…," Truman said`), or, when a pronoun attributes it (`He said, "…"`), in the
    sentence before, with the pronoun's gender.

    A speaker's turn names many people; a quotation attributed from further away, or through a
    pronoun that may stand for someone else of the sentence (`When Kofi Annan offered help, he
    said`), is too often given to the wrong one of them.
    """
    starts = [start for start, _ in sentences]
    first = max(0, bisect.bisect_right(starts, quote.start) - 1)
    last = max(0, bisect.bisect_right(starts, quote.end - 1) - 1)
    lead = fold(text[max(sentences[first][0], after_previous) : quote.start]).split()
    tail = fold(text[quote.end : min(sentences[last][1], before_next)]).split()
    names = _name_words(quote.speaker or "")
    pronouns = [at for at, word in enumerate(lead) if word in _PRONOUNS]
    # `in a speech in Washington said`: a place, not the subject.
    named = [at for at, word in enumerate(lead) if word in names and (at == 0 or lead[at - 1] not in _PLACE_PREPOSITIONS)]
    tail_named = next((at for at, word in enumerate(tail) if word in names), None)
    if tail_named is not None and not pronouns and not _PRONOUNS.intersection(tail[:tail_named]):
        return True  # `"…," Truman said`, but not `he said, "…," the way Kennedy did`
    pronoun = lead[pronouns[-1]] if pronouns else next((word for word in tail if word in _PRONOUNS), None)
    if pronoun is None or (named and not (pronouns and pronouns[-1] > named[-1])):
        return bool(named)
    if first == 0 and not named:
        return False
    before = fold(text[sentences[first - 1][0] : sentences[first - 1][1]]).split() if first > 0 else []
    return _pronoun_names(quote.speaker or "", pronoun, lead[named[-1] + 1 :] if named else [], names, before)


def _pronoun_names(speaker: str, pronoun: str, after_name: list[str], names: set[str], before: list[str]) -> bool:
    """Whether the he/she attributing a quotation stands for `speaker`: of the pronoun's gender,
    and just named as saying something (`As Roosevelt warned, …, he said`) or named in the sentence
    before (`… Harry Truman. He said, "…"`)."""
    gender = first_name_gender(speaker)
    if gender is not None and gender != ("f" if pronoun in ("she", "her") else "m"):
        return False  # `when Hillary said …, he said "…"`
    if after_name and _SAYS.match(" ".join(after_name[:3])):
        return True
    return bool(names.intersection(before))


def _name_words(speaker: str) -> set[str]:
    """The words of a name that may stand for the person: "Dan" or "Clay" for "Dan Clay"."""
    words = fold(speaker).split()
    return {word for word in words if len(word) > 2} or set(words)  # initials only: "C.J."


def paragraphs(text: str) -> Sequence[str]:
    """The lines of a speech body that hold words (each line of the bundled texts is a paragraph)."""
    return [line for line in text.split("\n") if line.strip()]
