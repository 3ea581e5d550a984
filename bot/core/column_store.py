"""The in-memory column store: compact per-statement columns, the term index and the filters over them.

`ColumnStore` adds and removes statements (one at a time or column by column at start-up), keeps
per-speaker lists and counts, and builds the masks that filter candidates by server, date and
speaker. `Matcher` (bot/core/matcher.py) looks quotes up in it.
"""

from __future__ import annotations

from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from itertools import compress, islice, repeat
from operator import not_
from typing import cast

import numpy as np

from bot.config import MatchingSettings
from bot.core.columns import IndexColumns
from bot.core.index import TermIndex
from bot.core.matching import BaseMatcher
from bot.core.model import SearchFilter, StatementRecord
from bot.core.normalize import match_text, match_texts
from bot.core.related import RelatedIndex, RelatedSettings
from bot.core.rerank import KIND_RANK, Fetch, date_number
from bot.core.speakers import fold, name_tokens, same_person


class ColumnStore(BaseMatcher[int]):
    """Statements as columns plus a term index; safe to change from several threads."""

    def __init__(self, settings: MatchingSettings | None = None, fetch: Fetch | None = None) -> None:
        """`fetch` loads full records by id for the few statements a result shows; without it the
        matcher keeps every record it is given."""
        super().__init__(settings)
        self._fetch = fetch
        self._index = TermIndex()
        # Source titles and lengths for related statements, over the same positions as `_index`.
        self._related = RelatedIndex(RelatedSettings(floor=self.settings.related_floor))
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
        self._by_speaker: dict[int, array[int]] = {}
        # Records read from the database lately: one lookup reads the same few several times (its
        # sources, alternatives and related statements), and popular quotes are asked again.
        self._recent: OrderedDict[str, StatementRecord] = OrderedDict()
        self._removals = 0  # a record read while a statement was replaced is not kept
        self.meta: dict[str, object] = {}

    def _word_frequency(self) -> Callable[[str], int]:
        return self._index.df  # one dictionary lookup per word

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
        self._date.append(date_number(statement.effective_date))
        sid = self._speaker_id(statement.named_speaker)  # a description is no one to list or filter by
        self._speaker.append(sid)
        self._kind.append(KIND_RANK.get(statement.source.kind, 2))
        if sid >= 0:
            self._speaker_counts.setdefault(guild, Counter())[sid] += 1
            self._by_speaker.setdefault(sid, array("i")).append(index)
        return index

    def add(self, statement: StatementRecord) -> None:
        """Index one statement (its id set); searchable at once. Re-adding an id replaces it."""
        with self._lock:
            index = self._append(statement)
            self._index.add(index, self._texts[index].split())
            self._related.add(index, self._texts[index], statement.source.title)

    def add_many(self, statements: Iterable[StatementRecord]) -> None:
        """Index many statements at once (start-up); the same id twice keeps the last one."""
        batch = list(statements)
        if any(st.id is None for st in batch):
            raise ValueError("a statement needs an id before it is indexed")
        columns = IndexColumns.of(batch)
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
                columns = _rows(columns, keep)
                records = [records[k] for k in keep] if records is not None else None
                positions = dict(zip(columns.ids, range(len(columns))))
            if self._pos:
                for sid in self._pos.keys() & set(columns.ids):
                    self._remove(sid)
            # Column by column, in bulk: per-statement Python work is what makes a cold start slow.
            base, n = len(self._ids), len(columns)
            texts = _match_keys(columns)
            self._ids.extend(columns.ids)
            self._texts.extend(texts)
            self._records.extend(records if self._fetch is None and records is not None else repeat(None, n))
            self._alive.extend(b"\x01" * n)
            guilds = [g or 0 for g in columns.guilds]
            self._guild.extend(guilds)
            numbers = {d: date_number(d) for d in dict.fromkeys(columns.dates)}
            self._date.extend(map(numbers.__getitem__, columns.dates))
            sids = self._speaker_ids_of(columns.speakers)
            self._speaker.frombytes(sids.tobytes())
            self._kind.extend(map(KIND_RANK.get, columns.kinds, repeat(2)))
            if self._pos or base:
                self._pos.update(zip(positions, range(base, base + n)))
            else:
                self._pos = positions
            self._count_speakers(np.arange(base, base + n), sids, np.asarray(guilds, dtype=np.int64))
            words = self._index.add_many(range(base, base + n), texts)
            self._related.add_many(range(base, base + n), texts, columns.titles or [None] * n, words)

    def _speaker_ids_of(self, names: list[str | None]) -> np.ndarray:
        """Speaker ids of many names at once, new names numbered in order of first appearance (as
        `_speaker_id` one by one would); -1 for no name."""
        known = len(self._speaker_names)
        seen = cast("dict[str | None, int]", dict(self._speaker_ids))
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
        grouped = sids[order]
        starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
        ends = np.r_[starts[1:], len(grouped)]
        # One buffer of every statement index grouped by speaker; each speaker's list takes its slice.
        data = indexes[order].astype(np.int32).tobytes()
        width = np.dtype(np.int32).itemsize
        by_speaker = self._by_speaker
        for sid, start, end in zip(grouped[starts].tolist(), (starts * width).tolist(), (ends * width).tolist()):
            owned = by_speaker.get(sid)
            if owned is None:
                owned = by_speaker[sid] = array("i")
            owned.frombytes(data[start:end])
        for guild in np.unique(guilds).tolist():
            counts = np.bincount(sids[guilds == guild])
            spoken_here = np.flatnonzero(counts)
            tally = self._speaker_counts.setdefault(int(guild), Counter())
            tally.update(dict(zip(spoken_here.tolist(), counts[spoken_here].tolist())))

    def remove(self, statement_id: str) -> None:
        """Drop a statement; gone from results at once. Unknown ids are ignored."""
        with self._lock:
            self._remove(statement_id)

    def _remove(self, statement_id: str) -> None:
        self._recent.pop(statement_id, None)
        self._removals += 1
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
        named = {g for g in self._alias_groups_sharing_last_name(given) if any(same_person(given, n) for n in g)}
        for group in {self._aliases.get(fold(given), ())} | named:
            for name in group:
                t = name_tokens(name)
                if t:
                    sids |= by_last.get(t[-1], set())
        found = [sid for sid in sids if self._is_speaker(given, self._speaker_names[sid])]
        return np.array(sorted(found), dtype=np.int32)

    def _mask(self, flt: SearchFilter | None) -> Callable[[np.ndarray], np.ndarray]:
        guild_id = flt.guild_id if flt else None
        lo = date_number(flt.date_from) if flt and flt.date_from else 0
        hi = date_number(flt.date_to, upper=True) if flt and flt.date_to else 0
        speakers = self._speaker_set(flt.speaker) if flt and flt.speaker else None

        def mask(ids: np.ndarray) -> np.ndarray:
            keep: np.ndarray = np.frombuffer(self._alive, dtype=np.uint8)[ids] == 1
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


def _match_keys(columns: IndexColumns) -> list[str]:
    """Each statement's matching key: as the database stored it, else computed from its text (the
    computing was a fifth of a cold start at 10^6 statements)."""
    if columns.keyed is None:
        return match_texts(columns.texts)
    unkeyed = list(compress(range(len(columns)), map(not_, columns.keyed)))
    if not unkeyed:
        return columns.texts
    keys = list(columns.texts)
    for k, key in zip(unkeyed, match_texts([keys[k] for k in unkeyed])):
        keys[k] = key
    return keys


def _rows(columns: IndexColumns, keep: list[int]) -> IndexColumns:
    """The statements at positions `keep` of `columns`."""
    return IndexColumns(
        ids=[columns.ids[k] for k in keep],
        texts=[columns.texts[k] for k in keep],
        speakers=[columns.speakers[k] for k in keep],
        dates=[columns.dates[k] for k in keep],
        kinds=[columns.kinds[k] for k in keep],
        guilds=[columns.guilds[k] for k in keep],
        titles=[columns.titles[k] for k in keep] if columns.titles is not None else None,
        keyed=[columns.keyed[k] for k in keep] if columns.keyed is not None else None,
    )
