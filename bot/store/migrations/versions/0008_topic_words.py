"""stemmed words of each statement and its source title, for related statements on PostgreSQL

Revision ID: 0008_topic
Revises: 0007_speaker_kind
Create Date: 2026-12-06

`statements.topic` (PostgreSQL only) holds the English full-text vector of the statement's matching
key and its source's title, with a GIN index: the pg_trgm backend finds the statements a paraphrase
or a post most likely refers to through it (bot/store/fulltext.py), as the in-memory index does with
its word and title indexes. Its element statistics (the commonest stems and their shares) tell the
backend which stems are rare. Filled by the store when a statement is written; rows stored before
are filled by the backend at start-up.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_topic"
down_revision = "0007_speaker_kind"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(sa.text("ALTER TABLE statements ADD COLUMN topic tsvector"))
    op.execute(sa.text("ALTER TABLE statements ALTER COLUMN topic SET STATISTICS 10000"))
    op.execute(sa.text("CREATE INDEX ix_statements_topic ON statements USING gin (topic)"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.text("DROP INDEX IF EXISTS ix_statements_topic"))
        op.execute(sa.text("ALTER TABLE statements DROP COLUMN IF EXISTS topic"))
