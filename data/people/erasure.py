"""Erasing personal data on request: one person's vault entry, or a whole record.

A moderator (or admin) erases what a person asks to have erased (GDPR Art. 17), and the
consent and retention rules use the same steps. What is erased is deleted, not hidden:

- a person: their vault entry and its files;
- a record (*anonymise*): every vault entry and file of it; every column of personal data
  (:data:`data.privacy.columns.PERSONAL_COLUMNS`: the account (narrative), its language,
  bias indicator notes, place name and point, the victim's attributes, time of day, the
  national offence label, ingest notes and raw labels); the day (kept to the month) and the
  point (kept to the NUTS region); the copy of the typed form. What stays is what the
  publication rules allow (DESIGN §5): month, region, codes, the reviewed public summary,
  the workflow and the consents.

Each erasure is logged in the audit log (action ``erasure``) with a reason code from
:data:`REASONS`, never with what was erased. Afterwards :func:`scrub_storage` makes the
database drop its own copies: SQLite overwrites deleted content (``secure_delete``, set on
every connection by :mod:`data.store.db`) and truncates its write-ahead log; PostgreSQL vacuums
the tables so dead row versions are reclaimed. Backups taken before keep their copies until
they expire: docs/data-protection.md tells operators how to keep that window short.
"""

from __future__ import annotations

import calendar
import datetime as dt

from sqlalchemy import Engine, select, text, update

from data.people.accounts import User
from data.people.vault import VaultError, delete_people
from data.privacy.columns import PERSONAL_COLUMNS
from data.privacy.roles import can
from data.records import audit
from data.store.db import bump_version
from data.store.schema import incidents, reports

#: Why something was erased (logged; free text is not, as it could name the person).
REASONS = ("request", "consent_withdrawn", "retention")
#: Tables whose deleted rows may have held personal data (vacuumed after an erasure).
TOUCHED_TABLES = ("vault_people", "vault_files", "incidents", "reports")


def _check(user: User | None, reason: str) -> None:
    if reason not in REASONS:
        raise VaultError(f"reason must be one of {', '.join(REASONS)}")
    if user is not None and not can(user, "erase"):
        raise VaultError("only moderators and admins erase personal data")


def _month_bounds(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(end.year, end.month)[1]
    return start.replace(day=1), end.replace(day=last)


def coarsened_place(row) -> str:
    """``geo_precision`` of a record whose point and place are gone: its finest region."""
    for level in ("nuts3", "nuts2", "nuts1"):
        if getattr(row, level):
            return level
    return row.geo_precision if row.geo_precision in ("country", "unknown") else "country"


def anonymise(conn, user: User | None, incident_id: int, reason: str) -> bool:
    """Anonymise one member record inside the caller's transaction (see the module).

    Parameters
    ----------
    conn : sqlalchemy.Connection
    user : User or None
        Who erases (the caller checked that they may); None for the retention job.
    incident_id : int
    reason : str
        One of :data:`REASONS`.

    Returns
    -------
    bool
        True when the record was published (the caller's transaction bumped the version).

    Raises
    ------
    VaultError
        No such member record.
    """
    row = conn.execute(select(incidents).where(incidents.c.id == int(incident_id))).first()
    if row is None or row.policy != "member":
        raise VaultError("no such member record (records of open datasets hold only what "
                         "their publisher released)")
    start, end = row.date_start, row.date_end
    precision = row.date_precision
    if precision in ("day", "week"):
        start, end = _month_bounds(start, end)
        precision = "month"
    now = dt.datetime.now(dt.UTC)
    conn.execute(update(incidents).where(incidents.c.id == row.id).values(
        **dict.fromkeys(PERSONAL_COLUMNS), date_start=start, date_end=end,
        date_precision=precision, geo_precision=coarsened_place(row),
        personal_data_erased_at=now, updated_at=now))
    conn.execute(update(reports).where(reports.c.incident_id == row.id)
                 .values(form={"anonymised": True}, updated_at=now))
    delete_people(conn, row.id)
    audit.append(conn, user, row.id, row.public_id, "erasure", "record", reason=reason)
    if row.status == "published":
        bump_version(conn, private=True)
        return True
    return False


def anonymise_record(engine: Engine, user: User, incident_id: int,
                     reason: str = "request") -> None:
    """Anonymise a record on request, then scrub the database's copies (see the module)."""
    _check(user, reason)
    with engine.begin() as conn:
        anonymise(conn, user, incident_id, reason)
    scrub_storage(engine)


def erase_person(engine: Engine, user: User, incident_id: int, person_id: int,
                 reason: str = "request") -> None:
    """Erase one person's vault entry and files, log it, and scrub the database's copies.

    Raises
    ------
    VaultError
        Not a moderator or admin, or no such person on this record.
    """
    _check(user, reason)
    with engine.begin() as conn:
        public_id = conn.execute(select(incidents.c.public_id)
                                 .where(incidents.c.id == int(incident_id))).scalar()
        if public_id is None or not delete_people(conn, incident_id, person_id):
            raise VaultError("no such person on this record")
        audit.append(conn, user, int(incident_id), public_id, "erasure", "person",
                     reason=reason)
    scrub_storage(engine)


def scrub_storage(engine: Engine) -> None:
    """Make the database drop copies of deleted rows (call after committing an erasure)."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    elif engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in TOUCHED_TABLES:
                conn.execute(text(f"VACUUM {table}"))
