"""The caller's projection: researchers get member records' regions, logged; others don't.

DESIGN §5: a researcher sees published member records at month + NUTS 3, never a point, a
place, a day, a narrative or an identity, and every such answer is logged. Anonymous callers
and reporters get the public projection. Moderators and admins reading these outputs get the
researcher level (their fuller views belong to the moderation pages).
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from dashboard.pages import incidents as incidents_page
from data.people.access_log import recent_access
from data.people.accounts import get_user
from data.people.sessions import start_session
from data.store.schema import record_access
from tests import factories
from tests.data.export.export_store import CANARY_RECORDS
from tests.security.web import client_as

MEMBER = "memberrec1"
#: What a member record must never show, even to researchers.
NEVER = ("48.1234567", "11.7654321", "CANARY-PLACE", "2020-05-17", "CANARY-NARRATIVE",
         "CANARY-UUID", "CANARY-SRID", "secret-org")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with factories.site(tmp_path_factory.mktemp("projection"), demo_rows=200,
                        records=CANARY_RECORDS,
                        organisations=(("ngo-vienna", "An NGO in Vienna", "AT"),),
                        accounts=(("res@example.org", "researcher", None),
                                  ("rep@example.org", "reporter", "ngo-vienna"),
                                  ("adm@example.org", "admin", None))) as site:
        yield site.engine, site.app


def _client(site, email: str | None):
    engine, app = site
    return client_as(app, get_user(engine, email=email) if email else None, csrf="t")


def _member_row(client) -> dict:
    body = client.get("/api/v1/incidents?source=member&per_page=1000").get_json()
    return next(r for r in body["data"] if r["public_id"] == MEMBER)


def _log_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(record_access)).scalar()


@pytest.mark.parametrize("email", [None, "rep@example.org"])
def test_anonymous_callers_and_reporters_get_the_public_projection(site, email):
    engine, _app = site
    before = _log_count(engine)
    client = _client(site, email)
    row = _member_row(client)
    assert (row["nuts1"], row["nuts2"], row["nuts3"]) == (None, None, None)
    assert row["geo_precision"] == "country"
    csv_text = client.get("/api/v1/incidents?format=csv").get_data(as_text=True)
    assert "DE212" not in csv_text
    assert _log_count(engine) == before


@pytest.mark.parametrize("email", ["res@example.org", "adm@example.org"])
def test_researchers_get_member_regions_and_nothing_finer(site, email):
    client = _client(site, email)
    row = _member_row(client)
    assert (row["nuts1"], row["nuts2"], row["nuts3"]) == ("DE2", "DE21", "DE212")
    assert row["geo_precision"] == "nuts3"
    assert (row["date_start"], row["date_end"], row["date_precision"]) == \
        ("2020-05-01", "2020-05-31", "month")
    assert row["lat"] is None and row["lon"] is None and row["place_name"] is None
    assert row["source"] == "member"
    for fmt in ("json", "csv", "geojson"):
        text = client.get(f"/api/v1/incidents?format={fmt}&per_page=1000").get_data(
            as_text=True)
        assert not [c for c in NEVER if c in text], fmt
    rows = list(csv.DictReader(io.StringIO(
        client.get("/api/v1/incidents?format=csv&source=member").get_data(as_text=True))))
    assert [r["nuts3"] for r in rows if r["public_id"] == MEMBER] == ["DE212"]


def test_open_records_are_the_same_in_both_projections(site):
    public = _client(site, None).get("/api/v1/incidents?source=open-monitor").get_json()
    research = _client(site, "res@example.org").get(
        "/api/v1/incidents?source=open-monitor").get_json()
    assert public["data"] == research["data"] and public["total"] == research["total"]


def test_projections_never_share_a_cache_entry(site):
    url = "/api/v1/incidents?source=member"
    public = _client(site, None).get(url)
    research = _client(site, "res@example.org")
    answer = research.get(url)
    assert public.headers["ETag"] != answer.headers["ETag"]
    assert "Cookie" in answer.headers["Vary"] and "Cookie" in public.headers["Vary"]
    assert "private" in answer.headers["Cache-Control"]
    assert "private" not in public.headers["Cache-Control"]
    # the public tag does not unlock a 304 for the researcher, nor the reverse
    again = research.get(url, headers={"If-None-Match": public.headers["ETag"]})
    assert again.status_code == 200 and again.get_json()["data"]
    anonymous = _client(site, None).get(url, headers={"If-None-Match": answer.headers["ETag"]})
    assert anonymous.status_code == 200
    assert json.dumps(anonymous.get_json()).count("DE212") == 0


def test_every_researcher_answer_is_logged_with_who_what_and_how_many(site):
    engine, app = site
    client = _client(site, "res@example.org")
    before = _log_count(engine)
    total = client.get("/api/v1/incidents?country=DE&per_page=7").get_json()
    client.get("/api/v1/incidents?country=DE&format=csv").get_data()
    entries = recent_access(engine, limit=2)
    assert _log_count(engine) == before + 2
    assert list(entries["kind"]) == ["csv", "api-page"]
    assert set(entries["email"]) == {"res@example.org"}
    assert list(entries["records"]) == [total["total"], min(7, total["total"])]
    assert all("country=DE" in q for q in entries["query"])
    assert set(entries["data_release"]) == {total["data_release"]}


def test_the_table_follows_the_projection_and_logs_its_pages(site):
    engine, app = site
    user = get_user(engine, email="res@example.org")
    before = _log_count(engine)
    for who, expected in ((None, None), (user, "DE212")):
        with app.server.test_request_context("/"):
            import flask

            if who is not None:
                flask.session.update(sid=start_session(engine, who))
            out = incidents_page.rows_block({"startRow": 0, "endRow": 100}, "?source=member")
        regions = {r["public_id"]: r["region"] for r in out["rowData"]}
        assert (expected or "") in str(regions[MEMBER])
        if expected is None:
            assert "DE21" not in str(regions[MEMBER])
    assert _log_count(engine) == before + 1
    assert recent_access(engine, limit=1)["kind"].iloc[0] == "table-page"
