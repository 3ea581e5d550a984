"""/corpus: moderators add, import, edit, remove, restore and review statements of their server.

`default_permissions` only hides the commands (server admins can override it), so the cog also checks
every invocation itself: the configured moderator role, or Manage Messages. Replies are ephemeral and
come after the service has committed the change with its audit row.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import PurePath
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.documents import SUPPORTED_SUFFIXES, parse_document
from bot.core.model import StatementRecord
from bot.core.scope import check_guild_scope
from bot.ingest import decode
from bot.store.records import Report, UnverifiedQuote

from . import corpus_embeds
from .embeds import notice, plural
from .errors import NotModerator, UserFacingError
from .safety import cap, id_code
from .views import AddStatementModal, EditStatementModal, ImportConfirmView, ReviewView, actor_name

if TYPE_CHECKING:
    from .app import QuoteBot

REVIEW_WINDOW = timedelta(days=30)
# A modal cannot follow a defer, so the reads before it must fit in Discord's 3-second window with room
# left for the answer; a slower database gets a refusal instead of a silently missed window.
MODAL_READ_SECONDS = 2.0


def is_moderator(member: discord.abc.User, permissions: discord.Permissions, role_setting: str) -> bool:
    """Manage Messages (or Administrator) in the channel, or the configured role, by name or id."""
    if permissions.manage_messages or permissions.administrator:
        return True
    wanted = role_setting.strip()
    if not wanted or not isinstance(member, discord.Member):
        return False
    return any(role.name == wanted or str(role.id) == wanted for role in member.roles)


@app_commands.guild_only()
@app_commands.default_permissions(manage_messages=True)
class Corpus(commands.GroupCog, group_name="corpus", group_description="Manage this server's corpus (moderators)"):
    """Moderator commands; each one is checked here, whatever the server's command permissions say."""

    def __init__(self, bot: QuoteBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        if not is_moderator(interaction.user, interaction.permissions, self.bot.settings.discord.moderator_role):
            raise NotModerator()
        return True

    @app_commands.command(name="add")
    async def add(self, interaction: discord.Interaction) -> None:
        """Add a statement to this server's corpus (opens a form)."""
        await interaction.response.send_modal(AddStatementModal(self.bot, interaction.guild_id))

    @app_commands.command(name="import")
    @app_commands.describe(file="An article, speech or transcript (.txt, .md) or statements (.jsonl)")
    async def import_(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        """Import statements from an attached file; you confirm after seeing what was found."""
        suffix = PurePath(file.filename).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            raise UserFacingError(f"Unsupported file type; use one of {', '.join(sorted(SUPPORTED_SUFFIXES))}.")
        limit_mb = self.bot.settings.limits.import_max_mb
        if file.size > limit_mb * 1024 * 1024:
            raise UserFacingError(f"The file is larger than {limit_mb:g} MB.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await file.read()
        content_hash = hashlib.sha256(data).hexdigest()
        origin = f"discord:{interaction.guild_id}/{cap(file.filename, 200)}"
        known = await asyncio.to_thread(self.bot.service.known_document, origin, content_hash, interaction.guild_id)
        if known is not None:
            await interaction.followup.send(
                embed=notice(f"This file was imported before ({plural(known, 'statement')}); nothing to do."), ephemeral=True)
            return
        doc = await asyncio.to_thread(parse_document, file.filename, decode(data))
        # Refused at the preview already (the store refuses it again at Confirm): a server imports only into itself.
        check_guild_scope(doc, interaction.guild_id)
        if not doc.statements:
            raise UserFacingError("No statement could be extracted from this file.")
        view = ImportConfirmView(self.bot, interaction.user.id, doc, origin=origin, content_hash=content_hash,
                                 guild_id=interaction.guild_id)
        view.message = await interaction.followup.send(embed=corpus_embeds.import_preview_embed(file.filename, doc),
                                                       view=view, ephemeral=True, wait=True)

    @app_commands.command(name="edit")
    @app_commands.describe(id="The statement id")
    async def edit(self, interaction: discord.Interaction, id: app_commands.Range[str, 1, 64]) -> None:
        """Edit a statement (opens a form; a concurrent edit is refused, not lost)."""
        sid = cap(id, 64).strip()
        owner = await self._is_owner(interaction)
        # A modal must be the first answer, so the (fast, indexed) reads happen before any defer; the rights
        # are checked here too, so a moderator is not asked to type an edit that would be refused.
        try:
            statement, version = await asyncio.wait_for(
                asyncio.to_thread(self._current, sid, interaction.guild_id, owner), MODAL_READ_SECONDS)
        except TimeoutError:
            # Past Discord's 3-second window the form could not be shown at all; say so while we still can.
            raise UserFacingError("The corpus database is slow right now, so the form cannot be opened. "
                                  "Please try again in a minute.") from None
        if statement is None or version is None:
            raise UserFacingError("There is no such statement in this server's corpus.")
        await interaction.response.send_modal(
            EditStatementModal(self.bot, statement, version, interaction.guild_id, owner=owner))

    def _current(self, sid: str, guild_id: int | None, owner: bool) -> tuple[StatementRecord | None, int | None]:
        statement = self.bot.service.get(sid, guild_id)
        if statement is not None:
            self.bot.service.check_may_change(sid, guild_id, owner=owner)
        return statement, self.bot.service.version(sid, guild_id)

    async def _is_owner(self, interaction: discord.Interaction) -> bool:
        """Whether the member is the bot's owner (or on its team): only they may change the shared corpus."""
        return bool(await self.bot.is_owner(interaction.user))

    @app_commands.command(name="remove")
    @app_commands.describe(id="The statement id", reason="Why it is removed (kept in the history)")
    async def remove(self, interaction: discord.Interaction, id: app_commands.Range[str, 1, 64],
                     reason: app_commands.Range[str, 1, 500]) -> None:
        """Remove a statement (it can be restored)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        owner = await self._is_owner(interaction)
        removed = await asyncio.to_thread(
            self.bot.service.remove, cap(id, 64).strip(), reason=cap(reason, 500), actor=actor_name(interaction.user),
            guild_id=interaction.guild_id, interaction_id=str(interaction.id), owner=owner)
        await interaction.followup.send(
            embed=notice(f"Removed statement {id_code(removed.id)}. `/corpus restore` with that id brings it back."),
            ephemeral=True)

    @app_commands.command(name="restore")
    @app_commands.describe(id="The statement id")
    async def restore(self, interaction: discord.Interaction, id: app_commands.Range[str, 1, 64]) -> None:
        """Bring back a removed statement."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        owner = await self._is_owner(interaction)
        restored = await asyncio.to_thread(
            self.bot.service.restore, cap(id, 64).strip(), actor=actor_name(interaction.user),
            guild_id=interaction.guild_id, interaction_id=str(interaction.id), owner=owner)
        await interaction.followup.send(embed=notice(f"Restored statement {id_code(restored.id)}."), ephemeral=True)

    @app_commands.command(name="history")
    @app_commands.describe(id="The statement id")
    async def history(self, interaction: discord.Interaction, id: app_commands.Range[str, 1, 64]) -> None:
        """Show who changed a statement, when and why."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        sid = cap(id, 64).strip()
        entries = await asyncio.to_thread(self.bot.service.history, sid, interaction.guild_id)
        await interaction.followup.send(embed=corpus_embeds.history_embed(sid, entries), ephemeral=True)

    @app_commands.command(name="review")
    async def review(self, interaction: discord.Interaction) -> None:
        """Open reports and the quotes most often checked without a match."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        since = datetime.now(UTC) - REVIEW_WINDOW
        reports, unverified = await asyncio.to_thread(self._queue, interaction.guild_id, since)
        view = ReviewView(self.bot, interaction.user.id, interaction.guild_id, reports, unverified)
        view.message = await interaction.followup.send(embed=corpus_embeds.review_embed(reports, unverified),
                                                       view=view, ephemeral=True, wait=True)

    def _queue(self, guild_id: int | None, since: datetime) -> tuple[list[Report], list[UnverifiedQuote]]:
        return self.bot.service.open_reports(guild_id, 25), self.bot.service.top_unverified(since, guild_id, 10)

    @app_commands.command(name="jobs")
    async def jobs(self, interaction: discord.Interaction) -> None:
        """Scheduled jobs: last run, result and next run."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        scheduler = self.bot.scheduler
        if scheduler is None:
            await interaction.followup.send(embed=notice("No scheduled jobs run in this bot process."), ephemeral=True)
            return
        from bot.jobs.status import format_chat

        statuses = await asyncio.to_thread(scheduler.status)
        # Results name folders, feed addresses and errors: the bot owner's business, not every server's.
        text = format_chat(statuses, details=await self._is_owner(interaction))
        await interaction.followup.send(embed=notice(text), ephemeral=True)

    @app_commands.command(name="stats")
    async def stats(self, interaction: discord.Interaction) -> None:
        """Counts of statements, sources, speakers, lookups and open reports."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        stats = await asyncio.to_thread(self.bot.service.stats, interaction.guild_id)
        await interaction.followup.send(embed=corpus_embeds.stats_embed(stats), ephemeral=True)
