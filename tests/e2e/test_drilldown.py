"""Drilling down from the EU-27 map into a member state's NUTS regions, and back out.

Runs against a server with NUTS files (``nuts_server``: the demo data then has NUTS codes).
Every count the map shows is checked against the API for the same URL, and the ``page``
fixtures' teardown fails a test on any request leaving 127.0.0.1 or a console error.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from map_page import (
    MAP_JS,
    api_query,
    api_stats,
    choose_option,
    click_on_map,
    open_page,
    page_query,
    query_params,
    settle,
    summary_count,
    trace_values,
    wait_for_query,
)

from dashboard import ids
from data.settings import Settings

GERMANY = (10.4, 51.1)  # lon, lat: well inside Germany (and inside Hessen/Thüringen's area)
BAVARIA = (11.4, 48.9)
DEFAULT_SCOPE_QUERY = "bias=" + ",".join(sorted(Settings().default_bias_scope))
NOTE_RE = r"^Germany: ([\d,]+) of ([\d,]+) incidents shown by NUTS (\d) region\."


def _regions_drawn(page, count: int) -> None:
    page.wait_for_function(f"(n) => ({MAP_JS}.data[2].locations || []).length === n", arg=count)
    settle(page)


def _check_regions_match_api(page, base: str, level: str) -> dict[str, float]:
    """The regional map's values, the note and the summary agree with the API."""
    query = api_query(page_query(page))
    stats = api_stats(page, base, query, level)
    values = trace_values(page, 2)
    api = {row["key"]: row["count"] for row in stats["data"] if row["key"].startswith("DE")}
    assert values == {code: float(api.get(code, 0)) for code in values}
    assert {code for code, n in api.items() if n} <= set(values)
    assert summary_count(page) == stats["total"]
    note = page.locator(f"#{ids.MAP_NOTE}").inner_text()
    match = re.match(NOTE_RE, note)
    assert match, note
    shown, total = (int(g.replace(",", "")) for g in match.groups()[:2])
    assert total == stats["total"] and shown == sum(values.values())
    assert total - shown == stats["unplaced"]
    if stats["unplaced"]:
        assert f"{stats['unplaced']:,} cannot be shown at NUTS {level[-1]}" in note
        assert "member organisation" in note
    return values


def test_click_drills_into_regions_level_switch_and_back(nuts_page, nuts_server, page_log):
    page, base = nuts_page, nuts_server
    open_page(page, base)
    assert "see its regions" in page.locator(".views").inner_text()
    assert page.locator(f"#{ids.REGION_CONTROLS}").is_hidden()
    eu_total = summary_count(page)

    click_on_map(page, *GERMANY, "Germany")
    wait_for_query(page, "q.get('country') === 'DE' && q.get('level') === 'nuts2'")
    _regions_drawn(page, 38)
    values = _check_regions_match_api(page, base, "nuts2")
    assert sum(values.values()) > 0
    assert page.locator(f"#{ids.REGION_CONTROLS}").is_visible()
    assert page.locator(f"#{ids.LEVEL} input[value='nuts2']").is_checked()
    # The member states around are grey and without values; the view is on Germany.
    assert "DE" not in trace_values(page, 1) and len(trace_values(page, 1)) == 26
    center = page.evaluate(f"() => {MAP_JS}._fullLayout.map.center")
    assert 5 < center["lon"] < 15 and 47 < center["lat"] < 55
    # The regions came from the app, small, and MapLibre drew them.
    geo = [u for u in page_log.requests if urlsplit(u).path == "/geo/DE-nuts2.geojson"]
    assert geo, "the regional geometry was never requested"
    response = page.request.get(geo[0], headers={"Accept-Encoding": "gzip"})
    assert response.ok and len(response.body()) < 150_000
    drawn = page.evaluate(f"""() => {MAP_JS}._fullLayout.map._subplot.map
        .queryRenderedFeatures().filter((f) => f.layer.type === 'fill').length""")
    assert drawn > 0

    page.locator(f"#{ids.LEVEL} input[value='nuts3']").check()
    wait_for_query(page, "q.get('level') === 'nuts3'")
    _regions_drawn(page, 400)
    _check_regions_match_api(page, base, "nuts3")

    page.locator(f"#{ids.BACK_TO_EU}").click()
    wait_for_query(page, "!q.has('country') && !q.has('level')")
    page.wait_for_function(f"() => {MAP_JS}.data[1].locations.length === 27")
    settle(page)
    assert trace_values(page, 2) == {}
    assert summary_count(page) == eu_total
    assert page.locator(f"#{ids.REGION_CONTROLS}").is_hidden()

    page.go_back()  # the drilled view is in the history
    wait_for_query(page, "q.get('country') === 'DE' && q.get('level') === 'nuts3'")
    _regions_drawn(page, 400)


def test_clicking_a_region_filters_by_it(nuts_page, nuts_server):
    page, base = nuts_page, nuts_server
    open_page(page, base, f"country=DE&level=nuts1&{DEFAULT_SCOPE_QUERY}")
    _regions_drawn(page, 16)
    before = summary_count(page)

    click_on_map(page, *BAVARIA, "Bayern")
    wait_for_query(page, "q.get('region') === 'DE2'")
    total = api_stats(page, base, api_query(page_query(page)))["total"]
    page.wait_for_function(
        "(n) => document.querySelector('#result-summary').textContent"
        ".startsWith(n + ' incidents.')", arg=f"{total:,}")
    settle(page)
    assert 0 < total < before
    values = trace_values(page, 2)
    assert values["DE2"] == total
    assert {code for code, v in values.items() if v} == {"DE2"}
    assert "NUTS region DE2" in page.locator(f"#{ids.SUMMARY}").inner_text()


def test_keyboard_path_into_the_regions(nuts_page, nuts_server):
    """One member state in the filter, then a level chosen with the keyboard."""
    page = nuts_page
    open_page(page, nuts_server)
    choose_option(page, ids.COUNTRY, "Austria")
    wait_for_query(page, "q.get('country') === 'AT' && !q.has('level')")
    settle(page)
    controls = page.locator(f"#{ids.REGION_CONTROLS}")
    controls.wait_for(state="visible")
    assert trace_values(page, 2) == {}
    page.locator(f"#{ids.LEVEL} input[value='country']").focus()
    page.keyboard.press("ArrowRight")  # radio group: the next level, NUTS 1
    wait_for_query(page, "q.get('level') === 'nuts1'")
    _regions_drawn(page, 3)
    page.locator(f"#{ids.BACK_TO_EU}").focus()
    page.keyboard.press("Enter")
    wait_for_query(page, "!q.has('country') && !q.has('level')")
    controls.wait_for(state="hidden")


def test_shared_regional_link_restores_the_view(nuts_page, nuts_server):
    page, base = nuts_page, nuts_server
    open_page(page, base, "country=FR&level=nuts1&granularity=year")
    _regions_drawn(page, 14)
    assert query_params(page) == {"country": "FR", "level": "nuts1", "granularity": "year"}
    center = page.evaluate(f"() => {MAP_JS}._fullLayout.map.center")
    assert -5 < center["lon"] < 9 and 41 < center["lat"] < 51, "framed on mainland France"
    assert "FRY" in trace_values(page, 2)  # the outermost regions are on the map too
    assert page.locator(f"#{ids.NOTICE}").is_hidden()


@pytest.mark.parametrize("query, message", [
    ("country=DE,FR&level=nuts2", "exactly one member state"),
    ("level=nuts3", "exactly one member state"),
])
def test_level_without_one_member_state_shows_the_eu_map(nuts_page, nuts_server, query,
                                                          message):
    page = nuts_page
    open_page(page, nuts_server, query)
    assert message in page.locator(f"#{ids.NOTICE}").inner_text()
    assert len(trace_values(page, 1)) == 27 and trace_values(page, 2) == {}


def test_without_nuts_files_the_map_says_country_level(page, server):
    open_page(page, server, "country=DE&level=nuts2")
    text = page.locator(".views").inner_text()
    assert "Regional maps are not available" in text
    assert "regional maps are not available" in page.locator(f"#{ids.NOTICE}").inner_text()
    values = trace_values(page, 1)
    assert len(values) == 27 and {iso for iso, v in values.items() if v} == {"DE"}
    assert page.locator(f"#{ids.REGION_CONTROLS}").is_hidden()
