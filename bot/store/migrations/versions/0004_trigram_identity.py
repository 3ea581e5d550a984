"""database identity and the pg_trgm candidate column

Revision ID: 0004_trigram
Revises: 0003_buttons
Create Date: 2026-11-29

`corpus_meta` holds a random identity, so an index snapshot on disk can tell which database it was
built from. On PostgreSQL, `statements.norm` holds each statement's matching key with a GIN trigram
index for the `pg_trgm` candidate backend; the column stays empty on SQLite. Neither is a SQLModel
model: both are read and written by bot/store/identity.py and bot/store/trigram.py only.
"""

from __future__ import annotations

import logging
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0004_trigram"
down_revision = "0003_buttons"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)


def upgrade() -> None:
    op.create_table(
        "corpus_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.execute(sa.text("INSERT INTO corpus_meta (key, value) VALUES ('identity', :v)").bindparams(v=uuid.uuid4().hex))
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.add_column("statements", sa.Column("norm", sa.Text(), nullable=True))
    # A trusted extension since PostgreSQL 13, but a role without CREATE on the database may still be
    # refused: the memory backend must keep working, so the failure is only logged here and the
    # pg_trgm backend reports it when asked for.
    schema = bind.execute(
        sa.text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'")
    ).scalar()
    if schema is None:
        savepoint = bind.begin_nested()
        try:
            # In `public`, not the first schema of the search path: dropping a per-tenant schema
            # must not drop the extension (and every other schema's trigram index with it).
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"))
            savepoint.commit()
            schema = "public"
        except sa.exc.DBAPIError as exc:
            savepoint.rollback()
            log.warning("pg_trgm not installed (%s); the pg_trgm matching backend will not be available", str(exc.orig).strip().splitlines()[0])
            return
    op.execute(sa.text(f'CREATE INDEX ix_statements_norm_trgm ON statements USING gin (norm "{schema}".gin_trgm_ops)'))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(sa.text("DROP INDEX IF EXISTS ix_statements_norm_trgm"))
        op.drop_column("statements", "norm")
    op.drop_table("corpus_meta")
