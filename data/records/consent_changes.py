"""Changing a record's consents, with every effect applied in the same transaction.

- Withdrawing consent to record anonymises the record (:func:`data.people.erasure.anonymise`).
- Withdrawing consent to publish takes a published record back to ``verified``: every
  public output, cached aggregate and download drops it at once, since all of them follow
  the data version this bumps.
- Withdrawing consent to share within the network needs no change: who may read personal
  data is decided from the consents on every read (:func:`data.privacy.consent.personal_access`).

Who may change them: the recording organisation's reporters, and moderators and admins.
Each change is logged (action ``consent``, the field, old and new value).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select, update

from data.people.accounts import User
from data.people.erasure import anonymise, scrub_storage
from data.people.vault import VaultError
from data.privacy.consent import Consents
from data.privacy.roles import can
from data.records import audit
from data.store.db import bump_version
from data.store.schema import incidents


def change_consents(engine: Engine, user: User, incident_id: int, wanted: Consents) -> list[str]:
    """Set a member record's consents and apply what follows from them (see the module).

    Parameters
    ----------
    engine : sqlalchemy.Engine
    user : User
        A reporter of the recording organisation, a moderator or an admin.
    incident_id : int
    wanted : Consents
        The consents as they should be now (``None`` values are left as they are).

    Returns
    -------
    list of str
        The consent columns that changed.

    Raises
    ------
    VaultError
        No such member record for this user. (Consent to record given back to an anonymised
        record allows new details from then on; what was erased stays erased.)
    """
    if not can(user, "change_consents"):
        raise VaultError("only the recording organisation and moderators change consents")
    anonymised = False
    with engine.begin() as conn:
        row = conn.execute(select(incidents).where(incidents.c.id == int(incident_id))).first()
        if row is None or row.policy != "member" or not can(user, "change_consents", row):
            raise VaultError("no such record")
        before = Consents.of(row).as_columns()
        changes = {k: v for k, v in wanted.as_columns().items()
                   if v is not None and v != before[k]}
        if not changes:
            return []
        now = dt.datetime.now(dt.UTC)
        conn.execute(update(incidents).where(incidents.c.id == row.id)
                     .values(**changes, consent_recorded_at=now, updated_at=now))
        for name, value in changes.items():
            audit.append(conn, user, row.id, row.public_id, "consent", name, before[name],
                         value)
        if changes.get("consent_record") is False and row.personal_data_erased_at is None:
            anonymise(conn, user, row.id, "consent_withdrawn")
            anonymised = True
        if changes.get("consent_publish_aggregate") is False and row.status == "published":
            conn.execute(update(incidents).where(incidents.c.id == row.id)
                         .values(status="verified", updated_at=now))
            audit.append(conn, user, row.id, row.public_id, "status", "status", "published",
                         "verified", "consent to publish withdrawn")
            bump_version(conn, private=True)
    if anonymised:
        scrub_storage(engine)
    return sorted(changes)
