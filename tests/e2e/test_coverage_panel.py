"""The coverage panel ("Who reports") on the map page follows the page's one filter."""

from __future__ import annotations

from dashboard import ids
from dashboard.pages.overview.coverage import CAVEAT
from tests.e2e.map_page import choose_option, open_page, settle, summary_count

ROWS = f"#{ids.COVERAGE_TABLE} tbody tr"


def _rows(page) -> list[str]:
    return page.locator(ROWS).evaluate_all("(rows) => rows.map((r) => r.dataset.country)")


def test_panel_renders_and_follows_the_country_filter(page, server):
    open_page(page, server)
    page.locator(ROWS).first.wait_for()
    panel = page.locator(f"#{ids.COVERAGE}")
    assert panel.get_attribute("role") == "region"
    assert page.get_by_text(CAVEAT).is_visible()
    everywhere = _rows(page)
    assert len(everywhere) > 5  # the demo data covers most member states
    assert "synthetic demo dataset" in panel.inner_text()
    header = page.locator(f"#{ids.COVERAGE_TABLE} thead th").all_inner_texts()
    assert header[0] == "Member state" and header[-1] == "All years"
    assert all(h.isdigit() for h in header[1:-1])
    # a cell names its open datasets in a tooltip (the demo data is one dataset)
    title = page.locator(f"{ROWS}[data-country='DE'] td.cov-total").get_attribute("title")
    assert "Synthetic demo data" in title and "member organisations" in title

    before = summary_count(page)
    choose_option(page, ids.COUNTRY, "Germany")
    page.wait_for_function(
        "(sel) => { const r = document.querySelectorAll(sel); "
        "return r.length === 1 && r[0].dataset.country === 'DE'; }", arg=ROWS)
    page.wait_for_function(  # the summary comes from another callback: wait for it too
        "(n) => !document.querySelector('#result-summary').textContent.startsWith(n)",
        arg=f"{before:,} incidents")
    settle(page)
    assert summary_count(page) < before
    assert "in 1 member states" in panel.inner_text()
