"""second factor: encrypted secrets, last used step, throttled codes, recovery codes, events

- ``users.totp_secret`` grows to hold an encrypted secret (a Fernet token, ~140 characters).
  Secrets already stored in plain base32 stay readable and are encrypted at their next use
  (``data.people.two_factor``): the migration has no key to encrypt them with.
- ``users.totp_last_step``: a code of that 30-second step or an earlier one is refused.
- ``login_attempts.kind``: failed second-factor codes are recorded and throttled like
  passwords (``password`` | ``code``).
- ``recovery_codes``: one-time codes standing in for the second factor, stored as sha256.
- ``account_events``: append-only (a trigger refuses UPDATE and DELETE on both backends).
- Every account without a confirmed second factor gets its sessions ended (its session
  version bumped): roles that newly need one log in again and set it up.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 22:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TABLE = "account_events"


def _triggers(dialect: str) -> tuple[str, ...]:
    if dialect == "sqlite":
        return tuple(f"CREATE TRIGGER {TABLE}_no_{verb} BEFORE {verb.upper()} ON {TABLE} "
                     f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END"
                     for verb in ("update", "delete"))
    if dialect == "postgresql":
        return (f"CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{TABLE} is append-only'; "
                "END $$",
                f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
                f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()")
    return ()


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.alter_column("totp_secret", existing_type=sa.String(length=64),
                           type_=sa.String(length=255),
                           comment="TOTP secret once enrolment started, encrypted "
                           "(data.people.two_factor); a plain base32 one is encrypted at its "
                           "next use",
                           existing_comment="base32 TOTP secret once enrolment started")
        batch.add_column(sa.Column(
            "totp_last_step", sa.BigInteger(), nullable=True,
            comment="the last 30-second step whose code was accepted; it and older are "
                    "refused"))
    with op.batch_alter_table("login_attempts") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=8), nullable=False,
                                   server_default="password",
                                   comment="password | code (second factor or recovery code)"))
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False,
                  comment="sha256 of the code; the code itself was shown once"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_recovery_codes_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
        sa.UniqueConstraint("user_id", "code_hash", name="uq_recovery_codes_user_hash"),
        comment="one-time codes that stand in for the second factor",
    )
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False,
                  comment="the account concerned; no foreign key: the log is kept"),
        sa.Column("actor_id", sa.Integer(), nullable=True,
                  comment="who did it when not the account itself (an admin); NULL for the "
                          "account itself or the command line"),
        sa.Column("event", sa.String(length=32), nullable=False,
                  comment="second_factor_on | second_factor_reset | recovery_codes_made | "
                          "recovery_code_used"),
        sa.Column("detail", sa.Text(), nullable=False,
                  comment="e.g. how many recovery codes are left; never a code or a secret"),
        sa.Column("address", sa.String(length=64), nullable=False,
                  comment="client address of the request, empty from the command line"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_events")),
        comment="append-only: second-factor events of accounts (set up, reset, recovery codes)",
    )
    op.create_index("ix_account_events_user_at", TABLE, ["user_id", "at"])
    for statement in _triggers(op.get_bind().dialect.name):
        op.execute(statement)
    users = sa.table("users", sa.column("totp_enabled", sa.Boolean),
                     sa.column("session_version", sa.Integer))
    op.execute(users.update().where(users.c.totp_enabled.is_(False))
               .values(session_version=users.c.session_version + 1))


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
        op.execute(f"DROP FUNCTION IF EXISTS {TABLE}_append_only()")
    op.drop_index("ix_account_events_user_at", table_name=TABLE)
    op.drop_table(TABLE)
    op.drop_table("recovery_codes")
    with op.batch_alter_table("login_attempts") as batch:
        batch.drop_column("kind")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("totp_last_step")
    # encrypted secrets do not fit the old column: enrolments start again, sessions end
    op.execute(sa.text("UPDATE users SET totp_secret = NULL, totp_enabled = false, "
                       "session_version = session_version + 1"))
    with op.batch_alter_table("users") as batch:
        batch.alter_column("totp_secret", existing_type=sa.String(length=255),
                           type_=sa.String(length=64),
                           comment="base32 TOTP secret once enrolment started",
                           existing_comment="TOTP secret once enrolment started, encrypted "
                           "(data.people.two_factor); a plain base32 one is encrypted at its "
                           "next use")
