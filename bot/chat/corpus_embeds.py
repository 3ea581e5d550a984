"""Embeds for moderators: import previews and outcomes, audit history, statistics, the review queue."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.core.model import ParsedDocument
from bot.core.render import speaker_label
from bot.store.records import AuditEntry, CorpusStats, DocumentOutcome, Report, UnverifiedQuote

from .embeds import DESCRIPTION_MAX, plural, source_text
from .safety import cut, id_plain, safe

PREVIEW_ITEMS = 10


def import_preview_embed(filename: str, doc: ParsedDocument) -> discord.Embed:
    """The statements found in an attachment, before anything is stored."""
    count = len(doc.statements)
    embed = discord.Embed(title=f"Import: {plural(count, 'statement')} found", colour=discord.Colour.gold())
    src = doc.source
    head = [f"File: {safe(filename, 120)}", f"Kind: {src.kind}"]
    if src.title:
        head.append(f"Title: {safe(src.title, 200)}")
    if src.date:
        head.append(f"Date: {src.date}")
    lines = []
    for number, st in enumerate(doc.statements[:PREVIEW_ITEMS], start=1):
        lines.append(f"**{number}.** {safe(speaker_label(st), 80) or 'unknown'}: “{safe(st.text, 280)}”")
    if count > PREVIEW_ITEMS:
        lines.append(f"… and {count - PREVIEW_ITEMS} more.")
    if not count:
        lines.append("No statement could be extracted from this file.")
    body = "\n".join(head) + "\n\n" + "\n".join(lines) + "\n\nConfirm to add them to this server's corpus."
    embed.description = cut(body, DESCRIPTION_MAX)
    return embed


def import_done_embed(outcome: DocumentOutcome) -> discord.Embed:
    """What the confirmed import changed."""
    if outcome.status == "skipped":
        text = f"Nothing new: this file was imported before ({plural(outcome.skipped, 'statement')} already present)."
    else:
        text = f"Imported {plural(outcome.added, 'statement')}"
        if outcome.skipped:
            text += f" ({outcome.skipped} already present)"
        if outcome.removed:
            text += f", replacing {outcome.removed} from an earlier version of the file"
        text += "."
    return discord.Embed(title="Import done", description=text, colour=discord.Colour.green())


def _summary(data: dict[str, object] | None) -> str:
    if not data:
        return ""
    text = data.get("text")
    speaker = data.get("speaker")
    return f"{safe(str(speaker), 60) + ': ' if speaker else ''}“{safe(str(text or ''), 120)}”"


def history_embed(statement_id: str, entries: Sequence[AuditEntry]) -> discord.Embed:
    """The audit trail of one statement, oldest first."""
    embed = discord.Embed(title=f"History of {id_plain(statement_id)}", colour=discord.Colour.blurple())
    if not entries:
        embed.description = "No history: there is no such statement in this server's corpus."
        return embed
    lines = []
    for entry in entries[-20:]:
        when = entry.at.strftime("%Y-%m-%d %H:%M UTC")
        line = f"`{when}` **{safe(entry.action, 30)}** by {safe(entry.actor, 80) or 'unknown'}"
        if entry.reason:
            line += f": {safe(entry.reason, 200)}"
        after = _summary(entry.after) if entry.action in ("edit", "add") else ""
        if after:
            line += f"\n→ {after}"
        lines.append(line)
    embed.description = cut("\n".join(lines), DESCRIPTION_MAX)
    if len(entries) > 20:
        embed.set_footer(text=f"Last 20 of {len(entries)} entries")
    return embed


def stats_embed(stats: CorpusStats) -> discord.Embed:
    """/corpus stats."""
    embed = discord.Embed(title="Corpus", colour=discord.Colour.blurple())
    embed.add_field(name="Statements", value=str(stats.statements), inline=True)
    embed.add_field(name="Removed", value=str(stats.removed), inline=True)
    embed.add_field(name="Sources", value=str(stats.sources), inline=True)
    embed.add_field(name="Speakers", value=str(stats.speakers), inline=True)
    embed.add_field(name="Documents", value=str(stats.documents), inline=True)
    embed.add_field(name="Lookups", value=str(stats.lookups), inline=True)
    embed.add_field(name="Open reports", value=str(stats.open_reports), inline=True)
    if stats.by_kind:
        kinds = "\n".join(f"{safe(k, 40)}: {v}" for k, v in sorted(stats.by_kind.items()))
        embed.add_field(name="By kind", value=cut(kinds, 1024), inline=False)
    if stats.top_speakers:
        top = "\n".join(f"{safe(name, 80)}: {n}" for name, n in stats.top_speakers[:10])
        embed.add_field(name="Most quoted", value=cut(top, 1024), inline=False)
    return embed


def review_embed(reports: Sequence[Report], unverified: Sequence[UnverifiedQuote]) -> discord.Embed:
    """The review queue: open user reports, then the quotes most often checked without a match."""
    embed = discord.Embed(title="Review queue", colour=discord.Colour.gold())
    lines = ["**Reports**" if reports else "**Reports**: none open."]
    for r in reports[:10]:
        what = f"#{r.id} · {r.verdict or 'no verdict'}: “{safe(r.quote, 200)}”"
        if r.note:
            what += f"\n  {safe(r.note, 200)}"
        lines.append(what)
    lines.append("")
    lines.append("**Most checked, unverified**" if unverified else "**Most checked, unverified**: none.")
    for u in unverified[:10]:
        lines.append(f"{u.count}× “{safe(u.quote, 200)}”")
    embed.description = cut("\n".join(lines), DESCRIPTION_MAX)
    return embed


__all__ = [
    "history_embed",
    "import_done_embed",
    "import_preview_embed",
    "review_embed",
    "source_text",
    "stats_embed",
]
