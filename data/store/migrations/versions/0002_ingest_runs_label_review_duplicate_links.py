"""ingest runs, label review, duplicate links

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 22:48:17.019587
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('label_mappings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('label_key', sa.String(length=300), nullable=False, comment='normalised label'),
    sa.Column('codes', sa.JSON(), nullable=False),
    sa.Column('example', sa.String(length=300), nullable=False, comment='a raw label as received'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_label_mappings')),
    sa.UniqueConstraint('kind', 'label_key', name='uq_label_mappings_kind_key')
    )
    op.create_table('duplicate_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('other_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False, comment='pending | confirmed | rejected'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('incident_id <> other_id', name=op.f('ck_duplicate_links_distinct_pair')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_duplicate_links_incident_id_incidents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['other_id'], ['incidents.id'], name=op.f('fk_duplicate_links_other_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_links')),
    sa.UniqueConstraint('incident_id', 'other_id', name='uq_duplicate_links_pair')
    )
    op.create_table('label_issues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('raw_label', sa.String(length=300), nullable=False),
    sa.Column('label_key', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False, comment='pending | mapped'),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_label_issues_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_label_issues'))
    )
    with op.batch_alter_table('label_issues', schema=None) as batch_op:
        batch_op.create_index('ix_label_issues_key', ['kind', 'label_key', 'status'], unique=False)

    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quality_notes', sa.JSON(), nullable=True, comment='ingest warnings kept with the record'))

    with op.batch_alter_table('ingest_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rows_merged', sa.Integer(), nullable=False, server_default='0', comment='rows already in the store (same source record id)'))
        batch_op.add_column(sa.Column('rows_linked', sa.Integer(), nullable=False, server_default='0', comment='loaded rows linked to a likely duplicate for review'))
        batch_op.add_column(sa.Column('policy', sa.String(length=16), nullable=False, server_default='member'))
        batch_op.add_column(sa.Column('options', sa.JSON(), nullable=True, comment='source, mapping and flags the run used'))


def downgrade() -> None:
    with op.batch_alter_table('ingest_runs', schema=None) as batch_op:
        batch_op.drop_column('options')
        batch_op.drop_column('policy')
        batch_op.drop_column('rows_linked')
        batch_op.drop_column('rows_merged')

    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_column('quality_notes')

    with op.batch_alter_table('label_issues', schema=None) as batch_op:
        batch_op.drop_index('ix_label_issues_key')

    op.drop_table('label_issues')
    op.drop_table('duplicate_links')
    op.drop_table('label_mappings')

