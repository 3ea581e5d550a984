"""each statement's matching key on SQLite too

Revision ID: 0009_match_keys
Revises: 0008_topic
Create Date: 2026-12-07

`statements.norm` (added on PostgreSQL by 0004) now exists on every database and is a column of the
`StatementRow` model: the store writes each statement's matching key with its text, and a start
without an index snapshot reads the keys instead of computing them again. Rows stored before hold
NULL, which is always safe (the key is computed); the service fills them in after start-up.
Which rules the stored keys follow is recorded in `corpus_meta` (bot/store/match_keys.py).

On SQLite a trigger clears the key of a statement whose text changes without it: a process of the
previous release still running edits the text alone, and the key must not outlive the words it was
computed from. (PostgreSQL's writers have always kept the key with the text.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_match_keys"
down_revision = "0008_topic"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        return
    # A plain ADD COLUMN: SQLite adds a nullable column without copying the table.
    op.execute(sa.text("ALTER TABLE statements ADD COLUMN norm TEXT"))
    op.execute(
        sa.text(
            "CREATE TRIGGER statements_text_without_key AFTER UPDATE OF text ON statements "
            "FOR EACH ROW WHEN NEW.text IS NOT OLD.text AND NEW.norm IS OLD.norm "
            "BEGIN UPDATE statements SET norm = NULL WHERE rowid = NEW.rowid; END"
        )
    )


def downgrade() -> None:
    # Keys kept on PostgreSQL would be written by the older release's rules from now on: the next
    # upgrade must not trust them, so the version they were recorded under goes.
    op.execute(sa.text("DELETE FROM corpus_meta WHERE key = 'match_keys_version'"))
    if op.get_bind().dialect.name == "postgresql":
        return
    op.execute(sa.text("DROP TRIGGER IF EXISTS statements_text_without_key"))
    with op.batch_alter_table("statements") as batch:
        batch.drop_column("norm")
