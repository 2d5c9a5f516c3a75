"""XSS payloads in stored text stay text in the real browser: table, tooltips, detail, about, map.

The incident table (dash-ag-grid) gets its rows as JSON from a Dash callback and renders them
in the browser, so the server-side escaping that tests/security/test_injection.py checks does
not cover it. Here records whose public summary, place name and source name are XSS payloads
are served by the real app to headless Chromium; each payload would set ``window.__xss`` if
any renderer treated text as HTML (or a link as code). The test reads the callback's JSON (the
payload must arrive verbatim, as a string), the cells and the tooltip (the payload must show as
text), and checks that the flag was never set and no element the payloads carry exists. The
map page's coverage panel names open datasets inside a static HTML fragment
(:mod:`dashboard.components.static_html`): the source's name is a payload too.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlsplit

import pytest

from data.store.schema import sources
from tests import factories
from tests.e2e.conftest import _guarded_page, _serve

#: Each sets window.__xss to its number when run.
PAYLOADS = (
    '<img src="/x1.png" onerror="window.__xss=1">',
    "<script>window.__xss=2</script>",
    '<svg onload="window.__xss=3"></svg>',
    '"><iframe srcdoc="<script>parent.__xss=4</script>"></iframe>',
    "[click](javascript:window.__xss=5)",
    "</div><details open ontoggle=\"window.__xss=6\">",
    "{{constructor.constructor('window.__xss=7')()}}",
)
SOURCE = "xss-open"
MARKERS = ("img[src='/x1.png']", "iframe", "details[open]", "svg[onload]",
           "a[href^='javascript']")


def _name_the_source(engine) -> None:
    with engine.begin() as conn:  # the source's name: shown on /about and in the coverage panel
        conn.execute(sources.update().where(sources.c.slug == SOURCE).values(
            name=f"source {PAYLOADS[0]} {PAYLOADS[2]}"))


@pytest.fixture(scope="module")
def xss_server(tmp_path_factory):
    records = [{"slug": SOURCE, "policy": "open", "status": "published",
                "public_id": f"xss{i}", "summary": f"summary {i}: {payload}",
                "place": f"place {i}: {payload}", "day": dt.date(2024, 5, 1 + i),
                "licence": PAYLOADS[0], "attribution": PAYLOADS[1]}
               for i, payload in enumerate(PAYLOADS)]
    with factories.store(tmp_path_factory.mktemp("xss-store"), records=records,
                         fill=_name_the_source) as store:
        store.engine.dispose()  # the server's store from here on
        yield from _serve(tmp_path_factory, {"INCIDENTMAP_DATABASE_URL": store.url})


@pytest.fixture
def xss_page(browser, xss_server, page_log):
    yield from _guarded_page(browser, page_log)


def _flag(page):
    return page.evaluate("() => window.__xss === undefined ? null : window.__xss")


def _no_markers(page, where: str) -> None:
    for selector in MARKERS:
        assert page.locator(selector).count() == 0, f"{selector} rendered on {where}"


def test_payloads_in_table_rows_arrive_as_text_and_render_inert(xss_page, xss_server):
    page = xss_page
    callbacks: list = []
    page.on("requestfinished", lambda request: callbacks.append(request))
    page.goto(xss_server + f"/incidents?source={SOURCE}")
    page.wait_for_function("""(n) => document.querySelectorAll(
        '#incident-grid .ag-center-cols-container .ag-row [col-id="summary"]').length >= n &&
        !document.querySelector('#incident-grid .ag-row-loading')""", arg=len(PAYLOADS))
    page.wait_for_timeout(300)  # lets Playwright deliver the last requests' events
    # the callback's JSON carries each payload verbatim, as a JSON string
    answers = [json.loads(r.response().text()) for r in callbacks
               if urlsplit(r.url).path == "/_dash-update-component"]
    rows = [r for answer in answers
            for r in answer["response"].get("incident-grid", {}).get(
                "getRowsResponse", {}).get("rowData", [])]
    assert sorted(r["summary"] for r in rows) == sorted(
        f"summary {i}: {p}" for i, p in enumerate(PAYLOADS))
    cells = page.eval_on_selector_all(
        '#incident-grid .ag-center-cols-container [col-id="summary"]',
        "cells => cells.map(c => c.textContent)")
    assert sorted(cells) == sorted(f"summary {i}: {p}" for i, p in enumerate(PAYLOADS))
    # the ID column is rendered as a markdown link: it must stay a plain link to the record
    links = page.eval_on_selector_all('#incident-grid [col-id="public_id"] a',
                                      "links => links.map(a => a.getAttribute('href'))")
    assert sorted(links) == sorted(f"/incidents/xss{i}" for i in range(len(PAYLOADS)))
    # hover each summary: the tooltip shows the text
    first = page.locator('#incident-grid .ag-center-cols-container [col-id="summary"]').first
    first.hover()
    tooltip = page.locator(".ag-tooltip")
    tooltip.wait_for()
    assert tooltip.inner_text().startswith("summary ")
    page.wait_for_timeout(300)  # an onerror / onload would have fired by now
    _no_markers(page, "/incidents")
    assert _flag(page) is None


@pytest.mark.parametrize("i", range(len(PAYLOADS)))
def test_payloads_on_the_detail_page_render_inert(xss_page, xss_server, i):
    page = xss_page
    page.goto(xss_server + f"/incidents/xss{i}")
    page.wait_for_selector(".detail-page h2")
    text = page.inner_text(".detail-page")
    assert f"summary {i}: {PAYLOADS[i]}" in text
    assert f"place {i}: {PAYLOADS[i]}" in text
    assert PAYLOADS[0] in text  # the source's licence, as text
    page.wait_for_timeout(200)
    _no_markers(page, f"/incidents/xss{i}")
    assert _flag(page) is None


def test_payloads_in_source_names_on_the_about_page_render_inert(xss_page, xss_server):
    page = xss_page
    page.goto(xss_server + "/about")
    page.wait_for_selector("#sources")
    page.wait_for_timeout(200)
    _no_markers(page, "/about")
    assert _flag(page) is None


def test_payloads_in_source_names_in_the_map_pages_html_fragments_render_inert(xss_page,
                                                                               xss_server):
    page = xss_page
    page.goto(xss_server + "/")
    page.wait_for_selector("#coverage-table tbody tr")
    panel = page.inner_text("#coverage-panel")
    assert f"source {PAYLOADS[0]} {PAYLOADS[2]}" in panel  # named in the list under the table
    title = page.locator("#coverage-table td.cov-total").first.get_attribute("title")
    assert PAYLOADS[0] in title  # and in the cell's tooltip, as text
    page.wait_for_timeout(300)
    _no_markers(page, "/")
    assert _flag(page) is None
