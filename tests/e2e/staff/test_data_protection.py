"""Data protection in Chromium: the vault, subject access, erasure; nothing leaks anywhere.

A reporter records an incident and adds the victim's details and a file on the record's
confidential page; a moderator finds the person, exports everything held, erases the person
and anonymises the record. Canary values typed into every vault field must never reach a
public page, the API, a download, or the server's own log files.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
import zipfile

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from data.people.access_log import recent_access
from data.store.schema import incidents, vault_people
from tests.e2e.conftest import SERVER_LOGS, _guarded_page
from tests.e2e.staff.staff_site import log_in, staff_site
from tests.e2e.staff.test_report_form import _fill, _tick
from tests.protection.protection_store import CANARIES, FILE_CANARY

NARRATIVE_CANARY = "canary-narrative-e2e: he was pushed off his bicycle."


@pytest.fixture(scope="module")
def protection_site(tmp_path_factory):
    yield from staff_site(tmp_path_factory)


@pytest.fixture
def protection_page(browser, protection_site, page_log):
    yield from _guarded_page(browser, page_log)


def _get(url: str) -> bytes:
    """The body at ``url``, also for an error status (a 404 page is checked too)."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        return exc.read()


def test_the_vault_workflow_and_no_canary_anywhere(protection_site, protection_page,
                                                    page_log):
    (base, engine), page = protection_site, protection_page
    page.goto(base + "/report")
    log_in(page, "rep@example.org")
    page.wait_for_selector("#report-form")
    _fill(page, "2024-03-05")
    page.fill("#report-narrative", NARRATIVE_CANARY)
    _tick(page, "report-consent-share-network", "yes")  # moderators may read the vault
    page.click("#report-save")  # a draft, resumed: reading its account is logged
    expect(page.locator("#report-drafts .report-resume")).to_have_count(1)
    page.goto(base + "/report")
    page.click("#report-drafts .report-resume")
    expect(page.locator("#report-narrative")).to_have_value(NARRATIVE_CANARY)
    assert "draft" in set(recent_access(engine)["kind"])
    page.click("#report-submit")
    expect(page.locator("#report-submitted")).to_contain_text("status submitted")
    with engine.connect() as conn:
        rid, public_id = conn.execute(select(incidents.c.id, incidents.c.public_id).where(
            incidents.c.narrative == NARRATIVE_CANARY)).one()

    page.goto(f"{base}/my-records/{rid}")
    page.click("#personal-link")
    page.select_option("#person_role", "victim")
    page.fill("#person-email", "not an address")
    page.click("#add-person-save")
    expect(page.locator("[role=alert]")).to_contain_text("email")
    assert page.input_value("#person-email") == "not an address"  # kept as typed
    refused = [e for e in page_log.errors if "status of 400" in e and "/people" in e]
    assert len(refused) == 1  # the browser logs the 400 it was meant to get
    page_log.errors.remove(refused[0])
    for field, value in CANARIES.items():
        page.fill(f"#person-{field}", value)
    page.click("#add-person-save")
    expect(page.locator("#vault-people")).to_contain_text(CANARIES["phone"])
    page.set_input_files("#file-input", files=[{"name": "statement.txt",
                                                "mimeType": "text/plain",
                                                "buffer": FILE_CANARY}])
    page.click("#add-file-save")
    expect(page.locator("#vault-files")).to_contain_text("statement.txt")
    # let the page finish loading before the next person logs in on this browser
    page.wait_for_load_state("load")
    page.context.clear_cookies()

    page.goto(base + "/moderate/subject-access")
    log_in(page, "mod@example.org")  # first login: enrols the app with a real code
    page.fill("#sa-email", CANARIES["email"].upper())
    page.click("#subject-search-go")
    expect(page.locator("#subject-matches")).to_contain_text(public_id)
    with page.expect_download() as download:
        page.click("#subject-export")
    archive = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
    document = json.loads(archive.read("subject-access.json"))
    assert document["entries"][0]["person"]["details"] == CANARIES
    assert FILE_CANARY in [archive.read(n) for n in archive.namelist()]

    page.goto(f"{base}/records/{rid}/personal")
    page.click("#vault-people button[id^=erase-person-]")
    expect(page.locator("#moderation-message")).to_contain_text("erased")
    page.check("#anonymise-confirm")
    page.click("#anonymise")
    expect(page.locator("#anonymised")).to_be_visible()
    with engine.connect() as conn:
        assert conn.execute(select(vault_people.c.id)).all() == []
        assert conn.execute(select(incidents.c.narrative).where(
            incidents.c.id == rid)).scalar() is None
    page.wait_for_load_state("load")  # no late response may bring the moderator's cookie back
    page.context.clear_cookies()

    public = [base + p for p in ("/", "/incidents", "/about", "/data-protection",
                                 f"/incidents/{public_id}")]
    public += [f"{base}/api/v1/incidents?format={f}" for f in ("json", "csv", "geojson")]
    public += [f"{base}/api/v1/stats?group_by=country"]
    seen = b"".join(_get(url) for url in public)
    page.goto(base + "/data-protection")
    expect(page.locator("#retention-table")).to_contain_text("365 days")
    seen += page.content().encode()
    out, err = SERVER_LOGS[base]
    logs = out.read_bytes() + err.read_bytes()
    assert b"method=POST route=/records/" in logs  # the server did log the requests...
    for value in (*CANARIES.values(), NARRATIVE_CANARY, FILE_CANARY.decode()):
        assert value.encode() not in seen, value
        assert value.encode() not in logs, value  # ...never a value
