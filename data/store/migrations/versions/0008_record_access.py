"""record access: an append-only log of who read member records beyond the public projection

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 04:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('record_access',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False, comment='the role the records were shown under'),
    sa.Column('kind', sa.String(length=32), nullable=False, comment='what was read: api-page, table-page or a download format'),
    sa.Column('query', sa.Text(), nullable=False, comment='the filter and paging, as a query string'),
    sa.Column('records', sa.Integer(), nullable=False, comment='how many records were shown'),
    sa.Column('data_release', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_record_access_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_access')),
    comment='append-only: who read member records beyond the public projection, and when'
    )
    with op.batch_alter_table('record_access', schema=None) as batch_op:
        batch_op.create_index('ix_record_access_user_at', ['user_id', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('record_access', schema=None) as batch_op:
        batch_op.drop_index('ix_record_access_user_at')
    op.drop_table('record_access')
