"""dataset_state.private_version: the data version of the last withdrawal or erasure

Web workers answer from their previous snapshot when the next one takes more than a couple
of seconds to make (``data.snapshot.cache``). That is harmless for a record added or
published, but a record withdrawn (unpublished, consent withdrawn) or erased (anonymised,
retention) must not be counted or downloaded from an older snapshot even for those seconds.
Writes of that kind set ``private_version`` to the data version they create; a worker never
serves a snapshot older than it, however long the next one takes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 04:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dataset_state") as batch:
        # the data version of the last withdrawal or erasure (see the docstring)
        batch.add_column(sa.Column("private_version", sa.Integer(), nullable=False,
                                   server_default="0", comment="last removal"))


def downgrade() -> None:
    with op.batch_alter_table("dataset_state") as batch:
        batch.drop_column("private_version")
