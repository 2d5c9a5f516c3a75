"""Moderation in Chromium: a reporter submits, a moderator (TOTP) publishes, the map counts."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _guarded_page
from tests.e2e.map_page import open_page, summary_count
from tests.e2e.staff.staff_site import log_in, staff_site
from tests.e2e.staff.test_report_form import NARRATIVE, _fill, _tick


@pytest.fixture(scope="module")
def moderation_site(tmp_path_factory):
    """A server of its own with a reporter of an organisation and a moderator."""
    for base, _engine in staff_site(tmp_path_factory):
        yield base


@pytest.fixture
def moderation_page(browser, moderation_site, page_log):
    yield from _guarded_page(browser, page_log)


def test_a_moderator_publishes_a_submitted_report_and_the_map_counts_it(
        moderation_site, moderation_page):
    base, page = moderation_site, moderation_page
    open_page(page, base)
    before = summary_count(page)

    page.goto(base + "/report")
    log_in(page, "rep@example.org")
    page.wait_for_selector("#report-form")
    _fill(page, "2024-03-05")
    _tick(page, "report-consent-share-network", "yes")  # moderators may read the account
    page.click("#report-submit")
    expect(page.locator("#report-submitted")).to_contain_text("status submitted")
    public_id = next(word for word in page.inner_text("#report-submitted").split()
                     if len(word.strip(".,:;")) == 16).strip(".,:;")
    page.context.clear_cookies()

    page.goto(base + "/moderate")
    assert "/account/login" in page.url
    log_in(page, "mod@example.org")  # first login: enrols the app with a real code
    expect(page.locator("#moderation-queue")).to_contain_text(public_id)

    page.click(f"#moderation-queue a:text('{public_id}')")
    record_url = page.url
    page.fill("#public_summary", "A man was assaulted in Leipzig.")
    page.click("#record-verified")
    expect(page.locator("#moderation-message")).to_contain_text("1 record")
    expect(page.locator("#record-history")).to_contain_text("public_summary")

    page.goto(base + "/moderate")
    page.check(f"#pick-{public_id}")
    page.click("#bulk-publish")
    expect(page.locator("#moderation-message")).to_contain_text("1 record(s) changed")
    expect(page.locator("#moderation-queue")).not_to_contain_text(public_id)

    open_page(page, base)
    assert summary_count(page) == before + 1

    # the moderator still reads the account; after logging out, nobody does
    page.goto(record_url)
    expect(page.locator(".record-fields")).to_contain_text(NARRATIVE)
    page.goto(base + "/account")
    page.click("text=Log out")
    page.goto(record_url)
    assert "/account/login" in page.url
    assert NARRATIVE not in page.content()
    page.goto(f"{base}/incidents/{public_id}")
    expect(page.locator("body")).to_contain_text("A man was assaulted in Leipzig.")
    assert NARRATIVE not in page.content()
