"""identity vault, consent-driven erasure and a fuller access log

- ``vault_people`` and ``vault_files``: encrypted details and files of the people involved
  in an incident (Fernet tokens; the key is a setting, never in the database).
- ``record_access`` gains the records and restricted fields each read showed, and becomes
  append-only like ``audit_log`` (a trigger refuses UPDATE and DELETE on both backends).
- ``audit_log.user_id`` may be NULL: the retention job (role ``system``) logs what it erased.
  Place names join the narrative as logged-as-"changed" only; earlier entries that hold a
  place name are rewritten that way once here, so erasing a record's place leaves no copy.
- ``incidents.personal_data_erased_at``: when a record was anonymised.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 23:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

APPEND_ONLY = ("audit_log", "record_access")


def _sqlite_triggers(table: str) -> tuple[str, ...]:
    return tuple(
        f"CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        for verb in ("update", "delete"))


def _postgres_triggers(table: str) -> tuple[str, ...]:
    return (
        f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql "
        f"AS $$ BEGIN RAISE EXCEPTION '{table} is append-only'; END $$",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()",
    )


def _drop_triggers(dialect: str, table: str) -> None:
    if dialect == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    elif dialect == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")


def _create_triggers(dialect: str, table: str) -> None:
    statements = {"sqlite": _sqlite_triggers, "postgresql": _postgres_triggers}.get(dialect)
    for statement in statements(table) if statements else ():
        op.execute(statement)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table('vault_people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('person_role', sa.String(length=16), nullable=False, comment='victim | witness | ...'),
    sa.Column('payload', sa.LargeBinary(), nullable=False, comment="Fernet token of the person's details (JSON)"),
    sa.Column('lookup', sa.JSON(), nullable=False, comment='keyed hashes of name, e-mail, phone, id number: subject access'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_vault_people_created_by_users')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_vault_people_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vault_people')),
    comment='identity vault: encrypted details of people involved in an incident'
    )
    op.create_index('ix_vault_people_incident', 'vault_people', ['incident_id'])
    op.create_index('ix_vault_people_created', 'vault_people', ['created_at'])
    op.create_table('vault_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('meta', sa.LargeBinary(), nullable=False, comment='Fernet token of the file name and type (JSON)'),
    sa.Column('payload', sa.LargeBinary(), nullable=False, comment='Fernet token of the content'),
    sa.Column('size', sa.Integer(), nullable=False, comment='bytes before encryption'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_vault_files_created_by_users')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_vault_files_incident_id_incidents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['vault_people.id'], name=op.f('fk_vault_files_person_id_vault_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vault_files')),
    comment='identity vault: encrypted attachments (photos, letters, screenshots)'
    )
    op.create_index('ix_vault_files_incident', 'vault_files', ['incident_id'])
    op.create_index('ix_vault_files_created', 'vault_files', ['created_at'])

    op.add_column('record_access', sa.Column('record_ids', sa.Text(), nullable=True, comment='public ids of the records read, comma separated (empty for large downloads: the query and release name them)'))
    op.add_column('record_access', sa.Column('fields', sa.Text(), nullable=True, comment='restricted fields shown, comma separated'))
    op.add_column('incidents', sa.Column('personal_data_erased_at', sa.DateTime(timezone=True), nullable=True, comment='when the record was anonymised (request, consent or retention)'))

    _drop_triggers(dialect, 'audit_log')
    op.execute("UPDATE audit_log SET old_value = NULL, new_value = 'changed' "
               "WHERE field = 'place_name' AND action = 'field'")
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True,
                              comment="NULL for the retention job (role 'system')")
        batch_op.alter_column('action', existing_type=sa.String(length=16),
                              existing_nullable=False,
                              comment='status | field | review | consent | erasure | retention',
                              existing_comment='status | field | review')
    for table in APPEND_ONLY:
        _create_triggers(dialect, table)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        _drop_triggers(dialect, table)
    op.execute("DELETE FROM audit_log WHERE user_id IS NULL")
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.alter_column('action', existing_type=sa.String(length=16),
                              existing_nullable=False, comment='status | field | review',
                              existing_comment='status | field | review | consent | erasure | retention')
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False,
                              comment=None, existing_comment="NULL for the retention job (role 'system')")
    _create_triggers(dialect, 'audit_log')
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_column('personal_data_erased_at')
    with op.batch_alter_table('record_access', schema=None) as batch_op:
        batch_op.drop_column('fields')
        batch_op.drop_column('record_ids')
    op.drop_index('ix_vault_files_created', table_name='vault_files')
    op.drop_index('ix_vault_files_incident', table_name='vault_files')
    op.drop_table('vault_files')
    op.drop_index('ix_vault_people_created', table_name='vault_people')
    op.drop_index('ix_vault_people_incident', table_name='vault_people')
    op.drop_table('vault_people')
