"""What the moderation queue and an organisation's record list show (reads only).

Moderators and admins see every organisation's records (DESIGN §5); reporters only their
own organisation's. Writes live in :mod:`data.records.workflow`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, func, or_, select

from data.people.accounts import User
from data.privacy.columns import PERSONAL_COLUMNS
from data.privacy.consent import WITHHELD, Consents, personal_access
from data.privacy.roles import can
from data.store.schema import duplicate_links, incidents, organisations, sources

#: Statuses the queue shows by default (still to be decided).
QUEUE_STATUSES = ("submitted", "verified")
#: Fields of a record shown side by side and in the record view, in order.
SHOWN_FIELDS = ("public_id", "status", "policy", "source", "organisation", "date_start",
                "date_end", "date_precision", "country", "nuts3", "place_name",
                "geo_precision", "location_type", "classification", "public_summary",
                "narrative", "victim_count", "harm_severity", "reported_to_police",
                "justice_outcome", "national_offence_label")
QUEUE_LIMIT = 500
#: Shown fields that hold personal data (:data:`data.privacy.columns.PERSONAL_COLUMNS`):
#: withheld where the consents do not allow the reader to see them
#: (:func:`data.privacy.consent.personal_access`); reads are logged.
PERSONAL_SHOWN = tuple(name for name in SHOWN_FIELDS if name in PERSONAL_COLUMNS)


def guarded(user: User, record: dict) -> dict:
    """A record as ``user`` may read it: personal data withheld where consents say so.

    Where the consents do not allow the reader, every column of personal data
    (:data:`data.privacy.columns.PERSONAL_COLUMNS`) is None. Adds ``withheld`` (None, or
    why the personal fields are not shown) and ``personal`` (the personal fields shown with
    a value: what the caller logs as read).
    """
    reason = personal_access(user.role, user.organisation_id, record.get("organisation_id"),
                             Consents.of(record))
    out = dict(record)
    if reason is not None:
        out.update(dict.fromkeys(PERSONAL_COLUMNS))
    out["withheld"] = WITHHELD[reason] if reason else None
    out["personal"] = [n for n in PERSONAL_SHOWN if out.get(n) not in (None, "")]
    return out


@dataclass(frozen=True)
class Filters:
    """Queue filters; None means any."""

    status: str | None = None
    country: str | None = None
    organisation_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _select():
    return (select(incidents, sources.c.name.label("source"),
                   organisations.c.name.label("organisation"))
            .select_from(incidents.join(sources, sources.c.id == incidents.c.source_id)
                         .outerjoin(organisations,
                                    organisations.c.id == incidents.c.organisation_id)))


def queue(engine: Engine, filters: Filters) -> list[dict]:
    """Records waiting for a decision (``submitted`` or ``verified`` unless filtered).

    Parameters
    ----------
    engine : sqlalchemy.Engine
    filters : Filters

    Returns
    -------
    list of dict
        Oldest first, at most :data:`QUEUE_LIMIT`; each with ``duplicates``, the number of
        likely duplicates the ingest linked to it and nobody has decided on yet.
    """
    statuses = (filters.status,) if filters.status else QUEUE_STATUSES
    pending = (select(func.count()).select_from(duplicate_links)
               .where(or_(duplicate_links.c.incident_id == incidents.c.id,
                          duplicate_links.c.other_id == incidents.c.id),
                      duplicate_links.c.status == "pending")
               .scalar_subquery().label("duplicates"))
    query = _select().add_columns(pending).where(incidents.c.status.in_(statuses))
    if filters.country:
        query = query.where(incidents.c.country == filters.country)
    if filters.organisation_id:
        query = query.where(incidents.c.organisation_id == filters.organisation_id)
    if filters.date_from:
        query = query.where(incidents.c.date_start >= filters.date_from)
    if filters.date_to:
        query = query.where(incidents.c.date_start <= filters.date_to)
    query = query.order_by(incidents.c.created_at, incidents.c.id).limit(QUEUE_LIMIT)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def choices(engine: Engine) -> tuple[list[str], list[tuple[int, str]]]:
    """Countries and organisations (id, name) that the queue can be filtered by."""
    with engine.connect() as conn:
        countries = [r[0] for r in conn.execute(
            select(incidents.c.country).distinct().order_by(incidents.c.country))]
        orgs = [(int(r.id), r.name) for r in conn.execute(
            select(organisations.c.id, organisations.c.name).order_by(organisations.c.name))]
    return countries, orgs


def get_record(engine: Engine, user: User, incident_id: int) -> dict | None:
    """One record as ``user`` may see it, or None.

    Moderators and admins see any record, reporters their own organisation's records only;
    a missing record and one the user may not see give the same answer (None).
    """
    if not can(user, "read_records"):
        return None
    with engine.connect() as conn:
        row = conn.execute(_select().where(incidents.c.id == int(incident_id))).first()
    if row is None or not can(user, "read_records", row):
        return None
    return guarded(user, dict(row._mapping))


def likely_duplicates(engine: Engine, user: User, incident_id: int) -> list[dict]:
    """Records the ingest linked to ``incident_id`` as likely duplicates, best score first.

    Returns
    -------
    list of dict
        ``record`` (the other record, as :func:`get_record` gives it to ``user``), ``score``,
        ``reasons`` and
        the link's ``status``.
    """
    links = (select(duplicate_links)
             .where(or_(duplicate_links.c.incident_id == int(incident_id),
                        duplicate_links.c.other_id == int(incident_id)))
             .order_by(duplicate_links.c.score.desc()))
    with engine.connect() as conn:
        found = conn.execute(links).all()
        out = []
        for link in found:
            other = link.other_id if link.incident_id == int(incident_id) else link.incident_id
            row = conn.execute(_select().where(incidents.c.id == other)).first()
            if row is not None:
                out.append({"record": guarded(user, dict(row._mapping)), "score": link.score,
                            "reasons": link.reasons, "status": link.status})
    return out


def organisation_records(engine: Engine, user: User) -> list[dict]:
    """Every record of the user's organisation (any status), newest first."""
    if user.organisation_id is None:
        return []
    query = (_select().where(incidents.c.organisation_id == user.organisation_id)
             .order_by(incidents.c.created_at.desc(), incidents.c.id.desc()))
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]
