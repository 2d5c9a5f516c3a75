"""A small store for workflow tests: two organisations, their reporters, a moderator."""

from __future__ import annotations

import datetime as dt
import functools

from sqlalchemy import insert

from data.people.accounts import add_organisation, add_user, get_user
from data.records.reports import new_key, submit
from data.reference.taxonomy import load_taxonomy
from data.store import db
from data.store.schema import duplicate_links
from geo.assign import load_boundaries
from ingest.form import form_context, validate_report
from ingest.locate import Locator
from tests.data.test_reports import valid_form

TAX = load_taxonomy()


@functools.lru_cache(maxsize=1)
def _context():
    return form_context(TAX, Locator(load_boundaries(None)), today=dt.date(2026, 6, 1))


def make_store(url: str):
    """A migrated store at ``url``; returns (engine, users by short name)."""
    engine = db.make_engine(url)
    db.upgrade(engine)
    add_organisation(engine, "ngo-leipzig", "An NGO in Leipzig", "DE")
    add_organisation(engine, "ngo-lyon", "An NGO in Lyon", "FR")
    users = {}
    for name, role, org in (("rep", "reporter", "ngo-leipzig"),
                            ("other", "reporter", "ngo-lyon"),
                            ("mod", "moderator", None), ("admin", "admin", None),
                            ("res", "researcher", None)):
        users[name] = get_user(engine, add_user(engine, f"{name}@example.org", role, org))
    return engine, users


def new_record(engine, user, **changes) -> int:
    """Submit a valid report as ``user``; returns the incident id."""
    form = valid_form(**changes)
    checked = validate_report(form, _context())
    assert checked.record is not None, checked.problems
    return submit(engine, user, new_key(), form, checked.record, TAX.version).incident_id


def link_duplicates(engine, first: int, second: int, score: float = 0.9) -> None:
    """Record a likely-duplicate link as the ingest's duplicate detection does."""
    with engine.begin() as conn:
        conn.execute(insert(duplicate_links).values(
            incident_id=first, other_id=second, score=score, reasons="same day, same town",
            status="pending", created_at=dt.datetime.now(dt.UTC)))
