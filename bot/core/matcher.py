"""The matching engine: statements in, verdicts out.

`Matcher` holds the searchable corpus in memory (an inverted index plus compact per-statement
columns), finds candidates for a quote without scoring the whole corpus, reranks them with the
`quote` score (partial_ratio when the statement is at least as long as the quote, plain ratio
otherwise, so a short statement sitting inside a long quote does not win), then compares the best
ones word by word to give the verdict.
"""

from __future__ import annotations

import os
import pickle
import threading
import time
from array import array
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import islice, repeat
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from bot.config import MatchingSettings
from bot.core.index import TermIndex
from bot.core.columns import IndexColumns
from bot.core.model import Alternative, CheckResult, Difference, SearchFilter, StatementRecord
from bot.core.normalize import match_text, match_texts, split_elisions
from bot.core.speakers import fold, name_tokens, same_person
from bot.core.verdict import Comparison, compare

Fetch = Callable[[Sequence[str]], Mapping[str, StatementRecord]]
# A candidate's key: a dense integer in the in-memory index, the statement id from a database-side one.
Key = Hashable

_LEVELS = {"verified": 0, "close": 1, "altered": 2}
# Primary sources first: what was said (speech, transcript) before what was reported of it.
_KIND_RANK = {"speech": 0, "transcript": 0, "statements": 1, "article": 2}
# Rerank the index's first candidates; stop there when one scores at least _STRONG.
_FIRST_TIER = 24
_STRONG = 90.0
# Candidates searched for the two halves of a spliced quote, and the fewest words of each half:
# four-word phrases ("the federal government regulates") recur all over a large corpus.
_SPLICE_CANDIDATES = 16
_SPLICE_PART = 5
# Postings read per lookup (first pass, widened pass): the rarest words are read first.
_BUDGET = 30000
_WIDE_BUDGET = 200000
# Quotes of at most this many distinct words, all fairly common, also get conjunctive candidates.
_SHORT_QUOTE = 8
# With a speaker filter, a speaker with at most this many statements is scanned directly.
_SCAN_LIMIT = 20000


@dataclass(frozen=True, slots=True)
class _Candidate:
    index: Key
    score: float
    record: StatementRecord
    comparison: Comparison


def quote_score(pieces: Sequence[str], statement: str) -> float:
    """How well quote pieces (match texts) occur in a statement's match text, 0-100."""
    if len(pieces) == 1:
        piece = pieces[0]
        if len(statement) >= len(piece):
            return fuzz.partial_ratio(piece, statement)
        return fuzz.ratio(piece, statement)
    total = sum(len(p) for p in pieces) or 1
    score = 0.0
    for piece in pieces:
        part = fuzz.partial_ratio(piece, statement) if len(statement) >= len(piece) else fuzz.ratio(piece, statement)
        score += part * len(piece) / total
    return score


def _date_number(date: str | None, upper: bool = False) -> int:
    """"2025-05-19" → 20250519, so date filters compare integers in a numpy column; 0 is unknown.
    A partial date ("2025", "2025-05") is the start of its period, or its end when `upper`."""
    if not date:
        return 0
    digits = date[:10].replace("-", "")
    return int(digits.ljust(8, "9" if upper else "0")) if digits.isdigit() else 0


class BaseMatcher:
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

    # -- candidate source (hooks) ---------------------------------------------------------------

    def _rank(self, pieces: Sequence[str], flt: SearchFilter | None, limit: int, wide: bool = False) -> list[tuple[Key, float]]:
        """Candidates for the quote pieces within the filter, scored with `quote_score`, best first."""
        raise NotImplementedError

    def _text(self, key: Key) -> str:
        """The match text of a candidate `_rank` returned."""
        raise NotImplementedError

    def _load(self, keys: Sequence[Key]) -> dict[Key, StatementRecord]:
        """Full records of candidates (missing ones left out)."""
        raise NotImplementedError

    def _latest(self, flt: SearchFilter | None, limit: int) -> list[tuple[StatementRecord, float]]:
        """A speaker's latest statements (a search with no words)."""
        raise NotImplementedError

    def _short(self, pieces: Sequence[str]) -> bool:
        """Whether the quote is short and common enough to also need `_rank_common`."""
        return False

    def _rank_common(self, pieces: Sequence[str], flt: SearchFilter | None, limit: int) -> list[tuple[Key, float]]:
        """Last-resort candidates for quotes made of common words only."""
        return []

    def speakers(self, prefix: str = "", guild_id: int | None = None, limit: int = 25) -> list[str]:
        """Speaker names for autocomplete."""
        raise NotImplementedError

    # -- speakers ------------------------------------------------------------------------------

    def set_aliases(self, aliases: Mapping[str, Iterable[str]]) -> None:
        """Canonical speaker name → other names of the same person."""
        with self._lock:
            self._aliases = {}
            for canonical, others in aliases.items():
                group = (canonical, *others)
                for name in group:
                    self._aliases[fold(name)] = group

    def _aliases_of(self, name: str) -> tuple[str, ...]:
        return self._aliases.get(fold(name), ())

    def _is_speaker(self, given: str, actual: str | None) -> bool:
        if not actual:
            return False
        return same_person(given, actual, self._aliases_of(actual))

    # -- lookup --------------------------------------------------------------------------------

    def search(self, query: str, flt: SearchFilter | None = None, limit: int = 10) -> list[tuple[StatementRecord, float]]:
        """Statements resembling `query` (any words), best first, within the filter; an empty query
        with a speaker filter lists that speaker's latest statements."""
        with self._lock:
            pieces = [match_text(p) for p in (split_elisions(query) or [query])]
            pieces = [p for p in pieces if p]
            if not pieces:
                return self._latest(flt, limit)
            ranked = self._rank(pieces, flt, max(limit, self.settings.candidates))
            if not ranked or ranked[0][1] < self.settings.widen_below:
                ranked = _merge(ranked, self._rank(pieces, flt, self.settings.candidates, wide=True))
            records = self._load([i for i, _ in ranked[: limit * 2]])
            return [(records[i], score) for i, score in ranked if i in records][:limit]

    def check(self, quote: str, speaker: str | None = None, flt: SearchFilter | None = None) -> CheckResult:
        """The verdict on one quote, optionally attributed to `speaker`; raises ValueError when the quote has no words."""
        started = time.perf_counter()
        with self._lock:
            pieces = [match_text(p) for p in split_elisions(quote)]
            pieces = [p for p in pieces if p]
            if not pieces:
                raise ValueError("the quote has no words to check")
            result = self._check(quote, pieces, speaker or None, flt)
            if result.verdict == "misattributed":
                result = self._own_words(quote, pieces, speaker, flt) or result  # type: ignore[arg-type]
        elapsed = (time.perf_counter() - started) * 1000.0
        return replace(result, elapsed_ms=elapsed)

    def _check(self, quote: str, pieces: list[str], speaker: str | None, flt: SearchFilter | None) -> CheckResult:
        s = self.settings
        ranked = self._rank(pieces, flt, s.candidates)
        if not ranked or ranked[0][1] < self.settings.widen_below:
            ranked = _merge(ranked, self._rank(pieces, flt, s.candidates, wide=True))
        if not ranked or ranked[0][1] < self.settings.widen_below or self._short(pieces):
            ranked = _merge(ranked, self._rank_common(pieces, flt, s.candidates))
        if not ranked:
            return CheckResult(quote, speaker, "unverified", 0.0)
        top_score = ranked[0][1]
        # Compare word by word only the few candidates that can matter.
        head = [item for item in ranked[:8] if item[1] >= top_score - 10.0 or item[1] >= 95.0][:6]
        records = self._load([i for i, _ in head])
        candidates = [
            _Candidate(i, score, records[i], self._compare(quote, pieces, records[i]))
            for i, score in head
            if i in records
        ]
        found = [c for c in candidates if self._is_source(c)]
        if not found or all(c.comparison.level == "altered" for c in found):
            spliced = self._splice(quote, pieces, ranked, records, speaker)
            if spliced is not None:
                return spliced
        if not found:
            return CheckResult(quote, speaker, "unverified", top_score, alternatives=self._alternatives(ranked, records, None))
        return self._decide(quote, speaker, found, ranked, records)

    def _own_words(self, quote: str, pieces: list[str], speaker: str, flt: SearchFilter | None) -> CheckResult | None:
        """The given speaker's own statement of these words, when others said them too.

        Words many people said ("Thank you very much.") fill the few candidates with other speakers'
        statements; before calling the quote misattributed, look among the speaker's own."""
        if flt is not None and flt.speaker:
            return None  # the search was the speaker's own already
        own = self._check(quote, pieces, speaker, replace(flt or SearchFilter(), speaker=speaker))
        return own if own.verdict in ("verified", "close") else None

    def _is_source(self, c: _Candidate) -> bool:
        # A real source covers most of the quote; words that merely recur across a few scattered
        # changes (a different sentence on the same topic) do not make one.
        if c.score < self.settings.unverified_below or c.comparison.coverage < self.settings.min_coverage:
            return False
        changes = sum(1 for d in c.comparison.differences if d.meaningful)
        return changes <= 2 or c.comparison.coverage >= 0.8

    def _compare(self, quote: str, pieces: Sequence[str], record: StatementRecord) -> Comparison:
        # Most quotes are exact: when every piece's words occur in order, skip the word alignment.
        text = f" {match_text(record.text)} "
        position = 0
        for piece in pieces:
            found = text.find(f" {piece} ", position)
            if found < 0:
                return compare(quote, record.text, record.context_before, record.context_after)
            position = found + len(piece) + 1
        total = sum(len(piece.split()) for piece in pieces)
        return Comparison("verified", (), total, total, -1, -1)

    def _decide(
        self,
        quote: str,
        speaker: str | None,
        found: list[_Candidate],
        ranked: list[tuple[Key, float]],
        records: dict[Key, StatementRecord],
    ) -> CheckResult:
        def level(c: _Candidate) -> int:
            return _LEVELS[c.comparison.level]

        best_level = min(level(c) for c in found)
        verdict_note: list[str] = []
        if speaker and best_level <= 1:
            matching = [c for c in found if level(c) <= 1]
            own = [c for c in matching if c.record.speaker is None or self._is_speaker(speaker, c.record.speaker)]
            pool = own or matching
            misattributed = not own
        else:
            pool = [c for c in found if level(c) == best_level]
            misattributed = False
        pool_level = min(level(c) for c in pool)
        pool = [c for c in pool if level(c) == pool_level]
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
        elif speaker and chosen.record.speaker is None:
            verdict_note.append("the statement's speaker is not known")
        elif speaker and comparison.level == "altered" and not self._is_speaker(speaker, chosen.record.speaker):
            verdict_note.append(f"also, the statement is by {chosen.record.speaker}, not {speaker}")
        return CheckResult(
            quote,
            speaker,
            verdict,  # type: ignore[arg-type]
            chosen.score,
            match=chosen.record,
            differences=comparison.differences,
            alternatives=self._alternatives(ranked, records, chosen.index),
            note="; ".join(verdict_note) or None,
        )

    def _preference(self, c: _Candidate) -> tuple[int, int, float, Key]:
        date = _date_number(c.record.effective_date) or 99999999
        return (_KIND_RANK.get(c.record.source.kind, 2), date, -c.score, c.index)

    def _alternatives(
        self, ranked: list[tuple[Key, float]], records: dict[Key, StatementRecord], chosen: Key | None
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
        ranked: list[tuple[Key, float]],
        records: dict[Key, StatementRecord],
        speaker: str | None,
    ) -> CheckResult | None:
        """A quote made of the words of two statements: altered, unless they follow each other in one source."""
        qwords = [w for piece in pieces for w in piece.split()]
        if len(qwords) < 8:
            return None
        hits: list[tuple[int, set[int]]] = []
        for i, _ in ranked[:_SPLICE_CANDIDATES]:
            covered = _covered(qwords, self._text(i).split())
            if len(covered) >= 3:
                hits.append((i, covered))
        best: tuple[int, int, int] | None = None
        need = 0.85 * len(qwords)
        for a, cov_a in hits:
            if len(cov_a) >= need:
                return None  # one statement holds the quote: not a splice
            for b, cov_b in hits:
                if a == b or len(cov_b - cov_a) < _SPLICE_PART or len(cov_a) < len(cov_b):
                    continue
                union = len(cov_a | cov_b)
                if union >= need and (best is None or union > best[2]):
                    best = (a, b, union)
        if best is None:
            return None
        a, b, _ = best
        loaded = {**records, **self._load([i for i in (a, b) if i not in records])}
        if a not in loaded or b not in loaded:
            return None
        first, second = loaded[a], loaded[b]
        if _adjacent(first, second):
            ordered = sorted((first, second), key=lambda r: r.position)
            joined = replace(ordered[0], text=f"{ordered[0].text} {ordered[1].text}", context_after=ordered[1].context_after)
            comparison = compare(quote, joined.text)
            if comparison.level != "altered":
                verdict = comparison.level
                note = "the quote spans two consecutive statements"
                if speaker and first.speaker and not self._is_speaker(speaker, first.speaker):
                    verdict, note = "misattributed", f"{note}; said by {first.speaker}, not {speaker}"
                return CheckResult(
                    quote, speaker, verdict, quote_score(pieces, match_text(joined.text)),  # type: ignore[arg-type]
                    match=joined, differences=comparison.differences,
                    alternatives=(Alternative(second, quote_score(pieces, match_text(second.text))),), note=note,
                )
        comparison = compare(quote, first.text)
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




class Matcher(BaseMatcher):
    """In-memory fuzzy index of statements with verdicts; safe to call from several threads."""

    def __init__(self, settings: MatchingSettings | None = None, fetch: Fetch | None = None) -> None:
        """`fetch` loads full records by id for the few statements a result shows; without it the
        matcher keeps every record it is given."""
        super().__init__(settings)
        self._fetch = fetch
        self._index = TermIndex()
        self._ids: list[str] = []
        self._texts: list[str] = []
        self._records: list[StatementRecord | None] = []
        self._pos: dict[str, int] = {}
        self._alive = bytearray()
        self._guild = array("q")
        self._date = array("i")
        self._speaker = array("i")
        self._kind = bytearray()
        self._speaker_names: list[str] = []
        self._speaker_ids: dict[str, int] = {}
        self._speaker_counts: dict[int, Counter[int]] = {}
        self._by_last: dict[str, set[int]] = {}
        self._by_last_filled = 0  # speaker ids below this are in _by_last
        self._by_speaker: dict[int, array] = {}
        self.meta: dict[str, object] = {}

    # -- snapshots -----------------------------------------------------------------------------

    _SNAPSHOT_VERSION = 1

    def save(self, path: str | Path, token: str = "", meta: Mapping[str, object] | None = None) -> None:
        """Write the whole index to `path` (one file), tagged with `token` (e.g. a database
        identity) so a later `load` can tell whether it still matches the database; `meta`
        (plain values, e.g. the audit watermark it reflects) comes back as the loaded `meta`."""
        with self._lock:
            self._index.compact()
            state = {
                "version": self._SNAPSHOT_VERSION,
                "token": token,
                "meta": dict(meta or {}),
                "index": self._index.state(),
                "ids": self._ids,
                "texts": self._texts,
                "records": self._records if self._fetch is None else None,
                "alive": bytes(self._alive),
                "guild": self._guild.tobytes(),
                "date": self._date.tobytes(),
                "speaker": self._speaker.tobytes(),
                "kind": bytes(self._kind),
                "speaker_names": self._speaker_names,
                "aliases": self._aliases,
            }
            target = Path(path)
            partial = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.partial")
            try:
                with open(partial, "wb") as fh:
                    pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
                    fh.flush()
                    os.fsync(fh.fileno())
                partial.replace(target)  # readers never see half a snapshot
            finally:
                partial.unlink(missing_ok=True)

    @classmethod
    def load(
        cls, path: str | Path, settings: MatchingSettings | None = None, fetch: Fetch | None = None, token: str = ""
    ) -> Matcher | None:
        """A matcher restored from a snapshot written by `save`, or None when the file is missing,
        unreadable, of another version, or tagged with another token. Only load files you wrote."""
        try:
            with open(path, "rb") as fh:
                state = pickle.load(fh)
        except Exception:  # noqa: BLE001 - a truncated or foreign file fails in many ways; all mean "rebuild"
            return None
        if not isinstance(state, dict) or state.get("version") != cls._SNAPSHOT_VERSION or state.get("token") != token:
            return None
        try:
            return cls._restore(state, settings, fetch)
        except Exception:  # noqa: BLE001 - inconsistent columns: the file is not one this code wrote
            return None

    @classmethod
    def _restore(cls, state: dict[str, Any], settings: MatchingSettings | None, fetch: Fetch | None) -> Matcher | None:
        if fetch is None and state["records"] is None:
            return None  # the snapshot holds no records and nothing could load them
        matcher = cls(settings, fetch)
        matcher._index.restore(state["index"])
        matcher._ids = state["ids"]
        matcher._texts = state["texts"]
        matcher._records = state["records"] if fetch is None else [None] * len(matcher._ids)
        matcher._alive = bytearray(state["alive"])
        for name in ("guild", "date", "speaker"):
            getattr(matcher, f"_{name}").frombytes(state[name])
        matcher._kind = bytearray(state["kind"])
        matcher._aliases = state["aliases"]
        matcher.meta = dict(state.get("meta") or {})
        n = len(matcher._ids)
        if not (len(matcher._texts) == len(matcher._alive) == len(matcher._guild) == len(matcher._date) == len(matcher._speaker) == len(matcher._kind) == n) or matcher._index.documents > n:
            return None
        for name in state["speaker_names"]:
            matcher._speaker_id(name)
        matcher._pos = {sid: i for i, sid in enumerate(matcher._ids) if matcher._alive[i]}
        speakers = np.frombuffer(matcher._speaker, dtype=np.int32)
        alive = np.frombuffer(matcher._alive, dtype=np.uint8).astype(bool)
        guilds = np.frombuffer(matcher._guild, dtype=np.int64)
        live = np.flatnonzero(alive)
        matcher._count_speakers(live, speakers[live], guilds[live])
        del speakers, alive, guilds
        return matcher

    # -- loading -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._pos)

    def _speaker_id(self, name: str | None) -> int:
        if not name:
            return -1
        sid = self._speaker_ids.get(name)
        if sid is None:
            sid = len(self._speaker_names)
            self._speaker_ids[name] = sid
            self._speaker_names.append(name)
        return sid

    def _last_names(self) -> dict[str, set[int]]:
        """Last word of each speaker's name → speaker ids; filled on first use, as a cold start
        meets ~10^5 names that most runs never filter by."""
        names = self._speaker_names
        for sid in range(self._by_last_filled, len(names)):
            tokens = name_tokens(names[sid])
            if tokens:
                self._by_last.setdefault(tokens[-1], set()).add(sid)
        self._by_last_filled = len(names)
        return self._by_last

    def _append(self, statement: StatementRecord) -> int:
        if statement.id is None:
            raise ValueError("a statement needs an id before it is indexed")
        if statement.id in self._pos:
            self._remove(statement.id)
        index = len(self._ids)
        self._pos[statement.id] = index
        self._ids.append(statement.id)
        self._texts.append(match_text(statement.text))
        self._records.append(statement if self._fetch is None else None)
        self._alive.append(1)
        guild = statement.guild_id or 0
        self._guild.append(guild)
        self._date.append(_date_number(statement.effective_date))
        sid = self._speaker_id(statement.speaker)
        self._speaker.append(sid)
        self._kind.append(_KIND_RANK.get(statement.source.kind, 2))
        if sid >= 0:
            self._speaker_counts.setdefault(guild, Counter())[sid] += 1
            self._by_speaker.setdefault(sid, array("i")).append(index)
        return index

    def add(self, statement: StatementRecord) -> None:
        """Index one statement (its id set); searchable at once. Re-adding an id replaces it."""
        with self._lock:
            index = self._append(statement)
            self._index.add(index, self._texts[index].split())

    def add_many(self, statements: Iterable[StatementRecord]) -> None:
        """Index many statements at once (start-up); the same id twice keeps the last one."""
        batch = list(statements)
        if any(st.id is None for st in batch):
            raise ValueError("a statement needs an id before it is indexed")
        columns = IndexColumns(
            ids=[st.id for st in batch],  # type: ignore[misc]
            texts=[st.text for st in batch],
            speakers=[st.speaker for st in batch],
            dates=[st.date or st.source.date for st in batch],
            kinds=[st.source.kind for st in batch],
            guilds=[st.guild_id for st in batch],
        )
        self._add_columns(columns, batch)

    def add_columns(self, columns: IndexColumns) -> None:
        """Index many statements given as columns (a cold start from the database); the same as
        `add_many` of their records, which a matcher with `fetch` loads when a result shows them."""
        if self._fetch is None:
            raise ValueError("a matcher without fetch keeps whole records: use add_many")
        self._add_columns(columns, None)

    def _add_columns(self, columns: IndexColumns, records: list[StatementRecord] | None) -> None:
        with self._lock:
            positions = dict(zip(columns.ids, range(len(columns))))
            if len(positions) != len(columns):  # an id given twice: its last occurrence stays
                keep = sorted(positions.values())
                columns = IndexColumns(*([column[k] for k in keep] for column in (
                    columns.ids, columns.texts, columns.speakers, columns.dates, columns.kinds, columns.guilds)))
                records = [records[k] for k in keep] if records is not None else None
                positions = dict(zip(columns.ids, range(len(columns))))
            if self._pos:
                for sid in self._pos.keys() & set(columns.ids):
                    self._remove(sid)
            # Column by column, in bulk: per-statement Python work is what makes a cold start slow.
            base, n = len(self._ids), len(columns)
            texts = match_texts(columns.texts)
            self._ids.extend(columns.ids)
            self._texts.extend(texts)
            self._records.extend(records if self._fetch is None and records is not None else repeat(None, n))
            self._alive.extend(b"\x01" * n)
            guilds = [g or 0 for g in columns.guilds]
            self._guild.extend(guilds)
            numbers = {d: _date_number(d) for d in dict.fromkeys(columns.dates)}
            self._date.extend(map(numbers.__getitem__, columns.dates))
            sids = self._speaker_ids_of(columns.speakers)
            self._speaker.frombytes(sids.tobytes())
            self._kind.extend(map(_KIND_RANK.get, columns.kinds, repeat(2)))
            if self._pos or base:
                self._pos.update(zip(positions, range(base, base + n)))
            else:
                self._pos = positions
            self._count_speakers(np.arange(base, base + n), sids, np.asarray(guilds, dtype=np.int64))
            self._index.add_many(range(base, base + n), texts)

    def _speaker_ids_of(self, names: list[str | None]) -> np.ndarray:
        """Speaker ids of many names at once, new names numbered in order of first appearance (as
        `_speaker_id` one by one would); -1 for no name."""
        known = len(self._speaker_names)
        seen = dict(self._speaker_ids)
        # One C-level pass: a new name gets the next number (map reads len(seen) just before setdefault).
        raw = np.fromiter(map(seen.setdefault, names, map(len, repeat(seen))), dtype=np.int64, count=len(names))
        ids = np.full(len(seen), -1, dtype=np.int32)
        ids[:known] = np.arange(known, dtype=np.int32)
        for slot, name in enumerate(islice(seen, known, None), start=known):
            if name:
                ids[slot] = self._speaker_id(name)
        return ids[raw] if len(raw) else np.zeros(0, dtype=np.int32)

    def _count_speakers(self, indexes: np.ndarray, sids: np.ndarray, guilds: np.ndarray) -> None:
        """Add statements (ascending `indexes`, with their speaker ids and servers) to the per-speaker
        lists and counts: one step per speaker and per server, not one per statement."""
        spoken = sids >= 0
        indexes, sids, guilds = indexes[spoken], sids[spoken], guilds[spoken]
        if not len(indexes):
            return
        order = np.argsort(sids, kind="stable")
        bounds = np.flatnonzero(np.diff(sids[order])) + 1
        for group in np.split(order, bounds):
            sid = int(sids[group[0]])
            owned = self._by_speaker.get(sid)
            if owned is None:
                owned = self._by_speaker[sid] = array("i")
            owned.frombytes(indexes[group].astype(np.int32).tobytes())
        for guild in np.unique(guilds).tolist():
            counts = np.bincount(sids[guilds == guild])
            tally = self._speaker_counts.setdefault(int(guild), Counter())
            for sid in np.flatnonzero(counts).tolist():
                tally[sid] += int(counts[sid])

    def remove(self, statement_id: str) -> None:
        """Drop a statement; gone from results at once. Unknown ids are ignored."""
        with self._lock:
            self._remove(statement_id)

    def _remove(self, statement_id: str) -> None:
        index = self._pos.pop(statement_id, None)
        if index is None:
            return
        self._alive[index] = 0
        self._index.forget(index, self._texts[index].split())
        self._texts[index] = ""
        self._records[index] = None
        sid = self._speaker[index]
        if sid >= 0:
            counts = self._speaker_counts.get(self._guild[index])
            if counts is not None:
                counts[sid] -= 1
                if counts[sid] <= 0:
                    del counts[sid]

    # -- filters -------------------------------------------------------------------------------

    def _speaker_set(self, given: str) -> np.ndarray:
        # Candidate speakers share the given name's last word, or belong to an alias group of it.
        tokens = name_tokens(given)
        if not tokens:
            return np.zeros(0, dtype=np.int32)
        by_last = self._last_names()
        sids: set[int] = set(by_last.get(tokens[-1], ()))
        for group in {self._aliases.get(fold(given), ())} | {g for g in self._aliases.values() if any(same_person(given, n) for n in g)}:
            for name in group:
                t = name_tokens(name)
                if t:
                    sids |= by_last.get(t[-1], set())
        found = [sid for sid in sids if self._is_speaker(given, self._speaker_names[sid])]
        return np.array(sorted(found), dtype=np.int32)

    def _mask(self, flt: SearchFilter | None) -> Callable[[np.ndarray], np.ndarray]:
        guild_id = flt.guild_id if flt else None
        lo = _date_number(flt.date_from) if flt and flt.date_from else 0
        hi = _date_number(flt.date_to, upper=True) if flt and flt.date_to else 0
        speakers = self._speaker_set(flt.speaker) if flt and flt.speaker else None

        def mask(ids: np.ndarray) -> np.ndarray:
            keep = np.frombuffer(self._alive, dtype=np.uint8)[ids] == 1
            guilds = np.frombuffer(self._guild, dtype=np.int64)[ids]
            keep &= (guilds == 0) | (guilds == guild_id) if guild_id else guilds == 0
            if lo or hi:
                dates = np.frombuffer(self._date, dtype=np.int32)[ids]
                keep &= dates > 0
                if lo:
                    keep &= dates >= lo
                if hi:
                    keep &= dates <= hi
            if speakers is not None:
                keep &= np.isin(np.frombuffer(self._speaker, dtype=np.int32)[ids], speakers)
            return keep

        return mask

    # -- lookup --------------------------------------------------------------------------------

    def _rank(
        self, pieces: Sequence[str], flt: SearchFilter | None, limit: int, wide: bool = False
    ) -> list[tuple[int, float]]:
        terms = [k for piece in pieces for k in piece.split()]
        mask = self._mask(flt)
        ids: np.ndarray | None = None
        if flt and flt.speaker:
            speakers = self._speaker_set(flt.speaker)
            owned = [self._by_speaker[int(s)] for s in speakers if int(s) in self._by_speaker]
            if sum(len(a) for a in owned) <= _SCAN_LIMIT:
                ids = np.concatenate([np.frombuffer(a, dtype=np.int32).copy() for a in owned]) if owned else np.zeros(0, np.int32)
                ids = ids[mask(ids)] if len(ids) else ids
        if ids is None:
            s = self.settings
            ids, _ = self._index.top(
                terms,
                limit * (2 if wide else 1),
                query_terms=s.query_terms * (2 if wide else 1),
                max_share=min(1.0, s.max_term_share * 4) if wide else s.max_term_share,
                mask=mask,
                budget=_WIDE_BUDGET if wide else _BUDGET,
            )
        texts = self._texts
        order = ids.tolist()
        # Candidates come best-first from the index: when the first few hold a strong match, the
        # rest (sharing fewer rare words) cannot beat it, so they are not scored.
        scored = [(i, quote_score(pieces, texts[i])) for i in order[:_FIRST_TIER]]
        if not scored or max(sc for _, sc in scored) < _STRONG:
            scored += [(i, quote_score(pieces, texts[i])) for i in order[_FIRST_TIER:]]
        scored.sort(key=lambda item: -item[1])
        return scored

    def _short(self, pieces: Sequence[str]) -> bool:
        # A short quote of common words ("there you go again") ties with thousands of statements
        # on rarity, and a paraphrase among them can score high: look at every word as well.
        terms = {k for piece in pieces for k in piece.split()}
        return len(terms) <= _SHORT_QUOTE and all(
            self._index.df(t) > self.settings.max_term_share * len(self._ids) / 10 for t in terms
        )

    def _rank_common(self, pieces: Sequence[str], flt: SearchFilter | None, limit: int) -> list[tuple[int, float]]:
        # Last resort for quotes of common words only ("there is no way to love"): statements
        # holding most of the words, whatever their rarity.
        terms = [k for piece in pieces for k in piece.split()]
        if len(set(terms)) < 3:
            return []
        ids = self._index.conjunction(terms, limit, self._mask(flt))
        texts = self._texts
        return sorted(((i, quote_score(pieces, texts[i])) for i in ids.tolist()), key=lambda item: -item[1])

    def _text(self, key: Key) -> str:
        return self._texts[key]  # type: ignore[index]

    def _load(self, indexes: Sequence[int]) -> dict[int, StatementRecord]:  # type: ignore[override]
        if self._fetch is None:
            return {i: r for i in indexes if (r := self._records[i]) is not None}
        wanted = {self._ids[i]: i for i in indexes if self._alive[i]}
        fetched = self._fetch(list(wanted)) if wanted else {}
        return {wanted[sid]: rec for sid, rec in fetched.items() if sid in wanted}

    def _latest(self, flt: SearchFilter | None, limit: int) -> list[tuple[StatementRecord, float]]:
        if not flt or not flt.speaker:
            return []
        owned = [self._by_speaker[int(s)] for s in self._speaker_set(flt.speaker) if int(s) in self._by_speaker]
        if not owned:
            return []
        ids = np.concatenate([np.frombuffer(a, dtype=np.int32).copy() for a in owned])
        ids = ids[self._mask(flt)(ids)]
        dates = np.frombuffer(self._date, dtype=np.int32)[ids]
        order = np.lexsort((-ids, -dates))[:limit]
        records = self._load(ids[order].tolist())
        return [(records[int(i)], 100.0) for i in ids[order] if int(i) in records]

    def speakers(self, prefix: str = "", guild_id: int | None = None, limit: int = 25) -> list[str]:
        """Speaker names for autocomplete: names with a word starting with `prefix` (most quoted first), then fuzzy matches."""
        with self._lock:
            counts = Counter(self._speaker_counts.get(0, Counter()))
            if guild_id:
                counts.update(self._speaker_counts.get(guild_id, Counter()))
            want = fold(prefix)
            names = self._speaker_names
            ranked = sorted(((n, sid) for sid, n in counts.items() if n > 0), reverse=True)
            if not want:
                return [names[sid] for _, sid in ranked[:limit]]
            hits = [sid for _, sid in ranked if fold(names[sid]).startswith(want) or any(w.startswith(want) for w in fold(names[sid]).split())]
            out = [names[sid] for sid in hits[:limit]]
            if len(out) < limit:
                choices = {sid: fold(names[sid]) for _, sid in ranked if sid not in set(hits)}
                # partial_ratio: a typed fragment of a long name ("roosvelt") still finds it.
                for _, _, sid in process.extract(want, choices, scorer=fuzz.partial_ratio, limit=limit - len(out), score_cutoff=80):
                    out.append(names[sid])
            return out

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


def _merge(first: list[tuple[Key, float]], second: list[tuple[Key, float]]) -> list[tuple[Key, float]]:
    seen = dict(first)
    for i, score in second:
        seen.setdefault(i, score)
    return sorted(seen.items(), key=lambda item: -item[1])
