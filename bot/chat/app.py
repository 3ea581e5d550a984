"""The Discord bot: built by `create_bot` around a QuoteService, run by `run_bot`.

The bot never syncs its commands on start (`quotecheck sync` or the owner's `/sync` does), never
pings anyone (`AllowedMentions.none()` on the client), and calls the synchronous service in threads
so the gateway heartbeat is never held up.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

import discord
import yarl
from discord.ext import commands

from bot.config import Settings, SettingsError
from bot.protocols import ChatService

from .cooldowns import LookupLimiter
from .errors import QuoteTree
from .forbidden import ForbiddenGuard
from .redact import install_redaction

log = logging.getLogger(__name__)
API_VERSION_SUFFIX = "/api/v10"
MESSAGE_MAX = 2000


def point_at(api_base: str, gateway_url: str) -> None:
    """Send REST and gateway traffic to another Discord-compatible server (option A of discord-protocol.md).

    The class attributes are what every request reads, including interaction callbacks and webhooks,
    which hold their own reference to `Route`; replacing the class would miss those.
    """
    if api_base:
        base = api_base.rstrip("/")
        if "/api/v" not in base:
            base += API_VERSION_SUFFIX
        discord.http.Route.BASE = base
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


class QuoteBot(commands.Bot):
    """The bot: lookups for everyone, /corpus for moderators, /sync for the owner."""

    def __init__(self, service: ChatService | None, settings: Settings, *, jobs: bool = False, **client_kwargs: Any) -> None:
        client_kwargs.pop("allowed_mentions", None)  # never configurable: no reply may ping anyone
        intents = client_kwargs.pop("intents", None) or discord.Intents.default()
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            tree_cls=QuoteTree,
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            **client_kwargs,
        )
        self._service = service
        self.settings = settings
        self.limiter = LookupLimiter(settings.discord.lookup_rate, settings.discord.lookup_cooldown)
        self.run_jobs = jobs
        self.scheduler: Any = None
        self.digest_guard = ForbiddenGuard("The daily digest")

    @property
    def service(self) -> ChatService:
        """The corpus service every command talks to (a bot made only to sync commands has none)."""
        if self._service is None:
            raise RuntimeError("this bot was made without a service (to sync commands only)")
        return self._service

    @service.setter
    def service(self, service: ChatService) -> None:
        self._service = service

    async def setup_hook(self) -> None:
        """Load the cogs (and start the scheduled jobs when asked); the command tree is not synced here."""
        from .admin import Admin
        from .buttons import PERSISTENT_BUTTONS, submit_report
        from .corpus import Corpus
        from .lookups import Lookups

        # Registered before connecting, so a click on any earlier message is answered from the first event.
        self.add_dynamic_items(*PERSISTENT_BUTTONS)
        self.add_listener(submit_report, "on_interaction")
        await self.add_cog(Lookups(self))
        await self.add_cog(Corpus(self))
        await self.add_cog(Admin(self))
        if self.run_jobs and self._service is not None:
            from bot.jobs.startup import start_scheduler

            post = self.post_digest if self.settings.jobs.digest_channel_id else None
            self.scheduler = await start_scheduler(self.service, self.settings, post_digest=post)

    async def close(self) -> None:
        """Stop the scheduled jobs (a run in flight is cancelled and recorded as interrupted), then disconnect."""
        if self.scheduler is not None:
            await self.scheduler.shutdown()
            self.scheduler = None
        await super().close()

    async def post_digest(self, text: str) -> None:
        """Send the moderators' daily digest (already escaped by the job) to the configured channel.

        After three 403s in a row it stops asking Discord (PathDisabled, which the job records) until
        the job settings change.
        """
        jobs = self.settings.jobs
        await self.digest_guard.run(jobs, lambda: self._send_digest(jobs.digest_channel_id, text))

    async def _send_digest(self, channel_id: int, text: str) -> None:
        channel = self.get_channel(channel_id) or await self.fetch_channel(channel_id)
        for start in range(0, min(len(text), 4 * MESSAGE_MAX), MESSAGE_MAX):
            await channel.send(text[start : start + MESSAGE_MAX], suppress_embeds=True)  # type: ignore[union-attr]

    async def on_ready(self) -> None:
        log.info("connected as %s to %d servers", self.user, len(self.guilds))


class ShardedQuoteBot(QuoteBot, commands.AutoShardedBot):
    """The same bot over several shards in one process (discord.py's AutoShardedBot)."""


def create_bot(service: ChatService | None, settings: Settings, *, jobs: bool = False, **client_kwargs: Any) -> QuoteBot:
    """The bot around `service`; with `jobs` it also runs the scheduled jobs (inbox, feeds, digest, backups).

    Extra keyword arguments go to discord.py's Client (e.g. guild_ready_timeout, connector).
    """
    point_at(settings.discord.api_base, settings.discord.gateway_url)
    install_redaction()  # before the first request: URLs with interaction tokens are logged at DEBUG
    shard_count, shard_ids = shard_setting(settings)
    if shard_count and len(shard_ids) == 1:
        client_kwargs.setdefault("shard_count", shard_count)
        client_kwargs.setdefault("shard_id", shard_ids[0])
    elif shard_count:
        # Several shards in this process (all of them when shard_ids is empty); other processes or
        # machines run the other ids against the same database.
        client_kwargs.setdefault("shard_count", shard_count)
        if shard_ids:
            client_kwargs.setdefault("shard_ids", list(shard_ids))
        return ShardedQuoteBot(service, settings, jobs=jobs, **client_kwargs)
    return QuoteBot(service, settings, jobs=jobs, **client_kwargs)


def shard_setting(settings: Settings) -> tuple[int, tuple[int, ...]]:
    """The total number of shards (0: no sharding) and the ids this process runs; SettingsError if they clash."""
    shard_count = settings.discord.shard_count
    try:  # from QUOTECHECK_DISCORD_SHARD_IDS=0,2 the ids arrive as strings
        shard_ids = tuple(int(shard) for shard in settings.discord.shard_ids)
    except ValueError:
        raise SettingsError(f"discord.shard_ids must be whole numbers: {settings.discord.shard_ids!r}") from None
    if shard_ids and not shard_count:
        raise SettingsError("discord.shard_ids needs discord.shard_count (the total number of shards)")
    if any(not 0 <= shard < shard_count for shard in shard_ids):
        raise SettingsError(f"discord.shard_ids must lie in 0..{shard_count - 1}")
    return shard_count, shard_ids


def close_on_signals(bot: discord.Client) -> None:
    """SIGINT and SIGTERM close the bot (jobs stopped, gateway closed), so `start` returns and the caller
    saves the index snapshot; a second signal stops at once.

    asyncio.run would instead cancel the main task on SIGINT, and on Python 3.11 a cancellation that
    lands as an awaited timeout fires can be swallowed, leaving the bot running. SIGTERM (`docker stop`)
    would kill the process without saving anything.
    """
    loop = asyncio.get_running_loop()
    closing: list[asyncio.Task[None]] = []

    def on_signal(signum: int) -> None:
        if closing:
            raise KeyboardInterrupt  # asked twice: the loop stops and the caller still closes the store
        log.info("%s received: closing the bot", signal.Signals(signum).name)
        closing.append(loop.create_task(bot.close(), name="quotecheck-close-on-signal"))

    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, on_signal, signum)
        except (NotImplementedError, RuntimeError):  # Windows, or not the main thread: the defaults stay
            return


def configure_logging(level: str) -> None:
    """discord.py's log format on stderr, with interaction and bot tokens redacted."""
    discord.utils.setup_logging(level=getattr(logging, level.upper(), logging.INFO), root=True)
    install_redaction()


def run_bot(settings: Settings) -> int:
    """Open the corpus (loading the bundled files into an empty database), connect and serve until stopped."""
    from bot.service import QuoteService

    token = settings.discord.resolved_token()
    if not token:
        raise ValueError("no Discord token configured")
    configure_logging(settings.log_level)
    service = QuoteService.open(settings, load_bundled=True)
    service.warm_up_in_background()

    async def serve() -> None:
        bot = create_bot(service, settings, jobs=True)
        close_on_signals(bot)
        async with bot:
            await bot.start(token)

    try:
        asyncio.run(serve())
    except discord.LoginFailure:
        log.error("Discord refused the token; check QUOTECHECK_DISCORD_TOKEN")
        return 1
    except KeyboardInterrupt:
        pass
    finally:
        service.close()
    return 0
