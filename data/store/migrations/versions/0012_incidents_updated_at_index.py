"""indexes for the snapshot update: incidents.updated_at, and (PostgreSQL) published ids

After every write each web worker brings its snapshot up to date by reading the records
added since its last read (``id > ?``, the primary key) or edited since (``updated_at >= ?``,
see ``data.snapshot.update``). Without an index the second half scanned the whole table:
0.2 s on SQLite and 0.2 s with three parallel processes on PostgreSQL at 1,000,000
incidents, in every worker after every write. With it both halves are index range reads
(SQLite's OR optimisation, PostgreSQL's BitmapOr). A plain ``CREATE INDEX``: no table
rebuild on SQLite.

On PostgreSQL only, ``ix_incidents_published_id``: the ids of published records (a partial
index), so that the update's check of the published records' count and id sum is an
index-only scan (about 55 ms instead of a 175 ms heap scan at 1,000,000 incidents, in each
worker after each write). SQLite answers that check from ``ix_incidents_status_date``, which
holds the row id. Like the indexes of migration 0007 it is not in ``data/store/schema.py``
(:data:`data.store.schema.POSTGRES_ONLY_INDEXES`).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 01:00:00
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


#: The partial index of published ids (PostgreSQL only).
PUBLISHED_IDS = "ix_incidents_published_id"


def upgrade() -> None:
    op.create_index("ix_incidents_updated_at", "incidents", ["updated_at"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX IF NOT EXISTS {PUBLISHED_IDS} ON incidents (id) "
                   "WHERE status = 'published'")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {PUBLISHED_IDS}")
    op.drop_index("ix_incidents_updated_at", table_name="incidents")
