"""What the public can learn: sources, unpublished activity, unknown paths, odd parameters."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert

from dashboard.context import AppContext
from dashboard.pages.overview.controls import state_from_controls
from dashboard.url_state import ViewState
from data.filters import IncidentFilter
from data.reference.taxonomy import load_taxonomy
from data.settings import Settings, SettingsError
from data.store import db
from data.store.schema import incidents, sources

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
TAX = load_taxonomy()


def _add(engine, slug, policy, status, n):
    with engine.begin() as conn:
        src = conn.execute(insert(sources).values(
            slug=slug, name=slug, kind="dataset", policy=policy, licence="", attribution="",
            url="")).inserted_primary_key[0]
        for i in range(n):
            conn.execute(insert(incidents).values(
                uuid=f"{slug}-{i}", public_id=f"{slug[:8]}{i}", source_id=src,
                source_record_id=str(i), policy=policy, status=status,
                date_start=dt.date(2020, 5, 17), date_end=dt.date(2020, 5, 17),
                date_precision="day", country="AT", geo_precision="country",
                is_online=False, location_type="unknown", classification="unclear",
                taxonomy_version="0.2.0", created_at=NOW, updated_at=NOW))
        db.bump_version(conn)


def _sources(engine):
    _add(engine, "opferberatung-leipzig-cases-csv", "member", "published", 3)
    _add(engine, "secret-drafts-csv", "member", "submitted", 2)
    _add(engine, "open-monitor", "open", "published", 2)


@pytest.fixture
def setup(make_site):
    site = make_site(fill=_sources)
    return site.engine, site.client()


def test_member_sources_are_never_named_in_public(setup):
    _, client = setup
    for url in ("/api/v1/stats?group_by=source", "/api/v1/incidents?per_page=50",
                "/api/v1/incidents?format=csv", "/api/v1/incidents?source=nobody"):
        text = client.get(url).get_data(as_text=True)
        assert "opferberatung" not in text and "secret-drafts" not in text
    body = client.get("/api/v1/stats?group_by=source").get_json()
    assert {d["key"]: d["count"] for d in body["data"]} == {"member": 3, "open-monitor": 2}
    assert client.get("/api/v1/stats?group_by=country&source=member").get_json()["total"] == 3


def test_sources_without_public_records_are_indistinguishable_from_unknown(setup):
    _, client = setup
    drafts = client.get("/api/v1/incidents?source=secret-drafts-csv")
    unknown = client.get("/api/v1/incidents?source=made-up-name")
    assert drafts.status_code == unknown.status_code == 400
    assert drafts.get_json()["error"]["problems"][0]["allowed"] == ["member", "open-monitor"]


def test_release_id_moves_only_with_published_data(setup):
    engine, client = setup
    first = client.get("/api/v1/stats?group_by=country").get_json()["data_release"]
    _add(engine, "more-drafts-csv", "member", "submitted", 4)
    assert client.get("/api/v1/stats?group_by=country").get_json()["data_release"] == first
    _add(engine, "another-open", "open", "published", 1)
    assert client.get("/api/v1/stats?group_by=country").get_json()["data_release"] != first


@pytest.mark.parametrize("url, status", [
    ("/api/v1/incidents?page=%C2%B2", 400),
    ("/api/v1/incidents?per_page=%C2%B2", 400),
    ("/api/v1/incidents?page=99999999999999999999999", 400),
    ("/api/v1/openapi-not-yet", 404),
    ("/api/v1/incidents/extra", 404),
])
def test_odd_requests_get_clear_json_errors(setup, url, status):
    _, client = setup
    response = client.get(url)
    assert response.status_code == status
    assert response.is_json and "error" in response.get_json()


def test_page_controls_keep_filters_that_have_no_control():
    kept = IncidentFilter(region=("DE3",), source=("arvig",))
    controls = {"start_date": "2016-01-01", "end_date": "not a date", "country": ["FR"],
                "bias": [], "indicator": [], "type": [], "metric": "count",
                "granularity": "month", "level": None}
    state = state_from_controls(controls, ViewState(kept))
    assert state.filter.region == ("DE3",) and state.filter.source == ("arvig",)
    assert state.filter.date_to is None and state.filter.country == ("FR",)


def test_unknown_default_bias_scope_is_a_settings_error(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'b.sqlite'}",
                        default_bias_scope=("bm.nope",))
    engine = db.make_engine(settings.database_url)
    with pytest.raises(SettingsError, match="INCIDENTMAP_DEFAULT_BIAS_SCOPE"):
        AppContext(settings, engine, TAX)
