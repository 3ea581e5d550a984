"""Verdict rules over a candidate source: `BaseMatcher` turns ranked candidates into a verdict.

It reranks candidates with the `quote` score (bot/core/rerank.py), compares the best ones word by
word (bot/core/verdict.py), prefers the earliest primary source, tells misattributions and splices
apart, and lists alternatives. Subclasses say where candidates come from: the in-memory index
(bot/core/matcher.py) or a database-side one (bot/core/candidates.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Generic

from bot.config import MatchingSettings
from bot.core.model import (
    RELATED_VERDICTS,
    Alternative,
    CheckResult,
    Difference,
    RelatedStatement,
    SearchFilter,
    StatementRecord,
    VerdictName,
)
from bot.core.normalize import keys, match_text, quote_pieces
from bot.core.omissions import may_omit_meaning
from bot.core.related import FUNCTION_WORDS
from bot.core.rerank import KIND_RANK, K, date_number, merge, quote_score
from bot.core.speakers import fold, fold_many, name_tokens, same_person
from bot.core.verdict import Comparison, compare
from bot.core.vocabulary import CorpusFrequency

_LEVELS = {"verified": 0, "close": 1, "altered": 2}
# Candidates searched for the two halves of a spliced quote, and the fewest words of each half:
# four-word phrases ("the federal government regulates") recur all over a large corpus.
_SPLICE_CANDIDATES = 16
_SPLICE_PART = 5


@dataclass(frozen=True, slots=True)
class _Candidate(Generic[K]):
    index: K
    score: float
    record: StatementRecord
    comparison: Comparison


class BaseMatcher(Generic[K]):
    """Rerank and verdicts over a candidate source; subclasses say where candidates come from.

    Candidates are keyed by whatever the source uses (a dense integer in memory, the statement id
    for a database-side index); the hooks below are the whole interface between the two halves.
    """

    # Whether added and removed statements must be handed to the matcher (an in-memory index) or
    # are seen by the candidate source on its own (a database-side index).
    holds_corpus = True

    def __init__(self, settings: MatchingSettings | None = None) -> None:
        self.settings = settings or MatchingSettings()
        self._lock = threading.RLock()
        self._aliases: dict[str, tuple[str, ...]] = {}
        self._groups_by_last: tuple[dict[str, tuple[str, ...]], dict[str, set[tuple[str, ...]]]] | None = None

    # -- candidate source (hooks) ---------------------------------------------------------------

    def _rank(self, pieces: Sequence[str], flt: SearchFilter | None, limit: int, wide: bool = False) -> list[tuple[K, float]]:
        """Candidates for the quote pieces within the filter, scored with `quote_score`, best first."""
        raise NotImplementedError

    def _text(self, key: K) -> str:
        """The match text of a candidate `_rank` returned."""
        raise NotImplementedError

    def _load(self, keys: Sequence[K]) -> dict[K, StatementRecord]:
        """Full records of candidates (missing ones left out)."""
        raise NotImplementedError

    def _latest(self, flt: SearchFilter | None, limit: int) -> list[tuple[StatementRecord, float]]:
        """A speaker's latest statements (a search with no words)."""
        raise NotImplementedError

    def _short(self, pieces: Sequence[str]) -> bool:
        """Whether the quote is short and common enough to also need `_rank_common`."""
        return False

    def _rank_common(self, pieces: Sequence[str], flt: SearchFilter | None, limit: int) -> list[tuple[K, float]]:
        """Last-resort candidates for quotes made of common words only."""
        return []

    def speakers(self, prefix: str = "", guild_id: int | None = None, limit: int = 25) -> list[str]:
        """Speaker names for autocomplete."""
        raise NotImplementedError

    # -- speakers ------------------------------------------------------------------------------

    def set_aliases(self, aliases: Mapping[str, Iterable[str]]) -> None:
        """Canonical speaker name → other names of the same person."""
        groups = _alias_groups(aliases)
        with self._lock:
            self._aliases = groups

    def _aliases_of(self, name: str) -> tuple[str, ...]:
        return self._aliases.get(fold(name), ())

    def _alias_groups_sharing_last_name(self, given: str) -> set[tuple[str, ...]]:
        """The alias groups holding a name that ends like `given` (every name `same_person` accepts
        does): indexed on first use and again whenever the groups are replaced, as a scan of every
        group costs seconds at 10^5 speakers."""
        tokens = name_tokens(given)
        if not tokens:
            return set()
        built = self._groups_by_last
        if built is None or built[0] is not self._aliases:
            index: dict[str, set[tuple[str, ...]]] = {}
            for group in set(self._aliases.values()):
                for name in group:
                    if last := name_tokens(name)[-1:]:
                        index.setdefault(last[0], set()).add(group)
            built = self._groups_by_last = (self._aliases, index)
        return built[1].get(tokens[-1], set())

    def _is_speaker(self, given: str, actual: str | None) -> bool:
        if not actual:
            return False
        return same_person(given, actual, self._aliases_of(actual))

    # -- lookup --------------------------------------------------------------------------------

    def search(self, query: str, flt: SearchFilter | None = None, limit: int = 10) -> list[tuple[StatementRecord, float]]:
        """Statements resembling `query` (any words), best first, within the filter; an empty query
        with a speaker filter lists that speaker's latest statements."""
        pieces = quote_pieces(query)
        if not pieces:
            return self._latest(flt, limit)
        ranked = self._rank(pieces, flt, max(limit, self.settings.candidates))
        if not ranked or ranked[0][1] < self.settings.widen_below:
            ranked = merge(ranked, self._rank(pieces, flt, self.settings.candidates, wide=True))
        records = self._load([i for i, _ in ranked[: limit * 2]])
        return [(records[i], score) for i, score in ranked if i in records][:limit]

    def related(
        self, text: str, flt: SearchFilter | None = None, limit: int = 5, *, among: Sequence[K] | None = None
    ) -> tuple[RelatedStatement, ...] | None:
        """The statements a paraphrase, remembered quote or post most likely refers to, best first
        (none below the floor); None where the candidate source cannot rank them. `among`: the
        candidates the lookup found, which a source may rank alone instead of every statement."""
        return None

    def warm_up(self) -> None:
        """Build what the first lookups would otherwise wait for; nothing here (see Matcher)."""

    def check(
        self, quote: str, speaker: str | None = None, flt: SearchFilter | None = None, *, pieces: Sequence[str] | None = None
    ) -> CheckResult:
        """The verdict on one quote, optionally attributed to `speaker`; raises ValueError when the quote has no words.

        `pieces`: the quote's `quote_pieces`, when the caller has them already. The candidate source
        locks what it must itself, so a lookup never holds the lock while records are read."""
        started = time.perf_counter()
        words = list(pieces) if pieces is not None else quote_pieces(quote)
        if not words:
            raise ValueError("the quote has no words to check")
        result, ranked = self._check(quote, words, speaker or None, flt)
        if result.verdict == "misattributed" and speaker:
            result, ranked = self._own_words(quote, words, speaker, flt) or (result, ranked)
        if result.verdict in RELATED_VERDICTS:
            # Not said word for word: what it most likely refers to, whoever it was given to. A close
            # quote (a slip, a word left out) refers to the statements holding most of its words.
            scope = SearchFilter(guild_id=flt.guild_id) if flt else None
            among = [key for key, _ in ranked] if result.verdict == "close" else None
            result = self._retold(replace(result, related=self.related(quote, scope, among=among)))
        elapsed = (time.perf_counter() - started) * 1000.0
        return replace(result, elapsed_ms=elapsed)

    def _check(
        self, quote: str, pieces: list[str], speaker: str | None, flt: SearchFilter | None
    ) -> tuple[CheckResult, list[tuple[K, float]]]:
        """The verdict, and the candidates ranked on the way to it."""
        s = self.settings
        ranked = self._rank(pieces, flt, s.candidates)
        if not ranked or ranked[0][1] < self.settings.widen_below:
            ranked = merge(ranked, self._rank(pieces, flt, s.candidates, wide=True))
        common = not ranked or ranked[0][1] < self.settings.widen_below or self._short(pieces)
        if common:
            ranked = merge(ranked, self._rank_common(pieces, flt, s.candidates))
        if not ranked:
            return CheckResult(quote, speaker, "unverified", 0.0), ranked
        records, found = self._sources(quote, pieces, ranked)
        if not common and _may_be_held_closer(found):
            # Words shared by thousands of statements ("at the time of the Civil War") can rank a
            # statement that alters them, or holds them with a word more, above the one holding them
            # as quoted: look among those too.
            wider = merge(ranked, self._rank_common(pieces, flt, s.candidates))
            if wider[:8] != ranked[:8]:
                ranked = wider
                records, found = self._sources(quote, pieces, ranked)
        if not found or all(c.comparison.level == "altered" for c in found):
            spliced = self._splice(quote, pieces, ranked, records, speaker)
            if spliced is not None:
                return spliced, ranked
        if not found:
            return CheckResult(quote, speaker, "unverified", ranked[0][1], alternatives=self._alternatives(ranked, records, None)), ranked
        return self._decide(quote, speaker, found, ranked, records), ranked

    def _sources(
        self, quote: str, pieces: list[str], ranked: list[tuple[K, float]]
    ) -> tuple[dict[K, StatementRecord], list[_Candidate[K]]]:
        """The records of the best few candidates, and those of them that are the quote's source."""
        top_score = ranked[0][1]
        # Compare word by word only the few candidates that can matter.
        head = [item for item in ranked[:8] if item[1] >= top_score - 10.0 or item[1] >= 95.0][:6]
        records = self._load([i for i, _ in head])
        candidates = [
            _Candidate(i, score, records[i], self._compare(quote, pieces, records[i]))
            for i, score in head
            if i in records
        ]
        return records, [c for c in candidates if self._is_source(c)]

    def _own_words(
        self, quote: str, pieces: list[str], speaker: str, flt: SearchFilter | None
    ) -> tuple[CheckResult, list[tuple[K, float]]] | None:
        """The given speaker's own statement of these words, when others said them too.

        Words many people said ("Thank you very much.") fill the few candidates with other speakers'
        statements; before calling the quote misattributed, look among the speaker's own."""
        if flt is not None and flt.speaker:
            return None  # the search was the speaker's own already
        own, ranked = self._check(quote, pieces, speaker, replace(flt or SearchFilter(), speaker=speaker))
        return (own, ranked) if own.verdict in ("verified", "close") else None

    def _retold(self, result: CheckResult) -> CheckResult:
        """An altered quote that retells the statement it most likely refers to, in other words, is
        that statement's words retold: not said as quoted (`unverified`), with that statement first
        among the related ones. Retold when the quote gives it to the statement's speaker, or, given
        to no one, when the names it puts into someone else's statement are that statement's (see
        `_retells`)."""
        match, speaker = result.match, result.speaker
        if result.verdict != "altered" or match is None or not result.related:
            return result
        closest = result.related[0].statement
        if closest.named_speaker is None or self._is_speaker(closest.named_speaker, match.named_speaker):
            return result
        if speaker:
            if self._is_speaker(speaker, match.named_speaker) or not self._is_speaker(speaker, closest.named_speaker):
                return result
            note = f"the nearest wording is by {match.speaker}, in other words than {speaker}'s"
        elif _retells(result):
            note = f"the nearest wording is by {match.speaker}; the names are those of {closest.speaker}'s statement, in other words"
        else:
            return result
        return replace(result, verdict="unverified", match=None, differences=(), note=note)

    def _is_source(self, c: _Candidate[K]) -> bool:
        # A real source covers most of the quote; words that merely recur across a few scattered
        # changes (a different sentence on the same topic) do not make one.
        if c.score < self.settings.unverified_below or c.comparison.coverage < self.settings.min_coverage:
            return False
        changes = sum(1 for d in c.comparison.differences if d.meaningful)
        return changes <= 2 or c.comparison.coverage >= 0.8

    def _word_frequency(self) -> CorpusFrequency | None:
        """How many statements hold a word key, when the candidate source knows (it tells typos from words)."""
        return None

    def _compare(self, quote: str, pieces: Sequence[str], record: StatementRecord) -> Comparison:
        # Most quotes are exact: when every piece's words occur in order and nothing they leave out
        # can carry the sense (a first look at the words around and between them), skip the alignment.
        text = f" {match_text(record.text)} "
        position = 0
        spans: list[tuple[int, int]] = []
        for piece in pieces:
            found = text.find(f" {piece} ", position)
            if found < 0:
                break
            spans.append((found + 1, found + 1 + len(piece)))
            position = found + len(piece) + 1
        if len(spans) < len(pieces) or may_omit_meaning(text, spans):
            return compare(quote, record.text, record.context_before, record.context_after, self._word_frequency())
        total = sum(len(piece.split()) for piece in pieces)
        return Comparison("verified", (), total, total, -1, -1)

    def _decide(
        self,
        quote: str,
        speaker: str | None,
        found: list[_Candidate[K]],
        ranked: list[tuple[K, float]],
        records: dict[K, StatementRecord],
    ) -> CheckResult:
        def level(c: _Candidate[K]) -> int:
            return _LEVELS[c.comparison.level]

        best_level = min(level(c) for c in found)
        verdict_note: list[str] = []
        if speaker and best_level <= 1:
            matching = [c for c in found if level(c) <= 1]
            # Only a named speaker (a person, an organisation) can have said words someone else is named for.
            own = [c for c in matching if c.record.named_speaker is None or self._is_speaker(speaker, c.record.speaker)]
            pool = own or matching
            misattributed = not own
        else:
            pool = [c for c in found if level(c) == best_level]
            misattributed = False
        pool_level = min(level(c) for c in pool)
        pool = [c for c in pool if level(c) == pool_level]
        if pool_level == _LEVELS["close"]:
            # Of the statements holding the quote with harmless changes, those with the fewest: a slip
            # alone, not a slip and a word more ("I should like to congratulate the" is not "… Mr. X").
            fewest = min(len(c.comparison.differences) for c in pool)
            pool = [c for c in pool if len(c.comparison.differences) == fewest]
        top = max(c.score for c in pool)
        same = [c for c in pool if c.score >= top - self.settings.same_words_within]
        chosen = min(same, key=self._preference)
        if len(same) > 1:
            verdict_note.append(
                f"earliest primary source preferred over {len(same) - 1} other statement"
                + ("s" if len(same) > 2 else "")
                + " with the same words"
            )
        comparison = chosen.comparison
        verdict = "misattributed" if misattributed else comparison.level
        if misattributed:
            verdict_note.append(f"said by {chosen.record.speaker}, not {speaker}")
        elif speaker and chosen.record.named_speaker is None:
            known = chosen.record.speaker is not None
            verdict_note.append("the statement's speaker is not named" if known else "the statement's speaker is not known")
        elif speaker and comparison.level == "altered" and not self._is_speaker(speaker, chosen.record.named_speaker):
            verdict_note.append(f"also, the statement is by {chosen.record.speaker}, not {speaker}")
        return CheckResult(
            quote,
            speaker,
            verdict,
            chosen.score,
            match=chosen.record,
            differences=comparison.differences,
            alternatives=self._alternatives(ranked, records, chosen.index),
            note="; ".join(verdict_note) or None,
        )

    def _preference(self, c: _Candidate[K]) -> tuple[int, int, float, K]:
        date = date_number(c.record.effective_date) or 99999999
        return (KIND_RANK.get(c.record.source.kind, 2), date, -c.score, c.index)

    def _alternatives(
        self, ranked: list[tuple[K, float]], records: dict[K, StatementRecord], chosen: K | None
    ) -> tuple[Alternative, ...]:
        # Somewhat below the match threshold: other reports and near wordings, not mere shared phrases.
        floor = self.settings.unverified_below - 10.0
        wanted = [(i, sc) for i, sc in ranked[: self.settings.alternatives + 1] if i != chosen and sc >= floor]
        wanted = wanted[: self.settings.alternatives]
        missing = [i for i, _ in wanted if i not in records]
        if missing:
            records = {**records, **self._load(missing)}
        return tuple(Alternative(records[i], sc) for i, sc in wanted if i in records)

    def _splice(
        self,
        quote: str,
        pieces: Sequence[str],
        ranked: list[tuple[K, float]],
        records: dict[K, StatementRecord],
        speaker: str | None,
    ) -> CheckResult | None:
        """A quote made of the words of two statements: altered, unless they follow each other in one source."""
        qwords = [w for piece in pieces for w in piece.split()]
        if len(qwords) < 8:
            return None
        hits: list[tuple[K, set[int]]] = []
        for i, _ in ranked[:_SPLICE_CANDIDATES]:
            covered = _covered(qwords, self._text(i).split())
            if len(covered) >= 3:
                hits.append((i, covered))
        pair = _splice_pair(hits, 0.85 * len(qwords))
        if pair is None:
            return None
        a, b = pair
        loaded = {**records, **self._load([i for i in (a, b) if i not in records])}
        if a not in loaded or b not in loaded:
            return None
        first, second = loaded[a], loaded[b]
        if _adjacent(first, second):
            ordered = sorted((first, second), key=lambda r: r.position)
            joined = replace(ordered[0], text=f"{ordered[0].text} {ordered[1].text}", context_after=ordered[1].context_after)
            comparison = compare(quote, joined.text, corpus=self._word_frequency())
            if comparison.level != "altered":
                verdict: VerdictName = comparison.level
                note = "the quote spans two consecutive statements"
                if speaker and first.named_speaker and not self._is_speaker(speaker, first.speaker):
                    verdict, note = "misattributed", f"{note}; said by {first.speaker}, not {speaker}"
                return CheckResult(
                    quote, speaker, verdict, quote_score(pieces, match_text(joined.text)),
                    match=joined, differences=comparison.differences,
                    alternatives=(Alternative(second, quote_score(pieces, match_text(second.text))),), note=note,
                )
        comparison = compare(quote, first.text, corpus=self._word_frequency())
        differences = tuple(
            replace(d, reason="splice", meaningful=True) if d.kind == "insert" and len(d.quoted.split()) >= 2 else d
            for d in comparison.differences
        )
        if not any(d.reason == "splice" for d in differences):
            differences += (Difference("insert", second.text, "", True, "splice"),)
        return CheckResult(
            quote,
            speaker,
            "altered",
            quote_score(pieces, match_text(first.text)),
            match=first,
            differences=differences,
            alternatives=(Alternative(second, quote_score(pieces, match_text(second.text))),),
            note=f"words spliced together from two different statements (the other: {second.id})",
        )


# How far (0-100) the statement a quote retells must rank above the one it alters (see `_retells`).
_RETOLD_AHEAD = 10.0


def _retells(result: CheckResult) -> bool:
    """Whether a quote given to no one, altering its match, retells the first related statement
    instead: it changed a name of the match, the words it put in (two at least, function words
    aside) are all in that statement, and that statement ranks clearly above the match among the
    related ones. A name swapped into a statement ("Texas" for "Ohio") is found in other statements
    too: one word is no evidence, nor is a related statement barely ahead of the one it alters."""
    related = result.related or ()
    closest = related[0]
    match_id = result.match.id if result.match is not None else None
    of_match = next((r.score for r in related if r.statement.id == match_id), 0.0)
    if closest.score < of_match + _RETOLD_AHEAD:
        return False
    changes = [d for d in result.differences if d.meaningful]
    reasons = {d.reason for d in changes}
    if "name" not in reasons or "splice" in reasons:  # words of two statements joined: altered, not retold
        return False
    brought = {k for d in changes if d.kind in ("replace", "insert") for k in keys(d.quoted)} - FUNCTION_WORDS
    return len(brought) >= 2 and brought <= set(keys(closest.statement.text))


def _may_be_held_closer(found: Sequence[_Candidate[K]]) -> bool:
    """Whether a statement holding the quote more nearly may be missing from the candidates: none
    is its source, every source alters it, or each that keeps its sense changes a word besides slips."""
    if any(c.comparison.level == "verified" for c in found):
        return False
    return all(any(d.kind != "typo" for d in c.comparison.differences) for c in found)


def _alias_groups(aliases: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, ...]]:
    """Each name, folded, → its group: the canonical name and the other names of the same person."""
    members = [(canonical, *others) for canonical, others in aliases.items()]
    folded = fold_many([name for group in members for name in group])
    groups = dict(zip(folded, [group for group in members for _ in group]))  # a later group wins a name, as one by one
    return groups


def _splice_pair(hits: list[tuple[K, set[int]]], need: float) -> tuple[K, K] | None:
    """The two statements whose runs of quote words together cover at least `need` words (the most,
    the first holding more), or None; none either when one statement alone covers them."""
    best: tuple[K, K, int] | None = None
    for a, cov_a in hits:
        if len(cov_a) >= need:
            return None  # one statement holds the quote: not a splice
        for b, cov_b in hits:
            if a == b or len(cov_b - cov_a) < _SPLICE_PART or len(cov_a) < len(cov_b):
                continue
            union = len(cov_a | cov_b)
            if union >= need and (best is None or union > best[2]):
                best = (a, b, union)
    return None if best is None else (best[0], best[1])


def _covered(quote_words: list[str], statement_words: list[str]) -> set[int]:
    """Quote word positions inside runs of at least three words found contiguously in the statement."""
    grams = {tuple(statement_words[i : i + 3]) for i in range(len(statement_words) - 2)}
    covered: set[int] = set()
    for i in range(len(quote_words) - 2):
        if tuple(quote_words[i : i + 3]) in grams:
            covered.update((i, i + 1, i + 2))
    return covered


def _adjacent(a: StatementRecord, b: StatementRecord) -> bool:
    # Two sentences of one speech or turn: same source, neighbouring positions.
    same_source = (a.source.url, a.source.title, a.effective_date) == (b.source.url, b.source.title, b.effective_date)
    return same_source and abs(a.position - b.position) == 1
