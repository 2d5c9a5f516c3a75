"""Helpers for the map page's browser tests: waiting for Dash, reading figures, clicking maps.

Waits are conditions on the page (no loading callback, the rendered figures equal to the ones
in Dash's store), never fixed sleeps.
"""

from __future__ import annotations

import math
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeout

VIEW_PARAMS = ("metric", "granularity", "level")  # page-only settings the API does not take
SUMMARY_RE = re.compile(r"^([\d,]+) incidents\.")
MAP_JS = "document.querySelector('#map .js-plotly-plot')"
# Settled: nothing loading, the summary is the stored one, and Plotly drew the stored figures.
JS_SETTLED = """() => {
    const api = window.dash_component_api;
    if (!api || !api.getLayout) return false;
    const stored = (id) => {
        try { return (api.getLayout(id) || {}).props; } catch (e) { return undefined; }
    };
    if (document.querySelectorAll('[data-dash-is-loading="true"]').length) return false;
    const summary = document.querySelector('#result-summary');
    const text = (stored('result-summary') || {}).children;
    // a count first, in any interface language (1,234 / 1 234 / 1.234)
    if (!summary || !/^\\d[\\d,.\\u202f]* \\S/.test(summary.textContent)) return false;
    if (summary.textContent !== text) return false;
    const shape = (data) => JSON.stringify((data || []).map(
        (t) => [t.type, t.name, t.y, t.z, t.locations, t.geojson]));
    for (const id of ['map', 'timeline']) {
        const gd = document.querySelector('#' + id + ' .js-plotly-plot');
        const figure = (stored(id) || {}).figure;
        if (!gd || !gd.data || !gd._fullData || !figure) return false;
        if (shape(gd.data) !== shape(figure.data)) return false;
    }
    const map = document.querySelector('#map .js-plotly-plot');
    return !!map.data[1] && !!map.data[1].z && map.data[1].z.length > 0
        && map._fullLayout.map._subplot.map.loaded();
}"""
JS_TRACE_VALUES = f"""(n) => {{
    const trace = {MAP_JS}.data[n];
    const out = {{}};
    Array.from(trace.locations || []).forEach((code, i) => {{ out[code] = Number(trace.z[i]); }});
    return out;
}}"""


def settle(page) -> None:
    """Wait until Dash has rendered every view for the current URL."""
    page.wait_for_function(JS_SETTLED)


def open_page(page, base: str, query: str = "") -> None:
    """Open ``/`` (with ``query``) and wait until every view is drawn."""
    page.goto(base + "/" + (f"?{query}" if query else ""))
    settle(page)


def summary_count(page) -> int:
    text = page.locator("#result-summary").inner_text()
    match = SUMMARY_RE.match(text)
    assert match, f"summary does not start with 'N incidents.': {text!r}"
    return int(match[1].replace(",", ""))


def trace_values(page, number: int) -> dict[str, float]:
    """Location -> value of map trace ``number`` (1: member states, 2: regions)."""
    return page.evaluate(JS_TRACE_VALUES, number)


def page_query(page) -> str:
    return urlsplit(page.url).query


def query_params(page) -> dict[str, str]:
    return dict(parse_qsl(page_query(page), keep_blank_values=True))


def api_query(page_search: str) -> str:
    """The page's URL query without the view settings, i.e. what the API accepts."""
    pairs = [(k, v) for k, v in parse_qsl(page_search, keep_blank_values=True)
             if k not in VIEW_PARAMS]
    return urlencode(pairs, safe=",")


def api_stats(page, base: str, query: str, group_by: str = "country") -> dict:
    response = page.request.get(f"{base}/api/v1/stats?group_by={group_by}&{query}")
    assert response.ok, f"/api/v1/stats?{query} answered {response.status}: {response.text()}"
    return response.json()


def wait_for_query(page, predicate_js: str) -> None:
    """Wait until ``new URLSearchParams(location.search)`` (as ``q``) satisfies the JS test."""
    page.wait_for_function(f"() => {{ const q = new URLSearchParams(location.search); "
                           f"return {predicate_js}; }}")


def lonlat_to_pixel(page, lon: float, lat: float) -> tuple[float, float]:
    """Viewport pixel of (lon, lat) on the map: Web Mercator from the layout's centre/zoom."""
    canvas = page.locator("#map canvas.maplibregl-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    view = page.evaluate(f"() => {{ const m = {MAP_JS}._fullLayout.map;"
                         f" return {{lon: m.center.lon, lat: m.center.lat, zoom: m.zoom}}; }}")
    world = 512 * 2 ** view["zoom"]

    def mercator(lo: float, la: float) -> tuple[float, float]:
        x = (lo + 180) / 360 * world
        y = (1 - math.log(math.tan(math.pi / 4 + math.radians(la) / 2)) / math.pi) / 2 * world
        return x, y

    cx, cy = mercator(view["lon"], view["lat"])
    px, py = mercator(lon, lat)
    x, y = box["x"] + box["width"] / 2 + px - cx, box["y"] + box["height"] / 2 + py - cy
    assert box["x"] < x < box["x"] + box["width"] and box["y"] < y < box["y"] + box["height"]
    return x, y


def click_on_map(page, lon: float, lat: float, hover_text: str) -> None:
    """Hover (lon, lat) until the hover label shows ``hover_text``, then click there."""
    page.wait_for_function(f"() => {MAP_JS}._fullLayout.map._subplot.map.loaded()")
    x, y = lonlat_to_pixel(page, lon, lat)
    for nudge in range(8):
        page.mouse.move(x + nudge, y + nudge)
        try:
            page.wait_for_function(
                "(t) => Array.from(document.querySelectorAll('#map .hovertext'))"
                ".some((e) => e.textContent.includes(t))", arg=hover_text, timeout=2_000)
            break
        except PlaywrightTimeout:  # MapLibre had not hit-tested yet: nudge and retry
            continue
    else:
        raise AssertionError(f"hovering ({lon}, {lat}) never showed {hover_text!r}")
    page.mouse.click(x + nudge, y + nudge)


def choose_option(page, dropdown_id: str, label: str) -> None:
    """Pick ``label`` in a multi dropdown as a user does: open, type, click, close."""
    page.locator(f"#{dropdown_id}").click()
    page.locator(".dash-dropdown-content input.dash-dropdown-search").wait_for(state="visible")
    page.keyboard.type(label)
    page.locator(".dash-dropdown-content").get_by_role("option", name=label, exact=True).click()
    page.keyboard.press("Escape")
    page.locator(".dash-dropdown-content").wait_for(state="detached")
