"""The moderators' daily digest: lookups, verdicts, new statements, open reports, what to add next.

`collect_digest` reads the numbers from the database; `render_digest` turns them into one chat
message (plain text, escaped, within Discord's 2000 characters) and is pure, so it is tested
with plain values.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select

from bot.core.model import VERDICTS
from bot.store.tables import LookupRow, ReportRow, StatementRow

MESSAGE_LIMIT = 2000
QUOTE_PREVIEW = 120
TOP_UNVERIFIED = 5
UNVERIFIED_SCAN_LIMIT = 20_000  # rows read to rank unverified quotes; a day rarely has more

_LOOKUPS = LookupRow.__table__  # type: ignore[attr-defined]
_REPORTS = ReportRow.__table__  # type: ignore[attr-defined]
_STATEMENTS = StatementRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class DigestData:
    """The numbers one digest reports, for the period [start, end)."""

    start: datetime
    end: datetime
    lookups: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)
    new_statements: int = 0
    open_reports: int = 0
    new_reports: int = 0
    top_unverified: tuple[tuple[str, int], ...] = ()  # (quote as first asked, times asked)
    failing_jobs: tuple[str, ...] = ()


def collect_digest(
    engine: Engine,
    *,
    now: datetime | None = None,
    period: timedelta = timedelta(days=1),
    failing_jobs: tuple[str, ...] = (),
) -> DigestData:
    """Count what happened in the last `period` (whole corpus, every server)."""
    end = now or datetime.now(UTC)
    if end.tzinfo is None:
        end = end.replace(tzinfo=UTC)
    start = end - period
    in_period = (_LOOKUPS.c.at >= start) & (_LOOKUPS.c.at < end)
    with engine.connect() as conn:
        verdicts: dict[str, int] = dict(
            conn.execute(select(_LOOKUPS.c.verdict, func.count()).where(in_period).group_by(_LOOKUPS.c.verdict)).all()
        )
        new_statements = conn.execute(
            select(func.count())
            .select_from(_STATEMENTS)
            .where(_STATEMENTS.c.added_at >= start, _STATEMENTS.c.added_at < end, _STATEMENTS.c.removed.is_(False))
        ).scalar_one()
        open_reports = conn.execute(
            select(func.count()).select_from(_REPORTS).where(_REPORTS.c.status == "open")
        ).scalar_one()
        new_reports = conn.execute(
            select(func.count()).select_from(_REPORTS).where(_REPORTS.c.at >= start, _REPORTS.c.at < end)
        ).scalar_one()
        unverified = conn.execute(
            select(_LOOKUPS.c.quote)
            .where(in_period, _LOOKUPS.c.verdict == "unverified")
            .order_by(_LOOKUPS.c.id)
            .limit(UNVERIFIED_SCAN_LIMIT)
        ).scalars()
        top = rank_quotes(unverified, TOP_UNVERIFIED)
    return DigestData(
        start=start,
        end=end,
        lookups=sum(verdicts.values()),
        verdicts={str(k): int(v) for k, v in verdicts.items()},
        new_statements=int(new_statements),
        open_reports=int(open_reports),
        new_reports=int(new_reports),
        top_unverified=top,
        failing_jobs=failing_jobs,
    )


def rank_quotes(quotes: Iterable[str], limit: int) -> tuple[tuple[str, int], ...]:
    """The most asked quotes, counting case, spacing and quotation-mark variants as one."""
    counts: Counter[str] = Counter()
    first: dict[str, str] = {}
    for quote in quotes:
        key = _quote_key(str(quote))
        if not key:
            continue
        counts[key] += 1
        first.setdefault(key, str(quote))
    # Most asked first; ties in the order they were first asked (Counter keeps insertion order).
    return tuple((first[key], n) for key, n in counts.most_common(limit))


def render_digest(data: DigestData) -> str:
    """The digest as one plain-text chat message of at most 2000 characters."""
    span = data.end - data.start
    title = "Daily digest" if span <= timedelta(days=1) else "Weekly digest" if span == timedelta(days=7) else "Digest"
    lines = [f"**{title}** ({data.start:%Y-%m-%d %H:%M} to {data.end:%Y-%m-%d %H:%M} UTC)"]
    if data.lookups:
        parts = [f"{data.verdicts[v]} {v}" for v in VERDICTS if data.verdicts.get(v)]
        parts += [f"{n} {v}" for v, n in sorted(data.verdicts.items()) if v not in VERDICTS and n]
        lines.append(f"Lookups: {data.lookups} ({', '.join(parts)})")
    else:
        lines.append("Lookups: none")
    lines.append(f"New statements: {data.new_statements}")
    lines.append(f"Reports: {data.open_reports} open ({data.new_reports} new)")
    if data.failing_jobs:
        lines.append("Jobs failing: " + ", ".join(escape_text(j) for j in data.failing_jobs))
    if data.top_unverified:
        lines.append("Most requested quotes not found (what to add next):")
        for quote, times in data.top_unverified:
            lines.append(f"{times}× “{escape_text(_preview(quote))}”")
    text = "\n".join(lines)
    while len(text) > MESSAGE_LIMIT and len(lines) > 1:
        lines.pop()  # drop whole lines from the end rather than cutting one in half
        text = "\n".join(lines + ["…"])
    return text


# Inline markup anywhere; `[`/`]` is enough to break a masked link, `<` breaks <@id> and <t:…>.
_MARKDOWN = re.compile(r"([\\*_~`|\[\]<])")
# Block markup (headings, quotes, lists, -# subtext) only counts at the start of a line.
_LINE_START = re.compile(r"^(?:([#>\-+])|(\d+)\.)")


def escape_text(text: str) -> str:
    """User text made inert in a chat message: NFKC first (it can create `@` and `<`), then escaped,
    one line only. The digest is also sent with mentions disabled; this is the second layer."""
    flat = " ".join(unicodedata.normalize("NFKC", text).split())
    escaped = _LINE_START.sub(_escape_line_start, _MARKDOWN.sub(r"\\\1", flat))
    # A zero-width space after every @ breaks @everyone, @here and <@id> for good.
    return escaped.replace("@", "@\u200b")


def _escape_line_start(match: re.Match[str]) -> str:
    # "# x" -> "\# x"; "12. x" -> "12\. x" (a backslash before a digit would show literally).
    return f"\\{match.group(1)}" if match.group(1) else f"{match.group(2)}\\."


def _preview(quote: str) -> str:
    flat = " ".join(quote.split())
    return flat if len(flat) <= QUOTE_PREVIEW else flat[: QUOTE_PREVIEW - 1].rstrip() + "…"


def _quote_key(quote: str) -> str:
    text = unicodedata.normalize("NFKC", quote).casefold()
    text = re.sub(r"[\"'“”‘’«»„]", "", text)
    return " ".join(text.split()).strip(" .,;:!?")
