"""The recording form in Chromium: log in, fail validation, keep the values, fix, submit."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from data.store.schema import incidents
from tests.e2e.conftest import _guarded_page
from tests.e2e.staff.staff_site import log_in, staff_site

NARRATIVE = "Two men shouted insults and pushed him."


@pytest.fixture(scope="module")
def report_site(tmp_path_factory):
    """A server of its own (an instance folder the test can reach) with one reporter."""
    yield from staff_site(tmp_path_factory, accounts=[("rep@example.org", "reporter",
                                                       "ngo-leipzig")])


@pytest.fixture
def report_page(browser, report_site, page_log):
    yield from _guarded_page(browser, page_log)


def _choose(page, ident: str, text: str) -> None:
    page.click(f"#{ident}")
    page.get_by_role("option", name=text, exact=True).click()
    page.keyboard.press("Escape")


def _tick(page, ident: str, value: str) -> None:
    page.check(f"#{ident} input[value='{value}']")


def _fill(page, date: str) -> None:
    page.fill("#report-date", date)
    _choose(page, "report-country", "Germany")
    _choose(page, "report-location-type", "street or public space")
    page.fill("#report-place", "Leipzig")
    page.click("#report-find")
    # the first look-up loads the gazetteer (seconds on a loaded machine)
    expect(page.locator("#report-point-text")).to_contain_text("Point chosen", timeout=30_000)
    _tick(page, "report-types", "it.violent_attack.physical_assault")
    _choose(page, "report-harm-severity", "minor injury")
    _tick(page, "report-classification", "hate_crime")
    _tick(page, "report-bias", "bm.racism_xenophobia.anti_migrant")
    _tick(page, "report-indicators", "bi.offender_remarks")
    _choose(page, "report-target-type", "one person")
    _choose(page, "report-perpetrator-type", "a group of people")
    _tick(page, "report-reported-to-police", "no")
    _choose(page, "report-source-type", "the victim")
    page.fill("#report-narrative", NARRATIVE)
    _tick(page, "report-consent-record", "yes")
    _tick(page, "report-consent-publish-aggregate", "yes")


def test_a_reporter_fixes_a_future_date_and_submits(report_site, report_page):
    base, engine = report_site
    page = report_page
    page.goto(base + "/report")
    assert "/account/login" in page.url  # anonymous: log in first, then come back
    log_in(page, "rep@example.org")
    page.wait_for_selector("#report-form")
    expect(page.locator("#report-not-collected")).to_contain_text("Residence status")
    _fill(page, "2999-01-01")
    page.click("#report-submit")
    expect(page.locator("#report-field-date .report-msg")).to_contain_text("after today")
    assert page.input_value("#report-date") == "2999-01-01"  # everything typed is kept
    assert page.input_value("#report-narrative") == NARRATIVE
    assert page.is_checked("#report-bias input[value='bm.racism_xenophobia.anti_migrant']")
    with engine.connect() as conn:
        assert conn.execute(select(incidents.c.id).where(
            incidents.c.narrative == NARRATIVE)).first() is None
    page.fill("#report-date", "2024-03-05")
    page.click("#report-submit")
    expect(page.locator("#report-submitted")).to_contain_text("status submitted")
    expect(page.locator("#report-field-date .report-msg")).to_be_empty()
    with engine.connect() as conn:
        row = conn.execute(select(incidents).where(incidents.c.narrative == NARRATIVE)).one()
    assert (row.status, row.policy, row.date_precision) == ("submitted", "member", "day")
    assert row.public_id in page.inner_text("#report-submitted")
    page.click("#report-submit")  # a second click stores nothing new
    expect(page.locator("#report-submitted")).to_contain_text("Already submitted")
    with engine.connect() as conn:
        assert len(conn.execute(select(incidents.c.id).where(
            incidents.c.narrative == NARRATIVE)).all()) == 1
