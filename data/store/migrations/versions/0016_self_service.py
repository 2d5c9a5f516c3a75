"""self-service: password-reset requests, personal API tokens, the token in the access log

- ``reset_requests``: who asked for a password-reset e-mail and when (a hash of the address
  typed and the client address), to throttle requests per address and per client.
- ``api_tokens``: personal API tokens (only a SHA-256 of each token is stored).
- ``record_access.token_id``: which API token a read was made with. Added with a plain
  ``ALTER TABLE`` on both backends, so the append-only triggers of 0011 stay in place.
- ``account_tokens.purpose`` may also be ``reset_password`` (its comment says so).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 22:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

PURPOSE = "set_password (given by an admin) or reset_password (sent by e-mail)"


def upgrade() -> None:
    op.create_table(
        "reset_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_key", sa.String(length=64), nullable=False, comment="sha256 of the e-mail typed"),
        sa.Column("address", sa.String(length=64), nullable=False, comment="client IP address"),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reset_requests")),
        comment="password-reset requests (throttling); kept for one throttle window",
    )
    op.create_index("ix_reset_requests_account_at", "reset_requests", ["account_key", "at"])
    op.create_index("ix_reset_requests_address_at", "reset_requests", ["address", "at"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False, comment="what the owner calls it"),
        sa.Column("token_hash", sa.String(length=64), nullable=False,
                  comment="sha256 of the token; the token itself is shown once, at creation"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True, comment="NULL: until revoked"),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
        comment="personal API tokens: read-only /api/v1 access in the owner's projection",
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    # plain ALTER TABLE (no batch): SQLite keeps record_access's append-only triggers
    op.add_column("record_access", sa.Column(
        "token_id", sa.Integer(), nullable=True,
        comment="the API token used (api_tokens.id); NULL for a browser session"))
    if op.get_bind().dialect.name != "sqlite":  # SQLite keeps no comments
        op.alter_column("account_tokens", "purpose", existing_type=sa.String(length=16),
                        existing_nullable=False, comment=PURPOSE,
                        existing_comment="set_password")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("account_tokens", "purpose", existing_type=sa.String(length=16),
                        existing_nullable=False, comment="set_password", existing_comment=PURPOSE)
    op.execute("DELETE FROM account_tokens WHERE purpose = 'reset_password'")
    op.drop_column("record_access", "token_id")  # SQLite 3.35+ drops a column in place
    op.drop_index("ix_api_tokens_user_id", table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_index("ix_reset_requests_address_at", table_name="reset_requests")
    op.drop_index("ix_reset_requests_account_at", table_name="reset_requests")
    op.drop_table("reset_requests")
