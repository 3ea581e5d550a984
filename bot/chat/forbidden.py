"""Stopping a background path that Discord keeps refusing with 403 Forbidden (security R13).

Every 401, 403 and 429 counts towards Discord's 10,000 invalid requests per 10 minutes, after which
Cloudflare bans the bot's address for everyone. A scheduled post to a channel the bot may not write
in would fail the same way every day, so after a few consecutive refusals the path is switched off
until its settings change, with one warning in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import discord

from bot.core.errors import QuotecheckError

log = logging.getLogger(__name__)
T = TypeVar("T")
FORBIDDEN_LIMIT = 3


class PathDisabled(QuotecheckError, RuntimeError):
    """The path was switched off after repeated 403s; the message says what to change."""


class ForbiddenGuard:
    """Runs one background action (e.g. posting the digest), switching it off after `limit` 403s in a row.

    `settings` is whatever configures the path: a different value (a new channel, new permissions
    noted in the config) turns it back on, so a fixed setting is tried again without losing the guard.
    """

    def __init__(self, what: str, *, limit: int = FORBIDDEN_LIMIT) -> None:
        self.what = what
        self.limit = max(limit, 1)
        self.refusals = 0
        self._settings: object = None
        self.disabled = False

    async def run(self, settings: object, action: Callable[[], Awaitable[T]]) -> T:
        """`action()`, unless Discord refused it `limit` times in a row under these same settings."""
        if settings != self._settings:
            self._settings, self.refusals, self.disabled = settings, 0, False
        if self.disabled:
            raise PathDisabled(f"{self.what} is switched off: Discord refused it {self.refusals} times in a row "
                               f"(403 Forbidden). Give the bot the permission or change the setting.")
        try:
            result = await action()
        except discord.Forbidden:
            self.refusals += 1
            if self.refusals >= self.limit:
                self.disabled = True
                log.warning("%s switched off after %d consecutive 403 Forbidden answers from Discord; "
                            "it stays off until its settings change", self.what, self.refusals)
            raise
        self.refusals = 0
        return result
