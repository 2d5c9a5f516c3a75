"""Tables of the identity vault (migration 0011), defined on :data:`data.store.schema.metadata`.

Names, contact details, identity numbers and files of victims, witnesses and reporters live
here, apart from the incident table: every personal value is one Fernet token (encrypted
and authenticated with the vault key, :mod:`data.people.vault`), so a copy of the database without
the key reveals none of them, and no query of the incident table can join them in by
accident. ``incident_id`` cascades: deleting an incident deletes what the vault held on it.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
)

#: The part a person played in an incident (the only plain-text fact about them).
PERSON_ROLES = ("victim", "witness", "reporter", "other")


def vault_tables(metadata: MetaData) -> tuple[Table, Table]:
    """Define ``vault_people`` and ``vault_files`` on ``metadata``.

    Parameters
    ----------
    metadata : sqlalchemy.MetaData
        The store's metadata (:data:`data.store.schema.metadata`).

    Returns
    -------
    tuple of sqlalchemy.Table
        ``(vault_people, vault_files)``.
    """
    people = Table(
        "vault_people",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
        Column("person_role", String(16), nullable=False, comment="victim | witness | ..."),
        Column("payload", LargeBinary, nullable=False,
               comment="Fernet token of the person's details (JSON)"),
        Column("lookup", JSON, nullable=False,
               comment="keyed hashes of name, e-mail, phone, id number: subject access"),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("created_by", ForeignKey("users.id"), nullable=False),
        Index("ix_vault_people_incident", "incident_id"),
        Index("ix_vault_people_created", "created_at"),
        comment="identity vault: encrypted details of people involved in an incident",
    )
    files = Table(
        "vault_files",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
        Column("person_id", ForeignKey("vault_people.id", ondelete="CASCADE")),
        Column("meta", LargeBinary, nullable=False,
               comment="Fernet token of the file name and type (JSON)"),
        Column("payload", LargeBinary, nullable=False, comment="Fernet token of the content"),
        Column("size", Integer, nullable=False, comment="bytes before encryption"),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("created_by", ForeignKey("users.id"), nullable=False),
        Index("ix_vault_files_incident", "incident_id"),
        Index("ix_vault_files_created", "created_at"),
        comment="identity vault: encrypted attachments (photos, letters, screenshots)",
    )
    return people, files
