"""What the database accepts: clean text, column widths, ISO dates (checked before any write)."""

from __future__ import annotations

import re
from typing import Any

from bot.core.model import CorpusFormatError, ParsedDocument, StatementRecord
from bot.core.text_rules import CONTROL, is_valid_unicode
from bot.store.tables import SourceRow, StatementRow

BAD_TEXT = CONTROL


def check_text(value: str | None, what: str) -> None:
    """Reject text the database cannot hold faithfully (NUL, control characters, lone surrogates)."""
    if value is None:
        return
    match = BAD_TEXT.search(value)
    if match:
        raise CorpusFormatError(f"{what} contains a control character (U+{ord(match.group()):04X})")
    if not is_valid_unicode(value):
        raise CorpusFormatError(f"{what} is not valid Unicode text")




def _width(column: Any) -> int:
    length = column.type.length
    assert isinstance(length, int), column
    return length


# Column widths, read from the tables: longer values are refused here rather than by PostgreSQL mid-transaction.
LIMITS = {
    "speaker": _width(StatementRow.__table__.c.speaker),  # type: ignore[attr-defined]
    "outlet": _width(SourceRow.__table__.c.outlet),  # type: ignore[attr-defined]
    "author": _width(SourceRow.__table__.c.author),  # type: ignore[attr-defined]
    "id": _width(StatementRow.__table__.c.id),  # type: ignore[attr-defined]
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_record(record: StatementRecord) -> None:
    """Everything the database needs of a statement: clean text, sane lengths, ISO dates."""
    if not record.text.strip():
        raise CorpusFormatError("no text")
    for what, value in (
        ("text", record.text),
        ("speaker", record.speaker),
        ("context", record.context_before),
        ("context", record.context_after),
        ("title", record.source.title),
        ("url", record.source.url),
        ("outlet", record.source.outlet),
        ("author", record.source.author),
    ):
        check_text(value, what)
    for what, value in (("speaker", record.speaker), ("outlet", record.source.outlet), ("author", record.source.author), ("id", record.id)):
        if value is not None and len(value) > LIMITS[what]:
            raise CorpusFormatError(f"{what} longer than {LIMITS[what]} characters")
    for value in (record.date, record.source.date):
        if value is not None and not ISO_DATE.match(value):
            raise CorpusFormatError(f"date {value!r} is not YYYY-MM-DD")


def check_document(doc: ParsedDocument) -> None:
    for position, record in enumerate(doc.statements):
        try:
            check_record(record)
        except CorpusFormatError as exc:
            raise CorpusFormatError(f"statement {position + 1}: {exc}") from None
    for speaker, alias in doc.aliases:
        check_alias(speaker, alias)


def check_alias(speaker: str, alias: str) -> None:
    """Another name of a speaker (a speech's `aliases:`, a statement list's `speaker_aliases`) is held
    like a speaker name: clean text within the speaker column's width."""
    for value in (speaker, alias):
        check_text(value, "speaker alias")
        if len(value) > LIMITS["speaker"]:
            raise CorpusFormatError(f"speaker alias longer than {LIMITS['speaker']} characters")
