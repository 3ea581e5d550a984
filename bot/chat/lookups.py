"""Lookups for everyone: /verify (speaker autocompletes), the `Verify quotes` message menu, /search, /source."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.claims import find_claims
from bot.core.dates import date_bound as inclusive_bound
from bot.core.model import CheckResult, SearchFilter
from bot.imaging.decode import ImageError
from bot.imaging.reader import shared_reader

from .buttons import new_search, result_view
from .embeds import compact_result_embed, fit, result_embed, statement_embed
from .errors import UserFacingError, answered, defer_public
from .pictures import Picture, attachment_picture, fetch, message_pictures
from .safety import QUOTE_MAX, cap, check_quote, cut, quote_block, safe

if TYPE_CHECKING:
    from .app import QuoteBot

MESSAGE_MAX = 2000
MESSAGE_READ_MAX = 4000  # a message's content is at most 4,000 characters (Nitro); anything beyond is not read
CLAIMS_MAX = 5
# The embeds of one reply share Discord's 6,000 characters; the rest of the budget is for the heading.
CLAIMS_EMBED_BUDGET = 5800
PICTURE_TEXT_BUDGET = 1500  # of the message content, for the text read from the pictures
SEARCH_MAX = 50


async def lookup_allowed(interaction: discord.Interaction) -> bool:
    """The per-user cooldown shared by every lookup command."""
    bot: QuoteBot = interaction.client  # type: ignore[assignment]
    retry = bot.limiter.hit(interaction.user.id)
    if retry > 0:
        raise app_commands.CommandOnCooldown(app_commands.Cooldown(bot.limiter.rate, bot.limiter.per), retry)
    return True


def date_bound(raw: str | None, *, end: bool) -> str | None:
    """'2025' / '2025-05' / '2025-05-19' as an inclusive ISO bound; UserFacingError for anything else."""
    try:
        return inclusive_bound(raw, end=end)
    except ValueError:
        raise UserFacingError("Dates are written YYYY, YYYY-MM or YYYY-MM-DD.") from None


@dataclass(frozen=True)
class PictureReading:
    """What one picture gave: the text read and its quotations, or why it could not be read."""

    picture: Picture
    text: str = ""
    claims: tuple[tuple[str, str | None], ...] = ()
    error: str | None = None


def usable_claims(found: Sequence[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """The quotations within the quote limit and checkable, each with its speaker cut to the option's limit."""
    usable = []
    for quote, speaker in found:
        quote = cap(quote, QUOTE_MAX)
        if not check_quote(quote):
            usable.append((quote, cap(speaker, 100) if speaker else None))
    return usable


def pictures_text(readings: Sequence[PictureReading], budget: int = PICTURE_TEXT_BUDGET) -> str:
    """The text read from each picture as an escaped block quote (or why there is none), within `budget`."""
    share = max(budget // max(len(readings), 1) - 60, 100)
    parts = []
    for reading in readings:
        name = _picture_name(reading)
        problem = _nothing_read(reading)
        parts.append(f"**{name}**: {problem}" if problem else f"**Text read from {name}**\n{quote_block(reading.text, share)}")
    return "\n".join(parts)


def _picture_name(reading: PictureReading) -> str:
    return safe(reading.picture.name, 60) or "the picture"


def _nothing_read(reading: PictureReading) -> str | None:
    """Why a picture gave no text (safe to show), or None when text was read."""
    if reading.error:
        return safe(reading.error, 200)
    if not reading.text.strip():
        return "no text found."
    return None


def claims_to_check(text: str, limit: int = CLAIMS_MAX) -> tuple[list[tuple[str, str | None]], int]:
    """The quotations of a chat message worth checking (at most `limit`, each within the quote limit,
    with the speaker named next to it), and how many quotations the message holds in all."""
    found = find_claims(text)
    return usable_claims(found)[:limit], len(found)


class Lookups(commands.Cog):
    """Commands every member can use."""

    def __init__(self, bot: QuoteBot) -> None:
        self.bot = bot
        self.menu = app_commands.ContextMenu(name="Verify quotes", callback=self.verify_message)
        self.menu.add_check(lookup_allowed)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    async def speaker_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """Speakers of the corpus starting with what the member typed (this server's and the shared ones)."""
        names = await asyncio.to_thread(self.bot.service.speakers, cap(current, 100), interaction.guild_id, 25)
        return [app_commands.Choice(name=cap(n, 100), value=cap(n, 100)) for n in names if n and n.strip()][:25]

    @app_commands.command(name="verify")
    @app_commands.describe(quote="The quotation, as you saw it", speaker="Who it is attributed to (optional)",
                           image="A picture of the quotation (quote card, screenshot) instead of typed words")
    @app_commands.check(lookup_allowed)
    async def verify(
        self,
        interaction: discord.Interaction,
        quote: app_commands.Range[str, 1, QUOTE_MAX] | None = None,
        speaker: app_commands.Range[str, 1, 100] | None = None,
        image: discord.Attachment | None = None,
    ) -> None:
        """Check a quotation against the corpus of verified statements."""
        if image is not None:
            if quote:
                raise UserFacingError("Give either a quote or a picture, not both.")
            await self._verify_picture(interaction, image, cap(speaker, 100) if speaker else None)
            return
        if quote is None:
            raise UserFacingError("Give the quote to check, or attach a picture of it.")
        problem = check_quote(quote)  # the option's Range is only a hint to the Discord app
        if problem:
            raise UserFacingError(problem)
        speaker = cap(speaker, 100) if speaker else None
        await defer_public(interaction)
        result = await asyncio.to_thread(self.bot.service.check, quote, speaker, interaction.guild_id)
        view = await result_view(self.bot, result, interaction)
        await interaction.followup.send(embed=result_embed(result), view=view)
        answered(interaction)

    verify.autocomplete("speaker")(speaker_choices)

    async def _verify_picture(self, interaction: discord.Interaction, image: discord.Attachment,
                              speaker: str | None) -> None:
        """/verify with a picture: the text read from it and the verdict on each quotation printed in it."""
        await defer_public(interaction)
        reading = await self._read(attachment_picture(image))
        claims = usable_claims(reading.claims)
        if reading.error or not claims:
            raise UserFacingError(_unreadable([reading]))
        results = await asyncio.to_thread(self._check_read, claims[:CLAIMS_MAX], speaker, interaction.guild_id)
        await self._send_results(interaction, "", results, len(claims), [reading])

    async def verify_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Check every quotation in a message, in its text and in its pictures."""
        text = cap(message.content or "", MESSAGE_READ_MAX)
        await defer_public(interaction)
        claims, found = await asyncio.to_thread(claims_to_check, text, self.bot.settings.limits.claims_per_message)
        pictures = message_pictures(message)
        if not claims and not pictures:
            raise UserFacingError("I found no quotation in that message.")
        readings = [await self._read(picture) for picture in pictures]
        read: list[tuple[str, str | None]] = []
        for reading in readings:
            from_picture = usable_claims(reading.claims)
            found += len(from_picture)
            read.extend(from_picture)
        if not claims and not read:
            raise UserFacingError(_unreadable(readings) if readings else "I found no quotation in that message.")
        typed, read = claims[:CLAIMS_MAX], read[: max(CLAIMS_MAX - len(claims), 0)]
        results = await asyncio.to_thread(self._check_all, typed, interaction.guild_id)
        results += await asyncio.to_thread(self._check_read, read, None, interaction.guild_id)
        await self._send_results(interaction, f" from {message.jump_url}", results, found, readings)

    async def _read(self, picture: Picture) -> PictureReading:
        """Fetch and read one picture off the event loop; a picture that cannot be read says why."""
        reader = getattr(self.bot, "image_reader", None) or shared_reader(self.bot.settings.limits)
        try:
            data = await fetch(picture, reader.limits, self.bot.settings.discord.api_base)
            read = await asyncio.to_thread(reader.read, data)
        except ImageError as exc:
            return PictureReading(picture, error=str(exc))
        return PictureReading(picture, read.text, read.claims)

    async def _send_results(self, interaction: discord.Interaction, where: str, results: list[CheckResult],
                            found: int, readings: Sequence[PictureReading]) -> None:
        # Each result gets an equal share, less room for its title and colour.
        share = min(CLAIMS_EMBED_BUDGET // len(results) - 100, 2000)
        embeds = fit([compact_result_embed(r, budget=share) for r in results])
        head = f"Checked {len(results)} quotation{'s' if len(results) > 1 else ''}{where}"
        if found > len(results):
            head += f" (the first {len(results)} of {found})"
        content = head + ("\n" + pictures_text(readings) if readings else "")
        await interaction.followup.send(content=cut(content, MESSAGE_MAX), embeds=embeds)
        answered(interaction)

    def _check_all(self, claims: list[tuple[str, str | None]], guild_id: int | None) -> list[CheckResult]:
        return [self.bot.service.check(quote, speaker, guild_id) for quote, speaker in claims]

    def _check_read(self, claims: list[tuple[str, str | None]], speaker: str | None, guild_id: int | None) -> list[CheckResult]:
        """Quotations read from pictures, with the name printed under each (`speaker`, given by the user, wins)."""
        return [self.bot.service.check_read(quote, speaker, guild_id, printed=printed) for quote, printed in claims]

    @app_commands.command(name="search")
    @app_commands.describe(query="Words to look for", speaker="Only statements by this person",
                           date_from="From this date (YYYY, YYYY-MM or YYYY-MM-DD)", date_to="Up to this date")
    @app_commands.rename(date_from="from", date_to="to")
    @app_commands.check(lookup_allowed)
    async def search(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, 300],
        speaker: app_commands.Range[str, 1, 100] | None = None,
        date_from: app_commands.Range[str, 4, 10] | None = None,
        date_to: app_commands.Range[str, 4, 10] | None = None,
    ) -> None:
        """Find statements in the corpus by their words."""
        query = cap(query, 300)
        if not query.strip():
            raise UserFacingError("The search is empty.")
        flt = SearchFilter(speaker=cap(speaker, 100) if speaker else None, date_from=date_bound(date_from, end=False),
                           date_to=date_bound(date_to, end=True), guild_id=interaction.guild_id)
        await defer_public(interaction)
        hits = await asyncio.to_thread(self.bot.service.search, query, flt, SEARCH_MAX)
        embed, pager = await new_search(self.bot, interaction, query, hits)
        await interaction.followup.send(embed=embed, view=pager)
        answered(interaction)

    search.autocomplete("speaker")(speaker_choices)

    @app_commands.command(name="source")
    @app_commands.describe(id="The statement id shown under a result")
    @app_commands.check(lookup_allowed)
    async def source(self, interaction: discord.Interaction, id: app_commands.Range[str, 1, 64]) -> None:
        """Show a statement in full, with its context and source."""
        await defer_public(interaction)
        statement = await asyncio.to_thread(self.bot.service.get, cap(id, 64).strip(), interaction.guild_id)
        if statement is None:
            raise UserFacingError("There is no statement with that id here.")
        await interaction.followup.send(embed=statement_embed(statement))
        answered(interaction)


def _unreadable(readings: Sequence[PictureReading]) -> str:
    """One line per picture saying why it gave nothing to check (already safe to show)."""
    lines = []
    for reading in readings:
        problem = _nothing_read(reading) or f"no quotation found in the text read: {safe(' '.join(reading.text.split()), 300)}"
        lines.append(f"{_picture_name(reading)}: {problem}")
    return "\n".join(lines)
