"""speaker kind of each statement

Revision ID: 0007_speaker_kind
Revises: 0006_parser
Create Date: 2026-12-06

What a statement's speaker is: `person`, `organisation`, `unnamed` ("a ministry spokesman") or
`document` ("court filing"). Rows stored before this column existed hold NULL, read as `person`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_speaker_kind"
down_revision = "0006_parser"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("statements") as batch:
        batch.add_column(sa.Column("speaker_kind", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("statements") as batch:
        batch.drop_column("speaker_kind")
