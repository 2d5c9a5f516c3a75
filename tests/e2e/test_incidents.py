"""The incident table, the detail page and the about page in headless Chromium.

Every test also relies on the ``page`` fixture's teardown check: no request may leave
127.0.0.1 and no console error may appear.
"""

from __future__ import annotations

import math
import re
from urllib.parse import urlsplit

from dashboard import ids
from data.reference.taxonomy import load_taxonomy
from data.settings import Settings

TAX = load_taxonomy()
NAMES = {c.iso2: c.names["en"] for c in TAX.countries()}
DEFAULT_SCOPE_QUERY = "bias=" + ",".join(sorted(Settings().default_bias_scope))
GRID = f"#{ids.TABLE_GRID}"
SUMMARY_RE = re.compile(r"^([\d,]+) incidents\.")
JS_COLUMN = """(col) => {
    const rows = Array.from(document.querySelectorAll(
        '#incident-grid .ag-center-cols-container .ag-row'));
    rows.sort((a, b) => Number(a.getAttribute('row-index')) - Number(b.getAttribute('row-index')));
    return rows.map((r) => {
        const cell = r.querySelector('[col-id="' + col + '"]');
        return cell ? cell.textContent : null;
    });
}"""
JS_ROWS_READY = """([col, first]) => {
    if (document.querySelector('#incident-grid .ag-row-loading')) return false;
    const rows = Array.from(document.querySelectorAll(
        '#incident-grid .ag-center-cols-container .ag-row'));
    const top = rows.find((r) => r.getAttribute('row-index') === String(first));
    const cell = top && top.querySelector('[col-id="' + col + '"]');
    return !!cell && cell.textContent.length > 0;
}"""
JS_FIRST_CELL_IS = """([col, index, text]) => {
    if (document.querySelector('#incident-grid .ag-row-loading')) return false;
    const row = document.querySelector(
        '#incident-grid .ag-center-cols-container .ag-row[row-index="' + index + '"]');
    const cell = row && row.querySelector('[col-id="' + col + '"]');
    return !!cell && cell.textContent === text;
}"""


def open_table(page, base: str, query: str = "") -> None:
    page.goto(base + "/incidents" + (f"?{query}" if query else ""))
    wait_rows(page)


def wait_rows(page, first: int = 0) -> None:
    page.wait_for_function(JS_ROWS_READY, arg=["country", first])


def column(page, name: str) -> list[str]:
    return [v for v in page.evaluate(JS_COLUMN, name) if v is not None]


def ids_shown(page) -> list[str]:
    return page.locator(f"{GRID} .ag-pinned-left-cols-container .ag-row a").all_inner_texts()


def summary_count(page) -> int:
    match = SUMMARY_RE.match(page.locator(f"#{ids.TABLE_SUMMARY}").inner_text())
    assert match
    return int(match[1].replace(",", ""))


def paging_text(page) -> str:
    return " ".join(page.locator(f"{GRID} .ag-paging-panel").inner_text().split())


def api_counts(page, base: str, query: str) -> dict:
    response = page.request.get(f"{base}/api/v1/stats?group_by=country&{query}")
    assert response.ok, response.text()
    return response.json()


def test_table_pages_and_sorts_offline(page, server, page_log):
    open_table(page, server)
    stats = api_counts(page, server, DEFAULT_SCOPE_QUERY)
    total = stats["total"]
    assert summary_count(page) == total > 200
    assert paging_text(page).startswith(f"1 to 100 of {total:,}")

    # newest first by default
    first_page = ids_shown(page)
    assert len(first_page) >= 10
    assert page.locator(f"{GRID} .ag-header-cell[col-id='date']").get_attribute(
        "aria-sort") == "descending"

    # next page: rows 101-200, none of page 1
    page.locator(f"{GRID} .ag-paging-button[aria-label='Next Page']").click()
    page.wait_for_function("(t) => document.querySelector('#incident-grid .ag-paging-panel')"
                           ".innerText.replace(/\\s+/g, ' ').includes(t)",
                           arg=f"101 to 200 of {total:,}")
    wait_rows(page, 100)
    assert not set(ids_shown(page)) & set(first_page)

    # the last page holds the remainder
    pages = math.ceil(total / 100)
    page.locator(f"{GRID} .ag-paging-button[aria-label='Last Page']").click()
    wait_rows(page, (pages - 1) * 100)
    text = paging_text(page)
    assert f"Page {pages:,} of {pages:,}" in text
    assert f"{(pages - 1) * 100 + 1:,} to {total:,} of {total:,}" in text

    # sort by country: ascending, then descending, on the server (first page again)
    present = sorted((NAMES[d["key"]] for d in stats["data"] if d["count"] > 0),
                     key=str.casefold)
    header = page.locator(f"{GRID} .ag-header-cell[col-id='country'] .ag-header-cell-label")
    header.click()
    page.wait_for_function(JS_FIRST_CELL_IS, arg=["country", 0, present[0]])
    shown = column(page, "country")
    assert shown == sorted(shown, key=str.casefold)
    header.click()
    page.wait_for_function(JS_FIRST_CELL_IS, arg=["country", 0, present[-1]])
    shown = column(page, "country")
    assert shown == sorted(shown, key=str.casefold, reverse=True)

    grid_bundles = [u for u in page_log.requests if "/dash_ag_grid/" in urlsplit(u).path]
    assert grid_bundles, "the table page never loaded dash-ag-grid"


def test_map_first_load_does_not_fetch_the_grid(page, server, page_log):
    page.goto(server + "/")
    page.wait_for_function("() => /^[\\d,]+ incidents/.test("
                           "(document.getElementById('result-summary') || {}).textContent || '')")
    page.wait_for_load_state("networkidle")
    assert not [u for u in page_log.requests if "dash_ag_grid" in u]


def test_nav_from_map_keeps_the_filter(page, server):
    page.goto(server + "/?country=DE")
    page.wait_for_function("() => /^[\\d,]+ incidents/.test("
                           "(document.getElementById('result-summary') || {}).textContent || '')")
    link = page.locator(f"#{ids.NAV_TABLE}")
    page.wait_for_function("() => document.getElementById('nav-incidents')"
                           ".getAttribute('href').includes('country=DE')")
    link.click()
    page.wait_for_url(re.compile(r"/incidents\?.*country=DE"))
    wait_rows(page)
    expected = api_counts(page, server, f"country=DE&{DEFAULT_SCOPE_QUERY}")["total"]
    assert summary_count(page) == expected
    assert set(column(page, "country")) == {"Germany"}
    back = page.locator(f"#{ids.TABLE_MAP_LINK}")
    assert "country=DE" in back.get_attribute("href")


def test_detail_opens_from_the_table_by_mouse_and_keyboard(page, server):
    open_table(page, server)
    first, second = ids_shown(page)[:2]

    page.locator(f"{GRID} .ag-pinned-left-cols-container a", has_text=second).click()
    page.wait_for_url(re.compile(rf"/incidents/{second}$"))
    heading = page.locator("main.detail-page h2")
    heading.wait_for()
    assert second in heading.inner_text()
    body = page.locator("main.detail-page").inner_text()
    assert "Source" in body and "Bias motivations" in body and "Incident types" in body
    assert "SYNTHETIC DEMO DATA" in body

    open_table(page, server)
    cell = page.locator(f"{GRID} .ag-pinned-left-cols-container .ag-row[row-index='0'] "
                        "[col-id='public_id']")
    box = cell.bounding_box()
    page.mouse.click(box["x"] + box["width"] - 6, box["y"] + box["height"] / 2)  # not the link
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/incidents/{first}$"))
    page.locator("main.detail-page h2").wait_for()


def test_unknown_incident_is_a_404_page(page, server, page_log):
    response = page.goto(server + "/incidents/nosuchrecord")
    assert response.status == 404
    page.get_by_role("heading", name="Incident not found").wait_for()
    # Chromium logs the document's own 404 as a console error: that one is expected
    page_log.errors[:] = [e for e in page_log.errors
                          if not ("status of 404" in e and "/incidents/nosuchrecord" in e)]


def test_about_renders_offline(page, server):
    page.goto(server + "/about")
    page.get_by_role("heading", name="Definitions").wait_for()
    terms = sum(len(TAX.terms(k)) for k in ("bias", "indicator", "type"))
    assert page.locator("table.taxonomy").nth(0).locator("tbody tr").count() == \
        len(TAX.terms("bias"))
    assert page.locator("table.taxonomy tbody tr").count() >= terms
    text = page.locator("main.about-page").inner_text()
    release = page.request.get(server + "/api/v1/stats?group_by=country").json()["data_release"]
    for expected in ("What is counted", "not prevalence", "Natural Earth", "EuroGeographics",
                     "Eurostat", "How to cite", release):
        assert expected in text
    assert page.locator(f"#{ids.NAV_ABOUT}").get_attribute("class") == "nav-link current"
