"""initial store

Revision ID: 0001
Revises:
Create Date: 2026-11-24 22:29:48.618189
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('dataset_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False, comment='bumped by every write'),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dataset_state'))
    )
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('public_name_opt_in', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('slug', name=op.f('uq_organisations_slug'))
    )
    op.create_table('sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False, comment='dataset | organisation | demo'),
    sa.Column('policy', sa.String(length=16), nullable=False),
    sa.Column('licence', sa.String(length=200), nullable=False),
    sa.Column('attribution', sa.Text(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.CheckConstraint("policy IN ('open', 'member', 'demo')", name=op.f('ck_sources_policy')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sources')),
    sa.UniqueConstraint('slug', name=op.f('uq_sources_slug'))
    )
    op.create_table('ingest_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('location', sa.Text(), nullable=False, comment='file path or URL read'),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('rows_loaded', sa.Integer(), nullable=False),
    sa.Column('rows_rejected', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_ingest_runs_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ingest_runs'))
    )
    op.create_table('incidents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('public_id', sa.String(length=16), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('source_record_id', sa.String(length=200), nullable=False),
    sa.Column('ingest_run_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('policy', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('date_start', sa.Date(), nullable=False),
    sa.Column('date_end', sa.Date(), nullable=False),
    sa.Column('date_precision', sa.String(length=8), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False, comment='ISO 3166-1 alpha-2 (Greece GR)'),
    sa.Column('nuts1', sa.String(length=3), nullable=True),
    sa.Column('nuts2', sa.String(length=4), nullable=True),
    sa.Column('nuts3', sa.String(length=5), nullable=True),
    sa.Column('nuts_version', sa.String(length=4), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('geo_precision', sa.String(length=12), nullable=False),
    sa.Column('place_name', sa.String(length=300), nullable=True, comment='place as the source named it'),
    sa.Column('is_online', sa.Boolean(), nullable=False),
    sa.Column('location_type', sa.String(length=32), nullable=False),
    sa.Column('classification', sa.String(length=32), nullable=False),
    sa.Column('public_summary', sa.Text(), nullable=True, comment='reviewed one-line public description'),
    sa.Column('narrative', sa.Text(), nullable=True, comment='restricted: never public'),
    sa.Column('narrative_lang', sa.String(length=16), nullable=True),
    sa.Column('raw_labels', sa.JSON(), nullable=True, comment='labels as received, with the match method'),
    sa.Column('taxonomy_version', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("classification IN ('hate_crime', 'hate_incident', 'hate_speech_criminal', 'hate_speech_noncriminal', 'discrimination', 'unclear')", name=op.f('ck_incidents_classification')),
    sa.CheckConstraint("date_precision IN ('day', 'week', 'month', 'year')", name=op.f('ck_incidents_date_precision')),
    sa.CheckConstraint("geo_precision IN ('exact', 'municipality', 'nuts3', 'nuts2', 'nuts1', 'country', 'unknown')", name=op.f('ck_incidents_geo_precision')),
    sa.CheckConstraint("location_type IN ('street_public_space', 'public_transport', 'victims_home', 'asylum_accommodation', 'place_of_worship', 'shop_business', 'school_university', 'workplace', 'police_detention', 'border_area', 'online', 'other', 'unknown')", name=op.f('ck_incidents_location_type')),
    sa.CheckConstraint("policy IN ('open', 'member', 'demo')", name=op.f('ck_incidents_policy')),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'verified', 'published', 'rejected', 'duplicate')", name=op.f('ck_incidents_status')),
    sa.CheckConstraint('(lat IS NULL) = (lon IS NULL)', name=op.f('ck_incidents_point_complete')),
    sa.CheckConstraint('date_end >= date_start', name=op.f('ck_incidents_date_order')),
    sa.ForeignKeyConstraint(['ingest_run_id'], ['ingest_runs.id'], name=op.f('fk_incidents_ingest_run_id_ingest_runs')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_incidents_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_incidents_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incidents')),
    sa.UniqueConstraint('public_id', name=op.f('uq_incidents_public_id')),
    sa.UniqueConstraint('source_id', 'source_record_id', name='uq_incidents_source_record'),
    sa.UniqueConstraint('uuid', name=op.f('uq_incidents_uuid'))
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index('ix_incidents_country', ['country'], unique=False)
        batch_op.create_index('ix_incidents_source', ['source_id'], unique=False)
        batch_op.create_index('ix_incidents_status_date', ['status', 'date_start'], unique=False)

    op.create_table('incident_bias_indicators',
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_bias_indicators_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('incident_id', 'code', name=op.f('pk_incident_bias_indicators'))
    )
    with op.batch_alter_table('incident_bias_indicators', schema=None) as batch_op:
        batch_op.create_index('ix_incident_bias_indicators_code', ['code', 'incident_id'], unique=False)

    op.create_table('incident_bias_motivations',
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_bias_motivations_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('incident_id', 'code', name=op.f('pk_incident_bias_motivations'))
    )
    with op.batch_alter_table('incident_bias_motivations', schema=None) as batch_op:
        batch_op.create_index('ix_incident_bias_motivations_code', ['code', 'incident_id'], unique=False)

    op.create_table('incident_types',
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_types_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('incident_id', 'code', name=op.f('pk_incident_types'))
    )
    with op.batch_alter_table('incident_types', schema=None) as batch_op:
        batch_op.create_index('ix_incident_types_code', ['code', 'incident_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('incident_types', schema=None) as batch_op:
        batch_op.drop_index('ix_incident_types_code')

    op.drop_table('incident_types')
    with op.batch_alter_table('incident_bias_motivations', schema=None) as batch_op:
        batch_op.drop_index('ix_incident_bias_motivations_code')

    op.drop_table('incident_bias_motivations')
    with op.batch_alter_table('incident_bias_indicators', schema=None) as batch_op:
        batch_op.drop_index('ix_incident_bias_indicators_code')

    op.drop_table('incident_bias_indicators')
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_index('ix_incidents_status_date')
        batch_op.drop_index('ix_incidents_source')
        batch_op.drop_index('ix_incidents_country')

    op.drop_table('incidents')
    op.drop_table('ingest_runs')
    op.drop_table('sources')
    op.drop_table('organisations')
    op.drop_table('dataset_state')

