"""The HTTP API against a real store: filters, errors, consistency, privacy, CSV safety."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import insert

from data.reference.vocab import DEMO_NOTICE
from data.store import db
from data.store.schema import incident_bias_motivations, incident_types, incidents, sources
from tests import factories

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _add_open_record(engine, summary: str) -> None:
    with engine.begin() as conn:
        src = conn.execute(insert(sources).values(
            slug="open-monitor", name="An open monitor", kind="dataset", policy="open",
            licence="CC0-1.0", attribution="", url="")).inserted_primary_key[0]
        row = conn.execute(insert(incidents).values(
            uuid="11111111-1111-4111-8111-111111111111", public_id="openrec1",
            source_id=src, source_record_id="x1", policy="open", status="published",
            date_start=dt.date(2016, 2, 3), date_end=dt.date(2016, 2, 3), date_precision="day",
            country="DE", geo_precision="municipality", lat=52.52, lon=13.4,
            place_name="Berlin", is_online=False, location_type="street_public_space",
            classification="hate_crime", public_summary=summary,
            narrative="CANARY-NARRATIVE-42", taxonomy_version="0.2.0", created_at=NOW,
            updated_at=NOW)).inserted_primary_key[0]
        conn.execute(insert(incident_bias_motivations).values(
            incident_id=row, code="bm.racism_xenophobia.anti_refugee", is_primary=True))
        conn.execute(insert(incident_types).values(
            incident_id=row, code="it.attack_property.arson", is_primary=True))
        db.bump_version(conn)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    def formula(engine):
        _add_open_record(engine, "=HYPERLINK(\"http://evil.example\")")

    with factories.site(tmp_path_factory.mktemp("api"), demo_rows=1200, seed=3,
                        fill=formula) as site:
        yield site.client()


def test_stats_by_country_match_the_total(client):
    body = client.get("/api/v1/stats?group_by=country").get_json()
    assert body["group_by"] == "country"
    assert sum(item["count"] for item in body["data"]) == body["total"]
    assert len(body["data"]) == 27
    assert body["notice"] == DEMO_NOTICE


def test_incidents_total_equals_stats_total_for_the_same_filter(client):
    query = "country=DE,FR&bias=bm.racism_xenophobia&date_from=2015-01&date_to=2017-12"
    stats = client.get(f"/api/v1/stats?group_by=month&{query}").get_json()
    rows = client.get(f"/api/v1/incidents?{query}&per_page=1000").get_json()
    assert stats["total"] == rows["total"] == len(rows["data"])
    assert stats["total"] > 0
    assert sum(i["count"] for i in stats["data"]) + stats["unplaced"] == stats["total"]
    for record in rows["data"]:
        assert record["country"] in ("DE", "FR")
        assert record["bias_motivations"].startswith("bm.") or record["bias_motivations"]
        assert record["date_start"] >= "2015-01-01" and record["date_end"] <= "2017-12-31"


def test_multi_label_breakdown_says_so(client):
    body = client.get("/api/v1/stats?group_by=bias").get_json()
    assert sum(i["count"] for i in body["data"]) > body["total"]
    assert "counts once for each" in body["note"]


def test_paging_links_and_limits(client):
    first = client.get("/api/v1/incidents?per_page=50").get_json()
    assert first["page"] == 1 and len(first["data"]) == 50 and "page=2" in first["next"]
    second = client.get("/api/v1/incidents?per_page=50&page=2").get_json()
    assert not {r["public_id"] for r in first["data"]} & {r["public_id"] for r in
                                                          second["data"]}
    assert client.get("/api/v1/incidents?per_page=5000").status_code == 400


@pytest.mark.parametrize("query, parameter", [
    ("country=XX", "country"),
    ("bias=bm.unknown_code", "bias"),
    ("date_from=2016-02-30", "date_from"),
    ("format=docx", "format"),
    ("colour=red", "colour"),
    ("source=nobody", "source"),
])
def test_malformed_parameters_are_400_naming_the_parameter(client, query, parameter):
    response = client.get(f"/api/v1/incidents?{query}")
    assert response.status_code == 400
    problem = response.get_json()["error"]["problems"][0]
    assert problem["parameter"] == parameter
    if parameter in ("country", "format", "source"):
        assert problem["allowed"]


def test_group_by_is_required_and_checked(client):
    assert client.get("/api/v1/stats").status_code == 400
    bad = client.get("/api/v1/stats?group_by=planet").get_json()
    assert "country" in bad["error"]["problems"][0]["allowed"]


def test_csv_streams_every_row_safely(client):
    response = client.get("/api/v1/incidents?format=csv&source=open-monitor")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1
    assert rows[0]["public_summary"].startswith("'=HYPERLINK")  # neutralised formula
    assert rows[0]["lon"] == "13.4"  # numbers untouched
    assert rows[0]["data_notice"] == ""  # not synthetic
    assert "synthetic" not in response.headers["Content-Disposition"]


def test_csv_of_demo_rows_is_marked_synthetic(client):
    response = client.get("/api/v1/incidents?format=csv&country=MT&bias=")
    assert "synthetic-demo" in response.headers["Content-Disposition"]
    assert response.headers["X-Incidentmap-Notice"] == DEMO_NOTICE
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    stats = client.get("/api/v1/stats?group_by=country&country=MT").get_json()
    assert len(rows) == stats["total"]
    assert all(r["data_notice"] == DEMO_NOTICE for r in rows)


def test_restricted_fields_never_leave_the_api(client):
    for url in ("/api/v1/incidents?per_page=1000&source=open-monitor",
                "/api/v1/incidents?format=csv",
                "/api/v1/incidents?format=geojson&per_page=1000",
                "/api/v1/stats?group_by=source"):
        text = client.get(url).get_data(as_text=True)
        assert "CANARY" not in text
        assert "restricted narrative" not in text
        assert "source_record_id" not in text


def test_geojson_has_points_only_where_public(client):
    body = client.get("/api/v1/incidents?format=geojson&source=open-monitor").get_json()
    assert body["type"] == "FeatureCollection"
    feature = body["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [13.4, 52.52]}


def test_taxonomy_lists_every_kind(client):
    body = client.get("/api/v1/taxonomy").get_json()
    assert {"bias", "indicator", "type"} == set(body["kinds"])
    codes = {t["code"] for t in body["kinds"]["type"]}
    assert "it.anti_migrant_demonstration" in codes


def test_geometry_is_served_and_cacheable(client):
    response = client.get("/geo/eu27.geojson")
    assert response.status_code == 200
    assert len(response.get_data()) < 150_000
    assert response.headers.get("ETag")
    assert client.get("/geo/secrets.txt").status_code == 404
