"""Real datasets end to end: ODIHR and ARVIG into the store, with the results the issue names."""

from __future__ import annotations

import csv
from collections import Counter

import pytest
from sqlalchemy import func, select

from data.reference.taxonomy import load_taxonomy
from data.store.schema import incident_bias_motivations, incident_types, incidents, label_issues
from ingest.load.write import record_ids
from ingest.normalise.countries import parse_country
from ingest.pipeline import run_ingest
from ingest.sources import get_source
from ingest.sources.base import ReadOptions
from tests import factories
from tests.conftest import LAENDER
from tests.ingest.conftest import TODAY

TAX = load_taxonomy()
LAND_NUTS1 = {land: code for code, land in LAENDER.items()}


def test_odihr_every_eu_row_loaded_under_its_country(engine, odihr_path):
    report = run_ingest(engine, "odihr", str(odihr_path), today=TODAY)
    with odihr_path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    expected = Counter()
    for row in rows:
        iso2 = parse_country(row["Country"], TAX).iso2
        if iso2:
            expected[iso2] += 1
    assert report.read == len(rows) == 18_112
    assert report.loaded == sum(expected.values()) == 10_888
    assert report.rejected == len(rows) - 10_888
    assert set(report.rejected_by_reason()) == {"country_out_of_scope"}
    assert report.reconciles
    with engine.connect() as conn:
        stored = dict(conn.execute(select(incidents.c.country, func.count())
                                   .group_by(incidents.c.country)).fetchall())
        precision = dict(conn.execute(select(incidents.c.date_precision, func.count())
                                      .group_by(incidents.c.date_precision)).fetchall())
        pending_bias = conn.execute(select(func.count()).select_from(label_issues)
                                    .where(label_issues.c.kind == "bias")).scalar()
        unlabelled = conn.execute(select(func.count()).select_from(incidents).where(
            incidents.c.id.not_in(select(incident_bias_motivations.c.incident_id)))).scalar()
        statuses = set(conn.execute(select(incidents.c.status).distinct()).scalars())
    assert stored == dict(expected)
    assert pending_bias == 0 and unlabelled == 0  # every bias label mapped
    assert set(precision) == {"month", "year"}  # month-only and year-only kept as such
    assert precision["year"] > 0
    assert statuses == {"published"}  # an open source is published on ingest
    again = run_ingest(engine, "odihr", str(odihr_path), today=TODAY)
    assert again.loaded == 0 and again.merged == 10_888  # re-running adds nothing


def test_odihr_identical_rows_stay_separate(tmp_path, odihr_path):
    engine = factories.build_store(f"sqlite:///{tmp_path / 'x.sqlite'}").engine
    with odihr_path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    eu = [r for r in rows if parse_country(r["Country"], TAX).iso2]
    repeated = sum(n - 1 for n in Counter(tuple(r.values()) for r in eu).values() if n > 1)
    assert repeated > 0
    report = run_ingest(engine, "odihr", str(odihr_path), today=TODAY)
    assert report.loaded == len(eu)  # identical rows were not merged
    assert report.linked == 0  # nor linked to each other: one source, separate incidents


def test_arvig_rows_land_in_germany_and_their_land(tmp_path, arvig_path, arvig_rows, boundaries):
    engine = factories.build_store(f"sqlite:///{tmp_path / 'arvig.sqlite'}").engine
    report = run_ingest(engine, "arvig", str(arvig_path), boundaries=boundaries, today=TODAY)
    assert report.read == len(arvig_rows) == 6_918
    assert report.reconciles
    assert report.loaded + report.rejected == 6_918
    assert sum(report.rejected_by_reason().values()) == report.rejected  # each with a reason
    with engine.connect() as conn:
        stored = conn.execute(select(incidents.c.source_record_id, incidents.c.country,
                                     incidents.c.nuts1, incidents.c.nuts3,
                                     incidents.c.geo_precision, incidents.c.status)).fetchall()
        types = dict(conn.execute(select(incident_types.c.code, func.count())
                                  .group_by(incident_types.c.code)).fetchall())
    assert {row.country for row in stored} == {"DE"}
    assert {row.geo_precision for row in stored} == {"municipality"}
    assert {row.status for row in stored} == {"published"}
    source = get_source("arvig")
    raw = list(source.read(arvig_path, ReadOptions()))
    land_of = {rid: LAND_NUTS1[r.fields["region"]]
               for rid, r in zip(record_ids(raw, Counter()), raw, strict=True)}
    for row in stored:  # every loaded row is in the Land its `state` column names
        assert row.nuts1 == land_of[row.source_record_id]
        assert row.nuts3 is None or row.nuts3.startswith(row.nuts1)
    unrefined = sum(row.nuts3 is None for row in stored)
    assert unrefined <= 10  # points far outside their Land keep only the Land
    disagreements = [p for p in report.issues if p.code == "point_outside_unit"]
    agreement = 1 - len(disagreements) / report.loaded
    assert agreement >= 0.99, f"raw point-in-polygon agrees with the Land for {agreement:.2%}"
    assert all("named region" in p.hint for p in disagreements)  # each one is listed
    assert types == {
        "it.attack_property": 4825 + 12 + 2 + 2, "it.violent_attack.physical_assault": 1016,
        "it.anti_migrant_demonstration": 543, "it.attack_property.arson": 298,
        "it.other": 211 + 25,
    }


def test_source_filter_reaches_the_api(make_store, odihr_path):
    store = make_store()
    report = run_ingest(store.engine, "odihr", str(odihr_path), today=TODAY)
    client = factories.build_site(store).client()
    body = client.get("/api/v1/stats?group_by=country&source=odihr").get_json()
    assert body["total"] == report.loaded
    assert body["notice"] is None  # real data: no synthetic-data notice
    germany = client.get("/api/v1/stats?group_by=month&source=odihr&country=DE").get_json()
    assert germany["unplaced"] > 0  # year-only records are not spread over months


@pytest.mark.parametrize("name", ["odihr", "arvig"])
def test_open_sources_declare_their_dataset(name):
    source = get_source(name)
    assert source.policy == "open" and source.dataset.licence and source.dataset.attribution
