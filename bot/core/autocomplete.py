"""Speaker names for autocomplete, from the in-memory index's per-server counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from rapidfuzz import fuzz, process

from bot.core.speakers import fold


def speaker_suggestions(
    counts_by_guild: Mapping[int, Counter[int]], names: Sequence[str], prefix: str, guild_id: int | None, limit: int
) -> list[str]:
    """Names with a word starting with `prefix` (most quoted first), then fuzzy matches; `counts_by_guild`
    holds statements per speaker id for each server (0: the shared corpus), `names` the name of each id."""
    counts = Counter(counts_by_guild.get(0, Counter()))
    if guild_id:
        counts.update(counts_by_guild.get(guild_id, Counter()))
    want = fold(prefix)
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
