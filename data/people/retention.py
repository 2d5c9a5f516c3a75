"""Retention: erase personal data older than its period (``INCIDENTMAP_RETENTION``).

``incidentmap retention run [--dry-run]`` applies :data:`RULES` once and reports what each
erased; operators schedule it daily (docs/data-protection.md). A period counts from when the
data was recorded (the vault entry, the file, the record, the draft's last change, the login
attempt). Records are logged in the audit log (role ``system``, action ``retention``, the
kind erased, never the values), and :func:`data.people.erasure.scrub_storage` runs afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, or_, select, update

from data.people.erasure import coarsened_place, scrub_storage
from data.privacy.columns import NARRATIVE, PLACE, columns_of
from data.records import audit
from data.store.db import bump_version
from data.store.schema import incidents, login_attempts, reports, vault_files, vault_people

ERASED_FORM = {"erased": "retention"}


@dataclass(frozen=True)
class RuleResult:
    """What one rule found due (and erased, unless it was a dry run)."""

    kind: str
    days: int | None
    due: int
    erased: int


def _log(conn, rows, kind: str) -> None:
    for incident_id, public_id in sorted(set(rows)):
        audit.append(conn, None, incident_id, public_id, "retention", kind, reason="retention")


def _published_among(conn, ids) -> bool:
    return bool(ids) and conn.execute(select(func.count()).select_from(incidents).where(
        incidents.c.id.in_(list(ids)), incidents.c.status == "published")).scalar() > 0


def _vault(table) -> Callable:
    def rule(conn, cutoff: dt.datetime, dry_run: bool, kind: str) -> int:
        due = conn.execute(select(table.c.id, table.c.incident_id, incidents.c.public_id)
                           .join(incidents, incidents.c.id == table.c.incident_id)
                           .where(table.c.created_at < cutoff)).all()
        if due and not dry_run:
            conn.execute(delete(table).where(table.c.id.in_([r.id for r in due])))
            _log(conn, [(r.incident_id, r.public_id) for r in due], kind)
        return len(due)
    return rule


def _member_fields(condition, values: Callable) -> Callable:
    def rule(conn, cutoff: dt.datetime, dry_run: bool, kind: str) -> int:
        due = conn.execute(select(incidents).where(
            incidents.c.policy == "member", incidents.c.created_at < cutoff,
            condition)).all()
        if due and not dry_run:
            now = dt.datetime.now(dt.UTC)
            for row in due:
                conn.execute(update(incidents).where(incidents.c.id == row.id)
                             .values(**values(row), updated_at=now))
            ids = [r.id for r in due]
            conn.execute(update(reports).where(reports.c.incident_id.in_(ids))
                         .values(form=ERASED_FORM, updated_at=now))
            _log(conn, [(r.id, r.public_id) for r in due], kind)
            if _published_among(conn, ids):
                bump_version(conn, private=True)
        return len(due)
    return rule


def _older_rows(table, at_column) -> Callable:
    def rule(conn, cutoff: dt.datetime, dry_run: bool, kind: str) -> int:
        where = at_column < cutoff
        if table is reports:
            where = where & (reports.c.status == "draft")
        due = conn.execute(select(func.count()).select_from(table).where(where)).scalar()
        if due and not dry_run:
            conn.execute(delete(table).where(where))
        return int(due)
    return rule


def _held(columns: tuple[str, ...]):
    """SQL condition: a record holds a value in any of ``columns``."""
    return or_(*(incidents.c[name].is_not(None) for name in columns))


#: Kind -> rule(conn, cutoff, dry_run, kind) returning how many items were due. Files go
#: before people, so each rule counts its own (a person's files go with the person). The
#: narrative and the exact location are the columns of their class (:mod:`data.privacy.columns`).
RULES: dict[str, Callable] = {
    "attachments": _vault(vault_files),
    "people": _vault(vault_people),
    "narrative": _member_fields(
        _held(columns_of(NARRATIVE)), lambda row: dict.fromkeys(columns_of(NARRATIVE))),
    "exact_location": _member_fields(
        _held(columns_of(PLACE)),
        lambda row: {**dict.fromkeys(columns_of(PLACE)), "geo_precision": coarsened_place(row)}),
    "drafts": _older_rows(reports, reports.c.updated_at),
    "login_attempts": _older_rows(login_attempts, login_attempts.c.at),
}


def run(engine: Engine, periods: dict[str, int | None], dry_run: bool = False,
        now: dt.datetime | None = None) -> list[RuleResult]:
    """Apply every retention rule once, in one transaction.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    periods : dict
        Kind -> days (``Settings.retention``); ``None`` skips the kind.
    dry_run : bool
        Count what is due without erasing anything.
    now : datetime, optional
        The moment periods count back from (default: now, UTC).

    Returns
    -------
    list of RuleResult
        One per kind, in :data:`RULES` order.
    """
    now = now or dt.datetime.now(dt.UTC)
    results = []
    with engine.begin() as conn:
        for kind, rule in RULES.items():
            days = periods.get(kind)
            if days is None:
                results.append(RuleResult(kind, None, 0, 0))
                continue
            due = rule(conn, now - dt.timedelta(days=days), dry_run, kind)
            results.append(RuleResult(kind, days, due, 0 if dry_run else due))
    if not dry_run and any(r.erased for r in results):
        scrub_storage(engine)
    return results
