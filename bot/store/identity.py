"""Which database this is, and which state of it: what an index snapshot on disk is checked against.

The identity is a random value written once by the migration that created `corpus_meta`, so two
databases never share it, while a moved SQLite file or a new PostgreSQL host keeps it. A restored
backup does share it, so a snapshot also records a fingerprint of the audit row it caught up to:
if that row is gone or different, the database went back in time and the snapshot is stale.
"""

from __future__ import annotations

from sqlalchemy import Engine, text


def database_identity(engine: Engine) -> str:
    """The database's random identity ("" on a database migrated before it existed)."""
    with engine.connect() as conn:
        value = conn.execute(text("SELECT value FROM corpus_meta WHERE key = 'identity'")).scalar()
    return str(value or "")


def audit_fingerprint(engine: Engine, audit_id: int) -> str:
    """A fingerprint of audit row `audit_id` ("" when there is no such row; "0" for an empty log)."""
    if audit_id <= 0:
        return "0"
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT id, at, action, statement_id, document_id FROM audit_log WHERE id = :id"), {"id": audit_id}
        ).first()
    if row is None:
        return ""
    return "|".join(str(value) for value in row)
