"""A lookup locks the index only while it reads it: records (read from the database in production)
and database-side candidates are fetched with no lock held, so a slow read never stalls a refresh."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from bot.config import MatchingSettings
from bot.core.candidates import CandidateMatcher, CandidateQuery
from bot.core.matcher import Matcher
from bot.core.model import StatementRecord
from bot.core.normalize import match_text
from tests.core.test_matcher import PUTIN, corpus


def _free(lock: threading.RLock) -> bool:
    """Whether another thread can take `lock` right now."""
    got: list[bool] = []

    def take() -> None:
        ok = lock.acquire(timeout=2)
        if ok:
            lock.release()
        got.append(ok)

    thread = threading.Thread(target=take)
    thread.start()
    thread.join()
    return got == [True]


def test_the_memory_index_reads_records_without_its_lock() -> None:
    records = {r.id: r for r in corpus()}
    free_while_reading: list[bool] = []

    def fetch(ids: Sequence[str]) -> dict[str, StatementRecord]:
        free_while_reading.append(_free(matcher._lock))
        return {i: records[i] for i in ids if i in records}

    matcher = Matcher(MatchingSettings(), fetch=fetch)
    matcher.add_many(records.values())
    assert matcher.check(PUTIN, speaker="Vladimir Putin").verdict == "verified"
    assert matcher.search("peaceful settlement")
    assert free_while_reading and all(free_while_reading)


def test_database_candidates_are_asked_for_without_the_lock() -> None:
    records = {r.id or "": r for r in corpus()}
    free_while_asking: list[bool] = []

    def candidates(query: CandidateQuery) -> list[tuple[str, str]]:
        free_while_asking.append(_free(matcher._lock))
        return [(sid, match_text(r.text)) for sid, r in records.items()]

    def fetch(ids: Sequence[str]) -> dict[str, StatementRecord]:
        free_while_asking.append(_free(matcher._lock))
        return {i: records[i] for i in ids if i in records}

    matcher = CandidateMatcher(candidates, fetch, MatchingSettings())
    assert matcher.check(PUTIN).verdict == "verified"
    assert free_while_asking and all(free_while_asking)
