"""The text reply a user sees for a verdict: CLI `check`, the console, and the chat bot's plain-text form.

Plain text, no markup: the chat adapter escapes it (and cuts it to Discord's limits) before sending.
Never `str.format` user or corpus text into a template: f-strings on values only.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.kinds import kind_label, worth_showing
from bot.core.model import RELATED_VERDICTS, CheckResult, Difference, RelatedStatement, StatementRecord
from bot.core.speaker_kinds import unnamed_label
from bot.core.terminal import one_line

HEADLINES = {
    "verified": "VERIFIED: the quote matches the statement.",
    "close": "CLOSE: the statement is found; the wording differs slightly without changing the meaning.",
    "altered": "ALTERED: the statement is found, but the quote changes its meaning.",
    "misattributed": "MISATTRIBUTED: these words were said by someone else.",
    "unverified": "UNVERIFIED: no statement in the corpus matches this quote.",
}
CONTEXT_CHARS = 300  # of context on each side, so a reply stays readable
TEXT_CHARS = 1000


def render_result(result: CheckResult) -> str:
    """The full reply for one verdict, as lines of plain text.

    Each line goes through `one_line`: a newline, CR, escape sequence or bidi control inside corpus or
    user text can neither start a line of its own nor be obeyed by a terminal; it is shown as an escape.
    """
    lines = [f"{HEADLINES.get(result.verdict, result.verdict.upper())} (score {result.score:.1f})"]
    if result.matched_quote:
        lines.append(f"Quote as matched (chat formatting left out): “{_cut(result.matched_quote, TEXT_CHARS)}”")
    # What the quote leaves out comes first: it is the reason a word-for-word quote is not verified.
    lines.extend(left_out_line(d) for d in left_out(result)[:3])
    match = result.match
    if result.verdict == "misattributed" and match is not None and result.speaker:
        lines.append(f"You named {result.speaker}; the statement is by {speaker_label(match)}.")
    if match is not None:
        lines.append("")
        lines.append(f"“{_cut(match.text, TEXT_CHARS)}”")
        lines.append(f"— {attribution(match)}")
        source = source_line(match)
        if source and worth_showing(match.source.kind) and source != kind_label(match.source.kind):
            lines.append(f"Source ({kind_label(match.source.kind)}): {source}")
        elif source:
            lines.append(f"Source: {source}")
        context = context_line(match)
        if context:
            lines.append(f"Context: {context}")
    meaningful = [d for d in result.differences if d.meaningful]
    minor = [d for d in result.differences if not d.meaningful]
    if meaningful:
        lines.append("")
        lines.append("Changes that alter the meaning:")
        lines.extend(f"  - {describe_difference(d)}" for d in meaningful[:8])
    if minor and result.verdict in {"close", "altered", "misattributed"}:
        lines.append("Minor differences: " + "; ".join(describe_difference(d) for d in minor[:6]))
    if result.related is not None and result.verdict in RELATED_VERDICTS:
        lines.extend(related_lines(result))
    elif result.alternatives:
        lines.append("")
        lines.append("Similar statements:" if match is not None else "Closest statements (below the match threshold):")
        for alt in result.alternatives[:3]:
            who = speaker_label(alt.statement)
            lines.append(f"  - {who}: “{_cut(alt.statement.text, 160)}” ({alt.score:.0f})")
    if result.note:
        lines.append(f"Note: {result.note}")
    return "\n".join(one_line(line) for line in lines)


NOT_WORD_FOR_WORD = "Not found word for word."
NOTHING_RELATED = "No statement in the corpus is close enough to show as related."


def related_lines(result: CheckResult) -> list[str]:
    """The related statements of a result: for an unverified quote the closest statements (or that
    none is close enough), for a close or altered one the others it may refer to."""
    if result.verdict == "unverified":
        if not result.related:
            return ["", f"{NOT_WORD_FOR_WORD} {NOTHING_RELATED}"]
        return ["", f"{NOT_WORD_FOR_WORD} Closest statements in the corpus:", *_related_items(result.related)]
    shown_id = result.match.id if result.match else None
    others = [r for r in result.related or () if r.statement.id != shown_id]
    return ["", "Related statements:", *_related_items(others)] if others else []


def render_search(query: str, results: Sequence[RelatedStatement]) -> str:
    """The reply to a search: the statements the text most likely refers to, best first."""
    lines = [f"Statements the text most likely refers to: “{_cut(query, 200)}”"]
    lines.extend(_related_items(results, limit=len(results)) if results else [NOTHING_RELATED])
    return "\n".join(one_line(line) for line in lines)


def _related_items(related: Sequence[RelatedStatement], limit: int = 5) -> list[str]:
    lines = []
    for number, item in enumerate(related[:limit], start=1):
        st = item.statement
        lines.append(f"  {number}. {attribution(st)}: “{_cut(st.text, 300)}” (score {item.score:.0f})")
        source = source_line(st)
        if source:
            lines.append(f"     Source: {source}")
    return lines


def attribution(statement: StatementRecord) -> str:
    """'Vladimir Putin, 2025-05-19' (speaker and date, whichever is known)."""
    parts = [speaker_label(statement)]
    if statement.effective_date:
        parts.append(statement.effective_date)
    return ", ".join(parts)


def speaker_label(statement: StatementRecord) -> str:
    """Who said it, as a reply names them: "Vladimir Putin", "Delta Air Lines", "an unnamed
    ministry spokesman, per NPR", "court filing, per NPR" (the outlet vouches for those it does not name)."""
    kind = statement.speaker_kind
    if kind in ("person", "organisation") and statement.speaker:
        return statement.speaker
    if kind == "document" and statement.speaker:
        label = statement.speaker
    elif kind == "unnamed" and statement.speaker:
        label = unnamed_label(statement.speaker)
    else:
        label = "an unnamed speaker" if kind == "unnamed" else "unknown speaker"
    outlet = statement.source.outlet
    return f"{label}, per {outlet}" if outlet and kind in ("unnamed", "document") else label


def source_line(statement: StatementRecord) -> str:
    """'NPR, "Title" <url>' from whatever the source records."""
    source = statement.source
    parts: list[str] = []
    if source.outlet:
        parts.append(source.outlet)
    if source.title:
        parts.append(f"“{_cut(source.title, 200)}”")
    if not parts and source.kind != "statements":
        parts.append(kind_label(source.kind))
    text = ", ".join(parts)
    if source.url:
        text = f"{text} <{source.url}>" if text else f"<{source.url}>"
    return text


def context_line(statement: StatementRecord) -> str:
    """The sentences around the statement, with the statement itself marked by [...]."""
    before = _cut_left(statement.context_before, CONTEXT_CHARS)
    after = _cut(statement.context_after, CONTEXT_CHARS)
    if not before and not after:
        return ""
    return " ".join(part for part in (before, "[…]", after) if part)


def left_out(result: CheckResult) -> list[Difference]:
    """The statement words the quote leaves out that change its sense (`context` differences)."""
    return [d for d in result.differences if d.kind == "context"]


def left_out_line(diff: Difference) -> str:
    """'The quote leaves out “not”: “I will not raise taxes on the middle…”'."""
    line = f"The quote leaves out “{diff.original}”"
    return f"{line}: “{diff.passage}”" if diff.passage else line


def describe_difference(diff: Difference) -> str:
    """'“is not” instead of “is” (negation)'."""
    if diff.kind == "insert":
        text = f"added “{diff.quoted}”"
    elif diff.kind in ("delete", "context"):
        text = f"left out “{diff.original}”"
    else:
        text = f"“{diff.quoted}” instead of “{diff.original}”"
    return f"{text} ({diff.reason})" if diff.reason else text


IMAGE_TEXT_LINES = 20  # of the text read from a picture, shown above the verdicts


def render_image_result(text: str, results: Sequence[CheckResult]) -> str:
    """The reply for a picture: the text read from it (as a quote block), then each quotation's verdict."""
    read = [line for line in text.splitlines() if line.strip()]
    if not read:
        return "No text found in the picture."
    lines = ["Text read from the picture:"]
    lines.extend("> " + one_line(_cut(line, 200)) for line in read[:IMAGE_TEXT_LINES])
    if len(read) > IMAGE_TEXT_LINES:
        lines.append(f"> … ({len(read) - IMAGE_TEXT_LINES} more lines)")
    if not results:
        lines.append("")
        lines.append("No quotation to check was found in that text.")
        return "\n".join(lines)
    for result in results:
        who = f" (given to {result.speaker})" if result.speaker else ""
        lines.append("")
        lines.append(one_line(f"Quotation: “{_cut(result.quote, 300)}”{who}"))
        lines.append(render_result(result))
    return "\n".join(lines)


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _cut_left(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else "…" + text[-(limit - 1) :].lstrip()
