"""Buttons under lookups that keep working after a restart: More context, Other matches, Report a problem,
and the /search pages.

Each button is a `discord.ui.DynamicItem`: what it needs is written into its custom_id (`qc:ctx:<statement
id>`, `qc:alt:<ref>`, `qc:rep:<ref>`, `qc:page:<ref>:<page>`), and what does not fit (the quote as
submitted, a search's hits) lives in the database under an unguessable reference (`bot.store.buttons`).
The classes are registered in `setup_hook`, so a click on a message sent before a restart is answered
by whichever process receives it. A custom_id is never trusted: it is parsed strictly, and a reference
is only read back for the server (or, in direct messages, the user) it was written for.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord
from sqlalchemy.exc import SQLAlchemyError

from bot.core.model import Alternative, CheckResult, StatementRecord
from bot.store.buttons import ButtonRef, ButtonRefs

from .embeds import alternatives_embed, context_embed, notice, search_page_embed
from .errors import UserFacingError, reply_failure
from .safety import cap, storable
from .views import actor_name

if TYPE_CHECKING:
    from .app import QuoteBot

log = logging.getLogger(__name__)

RESULT_KIND = "result"
SEARCH_KIND = "search"
PER_PAGE = 5
ALTERNATIVES_KEPT = 10
# A modal must be the first answer, so the read before it has to leave room in Discord's 3 seconds.
MODAL_READ_SECONDS = 2.0
_REF = re.compile(r"[A-Za-z0-9_-]{1,32}")
_STATEMENT_ID = re.compile(r"[^\s]{1,64}")
_PAGE_ARG = re.compile(r"(?P<ref>[A-Za-z0-9_-]{1,32}):(?P<page>-?\d{1,4})")

EXPIRED = ("This button has expired: what it needed is kept only for a limited time. "
           "Run the command again for fresh buttons.")
UNKNOWN = "This button is not one I can answer. Run the command again for fresh buttons."


def button_refs(bot: QuoteBot) -> ButtonRefs:
    """The bot's store of button payloads, kept as long as the lookup log."""
    return bot.service.button_refs(bot.settings.jobs.lookup_log_days)


async def _load(interaction: discord.Interaction, ref: str, kind: str) -> ButtonRef:
    """The stored payload behind a button, or UserFacingError when it is gone or not this server's."""
    bot: QuoteBot = interaction.client  # type: ignore[assignment]
    found = await asyncio.to_thread(button_refs(bot).load, ref, kind, guild_id=interaction.guild_id,
                                    user_id=interaction.user.id)
    if found is None:
        raise UserFacingError(EXPIRED)
    return found


async def _statements(bot: QuoteBot, scored: Sequence[Sequence[Any]], guild_id: int | None) -> list[tuple[StatementRecord, float]]:
    """The statements still in this server's corpus among stored `[id, score]` pairs, in their order."""

    def fetch() -> list[tuple[StatementRecord, float]]:
        found = []
        for pair in scored:
            if len(pair) != 2 or not isinstance(pair[0], str):
                continue
            statement = bot.service.get(pair[0], guild_id)
            if statement is not None:
                found.append((statement, float(pair[1])))
        return found

    return await asyncio.to_thread(fetch)


# Each template ends in `.*` (newlines included, `(?s)`) so that every `qc:` custom_id reaches exactly one
# class, which parses it strictly and can answer a malformed one; a narrower template would leave it unanswered.


class _Answering:
    """Shared by the button classes: every failure reaches the clicker as a plain private message.

    discord.py only logs what a dynamic item's callback raises, so without this a failed click would
    leave the member with Discord's bare "This interaction failed".
    """

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self.answer(interaction)
        except Exception as error:
            await reply_failure(interaction, error, where=type(self).__name__)

    async def answer(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError


def _button(label: str, custom_id: str, style: discord.ButtonStyle, *, disabled: bool = False) -> discord.ui.Button[Any]:
    return discord.ui.Button(label=label, custom_id=custom_id, style=style, disabled=disabled)


class ContextButton(_Answering, discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?s)qc:ctx:(?P<arg>.*)"):
    """More context: the statement in its longer surroundings, privately."""

    def __init__(self, statement_id: str) -> None:
        super().__init__(_button("More context", f"qc:ctx:{statement_id}", discord.ButtonStyle.secondary))
        self.statement_id = statement_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> ContextButton:
        return cls(match["arg"])  # checked in `answer`, where a refusal can be said

    async def answer(self, interaction: discord.Interaction) -> None:
        if not _STATEMENT_ID.fullmatch(self.statement_id):
            raise UserFacingError(UNKNOWN)
        bot: QuoteBot = interaction.client  # type: ignore[assignment]
        await interaction.response.defer(ephemeral=True, thinking=True)
        statement = await asyncio.to_thread(bot.service.get, self.statement_id, interaction.guild_id)
        if statement is None:
            raise UserFacingError("That statement is no longer in this server's corpus.")
        await interaction.followup.send(embed=context_embed(statement), ephemeral=True)


class AlternativesButton(_Answering, discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?s)qc:alt:(?P<arg>.*)"):
    """Other matches: the other statements the quote resembled, privately."""

    def __init__(self, ref: str) -> None:
        super().__init__(_button("Other matches", f"qc:alt:{ref}", discord.ButtonStyle.secondary))
        self.ref = ref

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> AlternativesButton:
        return cls(match["arg"])

    async def answer(self, interaction: discord.Interaction) -> None:
        if not _REF.fullmatch(self.ref):
            raise UserFacingError(UNKNOWN)
        bot: QuoteBot = interaction.client  # type: ignore[assignment]
        await interaction.response.defer(ephemeral=True, thinking=True)
        stored = await _load(interaction, self.ref, RESULT_KIND)
        found = await _statements(bot, stored.payload.get("alternatives") or [], interaction.guild_id)
        alternatives = [Alternative(statement=statement, score=score) for statement, score in found]
        await interaction.followup.send(embed=alternatives_embed(alternatives), ephemeral=True)


class ReportButton(_Answering, discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?s)qc:rep:(?P<arg>.*)"):
    """Report a problem: asks what is wrong (a modal); the answer goes to the review queue."""

    def __init__(self, ref: str) -> None:
        super().__init__(_button("Report a problem", f"qc:rep:{ref}", discord.ButtonStyle.danger))
        self.ref = ref

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> ReportButton:
        return cls(match["arg"])

    async def answer(self, interaction: discord.Interaction) -> None:
        if not _REF.fullmatch(self.ref):
            raise UserFacingError(UNKNOWN)
        try:
            # Read now so a stale button is refused before the member types a report that would be lost.
            await asyncio.wait_for(_load(interaction, self.ref, RESULT_KIND), MODAL_READ_SECONDS)
        except TimeoutError:
            raise UserFacingError("The corpus database is slow right now, so the form cannot be opened. "
                                  "Please try again in a minute.") from None
        form = ReportForm(self.ref)
        await interaction.response.send_modal(form)
        # The submission is handled by `submit_report` (a listener), not by this object, so a form
        # filled in while the bot restarts is still received.
        form.stop()


class PageButton(_Answering, discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?s)qc:page:(?P<arg>.*)"):
    """◀ Previous / Next ▶ under /search results (`qc:page:<ref>:<page>`); only the member who searched turns pages."""

    def __init__(self, arg: str, label: str = "Page", *, disabled: bool = False) -> None:
        super().__init__(_button(label, f"qc:page:{arg}", discord.ButtonStyle.secondary, disabled=disabled))
        self.arg = arg

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> PageButton:
        return cls(match["arg"])

    async def answer(self, interaction: discord.Interaction) -> None:
        parsed = _PAGE_ARG.fullmatch(self.arg)
        if parsed is None:
            raise UserFacingError(UNKNOWN)
        stored = await _load(interaction, parsed["ref"], SEARCH_KIND)
        if stored.user_id != interaction.user.id:
            raise UserFacingError("Only the member who searched can turn these pages; run /search for your own.")
        await interaction.response.defer()
        bot: QuoteBot = interaction.client  # type: ignore[assignment]
        embed, view = await search_page(bot, stored, int(parsed["page"]), interaction.guild_id)
        await interaction.edit_original_response(embed=embed, view=view)


class UnknownButton(_Answering, discord.ui.DynamicItem[discord.ui.Button[Any]],
                    template=r"(?s)qc:(?!(?:ctx|alt|rep|page):).*"):
    """Any other `qc:` custom_id (from an older version of the bot, or crafted): a clear answer, nothing else."""

    def __init__(self, custom_id: str = "qc:unknown") -> None:
        super().__init__(_button("?", custom_id, discord.ButtonStyle.secondary))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> UnknownButton:
        return cls(match.group(0)[:100])

    async def answer(self, interaction: discord.Interaction) -> None:
        raise UserFacingError(UNKNOWN)


PERSISTENT_BUTTONS = (ContextButton, AlternativesButton, ReportButton, PageButton, UnknownButton)


REPORT_FORM_PREFIX = "qc:repform:"
REPORT_NOTE_ID = "note"


class ReportForm(discord.ui.Modal, title="Report a problem"):
    """What the user thinks is wrong with a verdict (the form's custom_id names the stored result)."""

    note: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="What is wrong?", style=discord.TextStyle.paragraph, max_length=1000, custom_id=REPORT_NOTE_ID,
        placeholder="e.g. the quote is real: it is from a speech on 3 May", required=True,
    )

    def __init__(self, ref: str) -> None:
        super().__init__(custom_id=f"{REPORT_FORM_PREFIX}{ref}", timeout=None)


def _submitted_value(components: Any, custom_id: str) -> str | None:
    """The value of the text input `custom_id` in a modal submission (in action rows or labels)."""
    for component in components or []:
        if not isinstance(component, dict):
            continue
        if component.get("custom_id") == custom_id and isinstance(component.get("value"), str):
            return str(component["value"])
        nested = component.get("components") or ([component["component"]] if "component" in component else [])
        found = _submitted_value(nested, custom_id)
        if found is not None:
            return found
    return None


async def submit_report(interaction: discord.Interaction) -> None:
    """Listener for every interaction: files the report of a submitted Report form into the review queue."""
    data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
    custom_id = str(data.get("custom_id", ""))
    if interaction.type is not discord.InteractionType.modal_submit or not custom_id.startswith(REPORT_FORM_PREFIX):
        return
    try:
        await _file_report(interaction, custom_id[len(REPORT_FORM_PREFIX):], data)
    except Exception as error:
        await reply_failure(interaction, error, where="report form")


async def _file_report(interaction: discord.Interaction, ref: str, data: dict[str, Any]) -> None:
    if not _REF.fullmatch(ref):
        raise UserFacingError(UNKNOWN)
    note = _submitted_value(data.get("components"), REPORT_NOTE_ID)
    if not note or not note.strip():
        raise UserFacingError("The report is empty: say what is wrong with the verdict.")
    await interaction.response.defer(ephemeral=True, thinking=True)
    stored = await _load(interaction, ref, RESULT_KIND)
    subject = stored.payload
    speaker = subject.get("speaker")
    bot: QuoteBot = interaction.client  # type: ignore[assignment]
    report = await asyncio.to_thread(
        bot.service.report,
        quote=storable(str(subject.get("quote", ""))), reporter=actor_name(interaction.user),
        guild_id=interaction.guild_id, speaker=storable(str(speaker)) if speaker else None,
        statement_id=subject.get("statement_id"), verdict=subject.get("verdict"),
        note=storable(cap(note, 1000)), interaction_id=str(interaction.id),
    )
    await interaction.followup.send(
        embed=notice(f"Thank you: report #{report.id} is in the moderators' review queue."), ephemeral=True
    )


# --------------------------------------------------------------------------- building the messages
async def result_view(bot: QuoteBot, result: CheckResult, interaction: discord.Interaction) -> discord.ui.View:
    """The buttons under a /verify answer; the quote and the alternatives are stored for them first."""
    payload = {
        "quote": result.quote, "speaker": result.speaker, "verdict": result.verdict,
        "statement_id": result.match.id if result.match else None,
        "alternatives": [[alt.statement.id, round(alt.score, 1)] for alt in result.alternatives[:ALTERNATIVES_KEPT]],
    }
    ref = await _save(bot, RESULT_KIND, payload, interaction)
    view = discord.ui.View(timeout=None)
    if result.match is not None and result.match.id and len(result.match.id) <= 64:
        view.add_item(ContextButton(result.match.id))
    if ref is not None:
        if result.alternatives:
            view.add_item(AlternativesButton(ref))
        view.add_item(ReportButton(ref))
    return view


async def new_search(bot: QuoteBot, interaction: discord.Interaction, query: str,
                     hits: Sequence[tuple[StatementRecord, float]]) -> tuple[discord.Embed, discord.ui.View]:
    """The first page of a search and its pager; the hits are stored so later pages show the same results."""
    payload = {"query": query, "hits": [[statement.id, round(score, 1)] for statement, score in hits]}
    ref = await _save(bot, SEARCH_KIND, payload, interaction)
    pages = _page_count(len(hits))
    embed = search_page_embed(query, list(hits[:PER_PAGE]), 0, PER_PAGE, len(hits))
    return embed, (_pager(ref, 0, pages) if ref is not None else discord.ui.View(timeout=None))


async def _save(bot: QuoteBot, kind: str, payload: dict[str, Any], interaction: discord.Interaction) -> str | None:
    """Store a payload for buttons; None when the database refuses, so the answer goes out without those buttons."""
    try:
        return await asyncio.to_thread(button_refs(bot).save, kind, payload, guild_id=interaction.guild_id,
                                       user_id=interaction.user.id)
    except SQLAlchemyError as exc:
        log.warning("buttons not stored, sent without them: %s", str(exc).splitlines()[0] if str(exc) else exc)
        return None


async def search_page(bot: QuoteBot, stored: ButtonRef, page: int, guild_id: int | None) -> tuple[discord.Embed, discord.ui.View]:
    """Page `page` (clamped to the pages there are) of a stored search, with statements removed since left out."""
    scored = list(stored.payload.get("hits") or [])
    pages = _page_count(len(scored))
    page = min(max(page, 0), pages - 1)
    found = await _statements(bot, scored[page * PER_PAGE : (page + 1) * PER_PAGE], guild_id)
    embed = search_page_embed(str(stored.payload.get("query", "")), found, page, PER_PAGE, len(scored))
    return embed, _pager(stored.ref, page, pages)


def _page_count(hits: int) -> int:
    return max((hits + PER_PAGE - 1) // PER_PAGE, 1)


def _pager(ref: str, page: int, pages: int) -> discord.ui.View:
    # The two buttons point at different pages, so their custom_ids differ even when both are disabled.
    view = discord.ui.View(timeout=None)
    view.add_item(PageButton(f"{ref}:{page - 1}", "◀ Previous", disabled=page == 0))
    view.add_item(PageButton(f"{ref}:{page + 1}", "Next ▶", disabled=page >= pages - 1))
    return view
