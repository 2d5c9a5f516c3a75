"""add releases: frozen, citable public datasets (incidentmap release NAME)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False,
                  comment="cited name, e.g. 2026-q1"),
        sa.Column("data_release", sa.String(length=16), nullable=False,
                  comment="fingerprint of the published data frozen (data.snapshot.model.Snapshot)"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False,
                  comment="holds synthetic demo records"),
        sa.Column("files", sa.JSON(), nullable=False,
                  comment="format -> {path (relative to the instance folder), sha256, bytes}"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_releases")),
        sa.UniqueConstraint("name", name=op.f("uq_releases_name")),
    )


def downgrade() -> None:
    op.drop_table("releases")
