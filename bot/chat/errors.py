"""One error handler for every application command: a plain ephemeral message, never a traceback or raw input."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.core.errors import QuotecheckError

from .safety import safe

log = logging.getLogger(__name__)


class NotModerator(app_commands.CheckFailure):
    """The member is neither in the moderator role nor allowed to manage messages."""


class NotOwner(app_commands.CheckFailure):
    """Only the application's owner may run this command."""


class UserFacingError(QuotecheckError, app_commands.AppCommandError):
    """A failure whose message is safe to show as it is (written by the bot, not echoed input)."""

    @property
    def user_message(self) -> str:
        return str(self)


class InputError(UserFacingError):
    """A form value the bot cannot use; the message (written by the bot) says why."""


GENERIC_FAILURE = "Something went wrong on our side; the error was logged. Please try again later."


def plain_message(error: BaseException) -> str | None:
    """The sentence for a domain error the user can act on (conflict, unknown id, bad file), else None."""
    if not isinstance(error, QuotecheckError) or error.user_message is None:
        return None
    if error.quotes_input:  # the message may repeat what the user typed: shown, never interpreted
        return safe(error.user_message, 300) or "That input cannot be used."
    return error.user_message


def describe(error: app_commands.AppCommandError) -> str:
    """The sentence a user sees for `error`."""
    original = getattr(error, "original", error)
    domain = plain_message(original)
    if domain is not None:
        return domain
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"You are checking quotes quickly: try again in {error.retry_after:.0f} s."
    if isinstance(error, NotModerator):
        return "This command is for moderators (the moderator role or Manage Messages)."
    if isinstance(error, NotOwner):
        return "Only the bot's owner can do that."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server."
    if isinstance(error, app_commands.CheckFailure):
        return "You cannot use this command here."
    if isinstance(error, UserFacingError):
        return str(error)
    if isinstance(original, UserFacingError):
        return str(original)
    if isinstance(error, app_commands.TransformerError):
        return "One of the options has a value this command cannot use."
    return GENERIC_FAILURE


PUBLIC_DEFER = "quotecheck.public_defer"


async def defer_public(interaction: discord.Interaction) -> None:
    """Defer with a public 'thinking…' message, remembering it so an error can remove it and answer privately."""
    interaction.extras[PUBLIC_DEFER] = True
    await interaction.response.defer(thinking=True)


def answered(interaction: discord.Interaction) -> None:
    """Mark the public answer as sent: an error after this point does not delete it."""
    interaction.extras[PUBLIC_DEFER] = False


async def reply_error(interaction: discord.Interaction, text: str) -> None:
    """Answer with `text` only the user can see, whether or not the interaction was already acknowledged."""
    if interaction.type is discord.InteractionType.autocomplete:
        return  # suggestions cannot carry a message; the member simply sees none
    embed = discord.Embed(description=text, colour=discord.Colour.red())
    try:
        if interaction.extras.get(PUBLIC_DEFER):
            # A public "thinking…" would otherwise turn the error into a message everyone sees.
            interaction.extras[PUBLIC_DEFER] = False
            await interaction.delete_original_response()
        if interaction.response.is_done():
            await interaction.followup.send(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, ephemeral=True)
    except discord.HTTPException as exc:
        # The token may have expired (10062) or been used (40060); nothing more can be said to the user.
        log.warning("could not send an error reply: %s %s", exc.status, exc.code)


async def reply_failure(interaction: discord.Interaction, error: BaseException, *, where: str) -> None:
    """Answer a failed button, select or form privately: the plain sentence for an error the user can act
    on, else a generic one (and the error goes to the log, never to the user)."""
    message = plain_message(error)
    if message is None and isinstance(error, UserFacingError):
        message = str(error)
    if message is None:
        log.error("%s failed", where, exc_info=error)
        message = GENERIC_FAILURE
    await reply_error(interaction, message)


class QuoteTree(app_commands.CommandTree):
    """The command tree with the bot's single `on_error`."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        original = getattr(error, "original", error)
        expected = isinstance(error, (app_commands.CheckFailure, app_commands.CommandOnCooldown, UserFacingError))
        expected = expected or plain_message(original) is not None
        if not expected:
            name = interaction.command.qualified_name if interaction.command else "?"
            log.error("command %s failed", name, exc_info=getattr(error, "original", error))
        await reply_error(interaction, describe(error))
