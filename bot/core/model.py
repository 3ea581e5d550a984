"""Plain values that cross layers: sources, statements, check results.

Every adapter (store, CLI, chat, jobs) talks to the core through these types. They are frozen
dataclasses with no behaviour beyond conversion to and from the JSON shapes in the public contract.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.core.errors import QuotecheckError

# An open short label: "article", "speech", "transcript", "statements" (a statement list), "post", "interview", ...
SourceKind = str
VerdictName = Literal["verified", "close", "altered", "misattributed", "unverified"]
VERDICTS: tuple[VerdictName, ...] = ("verified", "close", "altered", "misattributed", "unverified")


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Where statements come from: an article, a speech, a transcript or a statement list."""

    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    date: str | None = None  # ISO date, YYYY-MM-DD
    kind: SourceKind = "article"
    author: str | None = None

    def to_json(self, *, with_kind: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {"title": self.title, "url": self.url, "outlet": self.outlet}
        if with_kind:
            data["kind"] = self.kind
        return data


@dataclass(frozen=True, slots=True)
class StatementRecord:
    """One verified statement: the words, who said them, when, where, and the text around them."""

    text: str
    speaker: str | None
    source: SourceInfo
    date: str | None = None  # ISO date; falls back to the source's date when None
    context_before: str = ""
    context_after: str = ""
    position: int = 0  # order of the statement inside its source
    id: str | None = None
    guild_id: int | None = None  # None: the shared corpus; otherwise the server that added it
    # What the speaker is (`bot.core.speaker_kinds`): a named `person` or `organisation`, an `unnamed`
    # person described as written ("a ministry spokesman"), or a `document` ("court filing").
    speaker_kind: str = "person"

    @property
    def named_speaker(self) -> str | None:
        """The speaker when it names someone (a person or an organisation), else None: the words of
        "a ministry spokesman" cannot be misattributed to anyone."""
        return self.speaker if self.speaker_kind in ("person", "organisation") else None

    @property
    def effective_date(self) -> str | None:
        return self.date or self.source.date

    def to_export(self, speaker_aliases: Sequence[str] = ()) -> dict[str, Any]:
        """The contract's `export` line; a server's own statement also names its server (`guild_id`),
        and a speaker known by other names lists them (`speaker_aliases`)."""
        line: dict[str, Any] = {
            "id": self.id,
            "text": self.text,
            "speaker": self.speaker,
            "date": self.effective_date,
            "source": self.source.to_json(),
            "context_before": self.context_before,
            "context_after": self.context_after,
        }
        if self.guild_id is not None:
            # A string: snowflakes exceed the integers JavaScript and many JSON readers hold exactly.
            line["guild_id"] = str(self.guild_id)
        if self.speaker_kind != "person":
            line["speaker_kind"] = self.speaker_kind  # absent means a person
        if speaker_aliases:
            # On every such line, not once per file: a line cut out of the file (grep, --guild) stands alone.
            line["speaker_aliases"] = list(speaker_aliases)
        return line


def statement_id(text: str, speaker: str | None, source_key: str, position: int) -> str:
    """A stable id: the same statement from the same source always gets the same id."""
    digest = hashlib.sha256(f"{source_key}\x1f{position}\x1f{speaker or ''}\x1f{text}".encode()).hexdigest()
    return digest[:16]


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    """What a corpus file turns into before it is stored."""

    source: SourceInfo
    statements: tuple[StatementRecord, ...]
    # (canonical name, another form used in the document), e.g. ("Vladimir Putin", "President Putin").
    aliases: tuple[tuple[str, str], ...] = ()


class CorpusFormatError(QuotecheckError, ValueError):
    """A corpus file that cannot be read as any known format; the message says why, in one line."""

    quotes_input = True


@dataclass(frozen=True, slots=True)
class Difference:
    """One word-level difference between a quote and the statement it matched."""

    # "context": statement words the quote leaves out (elided or cut off) that change its sense;
    # "typo": a quoted word that is a slip of the original one, not another word.
    kind: Literal["replace", "insert", "delete", "context", "typo"]
    quoted: str
    original: str
    meaningful: bool
    reason: str | None = None  # e.g. "negation", "number", "name", "antonym", "insertion"
    # For "context": the statement's words around what was left out, for display (not part of the JSON).
    passage: str = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "quoted": self.quoted,
            "original": self.original,
            "meaningful": self.meaningful,
        }
        if self.reason:
            data["reason"] = self.reason
        return data


@dataclass(frozen=True, slots=True)
class Alternative:
    """Another statement that the quote resembles."""

    statement: StatementRecord
    score: float

    def to_json(self) -> dict[str, Any]:
        return {
            "statement_id": self.statement.id,
            "score": round(self.score, 1),
            "speaker": self.statement.speaker,
            "text": self.statement.text,
        }


@dataclass(frozen=True, slots=True)
class RelatedStatement:
    """A statement a quote or claim most likely refers to when it was not said word for word."""

    statement: StatementRecord
    score: float  # 0-100, higher is closer

    def to_json(self) -> dict[str, Any]:
        """The contract's `match` object plus `score`."""
        data = _match_json(self.statement) or {}
        data["score"] = round(self.score, 1)
        return data


# Verdicts whose result carries the related statements: the words were not found as said.
RELATED_VERDICTS = frozenset({"unverified", "close", "altered"})


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The verdict on one quote, with the statement it matched and how they differ."""

    quote: str
    speaker: str | None
    verdict: VerdictName
    score: float
    match: StatementRecord | None = None
    differences: tuple[Difference, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    elapsed_ms: float = 0.0
    note: str | None = None  # e.g. "earliest primary source preferred over 3 reports"
    related: tuple[RelatedStatement, ...] | None = None  # None: not looked up (e.g. verified)
    # The quote as matched when it differs from `quote` beyond outer spaces: chat syntax removed.
    matched_quote: str | None = None

    @property
    def shown_quote(self) -> str:
        """What replies show as the quote: the words that were matched."""
        return self.matched_quote or self.quote

    def to_json(self) -> dict[str, Any]:
        """The contract's `check --json` object."""
        data: dict[str, Any] = {
            "quote": self.quote,
            "speaker": self.speaker,
            "verdict": self.verdict,
            "score": round(self.score, 1),
            "elapsed_ms": round(self.elapsed_ms, 3),
            "match": _match_json(self.match),
            "differences": [d.to_json() for d in self.differences],
            "alternatives": [a.to_json() for a in self.alternatives],
        }
        if self.verdict in RELATED_VERDICTS:
            data["related"] = [r.to_json() for r in self.related or ()]
        if self.note:
            data["note"] = self.note
        if self.matched_quote:
            data["quote_as_matched"] = self.matched_quote
        return data


def _match_json(statement: StatementRecord | None) -> dict[str, Any] | None:
    if statement is None:
        return None
    return {
        "statement_id": statement.id,
        "text": statement.text,
        "speaker": statement.speaker,
        "date": statement.effective_date,
        "source": statement.source.to_json(with_kind=False),
        "context_before": statement.context_before,
        "context_after": statement.context_after,
    }


@dataclass(frozen=True, slots=True)
class SearchFilter:
    """Restricts a lookup to a speaker and/or a date range (inclusive ISO dates)."""

    speaker: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    guild_id: int | None = None  # statements of this server plus the shared corpus


@dataclass(slots=True)
class IngestSummary:
    """Counts reported after an ingest run."""

    files: int = 0
    added: int = 0
    skipped: int = 0
    replaced: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    lines_rejected: int = 0  # bad lines of statement lists left out (`--skip-invalid`)
    rejects_file: str | None = None  # where those lines were written
