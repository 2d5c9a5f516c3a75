"""The overview page (``/``) in headless Chromium against the real server.

Every test also relies on the ``page`` fixture's teardown check: no request may leave
127.0.0.1 and no console error may appear.
"""

from __future__ import annotations

import csv
import math
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dashboard import ids
from data.reference.vocab import DEMO_NOTICE
from data.settings import Settings

EU27 = {
    "BE", "BG", "CZ", "DK", "DE", "EE", "IE", "GR", "ES", "FR", "HR", "IT", "CY", "LV",
    "LT", "LU", "HU", "MT", "NL", "AT", "PL", "PT", "RO", "SI", "SK", "FI", "SE",
}
VIEW_PARAMS = ("metric", "granularity")  # page-only settings the API does not accept
DEFAULT_SCOPE_QUERY = "bias=" + ",".join(sorted(Settings().default_bias_scope))
SUMMARY_RE = re.compile(r"^([\d,]+) incidents\.")
GERMANY = (10.4, 51.1)  # lon, lat: well inside Germany, far from its borders

MAP_JS = "document.querySelector('#map .js-plotly-plot')"
# Dash has settled when no callback is loading, the summary shows a count, and the figures that
# Plotly drew are the ones in Dash's store (the first render starts from an all-zero map and an
# empty timeline, so "27 z values" alone can be true before the data arrives).
JS_SETTLED = """() => {
    const api = window.dash_component_api;
    if (!api || !api.getLayout) return false;
    const stored = (id) => {
        try {
            return (api.getLayout(id) || {}).props;  // throws until the page is in the store
        } catch (e) {
            return undefined;
        }
    };
    if (document.querySelectorAll('[data-dash-is-loading="true"]').length) return false;
    const summary = document.querySelector('#result-summary');
    const text = (stored('result-summary') || {}).children;
    if (!summary || !/^[\\d,]+ incidents/.test(summary.textContent)) return false;
    if (summary.textContent !== text) return false;
    const shape = (data) => JSON.stringify((data || []).map((t) => [t.type, t.name, t.y, t.z]));
    for (const id of ['map', 'timeline']) {
        const gd = document.querySelector('#' + id + ' .js-plotly-plot');
        const figure = (stored(id) || {}).figure;
        if (!gd || !gd.data || !gd._fullData || !figure) return false;
        if (shape(gd.data) !== shape(figure.data)) return false;
    }
    const map = document.querySelector('#map .js-plotly-plot');
    return !!map.data[1] && !!map.data[1].z && map.data[1].z.length === 27;
}"""
JS_SUMMARY_IS = """(count) => {
    const summary = document.querySelector('#result-summary');
    return !!summary && summary.textContent.startsWith(count + ' incidents.')
        && document.querySelectorAll('[data-dash-is-loading="true"]').length === 0;
}"""
JS_MAP_VALUES = f"""() => {{
    const trace = {MAP_JS}.data[1];
    const out = {{}};
    Array.from(trace.locations).forEach((iso, i) => {{ out[iso] = Number(trace.z[i]); }});
    return out;
}}"""
JS_TIMELINE = """() => {
    const gd = document.querySelector('#timeline .js-plotly-plot');
    const bars = (gd._fullData || []).filter((t) => t.type === 'bar');
    let total = 0;
    for (const t of bars) for (const y of Array.from(t.y || [])) total += Number(y) || 0;
    return {bars: bars.length, total: total};
}"""


# --- helpers -------------------------------------------------------------------------------


def open_page(page, base: str, query: str = "") -> None:
    """Open ``/`` (with ``query``) and wait until Dash has rendered every view."""
    page.goto(base + "/" + (f"?{query}" if query else ""))
    settle(page)


def settle(page) -> None:
    page.wait_for_function(JS_SETTLED)


def summary_count(page) -> int:
    text = page.locator(f"#{ids.SUMMARY}").inner_text()
    match = SUMMARY_RE.match(text)
    assert match, f"summary does not start with 'N incidents.': {text!r}"
    return int(match[1].replace(",", ""))


def wait_for_count(page, count: int) -> None:
    """Wait until the summary shows ``count`` and every view has been redrawn for it."""
    page.wait_for_function(JS_SUMMARY_IS, arg=f"{count:,}")
    settle(page)


def map_values(page) -> dict[str, float]:
    return page.evaluate(JS_MAP_VALUES)


def timeline(page) -> dict:
    return page.evaluate(JS_TIMELINE)


def page_query(page) -> str:
    return urlsplit(page.url).query


def api_query(page_search: str) -> str:
    """The page's URL query without the view settings, i.e. what the API accepts."""
    pairs = [(k, v) for k, v in parse_qsl(page_search, keep_blank_values=True)
             if k not in VIEW_PARAMS]
    return urlencode(pairs, safe=",")


def api_stats(page, base: str, query: str) -> dict:
    response = page.request.get(f"{base}/api/v1/stats?group_by=country&{query}")
    assert response.ok, f"/api/v1/stats?{query} answered {response.status}: {response.text()}"
    return response.json()


def choose_option(page, dropdown_id: str, label: str) -> None:
    """Pick ``label`` in a multi dropdown the way a user does: open, type, click, close."""
    page.locator(f"#{dropdown_id}").click()
    search = page.locator(".dash-dropdown-content input.dash-dropdown-search")
    search.wait_for(state="visible")
    page.keyboard.type(label)
    page.locator(".dash-dropdown-content").get_by_role("option", name=label, exact=True).click()
    page.keyboard.press("Escape")
    page.locator(".dash-dropdown-content").wait_for(state="detached")


def dropdown_labels(page, dropdown_id: str) -> list[str]:
    return page.locator(f"#{dropdown_id}-value .dash-dropdown-value-item").all_inner_texts()


def query_has(name: str, value: str) -> re.Pattern:
    """A URL pattern whose query has ``name=value`` exactly (commas may be encoded)."""
    value = re.escape(value).replace(",", "(?:,|%2C)")
    return re.compile(rf"[?&]{re.escape(name)}={value}(?:&|$)")


# --- tests ---------------------------------------------------------------------------------


def test_overview_loads_offline_with_data(page, server, page_log):
    open_page(page, server)

    count = summary_count(page)
    assert count > 0
    assert count == api_stats(page, server, DEFAULT_SCOPE_QUERY)["total"], (
        "the page opens on the default bias scope; its count must match the API's")

    banner = page.locator(f"#{ids.DEMO_BANNER}")
    assert banner.is_visible()
    assert "SYNTHETIC" in banner.inner_text()

    values = map_values(page)
    assert set(values) == EU27
    assert sum(values.values()) == count  # every incident has exactly one member state

    bars = timeline(page)
    assert bars["bars"] >= 1
    assert 0 < bars["total"] <= count

    # The map really drew: MapLibre's canvas is there and the geometry came from the app.
    assert page.locator(f"#{ids.MAP} canvas.maplibregl-canvas").count() == 1
    page.wait_for_function(f"() => {MAP_JS}._fullLayout.map._subplot.map.loaded()")
    geo = [u for u in page_log.requests if urlsplit(u).path == "/geo/eu27.geojson"]
    assert geo, "the member-state geometry /geo/eu27.geojson was never requested"
    drawn = page.evaluate(f"""() => {{
        const map = {MAP_JS}._fullLayout.map._subplot.map;
        return map.queryRenderedFeatures().filter((f) => f.layer.type === 'fill').length;
    }}""")
    assert drawn > 0, "MapLibre rendered no filled polygons"

    assert page_log.outside == []


def test_country_filter_from_dropdown(page, server):
    open_page(page, server)
    before_count = summary_count(page)
    before_map = map_values(page)
    before_bars = timeline(page)

    choose_option(page, ids.COUNTRY, "France")

    page.wait_for_url(query_has("country", "FR"))
    expected = api_stats(page, server, api_query(page_query(page)))
    total = expected["total"]
    assert 0 < total < before_count
    wait_for_count(page, total)
    assert summary_count(page) == total
    assert dropdown_labels(page, ids.COUNTRY) == ["France"]

    page.wait_for_function(f"() => {MAP_JS}.data[1].z.filter((v) => v > 0).length === 1")
    after_map = map_values(page)
    assert after_map != before_map
    assert after_map["FR"] == total
    assert {iso for iso, v in after_map.items() if v != 0} == {"FR"}

    page.wait_for_function(
        f"(before) => ({JS_TIMELINE})().total !== before", arg=before_bars["total"])
    after_bars = timeline(page)
    assert after_bars["bars"] >= 1
    assert 0 < after_bars["total"] < before_bars["total"]
    assert after_bars["total"] <= total


def test_csv_download_matches_summary(page, server, tmp_path):
    open_page(page, server)
    count = summary_count(page)
    link = page.locator(f"#{ids.DOWNLOAD_CSV}")
    href = link.get_attribute("href")
    assert href.startswith("/api/v1/incidents?") and "format=csv" in href

    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename.endswith(".csv")
    target = tmp_path / download.suggested_filename
    download.save_as(target)

    with open(target, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        rows = list(reader)
    assert {"public_id", "country", "data_notice"} <= set(header)
    assert not [c for c in header if "narrative" in c.lower()], header
    assert len(rows) == count
    assert len({r["public_id"] for r in rows}) == count
    assert {r["country"] for r in rows} <= EU27
    assert all(r["data_notice"] == DEMO_NOTICE for r in rows)


def test_shared_url_restores_controls(page, server):
    query = "country=DE,FR&bias=bm.anti_muslim&granularity=year"
    open_page(page, server, query)

    assert sorted(dropdown_labels(page, ids.COUNTRY)) == ["France", "Germany"]
    assert dropdown_labels(page, ids.BIAS) == ["Anti-Muslim hatred"]
    assert page.locator(f"#{ids.GRANULARITY} input[value='year']").is_checked()
    assert not page.locator(f"#{ids.GRANULARITY} input[value='month']").is_checked()

    total = api_stats(page, server, api_query(query))["total"]
    assert total > 0
    assert summary_count(page) == total
    values = map_values(page)
    assert {iso for iso, v in values.items() if v != 0} <= {"DE", "FR"}
    assert values["DE"] + values["FR"] == total
    # The link is kept as given (no rewrite of a valid shared URL).
    assert page_query(page) == query


def test_back_and_forward_restore_filter_state(page, server):
    open_page(page, server)
    start_url = page.url
    start_count = summary_count(page)

    choose_option(page, ids.COUNTRY, "Germany")
    page.wait_for_url(query_has("country", "DE"))
    filtered_url = page.url
    filtered = api_stats(page, server, api_query(page_query(page)))["total"]
    assert filtered < start_count
    wait_for_count(page, filtered)

    page.go_back()
    page.wait_for_url(start_url)
    wait_for_count(page, start_count)
    assert dropdown_labels(page, ids.COUNTRY) == []
    assert page.url == start_url

    page.go_forward()
    page.wait_for_url(filtered_url)
    wait_for_count(page, filtered)
    assert dropdown_labels(page, ids.COUNTRY) == ["Germany"]
    assert page.url == filtered_url


def test_malformed_url_shows_notice_and_defaults(page, server):
    open_page(page, server, "country=XX&date_from=2016-13-45")

    notice = page.locator(f"#{ids.NOTICE}")
    notice.wait_for(state="visible")
    text = notice.inner_text()
    for needle in ("country", "XX", "date_from", "2016-13-45", "DE", "Allowed"):
        assert needle in text, f"{needle!r} missing from the notice: {text!r}"

    count = summary_count(page)
    assert count > 0
    assert count == api_stats(page, server, DEFAULT_SCOPE_QUERY)["total"]
    assert page.locator(f"#{ids.EMPTY}").is_hidden()
    assert dropdown_labels(page, ids.COUNTRY) == []


def test_filter_matching_nothing_shows_empty_state(page, server):
    query = "date_from=2013-01-01&date_to=2013-12-31"
    assert api_stats(page, server, query)["total"] == 0, "premise: the demo data has no 2013"
    open_page(page, server, query)

    assert summary_count(page) == 0
    page.locator(f"#{ids.EMPTY}").wait_for(state="visible")
    assert "No incidents match" in page.locator(f"#{ids.EMPTY}").inner_text()
    assert page.locator(f"#{ids.NOTICE}").is_hidden()
    assert set(map_values(page).values()) == {0}
    assert timeline(page)["bars"] == 0


def _lonlat_to_pixel(page, lon: float, lat: float) -> tuple[float, float]:
    """Viewport pixel of (lon, lat) on the map: Web Mercator from the layout's centre/zoom."""
    canvas = page.locator(f"#{ids.MAP} canvas.maplibregl-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    view = page.evaluate(f"() => {{ const m = {MAP_JS}._fullLayout.map;"
                         f" return {{lon: m.center.lon, lat: m.center.lat, zoom: m.zoom}}; }}")
    world = 512 * 2 ** view["zoom"]  # MapLibre's world size in CSS pixels at this zoom

    def mercator(lo: float, la: float) -> tuple[float, float]:
        x = (lo + 180) / 360 * world
        y = (1 - math.log(math.tan(math.pi / 4 + math.radians(la) / 2)) / math.pi) / 2 * world
        return x, y

    cx, cy = mercator(view["lon"], view["lat"])
    px, py = mercator(lon, lat)
    x, y = box["x"] + box["width"] / 2 + px - cx, box["y"] + box["height"] / 2 + py - cy
    assert box["x"] < x < box["x"] + box["width"] and box["y"] < y < box["y"] + box["height"]
    return x, y


def test_clicking_a_member_state_filters_to_it(page, server):
    open_page(page, server)
    page.wait_for_function(f"() => {MAP_JS}._fullLayout.map._subplot.map.loaded()")
    x, y = _lonlat_to_pixel(page, *GERMANY)

    # A real mouse: hover until Plotly's hover label names Germany, then click there.
    for nudge in range(6):
        page.mouse.move(x + nudge, y + nudge)
        try:
            page.wait_for_function(
                "() => Array.from(document.querySelectorAll('#map .hovertext'))"
                ".some((e) => e.textContent.includes('Germany'))", timeout=2_000)
            break
        except PlaywrightTimeout:  # MapLibre had not hit-tested yet: nudge and retry
            continue
    else:
        pytest.fail("hovering the centre of Germany never showed Germany's hover label")
    page.mouse.click(x + nudge, y + nudge)

    page.wait_for_url(query_has("country", "DE"))
    total = api_stats(page, server, api_query(page_query(page)))["total"]
    wait_for_count(page, total)
    assert total > 0
    assert dropdown_labels(page, ids.COUNTRY) == ["Germany"]
    assert {iso for iso, v in map_values(page).items() if v != 0} == {"DE"}
