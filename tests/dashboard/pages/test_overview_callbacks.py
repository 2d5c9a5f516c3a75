"""The map page's two callbacks: named, grouped outputs computed by pure functions.

``views_of`` and ``playback_step_of`` (the render callback's values) and ``synced`` (the sync
callback's) are called here without Dash's callback machinery; the registered callbacks are
checked to be still one render and one sync callback with the outputs and inputs the browser
and the benchmarks send.
"""

from __future__ import annotations

import pytest
from dash import Patch, no_update

from dashboard import ids
from dashboard.pages.overview import controls, interactions, view_values
from dashboard.url_state import parse_search
from tests import factories


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with factories.site(tmp_path_factory.mktemp("callbacks"), demo_rows=400, seed=5) as built:
        yield built


def _names(groups: dict) -> dict:
    return {group: set(values) for group, values in groups.items()}


def _flat(groups: dict) -> list[str]:
    return [f"{cid}.{prop}" for values in groups.values() for cid, prop in values.values()]


def _values(groups: dict) -> dict:
    return {f"{group}.{name}": value for group, values in groups.items()
            for name, value in values.items()}


def test_views_of_gives_every_named_output_without_dash(site):
    context = site.context
    snapshot = context.snapshot()
    state, problems = parse_search("?country=DE&level=nuts2&metric=bogus", context.taxonomy,
                                   snapshot.sources)
    views = view_values.views_of(context, snapshot, state, problems)
    assert _names(views) == _names(view_values.OUTPUTS)
    assert not any(value is no_update for value in _values(views).values())
    assert isinstance(views["map"]["figure"], Patch)
    assert views["notice"]["hidden"] is False and "metric" in views["notice"]["text"]
    assert views["download"]["csv_href"].startswith("/api/v1/incidents?country=DE")
    assert views["summary"]["text"].split()[1] == "incidents."
    assert views["demo_banner"]["hidden"] is False


def test_a_playback_step_sends_the_map_the_marker_and_the_label_only(site):
    context = site.context
    snapshot = context.snapshot()
    state, _ = parse_search("?country=FR", context.taxonomy, snapshot.sources)
    step = view_values.playback_step_of(context, snapshot, state, (2016 - 1970) * 12)
    assert _names(step) == _names(view_values.OUTPUTS)
    sent = {name for name, value in _values(step).items() if value is not no_update}
    assert sent == {"map.figure", "map.note", "timeline.figure", "playback.label"}
    assert step["playback"]["label"] == "Map: 2016-01"


def test_the_page_keeps_one_render_and_one_sync_callback(site):
    deps = site.client().get("/_dash-dependencies").get_json()
    render = [d for d in deps if d["output"].startswith(f"..{ids.MAP}.figure...")]
    sync = [d for d in deps if d["output"].startswith(f"..{ids.URL}.search...")]
    assert len(render) == len(sync) == 1
    # the map's figure and the URL come first: the benchmarks find the callbacks by them
    assert render[0]["output"] == ".." + "...".join(_flat(view_values.OUTPUTS)) + ".."
    assert [f"{i['id']}.{i['property']}" for i in render[0]["inputs"]] == [
        f"{ids.URL}.search", f"{ids.PLAY_MONTH}.value"]
    assert sync[0]["output"] == ".." + "...".join(
        [f"{ids.URL}.search", *(f"{c}.{p}" for c, p in controls.CONTROLS.values())]) + ".."
    assert [f"{i['id']}.{i['property']}" for i in sync[0]["inputs"]] == [
        f"{ids.URL}.search", *(f"{c}.{p}" for c, p in controls.CONTROLS.values()),
        *(f"{c}.{p}" for c, p in interactions.EVENTS.values())]


def _controls(**values) -> dict:
    shown = dict.fromkeys(controls.CONTROLS)
    shown.update(country=[], bias=[], indicator=[], type=[], metric="count",
                 granularity="month", level="country")
    return shown | values


def _sync(source, prop, search, shown, taxonomy, **events):
    return controls.synced(source, prop, search, shown, dict.fromkeys(interactions.EVENTS)
                           | events, taxonomy, ("bm.anti_roma",), can_drill=True)


def test_synced_writes_the_url_or_the_controls(site):
    taxonomy = site.context.taxonomy
    # a URL change sets the controls (the bias control shows the default scope)
    answer = _sync(ids.URL, "search", "?country=IT", _controls(), taxonomy)
    assert answer["search"] is no_update
    assert answer["controls"] == _controls(country=["IT"], bias=["bm.anti_roma"])
    # a control change writes the URL and leaves the controls
    answer = _sync(ids.COUNTRY, "value", "", _controls(country=["FR"]), taxonomy)
    assert answer["search"] == "?country=FR&bias="
    assert all(value is no_update for value in answer["controls"].values())
    # ... unless the URL already says so
    answer = _sync(ids.COUNTRY, "value", "?country=FR&bias=", _controls(country=["FR"]),
                   taxonomy)
    assert answer["search"] is no_update
    # an event writes both
    click = {"points": [{"curveNumber": 1, "location": "DE"}]}
    answer = _sync(ids.MAP, "clickData", "", _controls(), taxonomy, click=click)
    assert answer["search"] == "?country=DE&bias=&level=nuts2"
    assert answer["controls"]["country"] == ["DE"] and answer["controls"]["level"] == "nuts2"
    # an event that hits nothing changes nothing
    answer = _sync(ids.MAP, "clickData", "", _controls(), taxonomy, click={"points": []})
    assert answer["search"] is no_update
    assert all(value is no_update for value in answer["controls"].values())
