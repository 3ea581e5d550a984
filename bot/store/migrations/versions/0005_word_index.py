"""word index for the pg_trgm candidate backend

Revision ID: 0005_words
Revises: 0004_trigram
Create Date: 2026-11-29

A GIN index over the words of `statements.norm` (PostgreSQL only): the backend's first pass finds
the statements holding the quote's rarest words through it, as the in-memory index does, and
leaves the trigram index to the fuzzy second pass. Its element statistics (most common words and
their frequencies, 10,000 of them) tell the backend which words are rare.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_words"
down_revision = "0004_trigram"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(sa.text("CREATE INDEX ix_statements_norm_words ON statements USING gin (string_to_array(norm, ' '))"))
    op.execute(sa.text("ALTER INDEX ix_statements_norm_words ALTER COLUMN 1 SET STATISTICS 10000"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.text("DROP INDEX IF EXISTS ix_statements_norm_words"))
