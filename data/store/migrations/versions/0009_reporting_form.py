"""reporting form: the recorder's fields on incidents, and the reports table (drafts, idempotency)

Adds the nullable DOMAIN §6 columns the form at ``/report`` fills (ingested rows leave them
empty) and the table ``reports``: one row per filled form, holding the values as typed (a
draft resumes exactly), the organisation, who wrote it, its idempotency key (unique per
organisation, so a retried submit finds the incident it already made) and that incident.

Only ``ADD COLUMN`` on ``incidents``: on SQLite anything else rebuilds the table, and dropping
the old table with foreign keys on would cascade to its link tables. No CHECK constraints on
the new columns for the same reason; ``ingest.form`` validates them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

INCIDENT_COLUMNS = (
    ('source_type', sa.String(length=32), 'who told the organisation'),
    ('time_of_day', sa.String(length=16), None),
    ('attempted', sa.Boolean(), None),
    ('target_type', sa.String(length=32), None),
    ('victim_count', sa.Integer(), None),
    ('victim_groups', sa.JSON(), 'perceived groups (categories, never identities)'),
    ('victim_gender', sa.String(length=16), None),
    ('victim_age_band', sa.String(length=16), None),
    ('perpetrator_type', sa.String(length=32), None),
    ('perpetrator_count', sa.String(length=16), None),
    ('harm_severity', sa.String(length=24), None),
    ('property_damage', sa.String(length=16), None),
    ('weapon_used', sa.String(length=8), None),
    ('reported_to_police', sa.String(length=16), None),
    ('police_flagged_hate', sa.String(length=8), None),
    ('reasons_not_reported', sa.JSON(), None),
    ('justice_outcome', sa.String(length=16), None),
    ('national_offence_label', sa.String(length=300), None),
    ('bias_indicator_notes', sa.Text(), 'restricted: may quote slurs'),
    ('consent_record', sa.Boolean(), None),
    ('consent_share_network', sa.Boolean(), None),
    ('consent_publish_aggregate', sa.Boolean(), None),
    ('consent_police_referral', sa.Boolean(), None),
    ('consent_recorded_at', sa.DateTime(timezone=True), None),
)


def upgrade() -> None:
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        for name, type_, comment in INCIDENT_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True, comment=comment))
    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False, comment='one per filled form: a retried submit finds the incident it made'),
    sa.Column('status', sa.String(length=16), nullable=False, comment='draft | submitted'),
    sa.Column('form', sa.JSON(), nullable=False, comment='the values as typed, to resume a draft'),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status = 'draft' OR status = 'submitted'", name=op.f('ck_reports_status')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_reports_created_by_users')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_reports_incident_id_incidents'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_reports_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f('fk_reports_updated_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    sa.UniqueConstraint('organisation_id', 'idempotency_key', name='uq_reports_org_key'),
    comment='forms filled on /report: drafts (typed values) and what they were submitted as'
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_org_status', ['organisation_id', 'status', 'updated_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_org_status')
    op.drop_table('reports')
    # PostgreSQL drops columns in place; SQLite (3.35+) too, without rebuilding the table
    for name, _type, _comment in reversed(INCIDENT_COLUMNS):
        op.execute(f'ALTER TABLE incidents DROP COLUMN {name}')
