"""Downloads and frozen releases through the HTTP API, against a real store and app."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from data.export import EXPORTERS, FORMATS
from data.export.releases import freeze
from data.reference.taxonomy import load_taxonomy
from data.reference.vocab import DEMO_NOTICE
from tests import factories
from tests.data.export.export_store import CANARIES, CANARY_RECORDS, read_download, text_of
from tests.factories import add_record

TAX = load_taxonomy()
QUERY = "country=DE,FR&bias=bm.racism_xenophobia&date_from=2015-01&date_to=2020-12"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with factories.site(tmp_path_factory.mktemp("downloads"), demo_rows=300,
                        records=CANARY_RECORDS) as site:
        yield site.settings, site.engine, site.client()


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_download_holds_the_api_total_and_names_the_release(app, fmt, tmp_path):
    _, _, client = app
    page = client.get(f"/api/v1/incidents?{QUERY}&per_page=5").get_json()
    extra = "&per_page=all" if fmt == "geojson" else ""
    response = client.get(f"/api/v1/incidents?{QUERY}&format={fmt}{extra}")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["X-Incidentmap-Data-Release"] == page["data_release"]
    assert response.headers["X-Incidentmap-Notice"] == DEMO_NOTICE
    disposition = response.headers["Content-Disposition"]
    assert page["data_release"] in disposition and "synthetic-demo" in disposition
    _, rows, meta = read_download(fmt, response.get_data(), tmp_path)
    assert len(rows) == page["total"] > 10
    assert {r["data_release"] for r in rows} == {page["data_release"]}
    assert [r["public_id"] for r in rows[:5]] == [r["public_id"] for r in page["data"]]
    text = text_of(rows, meta)
    assert not [c for c in CANARIES if c in text]


def test_geojson_stays_paged_unless_all_is_asked_for(app):
    _, _, client = app
    paged = client.get("/api/v1/incidents?format=geojson&per_page=7").get_json()
    assert len(paged["features"]) == 7 and paged["pages"] > 1
    whole = client.get("/api/v1/incidents?format=geojson&per_page=all").get_json()
    assert len(whole["features"]) == paged["total"] == whole["total"]
    assert whole["citation"] and whole["data_release"] == paged["data_release"]
    assert client.get("/api/v1/incidents?format=json&per_page=all").status_code == 400


def test_unknown_format_lists_every_download_format(app):
    _, _, client = app
    problem = client.get("/api/v1/incidents?format=docx").get_json()["error"]["problems"][0]
    assert set(FORMATS) <= set(problem["allowed"])


def test_download_of_unpublished_only_filter_is_refused_like_an_unknown_source(app):
    _, _, client = app
    assert client.get("/api/v1/incidents?source=secret-drafts&format=xlsx").status_code == 400


def test_a_frozen_release_is_served_byte_for_byte_after_the_data_change(app):
    settings, engine, client = app
    assert client.get("/api/v1/releases").get_json()["releases"] == []
    before = client.get("/api/v1/stats?group_by=country").get_json()
    rel = freeze(engine, TAX, settings.instance_dir, "2026-q1",
                 now=dt.datetime(2026, 3, 31, tzinfo=dt.UTC), min_cell=settings.min_cell)
    assert rel.data_release == before["data_release"] and rel.row_count == before["total"]
    assert rel.synthetic
    listed = client.get("/api/v1/releases").get_json()["releases"]
    assert [r["name"] for r in listed] == ["2026-q1"]
    assert listed[0]["files"]["parquet"]["url"] == "/api/v1/releases/2026-q1?format=parquet"
    frozen = {}
    for fmt in ("parquet", "datapackage"):
        response = client.get(f"/api/v1/releases/2026-q1?format={fmt}")
        assert response.status_code == 200
        body = response.get_data()
        assert hashlib.sha256(body).hexdigest() == rel.files[fmt]["sha256"]
        assert response.headers["X-Incidentmap-Data-Release"] == rel.data_release
        assert "immutable" in response.headers["Cache-Control"]
        assert response.headers["X-Incidentmap-Notice"] == DEMO_NOTICE
        etag = response.headers["ETag"]
        again = client.get(f"/api/v1/releases/2026-q1?format={fmt}",
                           headers={"If-None-Match": etag})
        assert again.status_code == 304
        frozen[fmt] = body

    add_record(engine, slug="late-monitor", policy="open", status="published",
               public_id="laterec1", licence="CC-BY-4.0")
    after = client.get("/api/v1/stats?group_by=country").get_json()
    assert after["data_release"] != before["data_release"]
    assert after["total"] == before["total"] + 1
    for fmt, body in frozen.items():
        assert client.get(f"/api/v1/releases/2026-q1?format={fmt}").get_data() == body
    assert client.get("/api/v1/releases/2026-q1").get_data() == frozen["datapackage"]


def test_release_errors_are_json(app):
    _, _, client = app
    missing = client.get("/api/v1/releases/nope")
    assert missing.status_code == 404 and "no release" in missing.get_json()["error"]["message"]
    assert client.get("/api/v1/releases/..%2Fsecret").status_code == 404
    assert client.get("/api/v1/releases?colour=red").status_code == 400


def test_page_offers_every_format_for_the_filter_of_its_csv_link(app):
    from dashboard.pages.overview import downloads

    _, _, client = app
    csv_href = f"/api/v1/incidents?{QUERY}&format=csv"
    assert set(downloads.OTHER_FORMATS) | {"csv"} == set(FORMATS)
    links = downloads.other_formats().children[1].children
    assert [item.children.id for item in links] == [downloads.link_id(f)
                                                     for f in downloads.OTHER_FORMATS]
    for fmt in downloads.OTHER_FORMATS:
        href = downloads.href_for(csv_href, fmt)
        assert QUERY in href and f"format={fmt}" in href
        response = client.get(href)
        response.get_data()
        assert response.status_code == 200, href
        assert response.headers["Content-Type"] == EXPORTERS[fmt].media_type
