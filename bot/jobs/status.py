"""Job status as text: the `quotecheck jobs` table and the `/corpus jobs` chat reply."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.core.terminal import one_line
from bot.jobs.digest import MESSAGE_LIMIT, escape_text
from bot.jobs.scheduler import JobStatus

RESULT_PREVIEW = 160


def format_table(statuses: Sequence[JobStatus]) -> str:
    """A fixed-width table for the terminal, one job per line."""
    if not statuses:
        return "No jobs configured (see [jobs] in config/quotecheck.toml)."
    lines = [f"{'job':<10} {'last run (UTC)':<17} {'result':<7} {'next run (UTC)':<17} details"]
    for s in statuses:
        details = s.last_result or s.description
        if s.stale:
            details = "NOT SUCCEEDING LATELY; " + details
        lines.append(one_line(
            f"{s.id:<10} {_short(s.last_run):<17} {s.last_status or 'never':<7} {_short(s.next_run):<17} {details}"))
    return "\n".join(lines)


def format_chat(statuses: Sequence[JobStatus], *, details: bool = True) -> str:
    """One chat message (escaped, at most 2000 characters) listing every job with its last and next run.

    Without `details` the results and descriptions (folders, feed addresses, errors: the operator's
    business) are left out, for moderators of servers other than the operator's.
    """
    if not statuses:
        return "No scheduled jobs are configured."
    lines = []
    for s in statuses:
        mark = {"ok": "✅", "error": "❌", "running": "⏳", "interrupted": "⚠️"}.get(s.last_status or "", "▫️")
        head = f"{mark} **{s.id}**: last run {_stamp(s.last_run)}, next {_stamp(s.next_run)}"
        if s.stale:
            head += " (not succeeding lately)"
        if not details:
            lines.append(head)
            continue
        result = s.last_result or s.description
        if len(result) > RESULT_PREVIEW:
            result = result[: RESULT_PREVIEW - 1] + "…"
        lines.append(head + "\n  " + escape_text(result))
    text = "\n".join(lines)
    while len(text) > MESSAGE_LIMIT and len(lines) > 1:
        lines.pop()
        text = "\n".join(lines + ["…"])
    return text[:MESSAGE_LIMIT]


def _short(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


def _stamp(moment: datetime | None) -> str:
    # Discord shows <t:…:R> as "in 5 minutes" / "2 hours ago" in each reader's own time zone.
    return f"<t:{int(moment.timestamp())}:R>" if moment else "never"
