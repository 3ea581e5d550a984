"""Date bounds as people type them: a year, a month or a day, each an inclusive ISO bound."""

from __future__ import annotations

import re

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def date_bound(raw: str | None, *, end: bool) -> str | None:
    """'2025' / '2025-05' / '2025-05-19' as an inclusive ISO bound (the first or, with `end`, the last
    day it covers); None for no bound; ValueError for anything else."""
    if not raw or not raw.strip():
        return None
    match = _PARTIAL_DATE.match(raw.strip())
    if not match:
        raise ValueError("dates are written YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    if day:
        return f"{year}-{month}-{day}"
    if month:
        return f"{year}-{month}-{'31' if end else '01'}"
    return f"{year}-{'12-31' if end else '01-01'}"
