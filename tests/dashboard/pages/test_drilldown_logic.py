"""The drill-down and linked views without a browser: state, events, figures, render, route."""

from __future__ import annotations

import datetime as dt
import gzip

import pandas as pd
import pytest

from dashboard import figures, ids
from dashboard.pages.overview import interactions, playback
from dashboard.pages.overview import page as overview
from dashboard.pages.overview.map_view import not_shown_note
from dashboard.url_state import ViewState, parse_search
from data.filters import IncidentFilter
from data.records.demo import generate
from data.records.demo_regions import place_in_regions
from data.reference.taxonomy import load_taxonomy
from tests import factories

TAX = load_taxonomy()
DE = ViewState(IncidentFilter(country=("DE",)), level="nuts2")


def _click(location, curve=1):
    return {"points": [{"curveNumber": curve, "location": location}]}


def test_level_lives_in_the_url():
    state, problems = parse_search("?country=DE&level=nuts3", TAX)
    assert not problems and state.level == "nuts3" and state.drilled_country == "DE"
    assert parse_search(state.to_search(), TAX)[0] == state
    assert ViewState(IncidentFilter(country=("DE", "FR")), level="nuts3").drilled_country is None
    state, problems = parse_search("?level=nuts9", TAX)
    assert state.level == "country" and problems[0].parameter == "level"


def test_map_clicks_drill_toggle_regions_and_fall_back_without_nuts():
    eu = ViewState(IncidentFilter(country=("FR",), region=("FR1",)))
    drilled = interactions.on_map_click(eu, _click("DE"), can_drill=True)
    assert drilled.level == "nuts2" and drilled.filter.country == ("DE",)
    assert drilled.filter.region == ()  # a region of another state is dropped
    other = interactions.on_map_click(replace_level(drilled, "nuts3"), _click("AT"), True)
    assert other.level == "nuts3" and other.filter.country == ("AT",)
    region = interactions.on_map_click(drilled, _click("DE21", curve=2), True)
    assert region.filter.region == ("DE21",) and region.level == "nuts2"
    assert interactions.on_map_click(region, _click("DE21", curve=2), True).filter.region == ()
    toggled = interactions.on_map_click(eu, _click("DE"), can_drill=False)
    assert toggled.filter.country == ("DE", "FR") and toggled.level == "country"
    assert interactions.on_map_click(eu, {"points": []}, True) is None
    back = interactions.back_to_eu(region)
    assert back.level == "country" and back.filter.country == () and back.filter.region == ()


def replace_level(state: ViewState, level: str) -> ViewState:
    return ViewState(state.filter, state.metric, state.granularity, level)


def test_bar_clicks_set_and_lift_a_code():
    click = {"points": [{"curveNumber": 0, "customdata": "it.threat"}]}
    chosen = interactions.on_bar_click(DE, "type", click)
    assert chosen.filter.type == ("it.threat",)
    assert interactions.on_bar_click(chosen, "type", click).filter.type == ()
    bias = {"points": [{"customdata": "bm.anti_roma"}]}
    picked = interactions.on_bar_click(DE, "bias", bias)
    assert picked.filter.bias == ("bm.anti_roma",)
    assert interactions.on_bar_click(picked, "bias", bias).filter.bias is None  # default scope


@pytest.mark.parametrize("x0, x1, granularity, expected", [
    ("2016-01-20 10:00", "2016-06-10", "month", ("2016-02-01", "2016-05-31")),
    ("2016-01-01", "2016-01-31 23:00", "month", ("2016-01-01", "2016-01-31")),
    ("2016-01-10", "2016-01-12", "month", None),
    ("2015-03-01", "2016-10-01", "year", ("2015-01-01", "2016-12-31")),
    ("2016-02-29", "2016-03-20", "week", ("2016-02-29", "2016-03-20")),
    ("2016-06-10", "2016-01-20", "month", ("2016-02-01", "2016-05-31")),
    ("not a date", "2016-01-01", "month", None),
])
def test_brushes_cover_whole_periods(x0, x1, granularity, expected):
    dates = interactions.periods_in_range(x0, x1, granularity)
    assert dates == (None if expected is None else tuple(map(dt.date.fromisoformat, expected)))


def test_brush_sources():
    selected = {"points": [], "range": {"x": ["2016-01-20", "2016-03-20"]}}
    state = interactions.on_brush(DE, selected=selected)
    assert (state.filter.date_from, state.filter.date_to) == (dt.date(2016, 2, 1),
                                                              dt.date(2016, 3, 31))
    lasso = {"points": [{"x": "2016-03-01"}, {"x": "2016-05-01"}]}
    state = interactions.on_brush(DE, selected=lasso)
    assert (state.filter.date_from, state.filter.date_to) == (dt.date(2016, 3, 1),
                                                              dt.date(2016, 5, 31))
    zoom = {"xaxis.range[0]": "2015-12-20", "xaxis.range[1]": "2016-01-20"}
    assert interactions.on_brush(DE, relayout=zoom).filter.date_to == dt.date(2016, 1, 31)
    assert interactions.on_brush(DE, relayout={"autosize": True}) is None
    assert interactions.on_brush(DE, selected=None) is None


def test_playback_steps_and_stops():
    first, last = playback.playback_range(540, 671, dt.date(2016, 1, 1), dt.date(2016, 3, 31))
    assert (first, last) == (552, 554)
    assert playback.step(ids.PLAY, None, False, first, last) == (552, True)
    assert playback.step(ids.PLAY_INTERVAL, 552, True, first, last) == (553, True)
    assert playback.step(ids.PLAY_INTERVAL, 553, True, first, last) == (554, False)
    assert playback.step(ids.PLAY, 553, True, first, last) == (553, False)  # pause
    assert playback.step(ids.PLAY, 554, False, first, last) == (552, True)  # from the start
    assert playback.step(ids.PLAY_ALL, 553, True, first, last) == (None, False)
    assert playback.step(ids.PLAY_INTERVAL, 553, False, first, last) == (553, False)
    assert playback.month_start(552) == "2016-01-01"


def test_figures_for_regions_and_linked_charts():
    values = figures.region_values(pd.Series({"DE21": 3, "XX1": 9}), ("DE21", "DE22"),
                                   ("Oberbayern", "Niederbayern"), "nuts2")
    assert values["z"] == [3.0, 0.0] and values["shown"] == 3 and values["zmax"] == 3.0
    assert "Oberbayern" in values["text"][0] and "NUTS 2" in values["title"]
    counts = pd.DataFrame({"period": ["2016-01"], "bias": ["bm.anti_roma"], "count": [2]})
    spec = figures.timeline_spec(counts, "month", {}, TAX.codes("bias"), revision="r1")
    assert spec["layout"]["dragmode"] == "select" and spec["layout"]["uirevision"] == "r1"
    assert spec["data"][0]["xperiodalignment"] == "middle"
    bars = figures.breakdown_spec(pd.Series({"a": 2, "b": 5}), {}, "t", selected=("b",))
    assert bars["data"][0]["marker"]["color"][1] != bars["data"][0]["marker"]["color"][0]
    assert figures.month_marker("2016-12-01")[0]["x1"] == "2017-01-01"
    assert len(figures.choropleth({"locations": [], "z": [], "text": [], "zmax": 1,
                                   "title": ""}, "/a", "/b").data) == 3


def test_not_shown_note_names_each_reason():
    note = not_shown_note("Germany", "nuts3", 20, 10, {"nuts2": 3, "nuts1": 1, "country": 6})
    assert note.startswith("Germany: 10 of 20 incidents shown by NUTS 3 region.")
    assert "10 cannot be shown at NUTS 3: 3 known only to NUTS 2; 1 known only to NUTS 1; 6" \
        in note and "member organisation" in note
    assert not_shown_note("Malta", "nuts1", 4, 4, {"country": 0}) == \
        "Malta: 4 of 4 incidents shown by NUTS 1 region."


def test_demo_records_get_regions_only_at_their_precision(shared_data):
    frame = generate(600, 5, TAX)["incidents"]
    placed = place_in_regions(frame, shared_data / "geo" / "nuts2024", 5)
    assert placed.drop(columns=["nuts1", "nuts2", "nuts3", "nuts_version", "geo_precision",
                                "lat", "lon", "place_name"]).equals(
        frame.drop(columns=["geo_precision", "lat", "lon", "place_name"]))
    with_point = placed[placed["lat"].notna()]
    assert with_point["nuts3"].notna().mean() > 0.95
    assert (with_point["nuts3"].dropna().str[:2]
            == with_point.loc[with_point["nuts3"].notna(), "country"].replace("GR", "EL")).all()
    for level, finer in (("nuts2", "nuts3"), ("nuts1", "nuts2")):
        rows = placed[placed["geo_precision"] == level]
        assert len(rows) and rows[finer].isna().all() and rows["lat"].isna().all()
        assert rows[level].notna().all()
    assert placed[placed["geo_precision"] == "country"]["nuts1"].isna().all()


@pytest.fixture(scope="module")
def app(tmp_path_factory, shared_data):
    folder = tmp_path_factory.mktemp("drill")
    with factories.site(folder, demo_rows=1500, seed=3, instance_dir=folder,
                        nuts_dir=shared_data / "geo" / "nuts2024") as site:
        yield site.app


def _operations(patch) -> dict:
    return {tuple(op["location"]): op["params"].get("value")
            for op in patch.to_plotly_json()["operations"]}


def test_render_patches_regions_by_url_and_keeps_the_eu_contract(app):
    with app.server.app_context():
        out = overview.render("?country=DE&level=nuts2")
        ops = _operations(out["map"]["figure"])
        assert ops[("data", 2, "geojson")].startswith("/geo/DE-nuts2.geojson?v=")
        assert len(ops[("data", 2, "locations")]) == 38 and len(ops[("data", 1, "z")]) == 26
        shown = out["map"]  # the note; region controls shown
        assert "of" in shown["note"] and shown["region_controls_hidden"] is False
        eu_out = overview.render("")
        eu = _operations(eu_out["map"]["figure"])
        assert len(eu[("data", 1, "z")]) == 27 and eu[("data", 2, "locations")] == []
        slider = eu_out["playback"]  # the playback slider spans the data's months
        lo, hi, marks = slider["first"], slider["last"], slider["marks"]
        assert lo == (2014 - 1970) * 12 and hi == (2025 - 1970) * 12 + 11
        assert marks[lo] == "2014"
        month = overview.render("?country=DE&level=nuts1", (2016 - 1970) * 12)
        label, note = month["playback"]["label"], month["map"]["note"]
        assert label == "Map: 2016-01" and "January 2016" in note


def test_regional_geometry_is_served_compressed(app):
    client = app.server.test_client()
    plain = client.get("/geo/DE-nuts3.geojson")
    assert plain.status_code == 200 and plain.mimetype == "application/geo+json"
    packed = client.get("/geo/DE-nuts3.geojson", headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < 30_000 < len(plain.data) < 150_000
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert client.get("/geo/manifest.json").status_code == 404
    assert client.get("/geo/XX-nuts2.geojson").status_code == 404
    assert client.get("/geo/eu27.geojson").status_code == 200
