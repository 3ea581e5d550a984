"""Audit ids follow commit order, so a process that catches up by watermark never skips a change."""

from __future__ import annotations

import threading

from sqlmodel import Session

from bot.core.model import SourceInfo, StatementRecord
from bot.store.corpus import CorpusStore
from bot.store.database import make_engine
from bot.store.tables import AuditRow


def test_a_change_in_flight_holds_back_later_ids(db_url: str) -> None:
    store = CorpusStore(make_engine(db_url))
    mark = store.watermark()
    in_flight = Session(store.engine)
    early = AuditRow(action="remove", statement_id="0123456789abcdef", actor="slow writer")
    in_flight.add(early)
    in_flight.flush()  # its id is handed out; the transaction is still open
    early_id = early.id
    record = StatementRecord("We will open the harbour before winter", "Ann Lee", SourceInfo(title="Notes"))
    later = threading.Thread(target=lambda: store.add_statement(record, actor="mod", guild_id=None))
    later.start()
    try:
        later.join(timeout=1.0)
        assert later.is_alive(), "the later change committed while an earlier id was still in flight"
        changes, seen = store.changes_since(mark)
        assert (changes, seen) == ([], mark)
    finally:
        in_flight.commit()
        in_flight.close()
        later.join(timeout=30)
    assert not later.is_alive()
    changes, seen = store.changes_since(mark)
    assert [(change.action, change.audit_id == early_id) for change in changes] == [("remove", True), ("add", False)]
    assert seen == changes[-1].audit_id
    store.engine.dispose()
