"""/sync for the application's owner: register the slash commands without restarting or using the CLI."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from .embeds import notice
from .errors import NotOwner

if TYPE_CHECKING:
    from .app import QuoteBot


async def owner_only(interaction: discord.Interaction) -> bool:
    """The application's owner (or a member of its team), checked by the bot itself."""
    if not await interaction.client.is_owner(interaction.user):  # type: ignore[attr-defined]
        raise NotOwner()
    return True


class Admin(commands.Cog):
    """Owner commands."""

    def __init__(self, bot: QuoteBot) -> None:
        self.bot = bot

    @app_commands.command(name="sync")
    @app_commands.describe(scope="'here' registers in this server at once; 'global' everywhere (may take a while)")
    @app_commands.guild_only()
    @app_commands.default_permissions(administrator=True)
    @app_commands.check(owner_only)
    async def sync(self, interaction: discord.Interaction, scope: Literal["here", "global"] = "here") -> None:
        """Register the bot's slash commands (owner only)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        if scope == "global":
            synced = await self.bot.tree.sync()
        else:
            guild = discord.Object(id=interaction.guild_id or 0)
            self.bot.tree.copy_global_to(guild=guild)
            synced = await self.bot.tree.sync(guild=guild)
        await interaction.followup.send(embed=notice(f"Registered {len(synced)} commands ({scope})."), ephemeral=True)
