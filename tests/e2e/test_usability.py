"""Usability of the map page (map issue, point 7): small screens, keyboard, text alternatives.

The incident table (``/incidents``) is checked on the phone screen too.

Colour scales are checked without a browser (tests/dashboard/test_colour_safety.py). The
first-load download budget (2.5 MB) is measured by benchmarks/bench_drilldown.py and
benchmarks/bench_table.py, not repeated here.
"""

from __future__ import annotations

import pytest

from dashboard import ids
from dashboard.pages.overview import chart_tables, download_sizes
from tests.e2e.map_page import choose_option, open_page, settle, summary_count
from tests.e2e.test_incidents import ids_shown, open_table, paging_text, wait_rows
from tests.e2e.test_incidents import summary_count as table_count

VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}
FILTERS = (ids.DATE_RANGE, ids.COUNTRY, ids.BIAS, ids.INDICATOR, ids.TYPE, ids.METRIC,
           ids.GRANULARITY)
#: What Tab must reach, in this order (an element counts when it or an ancestor has the id).
TAB_ORDER = (ids.LANG_SWITCH, ids.DATE_RANGE, ids.COUNTRY, ids.BIAS, ids.INDICATOR, ids.TYPE,
             ids.METRIC, ids.GRANULARITY, ids.RESET, ids.DOWNLOAD_CSV, "other-formats",
             ids.MAP, *(chart_tables.table_id(k) for k in chart_tables.CHARTS), ids.COVERAGE)
TAB_PRESSES = 120
JS_FOCUSED = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const chain = [];
    for (let p = e; p; p = p.parentElement) if (p.id) chain.push(p.id);
    // a "Show as table" summary belongs to the table it discloses
    const details = e.tagName === 'SUMMARY' ? e.parentElement : null;
    if (details) {
        const held = details.querySelector('[id]');
        if (held) chain.unshift(held.id);
        if (details.classList.contains('downloads') || /format/i.test(e.textContent))
            chain.unshift('other-formats');
    }
    const style = getComputedStyle(e);
    return {chain: chain, tag: e.tagName, text: (e.textContent || '').trim().slice(0, 40),
            outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
            visible: e.getBoundingClientRect().width > 0};
}"""

JS_ESTIMATE = """(n) => {
    const e = document.getElementById('download-estimate');
    return !!e && e.textContent.includes('Rows in the download: ' + n + '.');
}"""


def _open(page, base: str, size: tuple[int, int], query: str = "") -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_page(page, base, query)
    page.locator(f"#{ids.COVERAGE_TABLE}").wait_for()


@pytest.mark.parametrize("name", list(VIEWPORTS))
def test_layout_fits_the_viewport(page, server, name):
    width, height = VIEWPORTS[name]
    _open(page, server, (width, height))
    scroll = page.evaluate("() => [document.scrollingElement.scrollWidth, innerWidth]")
    assert scroll[0] <= scroll[1] + 1, f"the page scrolls sideways at {width} px: {scroll}"
    for element in (ids.MAP, *FILTERS, ids.DOWNLOAD_CSV, download_sizes.ESTIMATE, ids.COVERAGE):
        box = page.locator(f"#{element}").bounding_box()
        assert box and box["width"] > 0, f"#{element} is not shown at {width} px"
        assert box["x"] >= -1 and box["x"] + box["width"] <= width + 1, (
            f"#{element} sticks out of the {width}-px viewport: {box}")
    map_box = page.locator(f"#{ids.MAP}").bounding_box()
    assert map_box["width"] >= min(width - 40, 600) and map_box["height"] >= 300
    # the filters work at this width: pick a member state, the views follow
    before = summary_count(page)
    page.wait_for_function(JS_ESTIMATE, arg=f"{before:,}")  # the rows the CSV link holds
    choose_option(page, ids.COUNTRY, "Greece")
    page.wait_for_function("() => new URLSearchParams(location.search).get('country') === 'GR'")
    page.wait_for_function(
        "(n) => !document.querySelector('#result-summary').textContent.startsWith(n)",
        arg=f"{before:,} incidents")
    settle(page)
    assert summary_count(page) < before
    page.wait_for_function(JS_ESTIMATE, arg=f"{summary_count(page):,}")  # follows the filter
    after = page.evaluate("() => [document.scrollingElement.scrollWidth, innerWidth]")
    assert after[0] <= after[1] + 1, f"sideways scrolling after filtering: {after}"


def test_keyboard_reaches_every_control_in_order_with_a_visible_focus(page, server):
    _open(page, server, VIEWPORTS["desktop"])
    page.locator("body").focus()
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    reached: list[str] = []
    no_outline = []
    for _ in range(TAB_PRESSES):
        page.keyboard.press("Tab")
        focused = page.evaluate(JS_FOCUSED)
        if focused is None:
            continue
        hit = next((target for target in TAB_ORDER if target in focused["chain"]), None)
        if hit is not None and hit not in reached:
            reached.append(hit)
            if not focused["outline"] and focused["tag"] != "CANVAS":
                no_outline.append((hit, focused["tag"], focused["text"]))
            assert focused["visible"], f"{hit} has focus but is not shown"
        if len(reached) == len(TAB_ORDER):
            break
    missing = [t for t in TAB_ORDER if t not in reached]
    assert not missing, f"Tab never reached {missing} (reached, in order: {reached})"
    assert reached == list(TAB_ORDER), f"focus order: {reached}"
    assert not no_outline, f"focused without a visible outline: {no_outline}"


def test_charts_have_names_descriptions_and_tables(page, server):
    _open(page, server, VIEWPORTS["desktop"])
    total = summary_count(page)
    for key, (graph_id, _) in chart_tables.CHARTS.items():
        figure = page.locator(f"[role='figure']:has(#{graph_id})")
        assert figure.count() == 1, f"#{graph_id} is not inside a named figure"
        assert (figure.get_attribute("aria-label") or "").strip(), f"#{graph_id} has no name"
        described = figure.get_attribute("aria-describedby")
        assert described == chart_tables.desc_id(key)
        page.wait_for_function("(id) => document.getElementById(id).textContent.length > 10",
                               arg=described)
        holder = page.locator(f"#{chart_tables.table_id(key)}")
        assert not holder.is_visible()  # closed until asked for
        figure.locator(".chart-table > summary").click()
        rows = holder.locator("tbody tr")
        rows.first.wait_for()
        assert rows.count() >= 1
        if key == "map":  # every incident has one member state: the table adds up
            values = holder.locator("tbody td").all_inner_texts()
            assert sum(int(v.replace(",", "")) for v in values) == total
            assert rows.count() == 27
    top = page.locator(f"#{chart_tables.desc_id('map')}").inner_text()
    first_row = page.locator(f"#{chart_tables.table_id('map')} tbody th").first.inner_text()
    assert first_row in top, "the map's description names the member state with the most"


def test_chart_tables_follow_the_filter(page, server):
    _open(page, server, VIEWPORTS["desktop"], "country=DE")
    holder = f"#{chart_tables.table_id('map')}"
    page.locator(f"[role='figure']:has(#{ids.MAP}) .chart-table > summary").click()
    page.locator(f"{holder} tbody tr").first.wait_for()
    cells = page.locator(f"{holder} tbody tr").evaluate_all(
        "(rows) => rows.map((r) => [r.cells[0].textContent, r.cells[1].textContent])")
    nonzero = [name for name, value in cells if value != "0"]
    assert nonzero == ["Germany"]


def test_incident_table_fits_a_phone_screen(page, server):
    width, height = VIEWPORTS["phone"]
    page.set_viewport_size({"width": width, "height": height})
    open_table(page, server)
    scroll = page.evaluate("() => [document.scrollingElement.scrollWidth, innerWidth]")
    assert scroll[0] <= scroll[1] + 1, f"/incidents scrolls sideways at {width} px: {scroll}"
    grid = f"#{ids.TABLE_GRID}"
    for selector in (f"#{ids.NAV}", f"#{ids.TABLE_SUMMARY}", f"#{ids.TABLE_MAP_LINK}",
                     f"#{ids.TABLE_CSV}", grid, f"{grid} .ag-paging-panel",
                     f"{grid} .ag-pinned-left-cols-container .ag-row a >> nth=0"):
        box = page.locator(selector).bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, f"{selector} is not shown"
        assert box["x"] >= -1 and box["x"] + box["width"] <= width + 1, (
            f"{selector} sticks out of the {width}-px viewport: {box}")
    grid_box = page.locator(grid).bounding_box()
    assert grid_box["width"] >= width - 40 and grid_box["height"] >= 300
    # the grid's columns scroll inside the grid, not the page; the id column stays pinned
    inner = page.evaluate("(g) => { const v = document.querySelector(g + "
                          "' .ag-center-cols-viewport'); return [v.scrollWidth, v.clientWidth]; }",
                          grid)
    assert inner[1] > 0 and inner[1] <= width
    # paging works with a tap at this width
    total = table_count(page)
    first = ids_shown(page)
    page.locator(f"{grid} .ag-paging-button[aria-label='Next Page']").click()
    wait_rows(page, 100)
    assert f"101 to 200 of {total:,}" in paging_text(page)
    assert not set(ids_shown(page)) & set(first)
    after = page.evaluate("() => [document.scrollingElement.scrollWidth, innerWidth]")
    assert after[0] <= after[1] + 1, f"sideways scrolling after paging: {after}"
