"""index on incidents.updated_at: the snapshot update's search for edited records

After every write each web worker brings its snapshot up to date by reading the records
added since its last read (``id > ?``, the primary key) or edited since (``updated_at >= ?``,
see ``data.snapshot_update``). Without an index the second half scanned the whole table:
0.2 s on SQLite and 0.2 s with three parallel processes on PostgreSQL at 1,000,000
incidents, in every worker after every write. With it both halves are index range reads
(SQLite's OR optimisation, PostgreSQL's BitmapOr). A plain ``CREATE INDEX``: no table
rebuild on SQLite.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 01:00:00
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_incidents_updated_at", "incidents", ["updated_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_incidents_updated_at", table_name="incidents")
