"""Subject access: gather everything held about one person, for a moderator to hand over.

The person is found in the vault by name, e-mail, phone or id number
(:func:`data.people.vault.find_people`). For each entry the reader may open (the consents and role
decide, as everywhere), the export holds the person's details and files, the record they are
linked to (every field the reader may see), its audit history and the access-log entries
that name it. Entries the reader may not open are counted, not described.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from data.people import vault as vaults
from data.people.access_log import record_reads
from data.people.accounts import User
from data.people.vault import Vault, VaultError
from data.privacy.roles import can
from data.records.audit import history
from data.records.moderation import get_record
from data.store.schema import vault_people


@dataclass
class Found:
    """What a search found: entries the reader may open, and how many others exist."""

    matches: list[dict] = field(default_factory=list)
    elsewhere: int = 0


def search(engine: Engine, vault: Vault, user: User, query: dict) -> Found:
    """Vault entries matching ``query`` (name, email, phone, id_number) that ``user`` may open.

    Raises
    ------
    VaultError
        Not a moderator or admin, or nothing to search for.
    """
    if not can(user, "subject_access"):
        raise VaultError("only moderators and admins answer subject-access requests")
    found = Found()
    for person_id, incident_id in vaults.find_people(engine, vault, query):
        record = get_record(engine, user, incident_id)
        if record is None or record["withheld"]:
            found.elsewhere += 1
            continue
        with engine.connect() as conn:
            role = conn.execute(select(vault_people.c.person_role)
                                .where(vault_people.c.id == person_id)).scalar()
        found.matches.append({"person_id": person_id, "incident_id": incident_id,
                              "public_id": record["public_id"], "role": role,
                              "organisation": record.get("organisation")})
    return found


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def export(engine: Engine, vault: Vault, user: User, found: Found
           ) -> tuple[dict, list[tuple[str, bytes]]]:
    """Everything held about the person in ``found`` (see the module).

    Returns
    -------
    document : dict
        JSON-able: ``generated_at``, ``by``, ``entries`` (one per match: ``person``,
        ``record``, ``history``, ``access_log``, ``files``).
    files : list of (str, bytes)
        Archive path and content of each attachment.
    """
    entries, blobs = [], []
    for match in found.matches:
        incident_id = match["incident_id"]
        record = get_record(engine, user, incident_id)
        person = next((p for p in vaults.people(engine, vault, user, incident_id)
                       if p.id == match["person_id"]), None)
        listed = []
        for stored in vaults.files(engine, vault, user, incident_id):
            if stored.person_id not in (None, match["person_id"]):
                continue
            _, content = vaults.read_file(engine, vault, user, incident_id, stored.id)
            path = f"files/{stored.id}-{(stored.name or 'file').replace('/', '_')}"
            blobs.append((path, content))
            listed.append({"path": path, "name": stored.name, "type": stored.content_type,
                           "size": stored.size, "added": _plain(stored.created_at)})
        entries.append({
            "person": {"role": match["role"], "details": person.details if person else None,
                       "added": _plain(person.created_at) if person else None},
            "record": {k: _plain(v) for k, v in record.items()
                       if k not in ("withheld", "personal")},
            "history": [{k: _plain(v) for k, v in vars(e).items()}
                        for e in history(engine, incident_id)],
            "access_log": record_reads(engine, record["public_id"]),
            "files": listed,
        })
    document = {"generated_at": dt.datetime.now(dt.UTC).isoformat(), "by": user.email,
                "entries": entries,
                "held_elsewhere": found.elsewhere}
    return document, blobs
