"""Staff for workflow tests (two organisations, their reporters, a moderator) and records."""

from __future__ import annotations

import datetime as dt
import functools

from sqlalchemy import insert

from data.records.reports import new_key, submit
from data.reference.taxonomy import load_taxonomy
from data.store.schema import duplicate_links
from geo.assign import load_boundaries
from ingest.form import form_context, validate_report
from ingest.normalise.locate import Locator
from tests.data.records.test_reports import valid_form

TAX = load_taxonomy()


@functools.lru_cache(maxsize=1)
def _context():
    return form_context(TAX, Locator(load_boundaries(None)), today=dt.date(2026, 6, 1))


#: Options of :func:`tests.factories.build_store`: the organisations and their staff. The
#: store's users are then ``rep``, ``other``, ``mod``, ``admin`` and ``res``.
STAFF = {
    "organisations": (("ngo-leipzig", "An NGO in Leipzig", "DE"),
                      ("ngo-lyon", "An NGO in Lyon", "FR")),
    "accounts": (("rep@example.org", "reporter", "ngo-leipzig"),
                 ("other@example.org", "reporter", "ngo-lyon"),
                 ("mod@example.org", "moderator", None), ("admin@example.org", "admin", None),
                 ("res@example.org", "researcher", None)),
}


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
