"""Forms filled on ``/report``: drafts of an organisation, and submitting one as an incident.

A row of ``reports`` is one filled form. As a draft it holds the values exactly as typed
(valid or not), so it resumes exactly; any reporter of the same organisation may list, resume
and submit it, nobody else. Submitting stores a checked :class:`Record` as an incident of the
organisation (policy ``member``, status ``submitted``) and links the row to it.

Every form carries an idempotency key, unique per organisation: a double click, a retried
request or a second submit of the same form finds the incident the first one made instead of
making another. Checking the values is not done here (``data`` does not import ``ingest``):
``ingest.form`` validates them with ingest's own normalisation and builds the Record.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from dataclasses import dataclass, field

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from data.people.accounts import User
from data.privacy.roles import can
from data.records.bounds import TooLong, describe, draft_too_long
from data.records.form_fields import CONSENTS
from data.store.db import bump_version
from data.store.schema import CODE_TABLES, incidents, organisations, reports, sources

KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
BASE32 = "abcdefghijklmnopqrstuvwxyz234567"


class ReportError(ValueError):
    """A request about a report that cannot be done; the message says why."""


class DraftTooLarge(ReportError):
    """A form over its bounds (:func:`data.records.bounds.draft_too_long`): nothing stored.

    Attributes
    ----------
    found : list of TooLong
        Each input over its limit, or the whole form over its size.
    """

    def __init__(self, found: list[TooLong]):
        super().__init__(describe(found))
        self.found = found


def _bounded(form: dict) -> dict:
    found = draft_too_long(form)
    if found:
        raise DraftTooLarge(found)
    return form


@dataclass(frozen=True)
class Record:
    """Checked incident values ready to store (built by ``ingest.form.validate_report``).

    Attributes
    ----------
    values : dict
        Columns of ``incidents`` (no ids, provenance or timestamps: :func:`submit` adds them).
    codes : dict
        Kind (``bias``, ``indicator``, ``type``) -> codes, the primary one first.
    """

    values: dict
    codes: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Draft:
    """A saved draft as listed for resuming."""

    id: int
    key: str
    updated_at: dt.datetime
    form: dict


@dataclass(frozen=True)
class Submitted:
    """The incident a form became; ``again`` is True when it existed before this call."""

    incident_id: int
    public_id: str
    again: bool


def new_key() -> str:
    """A fresh idempotency key for a new form (URL-safe, 128 bits)."""
    return secrets.token_urlsafe(16)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _organisation_of(user: User) -> int:
    if not can(user, "record"):
        raise ReportError("only reporters, moderators and admins record incidents")
    if user.organisation_id is None:
        raise ReportError("your account belongs to no organisation; ask an admin to add it "
                          "to one before recording incidents")
    return int(user.organisation_id)


def _check_key(key: str) -> str:
    if not isinstance(key, str) or not KEY.match(key):
        raise ReportError("the form's key is missing or malformed; reload the page")
    return key


def save_draft(engine: Engine, user: User, key: str, form: dict) -> int:
    """Save (or update) the draft of the form with idempotency key ``key``.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    user : User
        The recorder; the draft belongs to their organisation.
    key : str
        The form's idempotency key (:func:`new_key`).
    form : dict
        The values as typed (JSON-serialisable); stored unchecked.

    Returns
    -------
    int
        The draft's id.

    Raises
    ------
    DraftTooLarge
        An input is longer than its limit, or the whole form larger than a draft may be
        (:mod:`data.records.bounds`); the draft saved before is kept as it was.
    ReportError
        The form was already submitted, or the user may not record.
    """
    org = _organisation_of(user)
    key = _check_key(key)
    form = _bounded(form)
    now = _now()
    with engine.begin() as conn:
        row = conn.execute(select(reports.c.id, reports.c.status).where(
            reports.c.organisation_id == org, reports.c.idempotency_key == key)).first()
        if row is not None and row.status != "draft":
            raise ReportError("this form was submitted already; start a new report")
        if row is not None:
            conn.execute(update(reports).where(reports.c.id == row.id).values(
                form=dict(form), updated_by=user.id, updated_at=now))
            return int(row.id)
        return int(conn.execute(insert(reports).values(
            organisation_id=org, created_by=user.id, updated_by=user.id, idempotency_key=key,
            status="draft", form=dict(form), created_at=now, updated_at=now,
        )).inserted_primary_key[0])


def list_drafts(engine: Engine, user: User) -> list[Draft]:
    """Drafts of the user's organisation, most recently changed first."""
    org = _organisation_of(user)
    query = (select(reports.c.id, reports.c.idempotency_key, reports.c.updated_at,
                    reports.c.form)
             .where(reports.c.organisation_id == org, reports.c.status == "draft")
             .order_by(reports.c.updated_at.desc(), reports.c.id.desc()))
    with engine.connect() as conn:
        return [Draft(int(r.id), r.idempotency_key, r.updated_at, dict(r.form))
                for r in conn.execute(query)]


def load_draft(engine: Engine, user: User, draft_id: int) -> Draft:
    """The draft ``draft_id`` of the user's organisation.

    Raises
    ------
    ReportError
        No such draft in the user's organisation (another organisation's draft gives the
        same answer as a missing one), or it was submitted already.
    """
    org = _organisation_of(user)
    with engine.connect() as conn:
        row = conn.execute(select(reports.c.id, reports.c.idempotency_key,
                                  reports.c.updated_at, reports.c.form)
                           .where(reports.c.id == int(draft_id),
                                  reports.c.organisation_id == org,
                                  reports.c.status == "draft")).first()
    if row is None:
        raise ReportError("no such draft in your organisation (submitted or removed?)")
    return Draft(int(row.id), row.idempotency_key, row.updated_at, dict(row.form))


def find_submitted(engine: Engine, user: User, key: str) -> Submitted | None:
    """The incident the form ``key`` of the user's organisation became, if submitted."""
    org = _organisation_of(user)
    with engine.connect() as conn:
        return _submitted(conn, org, _check_key(key))


def _submitted(conn, org: int, key: str) -> Submitted | None:
    row = conn.execute(select(reports.c.incident_id, incidents.c.public_id)
                       .select_from(reports.join(incidents))
                       .where(reports.c.organisation_id == org,
                              reports.c.idempotency_key == key,
                              reports.c.status == "submitted")).first()
    return Submitted(int(row.incident_id), row.public_id, True) if row else None


def _source_id(conn, org: int) -> int:
    """The ``sources`` row of the organisation's own records (created on first use)."""
    found = conn.execute(select(organisations.c.slug, organisations.c.name)
                         .where(organisations.c.id == org)).one()
    row = conn.execute(select(sources.c.id, sources.c.kind, sources.c.policy)
                       .where(sources.c.slug == found.slug)).first()
    if row is not None:
        if (row.kind, row.policy) != ("organisation", "member"):
            raise ReportError(f"the source name {found.slug!r} is taken by a {row.kind} "
                              "dataset; ask an admin to rename one of them")
        return int(row.id)
    return int(conn.execute(insert(sources).values(
        slug=found.slug, name=found.name, kind="organisation", policy="member", licence="",
        attribution="", url="")).inserted_primary_key[0])


def _claim(conn, org: int, user: User, key: str, form: dict, now: dt.datetime) -> int | None:
    """Mark the form submitted (a draft, or a new row); None if another call did first."""
    claimed = conn.execute(update(reports).where(
        reports.c.organisation_id == org, reports.c.idempotency_key == key,
        reports.c.status == "draft").values(
        status="submitted", form=dict(form), updated_by=user.id, updated_at=now,
        submitted_at=now))
    if claimed.rowcount == 1:
        return int(conn.execute(select(reports.c.id).where(
            reports.c.organisation_id == org, reports.c.idempotency_key == key)).scalar())
    try:
        with conn.begin_nested():
            return int(conn.execute(insert(reports).values(
                organisation_id=org, created_by=user.id, updated_by=user.id,
                idempotency_key=key, status="submitted", form=dict(form), created_at=now,
                updated_at=now, submitted_at=now)).inserted_primary_key[0])
    except IntegrityError:
        return None


def _public_id() -> str:
    return "".join(secrets.choice(BASE32) for _ in range(16))


def _insert_incident(conn, org: int, report_id: int, record: Record, taxonomy_version: str,
                     now: dt.datetime) -> tuple[int, str]:
    public_id = _public_id()
    values = {**record.values, "uuid": str(uuid.uuid4()), "public_id": public_id,
              "source_id": _source_id(conn, org), "source_record_id": f"report:{report_id}",
              "organisation_id": org, "policy": "member", "status": "submitted",
              "taxonomy_version": taxonomy_version, "created_at": now, "updated_at": now,
              "consent_recorded_at": now}
    for name in CONSENTS:
        values[name] = bool(values.get(name))
    incident_id = int(conn.execute(insert(incidents).values(**values)).inserted_primary_key[0])
    for kind, table in CODE_TABLES.items():
        for position, code in enumerate(record.codes.get(kind, [])):
            row = {"incident_id": incident_id, "code": code}
            if "is_primary" in table.c:
                row["is_primary"] = position == 0
            conn.execute(insert(table).values(**row))
    return incident_id, public_id


def submit(engine: Engine, user: User, key: str, form: dict, record: Record,
           taxonomy_version: str) -> Submitted:
    """Store ``record`` as a submitted incident of the user's organisation, exactly once.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    user : User
    key : str
        The form's idempotency key; a draft with this key (of this organisation) becomes
        submitted. Another organisation's draft is never touched: keys are per organisation.
    form : dict
        The values as typed, kept with the report.
    record : Record
        The checked values (``ingest.form.validate_report``).
    taxonomy_version : str

    Returns
    -------
    Submitted
        ``again`` is True when the key had been submitted before (nothing new is stored).

    Raises
    ------
    DraftTooLarge
        ``form`` is over the bounds of a draft (it is kept with the report).
    """
    org = _organisation_of(user)
    key = _check_key(key)
    form = _bounded(form)
    for _attempt in range(3):
        now = _now()
        with engine.begin() as conn:
            done = _submitted(conn, org, key)
            if done is not None:
                return done
            report_id = _claim(conn, org, user, key, form, now)
            if report_id is None:
                continue  # another request claimed the key meanwhile: read its incident
            incident_id, public_id = _insert_incident(conn, org, report_id, record,
                                                      taxonomy_version, now)
            conn.execute(update(reports).where(reports.c.id == report_id)
                         .values(incident_id=incident_id))
            bump_version(conn)
            return Submitted(incident_id, public_id, False)
    raise ReportError("the form is being submitted by another request; reload the page")
