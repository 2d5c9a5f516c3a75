"""The audit log: append entries inside the caller's transaction, read a record's history.

Every status change and field edit of an incident is logged with who made it (and under
which role), when, the field, and the old and new values. The text of restricted fields
(:data:`RESTRICTED`) is never copied into the log: such an edit is logged as ``changed``.
The table is append-only (migration 0010 adds triggers refusing UPDATE and DELETE); this
module only ever inserts.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import Engine, insert, select

from data.people.accounts import User
from data.privacy.columns import PERSONAL_COLUMNS
from data.privacy.roles import roles_that_can
from data.store.schema import audit_log, users

#: Fields whose values must not leave the record: the personal data an erasure removes (a
#: copy here would outlive it, :data:`data.privacy.columns.PERSONAL_COLUMNS`). Edits are
#: logged as ``changed``.
RESTRICTED = frozenset(PERSONAL_COLUMNS)
SYSTEM_ROLE = "system"
CHANGED = "changed"


@dataclass(frozen=True)
class Entry:
    """One audit log entry as shown in a record's history."""

    at: dt.datetime
    user: str
    role: str
    action: str
    field: str
    old_value: str | None
    new_value: str | None
    reason: str | None


def as_text(value) -> str | None:
    """A value as the log stores it: None stays None, lists as JSON, the rest as ``str``."""
    if value is None:
        return None
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def append(conn, user: User | None, incident_id: int, public_id: str, action: str, field: str,
           old=None, new=None, reason: str | None = None) -> None:
    """Add one entry in the caller's transaction (restricted fields: ``changed`` only).

    Parameters
    ----------
    conn : sqlalchemy.Connection
        Inside the transaction that makes the change (so both happen or neither).
    user : User or None
        Who made the change; None for the retention job (logged as role ``system``).
    incident_id, public_id
        The record changed.
    action : str
        One of :data:`data.store.audit_schema.AUDIT_ACTIONS`.
    field : str
        The column changed (``status`` for a status change).
    old, new
        The values before and after.
    reason : str, optional
        Why (a moderator's note).
    """
    if field in RESTRICTED:
        old, new = (None, CHANGED) if action == "field" else (None, None)
    conn.execute(insert(audit_log).values(
        at=dt.datetime.now(dt.UTC), user_id=user.id if user else None,
        role=user.role if user else SYSTEM_ROLE,
        incident_id=int(incident_id), public_id=public_id, action=action, field=field,
        old_value=as_text(old), new_value=as_text(new), reason=reason or None))


def history(engine: Engine, incident_id: int) -> list[Entry]:
    """The log of one record, oldest first, with each author's e-mail address.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    incident_id : int

    Returns
    -------
    list of Entry
    """
    query = (select(audit_log, users.c.email)
             .select_from(audit_log.outerjoin(users, users.c.id == audit_log.c.user_id))
             .where(audit_log.c.incident_id == int(incident_id))
             .order_by(audit_log.c.id))
    with engine.connect() as conn:
        return [Entry(r.at, r.email or SYSTEM_ROLE, r.role, r.action, r.field, r.old_value,
                      r.new_value, r.reason) for r in conn.execute(query)]


def summary_reviewed(conn, ids: list[int]) -> set[int]:
    """Records among ``ids`` whose public summary a moderator or admin wrote or reviewed last.

    The latest ``public_summary`` entry of each record decides: one made under a role allowed
    to ``moderate`` (an edit or a ``review``) counts, a later edit by a reporter undoes it.
    """
    rows = conn.execute(select(audit_log.c.incident_id, audit_log.c.role)
                        .where(audit_log.c.incident_id.in_([int(i) for i in ids]),
                               audit_log.c.field == "public_summary")
                        .order_by(audit_log.c.id))
    last: dict[int, str] = {}
    for row in rows:
        last[int(row.incident_id)] = row.role
    moderating = roles_that_can("moderate")
    return {i for i, role in last.items() if role in moderating}
