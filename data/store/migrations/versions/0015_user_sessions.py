"""user_sessions: login sessions kept on the server, so that they can be ended

Until now a session lived only in the signed cookie (user id, session version, CSRF token):
a cookie saved before logging out still opened the account until it expired. The cookie now
carries an opaque random id; this table holds its SHA-256, the account, the account's
session version at login and the times that bound it (idle timeout, absolute lifetime).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 22:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False,
                  comment="sha256 of the session id; the id itself is only in the browser's "
                  "cookie"),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False,
                  comment="users.session_version at login; the session ends when the "
                  "account's moves"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False,
                  comment="updated at most once a minute (idle timeout)"),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True,
                  comment="logged out or ended by an admin"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_user_sessions_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
        comment="server-side login sessions (no address, no user agent: data.people.sessions)",
    )
    with op.batch_alter_table("user_sessions") as batch:
        batch.create_index("ix_user_sessions_user_id", ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("user_sessions") as batch:
        batch.drop_index("ix_user_sessions_user_id")
    op.drop_table("user_sessions")
