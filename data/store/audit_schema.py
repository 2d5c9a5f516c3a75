"""The audit log table (migration 0010), defined on :data:`data.store.schema.metadata`.

Kept out of ``data/store/schema.py`` to keep that module small: :func:`audit_log_table` is called
there once, on the shared metadata, so there is no import cycle.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, MetaData, String, Table, Text

#: What an audit entry records.
AUDIT_ACTIONS = ("status", "field", "review", "consent", "erasure", "retention")


def audit_log_table(metadata: MetaData) -> Table:
    """Define the append-only ``audit_log`` table on ``metadata``.

    One row per change: a status change (``field`` is ``status``), a field edit, or a
    moderator's review of the public summary. ``incident_id`` has no foreign key on purpose:
    the log outlives the records it describes (an undone ingest run deletes its records).

    Parameters
    ----------
    metadata : sqlalchemy.MetaData
        The store's metadata (:data:`data.store.schema.metadata`).

    Returns
    -------
    sqlalchemy.Table
    """
    return Table(
        "audit_log",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("user_id", ForeignKey("users.id"),
               comment="NULL for the retention job (role 'system')"),
        Column("role", String(16), nullable=False, comment="the user's role at the time"),
        Column("incident_id", Integer, nullable=False, comment="no foreign key: kept forever"),
        Column("public_id", String(16), nullable=False),
        Column("action", String(16), nullable=False,
               comment="status | field | review | consent | erasure | retention"),
        Column("field", String(64), nullable=False),
        Column("old_value", Text, comment="restricted text fields: never the text"),
        Column("new_value", Text, comment="restricted text fields: 'changed'"),
        Column("reason", Text),
        Index("ix_audit_log_incident_at", "incident_id", "at"),
        Index("ix_audit_log_user_at", "user_id", "at"),
        comment="append-only: who changed which record, field, from what to what, and when",
    )
