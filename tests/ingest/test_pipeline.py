"""Run guarantees: reconciling totals, dry run, atomic failure, undo, rejects, review, URLs."""

from __future__ import annotations

import csv
import functools
import http.server
import threading

import pytest
from sqlalchemy import func, select

from data.store import db
from data.store.schema import duplicate_links, incident_types, incidents, ingest_runs
from ingest.load.review import map_label, pending_labels
from ingest.load.runs import undo_run
from ingest.pipeline import run_ingest
from ingest.sources.mapping import MappingError
from tests.ingest.conftest import TODAY, write_csv

ROWS = [
    {"id": "a1", "date": "2019-03-02", "country": "AT", "city": "Graz",
     "bias": "anti-Muslim", "type": "arson", "description": "Fire at a prayer room"},
    {"id": "a2", "date": "03.2019", "country": "Österreich", "city": "Linz",
     "bias": "Fremdenfeindlichkeit", "type": "Sachbeschädigung", "description": "Graffiti"},
    {"id": "a3", "date": "2019-02-30", "country": "AT", "city": "Wien",
     "bias": "racism", "type": "threat", "description": "impossible date"},
    {"id": "a4", "date": "2031-01-01", "country": "AT", "city": "Wien",
     "bias": "racism", "type": "threat", "description": "future date"},
    {"id": "a5", "date": "2019-05-05", "country": "Norway", "city": "Oslo",
     "bias": "racism", "type": "threat", "description": "outside the EU"},
    {"id": "a6", "date": "2019-06-06", "country": "AT", "city": "Salzburg",
     "bias": "Mondphobie", "type": "threat", "description": "unknown bias label"},
]


@pytest.fixture
def csv_file(tmp_path):
    return write_csv(tmp_path / "monitor.csv", ROWS)


def _count(engine, table=incidents):
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_report_reconciles_and_rejects_are_written(engine, csv_file, tmp_path):
    report = run_ingest(engine, "csv", str(csv_file), today=TODAY)
    assert (report.read, report.loaded, report.rejected) == (6, 3, 3)
    assert report.reconciles
    reasons = report.rejected_by_reason()
    assert reasons == {"date_impossible": 1, "date_future": 1, "country_out_of_scope": 1}
    rejects = tmp_path / "rejects.csv"
    report.write_rejects(rejects)
    with rejects.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["id"] for r in rows] == ["a3", "a4", "a5"]  # rows kept, with reasons
    assert "date_impossible" in rows[0]["reject_codes"] and "2019-02-30" in rows[0][
        "reject_reasons"]
    assert "Rejected" not in report.summary() and "rejected 1: date_future" in report.summary()
    with engine.connect() as conn:
        precision = dict(conn.execute(select(incidents.c.source_record_id,
                                             incidents.c.date_precision)).fetchall())
        place = dict(conn.execute(select(incidents.c.source_record_id,
                                         incidents.c.geo_precision)).fetchall())
    assert precision == {"id:a1": "day", "id:a2": "month", "id:a6": "day"}
    assert place["id:a1"] == "municipality"  # Graz found in the offline gazetteer


def test_rerun_adds_nothing_and_dry_run_writes_nothing(engine, csv_file):
    dry = run_ingest(engine, "csv", str(csv_file), dry_run=True, today=TODAY)
    assert dry.loaded == 3 and _count(engine) == 0 and _count(engine, ingest_runs) == 0
    run_ingest(engine, "csv", str(csv_file), today=TODAY)
    again = run_ingest(engine, "csv", str(csv_file), today=TODAY)
    assert (again.loaded, again.merged, again.rejected) == (0, 3, 3)
    assert _count(engine) == 3


def test_failed_run_leaves_the_store_as_it_was(engine, csv_file, tmp_path):
    run_ingest(engine, "csv", str(csv_file), today=TODAY)
    before = (_count(engine), db.data_version(engine))
    bigger = write_csv(tmp_path / "other.csv",
                       [dict(r, id=f"b{i}", date="2019-01-01") for i, r in enumerate(ROWS * 3)])

    def interrupt(done, expected):
        raise RuntimeError(f"killed after {done} rows")

    with pytest.raises(RuntimeError, match="killed after 2 rows"):
        run_ingest(engine, "csv", str(bigger), today=TODAY, batch_size=2, progress=interrupt)
    assert (_count(engine), db.data_version(engine)) == before
    assert _count(engine, ingest_runs) == 1


def test_undo_removes_exactly_one_run(engine, csv_file, tmp_path):
    first = run_ingest(engine, "csv", str(csv_file), today=TODAY)
    other = write_csv(tmp_path / "second.csv", [dict(ROWS[0], id="z9")])
    second = run_ingest(engine, "csv", str(other), today=TODAY)
    assert _count(engine) == 4
    assert undo_run(engine, second.run_id) == 1
    assert _count(engine) == 3
    with pytest.raises(LookupError, match="already undone"):
        undo_run(engine, second.run_id)
    with pytest.raises(LookupError, match="no ingest run"):
        undo_run(engine, 999)
    assert undo_run(engine, first.run_id) == 3 and _count(engine) == 0


def test_unrecognised_labels_wait_for_review_and_renormalise(engine, csv_file, tmp_path):
    run_ingest(engine, "csv", str(csv_file), today=TODAY)
    pending = pending_labels(engine)
    assert ("bias", "Mondphobie", 1) in pending
    assert ("type", "Sachbeschädigung", 1) not in pending  # a known German synonym
    version = db.data_version(engine)
    assert map_label(engine, "bias", "mondphobie", ["bm.other"]) == 1
    assert ("bias", "Mondphobie", 1) not in pending_labels(engine)
    assert db.data_version(engine) > version
    with pytest.raises(ValueError, match="unknown bias codes"):
        map_label(engine, "bias", "x", ["bm.nope"])
    later = write_csv(tmp_path / "later.csv", [dict(ROWS[5], id="n1")])
    report = run_ingest(engine, "csv", str(later), today=TODAY)
    assert not [p for p in report.issues if p.code == "label_unrecognised"]  # mapping reused


def test_mapping_file_columns_order_defaults_and_crosswalk(engine, tmp_path):
    rows = [{"Wann": "03/04/2019", "Wo": "Gent", "Was": "Steinwurf", "Warum": "Rassismus"}]
    path = write_csv(tmp_path / "be.csv", rows)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "columns: {date: Wann, place: Wo, type: Was, bias: Warum}\n"
        "date_order: MDY\npolicy: open\ndefaults: {country: BE}\n"
        "labels:\n  type:\n    Steinwurf: [it.attack_property]\n"
        "dataset: {slug: be-monitor, name: Belgian monitor, licence: CC BY 4.0}\n")
    report = run_ingest(engine, "csv", str(path), mapping_path=mapping, today=TODAY)
    assert report.loaded == 1
    with engine.connect() as conn:
        row = conn.execute(select(incidents.c.date_start, incidents.c.country,
                                  incidents.c.status)).one()
        types = list(conn.execute(select(incident_types.c.code)).scalars())
    assert str(row.date_start) == "2019-03-04"  # March 4 under MDY
    assert (row.country, row.status) == ("BE", "published")
    assert types == ["it.attack_property"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("columns: {when: Wann}\ndate_order: DDMM\nlabels: {type: {x: [it.nope]}}\n")
    with pytest.raises(MappingError) as caught:
        run_ingest(engine, "csv", str(path), mapping_path=bad, today=TODAY)
    assert "unknown field 'when'" in str(caught.value)
    assert "date_order" in str(caught.value) and "it.nope" in str(caught.value)


def test_swapped_coordinates_are_caught(engine, tmp_path, boundaries):
    rows = [{"date": "2019-01-01", "country": "DE", "lat": "13.4", "lon": "52.52"},
            {"date": "2019-01-01", "country": "DE", "lat": "52.52", "lon": "13.4"}]
    report = run_ingest(engine, "csv", str(write_csv(tmp_path / "s.csv", rows)),
                        boundaries=boundaries, today=TODAY)
    assert report.loaded == 1 and report.rejected == 1
    problem = next(p for p in report.issues if p.rejects)
    assert problem.code == "point_contradicts_country" and "swapped" in problem.hint


def test_url_is_downloaded_then_read(engine, csv_file):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=str(csv_file.parent))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/{csv_file.name}"
        report = run_ingest(engine, "csv", url, today=TODAY)
        assert report.loaded == 3 and report.location == url
        from ingest.sources.fetch import FetchError

        with pytest.raises(FetchError, match="HTTP 404"):
            run_ingest(engine, "csv", url.replace("monitor", "missing"), today=TODAY)
    finally:
        server.shutdown()


def test_likely_duplicates_across_sources_are_linked_not_merged(engine, tmp_path, boundaries):
    base = {"date": "2019-03-02", "country": "AT", "lat": "47.0707", "lon": "15.4395",
            "bias": "anti-Muslim", "type": "arson",
            "description": "Fire set at the door of a prayer room in Graz at night"}
    first = write_csv(tmp_path / "ngo-a.csv", [base])
    second = write_csv(tmp_path / "ngo-b.csv", [dict(base, date="2019-03-03", lat="47.072")])
    run_ingest(engine, "csv", str(first), boundaries=boundaries, today=TODAY)
    report = run_ingest(engine, "csv", str(second), boundaries=boundaries, today=TODAY)
    assert report.loaded == 1 and report.linked == 1
    assert _count(engine) == 2  # both kept
    with engine.connect() as conn:
        link = conn.execute(select(duplicate_links)).one()
    assert link.score >= 0.6 and "km apart" in link.reasons and link.status == "pending"


def test_issues_are_counted_and_spooled_not_hoarded(engine, tmp_path, monkeypatch):
    from ingest import report as report_module

    monkeypatch.setattr(report_module, "KEPT_ISSUES", 5)
    rows = [{"id": str(i), "date": "2019-01-01", "country": "AT", "bias": "Mondphobie",
             "type": "threat"} for i in range(40)]
    rows += [{"id": f"r{i}", "date": "1800-01-01", "country": "AT"} for i in range(10)]
    report = run_ingest(engine, "csv", str(write_csv(tmp_path / "many.csv", rows)),
                        today=TODAY)
    assert len(report.issues) == 5  # examples only
    assert report.warnings_by_code()["label_unrecognised"] == 40
    assert report.rejected_by_reason() == {"date_too_old": 10}
    notes, rejects = tmp_path / "notes.csv", tmp_path / "rejects.csv"
    report.write_issues(notes)
    report.write_rejects(rejects)
    with notes.open(encoding="utf-8") as handle:
        # loaded rows: unrecognised label + no bias; rejected rows: too old + no bias + no type
        assert sum(1 for _ in csv.DictReader(handle)) == 40 * 2 + 10 * 3
    with rejects.open(encoding="utf-8") as handle:
        assert [r["id"] for r in csv.DictReader(handle)] == [f"r{i}" for i in range(10)]


def test_mapping_a_label_again_replaces_its_codes(engine, csv_file):
    from data.store.schema import incident_bias_motivations

    run_ingest(engine, "csv", str(csv_file), today=TODAY)
    map_label(engine, "bias", "Mondphobie", ["bm.anti_roma"])
    assert map_label(engine, "bias", "Mondphobie", ["bm.anti_muslim"]) == 1
    with engine.connect() as conn:
        codes = set(conn.execute(select(incident_bias_motivations.c.code).join(
            incidents, incidents.c.id == incident_bias_motivations.c.incident_id).where(
            incidents.c.source_record_id == "id:a6")).scalars())
    assert codes == {"bm.anti_muslim"}


def test_a_dataset_never_joins_a_source_of_another_kind(engine, tmp_path):
    from data.records.demo import load_demo
    from ingest.load.write import SourceConflict

    load_demo(engine, rows=50, seed=1)
    mapping = tmp_path / "m.yaml"
    mapping.write_text("dataset: {slug: demo, name: Not the demo}\n")
    with pytest.raises(SourceConflict, match="already exists"):
        run_ingest(engine, "csv", str(write_csv(tmp_path / "x.csv", ROWS)),
                   mapping_path=mapping, today=TODAY)
    run_ingest(engine, "csv", str(write_csv(tmp_path / "demo.csv", ROWS[:2])), today=TODAY)
    load_demo(engine, rows=50, seed=2)  # replaces demo records only
    assert _count(engine) == 50 + 2


def test_points_without_boundaries_need_a_country(engine, tmp_path):
    rows = [{"date": "2019-01-01", "lat": "48.2", "lon": "16.37", "country": ""},
            {"date": "2019-01-01", "lat": "48.2", "lon": "16.37", "country": "AT"}]
    report = run_ingest(engine, "csv", str(write_csv(tmp_path / "p.csv", rows)), today=TODAY)
    assert (report.loaded, report.rejected_by_reason()) == (1, {"country_missing": 1})


@pytest.mark.parametrize("content", ['[{"type": "Feature"}]', '{"type": "FeatureCollection", '
                                     '"features": [null, 5, {"geometry": [1, 2]}]}'])
def test_odd_geojson_is_refused_or_reported(engine, tmp_path, content):
    from ingest.sources.table_files import TableError

    path = tmp_path / "odd.geojson"
    path.write_text(content)
    try:
        report = run_ingest(engine, "geojson", str(path), today=TODAY)
    except TableError:
        return
    assert report.reconciles and report.rejected == report.read
