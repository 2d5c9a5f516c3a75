"""Every page under the real Content-Security-Policy in Chromium: nothing refused, all drawn.

The policy (dashboard/auth/headers.py) allows no inline script but Dash's own, by hash, and
no ``eval``. A page the policy broke would show nothing rather than fail loudly, so each visit
also checks that the page really drew (the map's polygons, the table's rows, the forms).
Violations are caught three ways: the ``securitypolicyviolation`` events of every document,
Chromium's own CSP issues (DevTools Audits, which also see workers), and the ``page``
fixture's check that no console error was logged.
"""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from dashboard import ids
from data.people.accounts import get_user
from tests.data.records.workflow_store import new_record
from tests.e2e.conftest import _guarded_page
from tests.e2e.map_page import MAP_JS, choose_option, open_page, settle, wait_for_query
from tests.e2e.staff.staff_site import ACCOUNTS, log_in, staff_site

LANGS = ("en", "fr")
#: Milliseconds a page may take to draw (the 2-core machine is shared).
DRAWN = 30_000
#: Reports each violation of the page's policy to the test (a binding, not a request).
REPORT_VIOLATIONS = """document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolation({page: location.href, directive: e.violatedDirective,
                           blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber,
                           sample: e.sample});
}, true);"""
#: MapLibre drew member-state polygons (its workers parsed the geometry and tiled it).
JS_MAP_DREW = f"""() => {{
    const map = {MAP_JS}._fullLayout.map._subplot.map;
    return map.loaded() && map.queryRenderedFeatures().filter(
        (f) => f.layer.type === 'fill').length > 0;
}}"""
JS_REPORT_MAP_DREW = """() => {
    const gd = document.querySelector('#report-map .js-plotly-plot');
    const map = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot.map;
    return !!map && map.loaded() && map.queryRenderedFeatures().length > 0;
}"""


@pytest.fixture(scope="module")
def headers_site(tmp_path_factory):
    """A server with a reporter, two moderators, an admin and one submitted record."""
    accounts = (*ACCOUNTS, ("mod2@example.org", "moderator", None),
                ("admin@example.org", "admin", None))
    for base, engine in staff_site(tmp_path_factory, accounts):
        record = new_record(engine, get_user(engine, email="rep@example.org"))
        yield base, record


@pytest.fixture
def csp_page(browser, headers_site, page_log):
    """A guarded page (see tests/e2e/conftest.py) and the list of CSP violations it saw."""
    violations: list[dict] = []
    pages = _guarded_page(browser, page_log)
    page = next(pages)
    page.context.expose_binding("__cspViolation", lambda _source, found: violations.append(found))
    page.context.add_init_script(REPORT_VIOLATIONS)
    devtools = page.context.new_cdp_session(page)
    devtools.on("Audits.issueAdded", lambda event: violations.append(event["issue"])
                if event["issue"]["code"] == "ContentSecurityPolicyIssue" else None)
    devtools.send("Audits.enable")
    yield page, violations
    next(pages, None)  # the guard's checks: no outside request, no console error


def _with_lang(path: str, lang: str) -> str:
    if lang == "en":
        return path
    return path + ("&" if "?" in path else "?") + f"lang={lang}"


def _flask_page(page, base: str, path: str, lang: str) -> None:
    """Open a Flask page; it answers 200 with the headers and shows its title."""
    response = page.goto(base + _with_lang(path, lang))
    assert response.status == 200, f"{path}: {response.status}"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
    expect(page.locator("main h1")).to_be_visible(timeout=DRAWN)


def _public_id(base: str) -> str:
    with urllib.request.urlopen(f"{base}/api/v1/incidents?per_page=1", timeout=30) as answer:
        return json.load(answer)["data"][0]["public_id"]


def _public_pages(page, base: str, lang: str, public_id: str) -> None:
    open_page(page, base, "" if lang == "en" else f"lang={lang}")
    page.wait_for_function(JS_MAP_DREW, timeout=DRAWN)
    choose_option(page, ids.COUNTRY, "France")  # callbacks run, plotly draws again
    wait_for_query(page, "q.get('country') === 'FR'")
    settle(page)
    page.wait_for_function(f"() => {MAP_JS}.data[1].z.filter((v) => v > 0).length === 1")
    page.wait_for_function(JS_MAP_DREW, timeout=DRAWN)
    assert page.evaluate("document.documentElement.lang") == lang

    page.goto(base + _with_lang("/incidents", lang))
    expect(page.locator(".incident-grid .ag-row .ag-cell").first).not_to_be_empty(timeout=DRAWN)
    page.goto(base + _with_lang(f"/incidents/{public_id}", lang))
    expect(page.locator(".detail-page .facts").first).to_be_visible(timeout=DRAWN)
    page.goto(base + _with_lang("/about", lang))
    expect(page.locator(".about-section h2").first).to_be_visible(timeout=DRAWN)
    assert page.evaluate("document.documentElement.lang") == lang
    _flask_page(page, base, "/account/login", lang)
    _flask_page(page, base, "/account/forgot", lang)


def test_every_page_keeps_to_the_policy_and_draws(headers_site, csp_page):
    (base, record), (page, violations) = headers_site, csp_page
    public_id = _public_id(base)
    for lang in LANGS:
        _public_pages(page, base, lang, public_id)

    page.goto(base + "/account/login?next=/report")
    log_in(page, "rep@example.org")
    for lang in LANGS:
        page.goto(base + _with_lang("/report", lang))
        page.wait_for_selector("#report-form")
        page.wait_for_function(JS_REPORT_MAP_DREW, timeout=DRAWN)
        for path in ("/account", "/my-records", f"/my-records/{record}",
                     f"/records/{record}/personal"):
            _flask_page(page, base, path, lang)
    page.context.clear_cookies()

    page.goto(base + "/account/login?next=/moderate")
    log_in(page, "mod@example.org")  # through the authenticator's set-up and recovery codes
    page.goto(base + "/moderate")
    expect(page.locator("#moderation-queue")).to_be_visible(timeout=DRAWN)
    for lang in LANGS:
        for path in ("/moderate", f"/moderate/record/{record}", f"/records/{record}/personal",
                     "/moderate/subject-access", "/data-protection"):
            _flask_page(page, base, path, lang)
    page.context.clear_cookies()

    page.goto(base + "/account/login?next=/admin")
    log_in(page, "admin@example.org")
    for lang in LANGS:
        _flask_page(page, base, "/admin", lang)

    assert violations == [], json.dumps(violations, indent=1)[:4000]


def test_a_moderators_record_page_cannot_be_framed(browser, headers_site):
    base, record = headers_site
    context = browser.new_context()  # unguarded: the refused frame logs a console error
    try:
        page = context.new_page()
        page.goto(base + "/account/login?next=/moderate")
        log_in(page, "mod2@example.org")
        url = f"{base}/moderate/record/{record}"
        response = page.goto(url)
        assert response.status == 200
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
        expect(page.locator("#record-verified")).to_be_visible()  # its buttons, at the top

        page.goto(base + "/about")  # a page of the same site tries to frame it
        page.evaluate("""(url) => new Promise((done) => {
            const frame = document.createElement('iframe');
            frame.onload = done;
            frame.src = url;
            document.body.appendChild(frame);
        })""", url)
        frames = page.main_frame.child_frames
        assert len(frames) == 1
        assert frames[0].url.startswith("chrome-error://"), frames[0].url  # refused
        assert frames[0].locator("#record-verified").count() == 0
    finally:
        context.close()
