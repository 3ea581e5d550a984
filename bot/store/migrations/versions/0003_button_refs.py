"""button refs: what persistent chat buttons need beyond their custom_id

Revision ID: 0003_buttons
Revises: 0002_jobs
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_buttons"
down_revision = "0002_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "button_refs",
        sa.Column("ref", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=True),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("ref"),
    )
    op.create_index("ix_button_refs_at", "button_refs", ["at"])


def downgrade() -> None:
    op.drop_index("ix_button_refs_at", table_name="button_refs")
    op.drop_table("button_refs")
