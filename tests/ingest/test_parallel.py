"""The two-process ingest gives exactly what the one-process ingest gives, and fails as cleanly."""

from __future__ import annotations

import os
import signal
from collections import Counter

import pytest
from sqlalchemy import select

from data.store import db
from data.store.schema import CODE_TABLES, incidents, label_issues
from ingest.load.parallel import ChildFailed, can_fork, prepared_in_child
from ingest.pipeline import build_context, run_ingest
from ingest.sources import get_source
from ingest.sources.base import RawRow
from tests import factories
from tests.ingest.conftest import TODAY, write_csv

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs Linux with 2+ CPUs (fork)")

COMPARED = ("source_record_id", "status", "policy", "date_start", "date_end", "date_precision",
            "country", "nuts1", "nuts2", "nuts3", "lat", "lon", "geo_precision", "place_name",
            "public_summary", "narrative", "raw_labels", "quality_notes")


def _store(path) -> object:
    return factories.build_store(f"sqlite:///{path}").engine


def _content(engine) -> tuple:
    with engine.connect() as conn:
        rows = conn.execute(select(*(incidents.c[name] for name in COMPARED), incidents.c.id)
                            .order_by(incidents.c.source_record_id)).all()
        record_of = {row.id: row.source_record_id for row in rows}
        links = {kind: sorted((record_of[r.incident_id], r.code, getattr(r, "is_primary", None))
                              for r in conn.execute(select(table)))
                 for kind, table in CODE_TABLES.items()}
        pending = sorted((record_of[r.incident_id], r.kind, r.raw_label)
                         for r in conn.execute(select(label_issues)))
    return [tuple(row)[:-1] for row in rows], links, pending


def _totals(report) -> tuple:
    return (report.read, report.loaded, report.merged, report.rejected,
            report.rejected_by_reason(), report.warnings_by_code(), report.loaded_by_country,
            [p.code for p in report.issues])


def test_two_processes_store_exactly_what_one_process_stores(arvig_path, boundaries, tmp_path):
    runs = {}
    for parallel in (False, True):
        engine = _store(tmp_path / f"{parallel}.sqlite")
        report = run_ingest(engine, "arvig", str(arvig_path), boundaries=boundaries,
                            today=TODAY, batch_size=500, parallel=parallel)
        again = run_ingest(engine, "arvig", str(arvig_path), boundaries=boundaries,
                           today=TODAY, batch_size=500, parallel=parallel)
        runs[parallel] = (_totals(report), _totals(again), _content(engine))
        engine.dispose()
    assert runs[True][0][0] > 6000 and runs[True][1][2] == runs[True][1][0]  # all merged
    assert runs[True] == runs[False]


def test_rows_with_problems_count_the_same_in_both_modes(engine, tmp_path):
    rows = [{"date": "2021-03-04", "country": "FR", "type": "arson", "bias": "xenophobia",
             "description": "same"}] * 30  # identical rows: 30 separate incidents
    rows += [{"date": "2099-01-01", "country": "DE", "type": "arson", "bias": "x",
              "description": "future"},
             {"date": "2020-01-01", "country": "US", "type": "arson", "bias": "x",
              "description": "out of scope"},
             {"date": "2020-02-01", "country": "AT", "type": "Schmiererei-xyz",
              "bias": "völlig unbekannt", "description": "unrecognised labels"}] * 20
    path = write_csv(tmp_path / "mixed.csv", rows)
    outcomes = []
    for parallel in (False, True):
        store = _store(tmp_path / f"mixed-{parallel}.sqlite")
        report = run_ingest(store, "csv", str(path), today=TODAY, batch_size=7,
                            parallel=parallel)
        outcomes.append((_totals(report), _content(store)))
        store.dispose()
    assert outcomes[0] == outcomes[1]
    assert outcomes[1][0][:4] == (90, 50, 0, 40)


def test_an_error_while_preparing_reaches_the_caller_with_its_type(engine):
    ctx = build_context(engine, get_source("csv"), None, "open", _taxonomy(), None, TODAY)

    def rows():
        for number in range(1, 200):
            if number == 120:
                raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")
            yield _raw(number)

    batches = prepared_in_child(rows(), ctx, 25)
    seen = 0
    with pytest.raises(UnicodeDecodeError):
        for batch in batches:
            seen += batch.size
    assert seen == 100  # the four complete batches before the failing row


def test_a_child_that_dies_is_reported_not_waited_for(engine):
    ctx = build_context(engine, get_source("csv"), None, "open", _taxonomy(), None, TODAY)

    def rows():
        for number in range(1, 200):
            if number == 60:
                os.kill(os.getpid(), signal.SIGKILL)
            yield _raw(number)

    with pytest.raises(ChildFailed, match="stopped"):
        for _batch in prepared_in_child(rows(), ctx, 25):
            pass


def test_interrupted_parallel_run_leaves_the_store_as_it_was(engine, tmp_path):
    rows = [{"id": i, "date": "2021-03-04", "country": "FR", "type": "arson",
             "bias": "xenophobia"} for i in range(400)]
    path = write_csv(tmp_path / "many.csv", rows)
    calls = Counter()

    def interrupt(done, _expected):
        calls["progress"] += 1
        if done >= 100:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_ingest(engine, "csv", str(path), today=TODAY, batch_size=50, parallel=True,
                   progress=interrupt)
    assert db.incident_count(engine) == 0
    assert calls["progress"] == 2
    assert run_ingest(engine, "csv", str(path), today=TODAY, parallel=True).loaded == 400


def _taxonomy():
    from data.reference.taxonomy import load_taxonomy

    return load_taxonomy()


def _raw(number: int) -> RawRow:
    fields = {"date": "2021-03-04", "country": "FR", "type": "arson", "bias": "xenophobia",
              "record_id": str(number)}
    return RawRow(row=number, fields=fields, original=dict(fields))
