"""The moderation workflow: status transitions and field edits, each logged (DESIGN §5).

Statuses go ``submitted -> verified -> published``, or to ``rejected`` / ``duplicate``;
:data:`TRANSITIONS` lists every allowed step (unpublishing is ``published -> verified``).
Only moderators and admins change a status. A batch of records changes in one transaction:
one record that may not make the step stops the whole batch, and the error names it.

A member record is published only with a public summary that a moderator or admin wrote or
reviewed last (:func:`data.records.audit.summary_reviewed`); a moderator can set it in the same
call. Every change to what is published bumps the data version (:func:`data.store.db.bump_version`).

Reporters edit the fields in :data:`EDITABLE` of their own organisation's records while they
are ``submitted``; moderators and admins edit them on any record. Each changed field is
logged with its old and new value (:mod:`data.records.audit`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, select, update

from data.people.accounts import User
from data.privacy.columns import PERSONAL_COLUMNS
from data.privacy.consent import Consents, may_publish, personal_access
from data.privacy.roles import can
from data.records import audit
from data.records.bounds import column_limits, too_long
from data.records.form_fields import FIELDS_BY_COLUMN, FormField
from data.reference.vocab import STATUSES
from data.store.db import bump_version
from data.store.schema import audit_log, duplicate_links, incidents

#: status -> the statuses it may change to.
TRANSITIONS = {
    "draft": ("submitted",),
    "submitted": ("verified", "rejected", "duplicate"),
    "verified": ("published", "rejected", "duplicate", "submitted"),
    "published": ("verified",),
    "rejected": ("submitted",),
    "duplicate": ("submitted",),
}
PUBLISHED = "published"

# Messages (English msgids; the pages translate them with the same fields).
ILLEGAL = "Record {record}: a {old} record cannot become {new}."
NEEDS_SUMMARY = ("Record {record}: a member organisation's record needs a public summary "
                 "reviewed by a moderator before it is published.")
MISSING = "Record {record} does not exist (or is not one of your organisation's)."
NOT_MODERATOR = "Only moderators and admins change the status of a record."
NOT_EDITABLE = ("Record {record} is {status}: your organisation can edit it only while it "
                "is submitted.")
BAD_FIELD = "{field} cannot be edited here."
BAD_VALUE = "{field}: {value} is not a valid value."
TOO_LONG = "{field} is longer than {limit} characters."
REQUIRED = "{field} cannot be empty."
NO_PUBLISH_CONSENT = ("Record {record}: the person did not agree to be counted in published "
                      "statistics, so it cannot be published.")
PERSONAL_WITHHELD = ("Record {record}: {field} is personal data you may not change here "
                     "(count-only record, or not shared beyond its organisation).")


@dataclass(frozen=True)
class Problem:
    """Why a change was refused: an English message (a msgid) and its fields."""

    message: str
    values: dict

    def __str__(self) -> str:
        return self.message.format(**self.values)


class WorkflowError(ValueError):
    """A change that cannot be made; nothing was changed. ``problems`` says why, per record."""

    def __init__(self, problems: list[Problem]):
        super().__init__(" ".join(str(p) for p in problems))
        self.problems = problems


def _text(limit: int, required: bool = False) -> Callable:
    def check(field: str, value):
        text = (value or "").strip() if isinstance(value, (str, type(None))) else None
        if text is None:
            raise WorkflowError([Problem(BAD_VALUE, {"field": field, "value": repr(value)})])
        if required and not text:
            raise WorkflowError([Problem(REQUIRED, {"field": field})])
        if len(text) > limit:
            raise WorkflowError([Problem(TOO_LONG, {"field": field, "limit": limit})])
        return text or None
    return check


def _choice(values: tuple[str, ...], required: bool = False) -> Callable:
    def check(field: str, value):
        if value in (None, "") and required:
            raise WorkflowError([Problem(REQUIRED, {"field": field})])
        if value in (None, ""):
            return None
        if value not in values:
            raise WorkflowError([Problem(BAD_VALUE, {"field": field, "value": repr(value)})])
        return value
    return check


def _count(limit: int, lowest: int = 0) -> Callable:
    def check(field: str, value):
        if value in (None, ""):
            return None
        try:
            number = int(str(value).strip())
        except ValueError:
            number = lowest - 1
        if not lowest <= number <= limit:
            raise WorkflowError([Problem(BAD_VALUE, {"field": field, "value": repr(value)})])
        return number
    return check


def _check_of(field: FormField) -> Callable:
    """The edit check of a column the form field ``field`` fills: its vocabulary or limit."""
    if field.values:
        return _choice(field.values, required=field.required)
    if field.kind == "count":
        return _count(field.limit, lowest=1)  # the form takes 1 to the limit
    return _text(field.limit, required=field.required)


#: Columns of a submitted record its organisation and moderators may still edit (each checked
#: as the form field that fills it declares), besides the moderator's public summary.
EDITED_COLUMNS = ("narrative", "place_name", "victim_count", "harm_severity",
                  "reported_to_police", "justice_outcome", "national_offence_label")
#: Fields editable after submission -> their check (returns the value to store).
EDITABLE: dict[str, Callable] = {
    "public_summary": _text(300),
    **{column: _check_of(FIELDS_BY_COLUMN[column]) for column in EDITED_COLUMNS},
}

#: Editable fields that hold personal data (:data:`data.privacy.columns.PERSONAL_COLUMNS`):
#: the consents decide who may change them.
PERSONAL_FIELDS = tuple(name for name in EDITABLE if name in PERSONAL_COLUMNS)

_COLUMNS = (incidents.c.id, incidents.c.public_id, incidents.c.status, incidents.c.policy,
            incidents.c.organisation_id, incidents.c.public_summary,
            *(incidents.c[c] for c in Consents().as_columns()))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _require_moderator(user: User) -> None:
    if not can(user, "moderate"):
        raise WorkflowError([Problem(NOT_MODERATOR, {})])


def _set_summary(conn, row, summary: str, user: User) -> None:
    """Write a moderator's public summary: an edit when it changed, else a review."""
    text = EDITABLE["public_summary"]("public_summary", summary)
    if text == row.public_summary:
        audit.append(conn, user, row.id, row.public_id, "review", "public_summary",
                     row.public_summary, text)
        return
    conn.execute(update(incidents).where(incidents.c.id == row.id)
                 .values(public_summary=text, updated_at=_now()))
    audit.append(conn, user, row.id, row.public_id, "field", "public_summary",
                 row.public_summary, text)


def _step(conn, ids: list[int], to_status: str, user: User, reason: str | None,
          summary: str | None) -> int:
    """Check and make a status change of ``ids`` in the caller's transaction."""
    rows = {int(r.id): r for r in conn.execute(select(*_COLUMNS)
                                               .where(incidents.c.id.in_(ids)))}
    problems = [Problem(MISSING, {"record": i}) for i in ids if i not in rows]
    if summary is not None:
        for row in rows.values():
            _set_summary(conn, row, summary, user)
        rows = {int(r.id): r for r in conn.execute(select(*_COLUMNS)
                                                   .where(incidents.c.id.in_(ids)))}
    reviewed = audit.summary_reviewed(conn, list(rows)) if to_status == PUBLISHED else set()
    for row in rows.values():
        if to_status not in TRANSITIONS.get(row.status, ()):
            problems.append(Problem(ILLEGAL, {"record": row.public_id, "old": row.status,
                                              "new": to_status}))
        elif to_status == PUBLISHED and row.policy == "member" and not (
                row.public_summary and row.id in reviewed):
            problems.append(Problem(NEEDS_SUMMARY, {"record": row.public_id}))
        elif to_status == PUBLISHED and not may_publish(row.policy, Consents.of(row)):
            problems.append(Problem(NO_PUBLISH_CONSENT, {"record": row.public_id}))
    if problems:
        raise WorkflowError(problems)
    now = _now()
    conn.execute(update(incidents).where(incidents.c.id.in_(ids))
                 .values(status=to_status, updated_at=now))
    for row in rows.values():
        audit.append(conn, user, row.id, row.public_id, "status", "status", row.status,
                     to_status, reason)
    was_public = any(r.status == PUBLISHED for r in rows.values())
    if to_status == PUBLISHED or was_public:
        bump_version(conn, private=was_public and to_status != PUBLISHED)
    return len(rows)


def transition(engine: Engine, ids: Iterable[int], to_status: str, user: User,
               reason: str | None = None, summary: str | None = None) -> int:
    """Move every record of ``ids`` to ``to_status`` in one transaction, or none of them.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    ids : iterable of int
        Incident ids.
    to_status : str
        One of :data:`data.reference.vocab.STATUSES`, allowed from each record's status by
        :data:`TRANSITIONS`.
    user : User
        A moderator or an admin.
    reason : str, optional
        Logged with each status change.
    summary : str, optional
        A public summary the moderator sets (or confirms) on every record first; needed to
        publish a member record that has no reviewed summary yet.

    Returns
    -------
    int
        How many records changed.

    Raises
    ------
    WorkflowError
        The user is not a moderator, a record is missing, a step is not allowed or a member
        record lacks a reviewed summary; one :class:`Problem` per record, nothing changed.
    """
    _require_moderator(user)
    found = too_long({"reason": reason or ""}, column_limits(audit_log, ("reason",)))
    if found:
        raise WorkflowError([Problem(TOO_LONG, {"field": "reason", "limit": found[0].limit})])
    wanted = sorted({int(i) for i in ids})
    if to_status not in STATUSES or not wanted:
        raise WorkflowError([Problem(ILLEGAL, {"record": "-", "old": "-", "new": to_status})])
    with engine.begin() as conn:
        return _step(conn, wanted, to_status, user, reason, summary)


def mark_duplicate(engine: Engine, incident_id: int, other_id: int, user: User) -> None:
    """Mark ``incident_id`` a duplicate of ``other_id`` and confirm the link between them.

    Raises
    ------
    WorkflowError
        As :func:`transition`; also when the ingest left no link between the two records.
    """
    _require_moderator(user)
    pair = ((duplicate_links.c.incident_id == int(incident_id))
            & (duplicate_links.c.other_id == int(other_id))) | (
        (duplicate_links.c.incident_id == int(other_id))
        & (duplicate_links.c.other_id == int(incident_id)))
    with engine.begin() as conn:
        other = conn.execute(select(incidents.c.public_id)
                             .where(incidents.c.id == int(other_id))).scalar()
        link = conn.execute(select(duplicate_links.c.id).where(pair)).scalar()
        if other is None or link is None:
            raise WorkflowError([Problem(MISSING, {"record": other_id})])
        _step(conn, [int(incident_id)], "duplicate", user, f"duplicate of {other}", None)
        conn.execute(update(duplicate_links).where(duplicate_links.c.id == link)
                     .values(status="confirmed"))


def edit_fields(engine: Engine, incident_id: int, changes: dict, user: User) -> list[str]:
    """Change fields of one record and log each changed field with its old and new value.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    incident_id : int
    changes : dict
        Field (a key of :data:`EDITABLE`) -> new value as typed; checked first.
    user : User
        A reporter (their organisation's records, while ``submitted``), a moderator or an
        admin (any record).

    Returns
    -------
    list of str
        The fields that changed (unchanged values are not logged).

    Raises
    ------
    WorkflowError
        Another organisation's or a missing record (the same answer), a status the reporter
        may not edit, an unknown field or an invalid value; nothing is changed.
    """
    unknown = [Problem(BAD_FIELD, {"field": f}) for f in changes if f not in EDITABLE]
    if unknown or not can(user, "edit_records"):
        raise WorkflowError(unknown or [Problem(MISSING, {"record": incident_id})])
    values = {field: EDITABLE[field](field, value) for field, value in changes.items()}
    with engine.begin() as conn:
        row = conn.execute(select(*_COLUMNS, *(incidents.c[f] for f in values
                                               if f != "public_summary"))
                           .where(incidents.c.id == int(incident_id))).first()
        if row is None or not can(user, "edit_records", row):
            raise WorkflowError([Problem(MISSING, {"record": incident_id})])
        if not can(user, "moderate") and row.status != "submitted":
            raise WorkflowError([Problem(NOT_EDITABLE, {"record": row.public_id,
                                                        "status": row.status})])
        if personal_access(user.role, user.organisation_id, row.organisation_id,
                           Consents.of(row)) is not None:
            withheld = [Problem(PERSONAL_WITHHELD, {"record": row.public_id, "field": f})
                        for f in values if f in PERSONAL_FIELDS]
            if withheld:
                raise WorkflowError(withheld)
        changed = {f: v for f, v in values.items() if getattr(row, f) != v}
        if can(user, "moderate") and "public_summary" in values \
                and "public_summary" not in changed and values["public_summary"]:
            audit.append(conn, user, row.id, row.public_id, "review", "public_summary",
                         row.public_summary, values["public_summary"])
        if not changed:
            return []
        conn.execute(update(incidents).where(incidents.c.id == row.id)
                     .values(**changed, updated_at=_now()))
        for field, value in changed.items():
            audit.append(conn, user, row.id, row.public_id, "field", field,
                         getattr(row, field), value)
        if row.status == PUBLISHED:
            bump_version(conn, private=True)  # public content may have been taken out
        return sorted(changed)
