"""Check results, statements, search pages and moderator views as Discord embeds, always within limits.

Every piece of user or corpus text goes through `safety` (cleaned, escaped, then cut); each part has
a budget so one embed stays under 6,000 characters whatever the corpus holds, and `fit` is the last
guard for messages with several embeds.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.core.kinds import kind_badge, worth_showing
from bot.core.model import Alternative, CheckResult, RelatedStatement, StatementRecord
from bot.core.render import NOT_WORD_FOR_WORD, NOTHING_RELATED, describe_difference, left_out, speaker_label

from .highlight import highlight
from .safety import cut, id_code, id_plain, quote_block, safe, safe_url

EMBED_TOTAL = 6000
DESCRIPTION_MAX = 4096
FIELD_MAX = 1024

COLOURS = {
    "verified": discord.Colour(0x2ECC71),
    "close": discord.Colour(0x3498DB),
    "altered": discord.Colour(0xE67E22),
    "misattributed": discord.Colour(0xE74C3C),
    "unverified": discord.Colour(0x95A5A6),
}
TITLES = {
    "verified": "✅ Verified",
    "close": "🟦 Close: same meaning, different wording",
    "altered": "🟧 Altered: the wording changes the meaning",
    "misattributed": "🟥 Misattributed: someone else said it",
    "unverified": "⬜ Unverified: no matching statement in the corpus",
}


def plural(count: int, noun: str) -> str:
    """'1 statement', '3 statements' (regular English plurals only)."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _field(embed: discord.Embed, name: str, value: str, *, inline: bool = False) -> None:
    # Discord refuses empty field values, so a part with nothing to show is left out.
    if value.strip():
        embed.add_field(name=name, value=cut(value, FIELD_MAX), inline=inline)


def _quote_heading(result: CheckResult) -> str:
    # Mentions, markers and backticks pasted around the words are not part of the quote (bot.core.chat_syntax).
    return "Quote as matched" if result.matched_quote else "Quote as submitted"


def source_text(statement: StatementRecord, limit: int = 600) -> str:
    """Title, outlet and link of the statement's source, escaped; the link is shown only when it is safe."""
    source = statement.source
    parts = [p for p in (safe(source.title, 250), safe(source.outlet, 100)) if p]
    if worth_showing(source.kind):
        parts.insert(0, safe(kind_badge(source.kind), 40))  # known kinds with their icon, others as written
    line = " — ".join(parts) if parts else safe(kind_badge(source.kind), 40)
    url = safe_url(source.url)
    if url and len(url) < limit // 2:
        # The link is what a reader checks, so the title gives way to it.
        return f"{cut(line, limit - len(url) - 1)}\n{url}" if line else url
    return cut(line, limit)


def context_text(statement: StatementRecord, side: int = 400) -> str:
    """The sentences around the statement, with the statement itself shown as […]."""
    before = statement.context_before.strip()
    after = statement.context_after.strip()
    if not before and not after:
        return ""
    tail = safe(before[-side * 2 :], side) if before else ""
    if before and len(before) > side:
        tail = "…" + safe(before[-(side - 1) :], side - 1)
    head = safe(after, side)
    return " ".join(p for p in (tail, "**[…]**", head) if p)


def _quoted_phrases(result: CheckResult) -> list[str]:
    return [d.quoted for d in result.differences if d.kind in ("replace", "insert", "typo") and d.quoted]


def _original_phrases(result: CheckResult) -> list[str]:
    return [d.original.rstrip("…") for d in result.differences if d.kind in ("replace", "delete", "typo", "context") and d.original]


def left_out_text(result: CheckResult, limit: int = 600) -> str:
    """'The quote leaves out **not**: “I will **not** raise taxes…”', one line per omission that
    changes the sense (at most three), escaped, within `limit`."""
    lines = []
    for diff in left_out(result)[:3]:
        words = diff.original.rstrip("…")
        line = f"The quote leaves out **{safe(diff.original, 150)}**"
        if diff.passage:
            line += f": “{highlight(diff.passage, [words], 300)}”"
        lines.append(line)
    return cut("\n".join(lines), limit)


def _marked_block(text: str, phrases: list[str], limit: int) -> str:
    """`text` as a block quote with `phrases` in bold underline; the '> ' prefixes count towards `limit`."""
    # One line, so one '> ' prefix: line breaks inside a quotation carry no meaning for matching.
    return "> " + highlight(" ".join(text.split()), phrases, max(limit - 2, 10))


def result_embed(result: CheckResult) -> discord.Embed:
    """The answer to /verify: verdict, the quote, the statement with differences marked, who, when, where."""
    embed = discord.Embed(title=TITLES[result.verdict], colour=COLOURS[result.verdict])
    # What the quote leaves out opens the answer; the two quotations below give up its room.
    leaves = left_out_text(result, 400)
    block = 1150 - (len(leaves) + 1) // 2
    quoted = _marked_block(result.shown_quote, _quoted_phrases(result), block)
    match = result.match
    if match is None:
        if result.related is None:
            embed.description = f"**{_quote_heading(result)}**\n{quoted}\n\nNo statement in the corpus matches it well enough."
        elif result.related:
            embed.description = (f"**{_quote_heading(result)}**\n{quoted}\n\n{NOT_WORD_FOR_WORD} Closest statements in the corpus:\n"
                                 + related_text(result.related, 2400))
        else:
            embed.description = f"**{_quote_heading(result)}**\n{quoted}\n\n{NOT_WORD_FOR_WORD} {NOTHING_RELATED}"
    else:
        original = _original_phrases(result)
        said_block = _marked_block(match.text, original, block)
        marked = " (differences in bold)" if original else ""
        embed.description = (f"{leaves}\n\n" if leaves else "") + f"**{_quote_heading(result)}**\n{quoted}\n\n**As said**{marked}\n{said_block}"
        speaker = safe(speaker_label(match), 200) or "unknown"
        if result.verdict == "misattributed" and result.speaker:
            speaker = f"{speaker} (not {safe(result.speaker, 150)})"
        _field(embed, "Speaker", speaker, inline=True)
        _field(embed, "Date", match.effective_date or "unknown", inline=True)
        _field(embed, "Source", source_text(match))
        _field(embed, "Context", context_text(match))
        if result.differences:
            lines = [("⚠️ " if d.meaningful else "· ") + safe(describe_difference(d), 180) for d in result.differences[:8]]
            if len(result.differences) > 8:
                lines.append(f"… and {len(result.differences) - 8} more")
            _field(embed, "Differences", "\n".join(lines))
        others = [r for r in result.related or () if r.statement.id != match.id]
        if others and result.verdict in ("close", "altered"):
            _field(embed, "Related statements", related_text(others[:3], FIELD_MAX))
    if result.note:
        _field(embed, "Note", safe(result.note, 300))
    footer = f"Match score {result.score:.0f}/100"
    if match is not None and match.id:
        footer += f" · statement {id_plain(match.id)}"
    embed.set_footer(text=footer)
    return embed


def compact_result_embed(result: CheckResult, budget: int = 1100) -> discord.Embed:
    """A short form of `result_embed` for a reply checking several quotes at once."""
    embed = discord.Embed(title=TITLES[result.verdict], colour=COLOURS[result.verdict])
    share = max((budget - 200) // 2, 100)
    lines = [left_out_text(result, 300)] if left_out(result) else []
    lines.append(_marked_block(result.shown_quote, _quoted_phrases(result), share))
    match = result.match
    if match is not None:
        original = _original_phrases(result)
        who = safe(speaker_label(match), 80) or "unknown"
        when = match.effective_date or "date unknown"
        lines.append(f"**As said** by {who}, {when}:\n{_marked_block(match.text, original, share)}")
        src = source_text(match, 200)
        if src:
            lines.append(src)
    elif result.related:
        best = result.related[0]
        lines.append(f"{NOT_WORD_FOR_WORD} Closest: " + related_text([best], share))
    elif result.related is not None:
        lines.append(f"{NOT_WORD_FOR_WORD} {NOTHING_RELATED}")
    embed.description = cut("\n".join(lines), budget)
    if match is not None and match.id:
        embed.set_footer(text=f"statement {id_plain(match.id)}")
    return embed


def related_text(related: Sequence[RelatedStatement], limit: int) -> str:
    """Related statements as numbered lines: who, when, the words, the source, the score."""
    share = max(limit // max(len(related), 1) - 40, 80)
    lines = []
    for number, item in enumerate(related, start=1):
        st = item.statement
        who = safe(st.speaker, 80) or "unknown speaker"
        source = source_text(st, 160).replace("\n", " ")
        line = f"**{number}.** {who}, {st.effective_date or 'date unknown'}: “{safe(st.text, share)}”"
        lines.append(f"{line} · {source} · score {item.score:.0f}" if source else f"{line} · score {item.score:.0f}")
    return cut("\n".join(lines), limit)


def context_embed(statement: StatementRecord) -> discord.Embed:
    """'More context': the statement in its longer surroundings."""
    before = statement.context_before.strip()
    after = statement.context_after.strip()
    text = "\n\n".join(
        p for p in (
            ("…" + safe(before[-3000:], 1500)) if before else "",
            "**" + safe(statement.text, 900) + "**",
            (safe(after, 1500) + "…") if after else "",
        ) if p
    )
    embed = discord.Embed(title="Context", description=cut(text, DESCRIPTION_MAX), colour=discord.Colour.blurple())
    _field(embed, "Source", source_text(statement))
    return embed


def alternatives_embed(alternatives: Sequence[Alternative]) -> discord.Embed:
    """'Other matches': the other statements the quote resembles."""
    embed = discord.Embed(title="Other matches", colour=discord.Colour.blurple())
    lines = []
    for alt in alternatives[:10]:
        st = alt.statement
        who = safe(speaker_label(st), 80) or "unknown"
        lines.append(f"**{alt.score:.0f}** · {who}, {st.effective_date or 'date unknown'}: “{safe(st.text, 300)}” · {id_code(st.id)}")
    embed.description = cut("\n".join(lines) or "No other statement resembles this quote.", DESCRIPTION_MAX)
    return embed


def statement_embed(statement: StatementRecord) -> discord.Embed:
    """/source: the whole statement with its context and source."""
    embed = discord.Embed(title=f"Statement {id_plain(statement.id)}", colour=discord.Colour.blurple())
    embed.description = quote_block(statement.text, 2400)
    _field(embed, "Speaker", safe(speaker_label(statement), 200) or "unknown", inline=True)
    _field(embed, "Date", statement.effective_date or "unknown", inline=True)
    _field(embed, "Source", source_text(statement))
    if statement.context_before.strip():
        _field(embed, "Before", "…" + safe(statement.context_before.strip()[-2000:], 900))
    if statement.context_after.strip():
        _field(embed, "After", safe(statement.context_after.strip(), 900) + "…")
    return embed


def search_page_embed(query: str, page_hits: Sequence[tuple[StatementRecord, float]], page: int, per_page: int,
                      total: int) -> discord.Embed:
    """Page `page` (from 0) of /search results: `page_hits` are the statements on it, out of `total` results."""
    pages = max((total + per_page - 1) // per_page, 1)
    embed = discord.Embed(title="Search results", colour=discord.Colour.blurple())
    lines = [f"Query: {safe(query, 200)}"]
    if not page_hits:
        lines.append("No statement matches." if total == 0 else "The statements on this page are no longer in the corpus.")
    start = page * per_page
    for number, (st, score) in enumerate(page_hits[:per_page], start=start + 1):
        who = safe(speaker_label(st), 80) or "unknown"
        title = safe(st.source.title, 100)
        lines.append(
            f"**{number}.** {who}, {st.effective_date or 'date unknown'}: “{safe(st.text, 450)}”\n"
            f"{id_code(st.id)} · {title or st.source.kind} · score {score:.0f}"
        )
    embed.description = cut("\n\n".join(lines), DESCRIPTION_MAX)
    embed.set_footer(text=f"Page {page + 1}/{pages} · {plural(total, 'result')}")
    return embed


def fit(embeds: list[discord.Embed], total: int = EMBED_TOTAL) -> list[discord.Embed]:
    """Shorten the longest descriptions until all embeds together are within Discord's 6,000 characters."""
    while sum(len(e) for e in embeds) > total:
        longest = max(embeds, key=lambda e: len(e.description or ""))
        over = sum(len(e) for e in embeds) - total
        text = longest.description or ""
        if not text:
            break
        longest.description = cut(text, max(len(text) - over - 1, 1))
    return embeds


def notice(text: str, *, error: bool = False) -> discord.Embed:
    """A short message from the bot itself (already safe text)."""
    colour = discord.Colour.red() if error else discord.Colour.blurple()
    return discord.Embed(description=cut(text, DESCRIPTION_MAX), colour=colour)
