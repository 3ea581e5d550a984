"""CandidateMatcher: the in-memory matcher's rerank and verdicts over candidates from a function."""

from __future__ import annotations

import pytest

from bot.config import MatchingSettings
from bot.core.candidates import CandidateMatcher, CandidateQuery
from bot.core.matcher import Matcher, quote_score
from bot.core.model import SearchFilter, StatementRecord
from bot.core.normalize import match_text
from bot.core.speakers import same_person
from tests.core.test_matcher import FDR_1, PUTIN, REAGAN, ZELENSKYY, corpus

ALIASES = {"Volodymyr Zelenskyy": ["Zelensky", "Volodymyr Zelensky"]}


class Scan:
    """A candidate function scoring every statement (what a database-side index approximates)."""

    def __init__(self, records: list[StatementRecord]) -> None:
        self.records = {r.id or "": r for r in records}
        self.queries: list[CandidateQuery] = []

    def __call__(self, query: CandidateQuery) -> list[tuple[str, str]]:
        self.queries.append(query)
        flt = query.flt or SearchFilter()
        rows = [
            r for r in self.records.values()
            if (not flt.speaker or (r.speaker and same_person(flt.speaker, r.speaker)))
            and (not flt.date_from or (r.effective_date or "") >= flt.date_from)
        ]
        if not query.pieces:
            rows.sort(key=lambda r: r.effective_date or "", reverse=True)
            return [(r.id or "", match_text(r.text)) for r in rows[: query.limit]]
        scored = sorted(rows, key=lambda r: -quote_score(query.pieces, match_text(r.text)))
        return [(r.id or "", match_text(r.text)) for r in scored[: query.limit] if quote_score(query.pieces, match_text(r.text)) > 30]

    def fetch(self, ids: list[str]) -> dict[str, StatementRecord]:
        return {i: self.records[i] for i in ids if i in self.records}


@pytest.fixture
def pair() -> tuple[Matcher, CandidateMatcher, Scan]:
    memory = Matcher(MatchingSettings())
    memory.add_many(corpus())
    memory.set_aliases(ALIASES)
    scan = Scan(corpus())
    remote = CandidateMatcher(scan, scan.fetch, MatchingSettings(), lambda prefix, guild, limit: ["Ronald Reagan"])
    remote.set_aliases(ALIASES)
    return memory, remote, scan


@pytest.mark.parametrize(
    ("quote", "speaker", "verdict"),
    [
        ("the Russians are not ready to stop the killings", None, "verified"),
        ("the Russians are not redy to stop the killings", None, "close"),
        ("the Russians are ready to stop the killings", None, "altered"),
        ("the Russians are not ready to stop the killings", "Zelensky", "verified"),
        ("the Russians are not ready to stop the killings", "Vladimir Putin", "misattributed"),
        (REAGAN, "Reagan", "verified"),
        ("we look forward to a world founded upon four essential human freedoms", None, "verified"),
        ("the quick brown fox jumps over the lazy dog near the river bank", None, "unverified"),
        ("Russia is for a peaceful settlement to the Ukraine crisis. But we should determine the most effective path towards that war.", None, "altered"),
    ],
)
def test_same_verdicts_as_the_memory_index(pair: tuple[Matcher, CandidateMatcher, Scan], quote: str, speaker: str | None, verdict: str) -> None:
    memory, remote, scan = pair
    a, b = memory.check(quote, speaker), remote.check(quote, speaker)
    assert a.verdict == b.verdict == verdict
    assert (a.match.id if a.match else None) == (b.match.id if b.match else None)
    assert [d.reason for d in a.differences] == [d.reason for d in b.differences]
    assert scan.queries and all(q.pieces for q in scan.queries)


def test_a_weak_first_pass_asks_for_a_wider_one(pair: tuple[Matcher, CandidateMatcher, Scan]) -> None:
    _, remote, scan = pair
    remote.check("the quick brown fox jumps over the lazy dog near the river bank")
    assert [q.wide for q in scan.queries][:2] == [False, True]
    assert scan.queries[1].limit == 2 * scan.queries[0].limit


def test_filters_and_latest_statements_go_to_the_function(pair: tuple[Matcher, CandidateMatcher, Scan]) -> None:
    _, remote, scan = pair
    found = remote.search("", SearchFilter(speaker="Roosevelt"), limit=5)
    assert {r.id for r, _ in found} == {"s7", "s8"}
    assert scan.queries[-1].pieces == () and scan.queries[-1].flt == SearchFilter(speaker="Roosevelt")
    assert {r.id for r, _ in remote.search(FDR_1, SearchFilter(speaker="Putin"))} <= {"s3"}
    assert [r.id for r, _ in remote.search(PUTIN, SearchFilter(speaker="Putin"), limit=1)] == ["s3"]
    assert remote.speakers("rea") == ["Ronald Reagan"]


def test_changes_are_the_function_s_business(pair: tuple[Matcher, CandidateMatcher, Scan]) -> None:
    _, remote, scan = pair
    remote.remove("s1")  # a no-op: the database decides what is live
    assert remote.check(ZELENSKYY).verdict == "verified"
    del scan.records["s1"]
    assert remote.check(ZELENSKYY).verdict == "unverified"
    assert len(remote) == 0
