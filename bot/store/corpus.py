"""The corpus database: documents, statements, speakers, the audit log, lookups and reports.

`CorpusStore` is made of one part per job, each in its own module:
ingestion (documents), reading (statements), edits (moderators' changes), changes (audit log and
change feed), speaker_queries (speaker names, export lines), stats, reviews (lookups and reports);
permissions says who may see and change what. Every change runs in one transaction together with
its audit row, so a crash leaves either both or neither. On SQLite, write transactions start with
BEGIN IMMEDIATE (see `database.writer`).
"""

from __future__ import annotations

from bot.store.changes import AUDIT_ORDER_LOCK, ChangeFeed
from bot.store.edits import EDITABLE, StatementEdits
from bot.store.ingestion import DocumentIngest
from bot.store.permissions import may_change
from bot.store.reading import StatementReader
from bot.store.reviews import ReviewLog
from bot.store.speaker_queries import SpeakerQueries
from bot.store.stats import CorpusStatistics
from bot.store.validation import check_record

__all__ = ["AUDIT_ORDER_LOCK", "EDITABLE", "CorpusStore", "check_record", "may_change"]


class CorpusStore(
    DocumentIngest, StatementReader, StatementEdits, ChangeFeed, SpeakerQueries, CorpusStatistics, ReviewLog
):
    """All reads and writes of the corpus database."""
