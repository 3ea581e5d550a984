"""Per-user lookup cooldowns: a sliding window shared by every lookup command (in memory, per process)."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class LookupLimiter:
    """Allows `rate` lookups per user in any `per`-second window; says how long to wait otherwise."""

    def __init__(self, rate: int, per: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = max(rate, 1)
        self.per = max(per, 0.0)
        self._clock = clock
        self._hits: dict[int, deque[float]] = {}

    def hit(self, user_id: int) -> float:
        """Count one lookup; 0.0 when allowed, else the seconds until the user may look up again."""
        if self.per <= 0:
            return 0.0
        now = self._clock()
        window = self._hits.setdefault(user_id, deque())
        while window and now - window[0] >= self.per:
            window.popleft()
        if len(window) >= self.rate:
            return self.per - (now - window[0])
        window.append(now)
        self._forget_idle(now)
        return 0.0

    def _forget_idle(self, now: float) -> None:
        # Keep memory bounded by the users active in the last window, not by everyone ever seen.
        if len(self._hits) > 10_000:
            for user_id in [u for u, w in self._hits.items() if not w or now - w[-1] >= self.per]:
                del self._hits[user_id]
