"""The incident table's row pages, the detail route and the about page, against a real store.

The store holds demo records plus hand-made records whose restricted values are canaries: a
published member record (day, place, point, region and narrative that must never show), an
unpublished one (must never appear at all) and an open record (shown as published).
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest
from sqlalchemy import insert

from dashboard.app_factory import route
from dashboard.pages import incidents as incidents_page
from data.filters import IncidentFilter
from data.public import table_page
from data.public.table_page import MAX_LIMIT, SORT_KEYS, row_page, sort_order
from data.reference.taxonomy import load_taxonomy
from data.store import db
from data.store.schema import incident_bias_motivations, incident_types, incidents, sources
from tests import factories

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
TAX = load_taxonomy()
CANARIES = ("CANARY-PLACE", "CANARY-NARRATIVE", "CANARY-UNPUBLISHED", "48.2", "AT130",
            "2020-05-17", "Secret Org Dataset")
NAMES = {c.iso2: c.names["en"] for c in TAX.countries()}


def _record(src: int, public_id: str, policy: str, status: str, **values) -> dict:
    row = dict(
        uuid=f"uuid-{public_id}", public_id=public_id, source_id=src,
        source_record_id=public_id, policy=policy, status=status,
        date_start=dt.date(2020, 5, 17), date_end=dt.date(2020, 5, 17), date_precision="day",
        country="AT", nuts1="AT1", nuts2="AT13", nuts3="AT130", lat=48.2, lon=16.37,
        geo_precision="exact", place_name="CANARY-PLACE", is_online=False,
        location_type="street_public_space", classification="hate_crime",
        public_summary="A reviewed summary.", narrative="CANARY-NARRATIVE",
        taxonomy_version=TAX.version, created_at=NOW, updated_at=NOW)
    row.update(values)
    return row


def _add_records(engine) -> None:
    with engine.begin() as conn:
        member = conn.execute(insert(sources).values(
            slug="secret-org-csv", name="Secret Org Dataset", kind="organisation",
            policy="member", licence="", attribution="", url="")).inserted_primary_key[0]
        open_src = conn.execute(insert(sources).values(
            slug="open-monitor", name="An open monitor", kind="dataset", policy="open",
            licence="CC0-1.0", attribution="Open Monitor e.V.",
            url="https://open-monitor.invalid/")).inserted_primary_key[0]
        rows = [
            _record(member, "memberpub1", "member", "published"),
            _record(member, "memberhid1", "member", "submitted",
                    public_summary="CANARY-UNPUBLISHED"),
            _record(open_src, "openrec01", "open", "published", place_name="Wien",
                    narrative=None, public_summary="Open record summary."),
        ]
        for row in rows:
            rid = conn.execute(insert(incidents).values(**row)).inserted_primary_key[0]
            conn.execute(insert(incident_bias_motivations).values(
                incident_id=rid, code="bm.racism_xenophobia.anti_refugee", is_primary=True))
            conn.execute(insert(incident_types).values(
                incident_id=rid, code="it.attack_property.arson", is_primary=True))
        db.bump_version(conn)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with factories.site(tmp_path_factory.mktemp("table"), demo_rows=700, seed=5,
                        fill=_add_records) as site:
        yield site.app


@pytest.fixture(scope="module")
def context(app):
    from dashboard.context import current

    with app.server.test_request_context("/"):
        yield current()


def _all_rows(context, flt=None, sort="date", descending=True, limit=250):
    flt = flt or IncidentFilter()
    snapshot = context.snapshot()
    frames, offset = [], 0
    while True:
        page = row_page(context.engine, snapshot, flt, sort=sort, descending=descending,
                        offset=offset, limit=limit)
        if page.rows.empty:
            return frames, page.total
        frames.append(page.rows)
        offset += limit


# --- row pages --------------------------------------------------------------------------------


def test_pages_cover_every_public_record_once(context):
    frames, total = _all_rows(context)
    ids = [i for frame in frames for i in frame["public_id"]]
    assert len(ids) == total == context.snapshot().size
    assert len(set(ids)) == total
    assert "memberpub1" in ids and "openrec01" in ids
    assert "memberhid1" not in ids  # unpublished never appears


def test_member_rows_are_coarsened(context):
    frames, _ = _all_rows(context)
    rows = [r for f in frames for r in f.to_dict("records") if r["public_id"] == "memberpub1"]
    assert len(rows) == 1
    row = rows[0]
    assert str(row["date_start"])[:10] == "2020-05-01" and str(row["date_end"])[:10] == \
        "2020-05-31"
    assert row["date_precision"] == "month"
    for column in ("nuts1", "nuts2", "nuts3", "lat", "lon", "place_name"):
        assert row[column] is None or row[column] != row[column]  # None or NaN
    assert row["source"] == "member"
    assert "narrative" not in row
    text = repr(row)
    for canary in CANARIES:
        assert canary not in text


def test_default_order_matches_the_api_order(context):
    snapshot = context.snapshot()
    page = row_page(context.engine, snapshot, IncidentFilter(), limit=MAX_LIMIT)
    expected = snapshot.select_ids(snapshot.mask(IncidentFilter()))[:MAX_LIMIT]
    ids = context.engine.connect().exec_driver_sql(
        "SELECT public_id, id FROM incidents").fetchall()
    by_id = dict((i, p) for p, i in ids)
    assert list(page.rows["public_id"]) == [by_id[int(i)] for i in expected][: len(page.rows)]


@pytest.mark.parametrize("key", SORT_KEYS)
@pytest.mark.parametrize("descending", [False, True])
def test_sorting_is_total_and_monotonic(context, key, descending):
    frames, total = _all_rows(context, sort=key, descending=descending)
    rows = [r for f in frames for r in f.to_dict("records")]
    assert len(rows) == total

    def value(row):
        if key == "date":
            return str(row["date_start"])[:10]
        if key == "country":
            return NAMES[row["country"]].casefold()
        if key == "region":
            for level in ("nuts3", "nuts2", "nuts1"):
                if isinstance(row[level], str) and row[level]:
                    return row[level]
            return None
        if key == "bias":
            code = row["primary_bias_motivation"]
            return TAX.label(code).casefold() if code else None
        if key == "type":
            code = row["primary_incident_type"]
            return TAX.label(code).casefold() if code else None
        return row["source"]

    values = [value(r) for r in rows]
    present = [v for v in values if v is not None]
    # missing values come last, in both directions
    assert values[: len(present)] == present
    assert present == sorted(present, reverse=descending)


def test_deep_page_and_bounds(context):
    snapshot = context.snapshot()
    total = snapshot.size
    last = row_page(context.engine, snapshot, IncidentFilter(), offset=total - 3, limit=100)
    assert len(last.rows) == 3 and last.total == total
    assert row_page(context.engine, snapshot, IncidentFilter(), offset=total + 5).rows.empty
    for bad in ({"offset": -1}, {"limit": 0}, {"limit": MAX_LIMIT + 1}, {"sort": "narrative"}):
        with pytest.raises(ValueError):
            row_page(context.engine, snapshot, IncidentFilter(), **bad)


def test_filters_select_the_same_records_as_the_snapshot(context):
    snapshot = context.snapshot()
    flt = IncidentFilter(country=("AT", "DE"), type=("it.attack_property",))
    frames, total = _all_rows(context, flt, sort="country", descending=False)
    rows = [r for f in frames for r in f.to_dict("records")]
    assert total == snapshot.count(snapshot.mask(flt)) == len(rows) > 0
    assert {r["country"] for r in rows} <= {"AT", "DE"}
    allowed = TAX.expand("type", ["it.attack_property"])
    assert all(set(r["incident_types"].split(";")) & allowed for r in rows)


@pytest.mark.parametrize("chunk", [7, 64, 1 << 16])
def test_chunked_paging_equals_slicing_the_whole_selection(context, monkeypatch, chunk):
    monkeypatch.setattr(table_page, "_CHUNK", chunk)
    snapshot = context.snapshot()
    mask = snapshot.mask(IncidentFilter(country=("DE", "FR", "AT")))
    order = sort_order(snapshot, "country", True)
    expected = snapshot.ids[order[mask[order]]]
    total = int(mask.sum())
    for offset in (0, 1, 6, 7, 8, 63, 64, 65, total - 10, total - 1, total, total + 3):
        for limit in (1, 7, 100):
            ids, count = table_page.page_ids(snapshot, mask, "country", True, offset, limit)
            assert count == total
            assert list(ids) == list(expected[offset: offset + limit]), (offset, limit)


def test_orderings_are_cached_per_snapshot(context):
    snapshot = context.snapshot()
    first = sort_order(snapshot, "country", False)
    assert sort_order(snapshot, "country", False) is first
    assert np.array_equal(np.sort(first), np.arange(snapshot.size))


# --- the grid callback ------------------------------------------------------------------------


def test_grid_block_answers_a_page_in_the_public_projection(app):
    with app.server.test_request_context("/"):
        out = incidents_page.rows_block(
            {"startRow": 100, "endRow": 200, "sortModel": [{"colId": "country", "sort": "asc"}]},
            "?bias=")
    assert len(out["rowData"]) == 100
    assert out["rowCount"] > 200
    countries = [r["country"] for r in out["rowData"]]
    assert countries == sorted(countries, key=str.casefold)
    for record in out["rowData"]:
        assert record["link"] == f"[{record['public_id']}](/incidents/{record['public_id']})"
    with app.server.test_request_context("/"):
        member = incidents_page.rows_block({"startRow": 0, "endRow": 50}, "?source=member")
    assert [r["public_id"] for r in member["rowData"]] == ["memberpub1"]
    assert member["rowData"][0]["date"] == "2020-05"
    assert member["rowData"][0]["region"] == "" and member["rowData"][0]["source"] == \
        "member organisation"
    text = repr(member)
    for canary in CANARIES:
        assert canary not in text


def test_grid_block_tolerates_odd_requests(app):
    with app.server.test_request_context("/"):
        out = incidents_page.rows_block({"startRow": "x", "endRow": None,
                                         "sortModel": [{"colId": "summary"}]}, "?country=XX")
    assert len(out["rowData"]) == incidents_page.PAGE_SIZE  # defaults; bad filter dropped


# --- routes -----------------------------------------------------------------------------------


def test_detail_page_status(app):
    client = app.server.test_client()
    assert client.get("/incidents/openrec01").status_code == 200
    assert client.get("/incidents/memberpub1").status_code == 200
    unknown = client.get("/incidents/nosuchid1")
    hidden = client.get("/incidents/memberhid1")
    assert unknown.status_code == hidden.status_code == 404
    assert client.get("/incidents/memberhid1/").status_code == 404
    assert client.get("/incidents/openrec01/").status_code == 200
    # the same shell (but for Dash's per-response end id): nothing tells them apart
    def shell(response):
        return re.sub(r'"end_id":"[^"]*"', "", response.get_data(as_text=True))

    assert shell(unknown) == shell(hidden)


def test_unpublished_detail_renders_like_an_unknown_id(app):
    with app.server.test_request_context("/"):
        hidden = str(route("/incidents/memberhid1", ""))
        unknown = str(route("/incidents/nosuchid1", ""))
    assert hidden.replace("memberhid1", "X") == unknown.replace("nosuchid1", "X")
    assert "CANARY" not in hidden


def test_member_detail_shows_only_the_public_projection(app):
    with app.server.test_request_context("/"):
        text = str(route("/incidents/memberpub1", ""))
    assert "2020-05 (known to the month)" in text
    assert "A reviewed summary." in text
    assert "Anti-refugee" in text and TAX.term("it.attack_property.arson").description in text
    assert "not named in public" in text
    for canary in CANARIES:
        assert canary not in text


def test_open_detail_shows_source_and_licence(app):
    with app.server.test_request_context("/"):
        text = str(route("/incidents/openrec01", ""))
    for expected in ("An open monitor", "CC0-1.0", "Open Monitor e.V.",
                     "https://open-monitor.invalid/", "Wien", "2020-05-17"):
        assert expected in text


def test_about_page_renders_taxonomy_sources_and_release(app):
    client = app.server.test_client()
    assert client.get("/about").status_code == 200
    release = client.get("/api/v1/stats?group_by=country").get_json()["data_release"]
    with app.server.test_request_context("/"):
        text = str(route("/about", ""))
    for kind in ("bias", "indicator", "type"):
        for term in TAX.terms(kind):
            assert term.code in text
    for expected in ("Natural Earth", "EuroGeographics", "Eurostat", "GISCO", "An open monitor",
                     "CC0-1.0", release, "not prevalence"):
        assert expected in text
    assert "Secret Org" not in text and "secret-org" not in text


def _sections(node) -> dict[str, str]:
    """The about page's sections: the id of each section's heading -> the section's text."""
    def text_of(item) -> str:
        if isinstance(item, str | int | float):
            return str(item)
        if isinstance(item, list | tuple):
            return " ".join(text_of(i) for i in item)
        children = getattr(item, "children", None)
        return "" if children is None else text_of(children)

    found = {}

    def walk(item):
        if isinstance(item, list | tuple):
            for i in item:
                walk(i)
            return
        children = getattr(item, "children", None)
        if type(item).__name__ == "Section" and isinstance(children, list) and children:
            found[getattr(children[0], "id", "")] = text_of(children)
        if children is not None and not isinstance(children, str):
            walk(children)

    walk(node)
    return found


def test_about_page_states_the_precision_rules_and_map_attributions(app):
    with app.server.test_request_context("/"):
        sections = _sections(route("/about", ""))
    precision = sections["precision"]
    assert precision.startswith("Dates and places: how precise")
    for rule in ("A day is never invented", '"March 2016" is the whole of March',
                 "records known only to the year appear in yearly views",
                 "Precision is never invented", "has no region and no point of its own",
                 "Greece is GR", "the month (never the day)", "no point and no place name",
                 "at least 5 published member records", "ever between 1 and 4",
                 "the organisation is not named"):
        assert rule in precision, rule
    sources = sections["sources"]
    for credit in ("Natural Earth", "public domain", "GISCO", "© EuroGeographics"):
        assert credit in sources, credit


def test_map_page_does_not_list_the_grid_bundle_but_it_is_served(app):
    client = app.server.test_client()
    index = client.get("/").get_data(as_text=True)
    assert "dash_ag_grid.v" not in index and "dash_ag_grid.min.js" not in index
    with app.server.test_request_context("/"):
        from dashboard.components import deferred

        urls = deferred.scripts("dash_ag_grid")
    assert urls and client.get(urls[0]).status_code == 200
    assert client.get("/_dash-component-suites/dash_ag_grid/async-community.js").status_code \
        == 200
