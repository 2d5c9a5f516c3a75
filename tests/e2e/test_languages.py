"""The language switch on the map page: EN -> FR -> DE, kept in the URL and on reload.

Relies on the ``page`` fixture's teardown check too: no request may leave 127.0.0.1 and no
console error may appear.
"""

from __future__ import annotations

from dashboard import ids
from tests.e2e.map_page import open_page, query_params, settle


def _filter_labels(page) -> list[str]:
    return [text.strip() for text in page.locator(".controls .filter-label").all_inner_texts()]


def _headings(page) -> list[str]:
    return [text.strip() for text in page.locator(".views h2").all_inner_texts()]


def _switch(page, lang: str) -> None:
    """Choose ``lang`` with the keyboard: focus its link in the switch and press Enter."""
    link = page.locator(f"#lang-{lang}")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_function("(lang) => document.documentElement.lang === lang", arg=lang)
    settle(page)


def _legend(page) -> str:
    return page.locator("#timeline .legend").text_content() or ""


def test_language_switch_en_fr_de_and_reload(page, server):
    open_page(page, server, "country=DE")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert "Bias motivation" in _filter_labels(page) and "Over time" in _headings(page)
    assert "Anti-Muslim hatred" in page.locator(f"#{ids.BIAS}").inner_text()

    _switch(page, "fr")
    assert query_params(page) == {"country": "DE", "lang": "fr"}  # the filter is kept
    assert "Motivation discriminatoire" in _filter_labels(page)
    assert "Au fil du temps" in _headings(page)
    assert "Haine anti-musulmane" in page.locator(f"#{ids.BIAS}").inner_text()
    assert "Allemagne" in page.locator(f"#{ids.COUNTRY}").inner_text()
    assert "Motivation discriminatoire principale" in _legend(page)
    assert page.locator(f"#{ids.NAV_MAP}").inner_text() == "Carte"
    assert page.locator("#lang-fr").get_attribute("class") == "lang-link current"

    _switch(page, "de")
    assert query_params(page) == {"country": "DE", "lang": "de"}
    assert "Vorurteilsmotiv" in _filter_labels(page) and "Im Zeitverlauf" in _headings(page)
    assert "Muslimfeindlichkeit" in page.locator(f"#{ids.BIAS}").inner_text()
    assert "Muslimfeindlichkeit" in _legend(page)
    assert page.locator(f"#{ids.SUMMARY}").inner_text().split(". ")[0].endswith("Vorfälle")
    assert page.locator(f"#{ids.NAV_TABLE}").get_attribute("href").endswith("lang=de")
    assert page.locator(f"#{ids.NAV_ABOUT}").get_attribute("href") == "/about?lang=de"

    page.reload()
    settle(page)
    assert query_params(page)["lang"] == "de"
    assert page.evaluate("document.documentElement.lang") == "de"
    assert "Vorurteilsmotiv" in _filter_labels(page)

    # a filter change keeps the language in the URL
    page.locator(f"#{ids.GRANULARITY} input[value='year']").check()
    page.wait_for_function("() => new URLSearchParams(location.search).get('granularity')"
                           " === 'year'")
    assert query_params(page)["lang"] == "de"

    _switch(page, "en")
    assert "lang" not in query_params(page)
    assert "Bias motivation" in _filter_labels(page)


def test_pages_keep_the_language(page, server):
    open_page(page, server, "lang=fr")
    page.locator(f"#{ids.NAV_ABOUT}").click()
    page.get_by_role("heading", name="À propos de cette carte").wait_for()
    assert query_params(page) == {"lang": "fr"}
    page.locator(f"#{ids.NAV_TABLE}").click()
    page.get_by_role("heading", name="Incidents", exact=True).wait_for()
    page.locator(".ag-header-cell-text", has_text="Résumé public").wait_for()
    assert query_params(page)["lang"] == "fr"
