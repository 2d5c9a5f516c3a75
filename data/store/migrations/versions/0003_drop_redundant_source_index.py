"""drop ix_incidents_source (the unique (source_id, source_record_id) index serves it);
document ingest_runs.status

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 23:55:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_source")
    with op.batch_alter_table("ingest_runs", schema=None) as batch_op:
        batch_op.alter_column("status", existing_type=sa.String(length=16),
                              existing_nullable=False,
                              comment="running | done | failed | undone")


def downgrade() -> None:
    with op.batch_alter_table("ingest_runs", schema=None) as batch_op:
        batch_op.alter_column("status", existing_type=sa.String(length=16),
                              existing_nullable=False, comment=None)
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_source", ["source_id"], unique=False)
