"""Linked views: brushing the timeline, clicking a breakdown bar, and the time playback.

Each interaction must land in the URL (so the API and downloads get the same filter) and
every view must follow it; counts are checked against the API for the same URL.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from map_page import (
    MAP_JS,
    api_query,
    api_stats,
    open_page,
    page_query,
    query_params,
    settle,
    summary_count,
    trace_values,
    wait_for_query,
)

from dashboard import ids
from dashboard.pages.overview.views import MULTI_CODE
from data.settings import Settings

DEFAULT_SCOPE_QUERY = "bias=" + ",".join(sorted(Settings().default_bias_scope))
TIMELINE_JS = "document.querySelector('#timeline .js-plotly-plot')"


def _wait_for_total(page, base: str) -> int:
    """Wait until the page shows the API's total for its URL; return it."""
    total = api_stats(page, base, api_query(page_query(page)))["total"]
    page.wait_for_function(
        "(n) => document.querySelector('#result-summary').textContent"
        ".startsWith(n + ' incidents.')", arg=f"{total:,}")
    settle(page)
    return total


def _timeline_pixel(page, date: str) -> tuple[float, float]:
    """Viewport pixel of ``date`` on the timeline's x axis, half-way up the plot."""
    where = page.evaluate(f"""(d) => {{
        const gd = {TIMELINE_JS};
        const box = gd.querySelector('.nsewdrag').getBoundingClientRect();
        const xa = gd._fullLayout.xaxis;
        return {{x: box.left + xa.d2p(d), y: box.top + box.height / 2}};
    }}""", date)
    return where["x"], where["y"]


def _click_last_bar(page, graph_id: str) -> None:
    """Click the top bar of a breakdown as a mouse does (Plotly's drag layer takes clicks)."""
    bar = page.locator(f"#{graph_id} g.point path").last
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_brushing_the_timeline_sets_the_date_filter(page, server):
    open_page(page, server, "granularity=year")
    before = summary_count(page)
    page.locator(f"#{ids.TIMELINE}").scroll_into_view_if_needed()
    # From March 2015 to October 2016: the middles of 2015 and 2016 (1 July) are inside.
    x0, y = _timeline_pixel(page, "2015-03-01")
    x1, _ = _timeline_pixel(page, "2016-10-01")
    page.mouse.move(x0, y)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, y, steps=5)
    page.mouse.move(x1, y, steps=5)
    page.mouse.up()

    wait_for_query(page, "q.get('date_from') === '2015-01-01' && q.get('date_to') === "
                         "'2016-12-31'")
    total = _wait_for_total(page, server)
    assert 0 < total < before
    assert query_params(page)["granularity"] == "year"
    assert page.locator(f"#{ids.DATE_RANGE}").input_value() == "2015-01-01"  # the picker
    years = page.evaluate(f"""() => Array.from(new Set({TIMELINE_JS}.data
        .flatMap((t) => Array.from(t.x)).map((x) => String(x).slice(0, 4)))).sort()""")
    assert years == ["2015", "2016"]
    assert sum(trace_values(page, 1).values()) == total


def test_clicking_a_breakdown_bar_filters_by_its_code(page, server):
    open_page(page, server)
    before = summary_count(page)
    assert MULTI_CODE in page.locator(".views").inner_text()
    legend = page.evaluate(f"() => {TIMELINE_JS}._fullLayout.legend.title.text")
    assert "each incident once" in legend
    code = page.evaluate("() => { const gd = document.querySelector('#type-breakdown "
                         ".js-plotly-plot'); const c = gd.data[0].customdata; "
                         "return c[c.length - 1]; }")
    _click_last_bar(page, ids.TYPES)  # bars run smallest to largest: the biggest type

    wait_for_query(page, f"q.get('type') === '{code}'")
    total = _wait_for_total(page, server)
    assert 0 < total < before
    values = trace_values(page, 1)
    assert sum(values.values()) == total
    # The breakdown follows the filter, and the chosen bar is marked.
    colours = page.evaluate("() => document.querySelector('#type-breakdown .js-plotly-plot')"
                            ".data[0].marker.color")
    assert len(set(colours)) == 2

    _click_last_bar(page, ids.TYPES)  # the chosen type again: the filter is lifted
    page.wait_for_function("() => !new URLSearchParams(location.search).has('type')")
    assert _wait_for_total(page, server) == before


def test_bias_breakdown_counts_each_motivation_and_filters(page, server):
    open_page(page, server, "bias=")  # every motivation
    total = summary_count(page)
    bars = page.evaluate("() => document.querySelector('#bias-breakdown .js-plotly-plot')"
                         ".data[0]")
    stats = api_stats(page, server, "bias=", "bias")
    assert dict(zip(bars["customdata"], bars["x"], strict=True)) == {
        row["key"]: row["count"] for row in stats["data"] if row["count"]}
    assert sum(bars["x"]) > total, "incidents with several motivations count once for each"
    code = bars["customdata"][-1]
    _click_last_bar(page, ids.BIAS_BREAKDOWN)
    wait_for_query(page, f"q.get('bias') === '{code}'")
    assert 0 < _wait_for_total(page, server) < total


def test_playback_steps_the_map_through_months(page, server, page_log):
    query = "date_from=2016-01&date_to=2016-04"
    open_page(page, server, query)
    whole = trace_values(page, 1)
    geometry_requests = sum(urlsplit(u).path.startswith("/geo/") for u in page_log.requests)
    months = {row["key"]: row["count"] for row in api_stats(
        page, server, f"{query}&{DEFAULT_SCOPE_QUERY}", "month")["data"]}

    page.locator(f"#{ids.PLAY}").click()
    page.wait_for_function("() => document.querySelector('#playback-label').textContent"
                           " === 'Map: 2016-02'")
    marked = page.evaluate(f"() => ({TIMELINE_JS}.layout.shapes || []).length")
    assert marked == 1, "the timeline marks the month the map shows"
    # It plays to the filter's last month and stops there.
    page.wait_for_function("() => document.querySelector('#playback-label').textContent"
                           " === 'Map: 2016-04'")
    page.wait_for_function("() => document.querySelector('#playback-play').textContent"
                           ".includes('Play')")
    settle(page)
    april = trace_values(page, 1)
    assert sum(april.values()) == months["2016-04"]
    zmax = page.evaluate(f"() => {MAP_JS}.data[1].zmax")
    assert zmax >= max(april.values())
    assert "Map: April 2016" in page.locator(f"#{ids.MAP_NOTE}").inner_text()
    # No geometry was fetched again: only values were patched.
    assert sum(urlsplit(u).path.startswith("/geo/") for u in page_log.requests) \
        == geometry_requests

    page.locator(f"#{ids.PLAY_ALL}").click()
    page.wait_for_function("() => document.querySelector('#playback-label').textContent"
                           " === 'Map: whole period'")
    settle(page)
    assert trace_values(page, 1) == whole
    assert page.evaluate(f"() => ({TIMELINE_JS}.layout.shapes || []).length") == 0
