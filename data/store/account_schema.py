"""Second-factor recovery codes and the account-event log (migration 0014).

Defined on :data:`data.store.schema.metadata` by :func:`account_tables`, called there once
(like :mod:`data.store.audit_schema`), to keep ``schema.py`` small.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

#: What an account event records (data.people.account_events).
ACCOUNT_EVENTS = ("second_factor_on", "second_factor_reset", "recovery_codes_made",
                  "recovery_code_used")


def account_tables(metadata: MetaData) -> tuple[Table, Table]:
    """Define ``recovery_codes`` and the append-only ``account_events`` on ``metadata``.

    Parameters
    ----------
    metadata : sqlalchemy.MetaData
        The store's metadata (:data:`data.store.schema.metadata`).

    Returns
    -------
    (sqlalchemy.Table, sqlalchemy.Table)
        ``recovery_codes``, ``account_events``.
    """
    codes = Table(
        "recovery_codes",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        Column("code_hash", String(64), nullable=False,
               comment="sha256 of the code; the code itself was shown once"),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("used_at", DateTime(timezone=True)),
        UniqueConstraint("user_id", "code_hash", name="uq_recovery_codes_user_hash"),
        comment="one-time codes that stand in for the second factor",
    )
    events = Table(
        "account_events",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("user_id", Integer, nullable=False,
               comment="the account concerned; no foreign key: the log is kept"),
        Column("actor_id", Integer, comment="who did it when not the account itself (an "
               "admin); NULL for the account itself or the command line"),
        Column("event", String(32), nullable=False, comment=" | ".join(ACCOUNT_EVENTS)),
        Column("detail", Text, nullable=False, default="",
               comment="e.g. how many recovery codes are left; never a code or a secret"),
        Column("address", String(64), nullable=False, default="",
               comment="client address of the request, empty from the command line"),
        Index("ix_account_events_user_at", "user_id", "at"),
        comment="append-only: second-factor events of accounts (set up, reset, recovery codes)",
    )
    return codes, events
