"""Moderators' buttons, selects and forms: import confirmation, the review queue, statement forms.

These views live in memory for 14 minutes, within the life of the interaction token that edits their
message, and are then greyed out: they answer one moderator's command in a private message, so a
restart only means running the command again. (The buttons under lookups, which everyone sees and
which must survive restarts, are in `buttons`.) Every callback that touches the corpus runs the
service in a thread and answers only after it returned.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import discord

from bot.core.invisible import remove_invisible
from bot.core.model import ParsedDocument, SourceInfo, StatementRecord
from bot.store.records import Report, UnverifiedQuote

from . import corpus_embeds
from .embeds import notice, plural
from .errors import InputError, reply_error, reply_failure
from .safety import QUOTE_MAX, cap, id_code, safe_url

if TYPE_CHECKING:
    from .app import QuoteBot

log = logging.getLogger(__name__)
# Buttons stop a minute before the interaction token (15 min) that lets the bot grey them out expires.
VIEW_TIMEOUT = 14 * 60.0
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

__all__ = ["AddStatementModal", "EditStatementModal", "ImportConfirmView", "InputError", "ReviewView",
           "SafeModal", "SafeView", "actor_name"]


def actor_name(user: discord.abc.User) -> str:
    """How a Discord user is named in the audit log: stable id first, display name for humans."""
    return f"discord:{user.id} ({cap(user.name, 64)})"


class SafeView(discord.ui.View):
    """A view whose failures reach the user as a plain ephemeral message."""

    owner_id: int | None = None
    message: discord.WebhookMessage | None = None  # set after sending, so a timeout can disable the buttons

    async def on_timeout(self) -> None:
        """Grey out the buttons so members see they no longer work."""
        if self.message is None:
            return
        for item in self.children:
            if isinstance(item, (discord.ui.Button, discord.ui.Select)):
                item.disabled = True
        try:
            await self.message.edit(view=self)
        except discord.HTTPException:
            pass  # the message may be gone, or the token expired: the buttons simply stay inert

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if self.owner_id is not None and interaction.user.id != self.owner_id:
            await reply_error(interaction, "These buttons belong to someone else's command.")
            return False
        return True

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]) -> None:
        await reply_failure(interaction, error, where=f"view {type(self).__name__}")


class SafeModal(discord.ui.Modal):
    """A modal whose failures reach the user as a plain ephemeral message."""

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:  # type: ignore[override]  # as discord.ui.Modal's own
        await reply_failure(interaction, error, where=f"modal {type(self).__name__}")


def _button(label: str, style: discord.ButtonStyle, callback: Callable[[discord.Interaction], Any],
            *, disabled: bool = False, row: int | None = None) -> discord.ui.Button[Any]:
    button: discord.ui.Button[Any] = discord.ui.Button(label=label, style=style, disabled=disabled, row=row)
    button.callback = callback  # type: ignore[assignment]
    return button


def _source_line(raw: str) -> tuple[str | None, str | None]:
    """'Title https://…' → (title, url); the link is kept only when it is a plain http(s) URL."""
    raw = raw.strip()
    match = re.search(r"https?://\S+", raw)
    url = safe_url(match.group(0)) if match else None
    title = (raw[: match.start()] + raw[match.end():]).strip(" |—-\n") if match else raw
    return (title or None), url


def _typed(raw: str) -> str:
    """A modal field as stored: invisible characters (zero-width, bidi controls) dropped, as on import."""
    return remove_invisible(raw).strip()


def _date_or_none(raw: str) -> str | None:
    raw = raw.strip()
    if not raw:
        return None
    if not _DATE.match(raw):
        raise InputError("The date must be written YYYY-MM-DD, e.g. 2025-05-19.")
    return raw


class AddStatementModal(SafeModal, title="Add a statement"):
    """/corpus add: one statement typed in by a moderator."""

    text: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Quote (exact words)", style=discord.TextStyle.paragraph, max_length=QUOTE_MAX, required=True)
    speaker: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Speaker", max_length=100, required=True)
    date: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Date (YYYY-MM-DD)", max_length=10, required=False, placeholder="2025-05-19")
    source: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Source title and link", max_length=400, required=False,
        placeholder="NPR: Trump and Putin talk https://www.npr.org/…")
    context: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Context (what was said around it)", style=discord.TextStyle.paragraph, max_length=2000, required=False)

    def __init__(self, bot: QuoteBot, guild_id: int | None, *, prefill: str | None = None) -> None:
        super().__init__(timeout=VIEW_TIMEOUT)
        self.bot, self.guild_id = bot, guild_id
        if prefill:
            self.text.default = cap(prefill, QUOTE_MAX)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        date = _date_or_none(self.date.value)
        title, url = _source_line(remove_invisible(self.source.value))
        record = StatementRecord(
            text=_typed(self.text.value), speaker=_typed(self.speaker.value) or None,
            source=SourceInfo(title=title, url=url, date=date, kind="statements"),
            date=date, context_before=_typed(self.context.value),
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        created = await asyncio.to_thread(
            self.bot.service.add, record, actor=actor_name(interaction.user), guild_id=self.guild_id,
            interaction_id=str(interaction.id),
        )
        await interaction.followup.send(
            embed=notice(f"Added statement {id_code(created.id)}; it is matched from now on, in this server only."),
            ephemeral=True,
        )


class EditStatementModal(SafeModal, title="Edit a statement"):
    """/corpus edit: the statement's words, speaker, date and context, prefilled; refused if edited meanwhile."""

    text: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Quote (exact words)", style=discord.TextStyle.paragraph, max_length=4000, required=True)
    speaker: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Speaker", max_length=200, required=False)
    date: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Date (YYYY-MM-DD)", max_length=10, required=False)
    before: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Context before", style=discord.TextStyle.paragraph, max_length=4000, required=False)
    after: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Context after", style=discord.TextStyle.paragraph, max_length=4000, required=False)

    def __init__(self, bot: QuoteBot, statement: StatementRecord, version: int, guild_id: int | None, *,
                 owner: bool = False) -> None:
        super().__init__(timeout=VIEW_TIMEOUT)
        self.bot, self.statement, self.version, self.guild_id = bot, statement, version, guild_id
        self.owner = owner  # the bot's owner may edit the shared corpus; the store checks it again on save
        self.text.default = cap(statement.text, 4000)
        self.speaker.default = cap(statement.speaker or "", 200)
        self.date.default = statement.date or ""
        self.before.default = cap(statement.context_before, 4000)
        self.after.default = cap(statement.context_after, 4000)

    def changes(self) -> dict[str, Any]:
        """Only the fields the moderator changed (a prefilled field cut to 4,000 characters is left alone)."""
        st = self.statement
        wanted: dict[str, Any] = {
            "text": _typed(self.text.value), "speaker": _typed(self.speaker.value) or None,
            "date": _date_or_none(self.date.value),
            "context_before": _typed(self.before.value), "context_after": _typed(self.after.value),
        }
        current = {"text": st.text, "speaker": st.speaker, "date": st.date,
                   "context_before": st.context_before, "context_after": st.context_after}
        return {k: v for k, v in wanted.items()
                if v != current[k] and (v or "") != cap(current[k] or "", 4000).strip()}

    async def on_submit(self, interaction: discord.Interaction) -> None:
        changes = self.changes()
        if not changes:
            await interaction.response.send_message(embed=notice("Nothing changed."), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        edited = await asyncio.to_thread(
            self.bot.service.edit, self.statement.id or "", changes, expected_version=self.version,
            actor=actor_name(interaction.user), guild_id=self.guild_id, interaction_id=str(interaction.id),
            owner=self.owner,
        )
        fields = ", ".join(sorted(changes))
        await interaction.followup.send(embed=notice(f"Saved statement {id_code(edited.id)} ({fields})."), ephemeral=True)


class ImportConfirmView(SafeView):
    """The statements extracted from an attachment, waiting for the moderator's Confirm or Cancel."""

    def __init__(self, bot: QuoteBot, owner_id: int, doc: ParsedDocument, *, origin: str, content_hash: str,
                 guild_id: int | None) -> None:
        super().__init__(timeout=VIEW_TIMEOUT)
        self.bot, self.owner_id, self.doc = bot, owner_id, doc
        self.origin, self.content_hash, self.guild_id = origin, content_hash, guild_id
        self.add_item(_button("Confirm", discord.ButtonStyle.success, self.confirm))
        self.add_item(_button("Cancel", discord.ButtonStyle.secondary, self.cancel))

    async def confirm(self, interaction: discord.Interaction) -> None:
        """Store the document with its audit row, then say what changed."""
        await interaction.response.defer()
        self.stop()
        outcome = await asyncio.to_thread(
            self.bot.service.import_document, self.doc, origin=self.origin, content_hash=self.content_hash,
            guild_id=self.guild_id, actor=actor_name(interaction.user),
        )
        await interaction.edit_original_response(embed=corpus_embeds.import_done_embed(outcome), view=None)

    async def cancel(self, interaction: discord.Interaction) -> None:
        """Drop the preview; nothing is stored."""
        self.stop()
        await interaction.response.edit_message(embed=notice("Import cancelled: nothing was added."), view=None)


SELECT_OPTIONS_MAX = 25  # Discord's limit on a select's options


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _report_select(reports: Sequence[Report]) -> discord.ui.Select[Any]:
    """A select of open reports, each labelled with its number and quote, described by its note or verdict."""
    options = [discord.SelectOption(label=cap(f"#{r.id}: {_one_line(r.quote)}", 100), value=str(r.id),
                                    description=cap(r.note or r.verdict or "", 100) or None)
               for r in reports]
    return discord.ui.Select(placeholder="Mark a report as resolved…", options=options)


def _unverified_select(unverified: Sequence[UnverifiedQuote]) -> discord.ui.Select[Any]:
    """A select of the quotes most checked without a match (the value is the position in the list)."""
    options = [discord.SelectOption(label=cap(_one_line(u.quote) or "(blank)", 100), value=str(i),
                                    description=f"checked {plural(u.count, 'time')}")
               for i, u in enumerate(unverified)]
    return discord.ui.Select(placeholder="Add a statement for a quote users keep checking…", options=options)


class ReviewView(SafeView):
    """/corpus review: resolve a report, or add a statement for a quote users keep checking."""

    def __init__(self, bot: QuoteBot, owner_id: int, guild_id: int | None, reports: Sequence[Report],
                 unverified: Sequence[UnverifiedQuote]) -> None:
        super().__init__(timeout=VIEW_TIMEOUT)
        self.bot, self.owner_id, self.guild_id = bot, owner_id, guild_id
        self.reports, self.unverified = list(reports[:SELECT_OPTIONS_MAX]), list(unverified[:SELECT_OPTIONS_MAX])
        if self.reports:
            self.resolve_select = _report_select(self.reports)
            self.resolve_select.callback = self.resolve  # type: ignore[method-assign]
            self.add_item(self.resolve_select)
        if self.unverified:
            self.add_select = _unverified_select(self.unverified)
            self.add_select.callback = self.add_statement  # type: ignore[method-assign]
            self.add_item(self.add_select)

    async def resolve(self, interaction: discord.Interaction) -> None:
        """Close the chosen report and show the queue without it."""
        report_id = int(self.resolve_select.values[0])
        await interaction.response.defer()
        await asyncio.to_thread(self.bot.service.resolve_report, report_id, resolution="resolved",
                                actor=actor_name(interaction.user), guild_id=self.guild_id)
        self.reports = [r for r in self.reports if r.id != report_id]
        embed = corpus_embeds.review_embed(self.reports, self.unverified)
        embed.set_footer(text=f"Report #{report_id} resolved.")
        view = ReviewView(self.bot, interaction.user.id, self.guild_id, self.reports, self.unverified)
        self.stop()
        view.message = await interaction.edit_original_response(embed=embed, view=view)  # type: ignore[assignment]

    async def add_statement(self, interaction: discord.Interaction) -> None:
        """Open the add form with the chosen quote filled in."""
        quote = self.unverified[int(self.add_select.values[0])].quote
        await interaction.response.send_modal(AddStatementModal(self.bot, self.guild_id, prefill=quote))

