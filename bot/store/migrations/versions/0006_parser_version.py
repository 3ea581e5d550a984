"""parser version of each stored document

Revision ID: 0006_parser
Revises: 0005_words
Create Date: 2026-11-29

Which parser (`bot.core.documents.PARSER_VERSION`) read each stored file. Documents stored before
this column existed hold NULL, read as the first parser: the next ingest of their file parses it
again and replaces what an older parser made of it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_parser"
down_revision = "0005_words"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("parser_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("parser_version")
