"""The security headers: the policy as a pure function, and on every kind of response.

The browser side (no page breaks the policy, a record page cannot be framed) is
tests/e2e/staff/test_csp_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from dashboard.auth.headers import content_security_policy, is_embed, security_headers
from data.settings import Settings, SettingsError
from tests import factories
from tests.data.records.workflow_store import STAFF, new_record
from tests.security.web import log_in_as

HASH = "'sha256-AAAA'"
EMBED_SITES = ("https://news.example.org", "https://*.example.net")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S)
#: HTML comments (Dash's index page has an ``<!--[if IE]><script>`` one: never run).
COMMENT = re.compile(r"<!--.*?-->", re.S)


def _directives(policy: str) -> dict[str, list[str]]:
    parts = [part.split() for part in policy.split(";") if part.strip()]
    return {name: sources for name, *sources in parts}


def _settings(**values) -> Settings:
    return Settings(**values)


@pytest.mark.parametrize("path", ["/", "/incidents/ABCD", "/moderate/record/7", "/admin",
                                  "/api/v1/stats", "/embedded", "/x/embed"])
def test_no_page_but_embed_may_be_framed(path):
    headers = security_headers(path, _settings(embed_origins=EMBED_SITES), [HASH])
    csp = _directives(headers["Content-Security-Policy"])
    assert csp["frame-ancestors"] == ["'none'"]
    assert headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/embed", "/embed/", "/embed/map"])
def test_embed_pages_may_be_framed_by_the_listed_sites_only(path):
    assert is_embed(path)
    allowed = security_headers(path, _settings(embed_origins=EMBED_SITES))
    assert _directives(allowed["Content-Security-Policy"])["frame-ancestors"] == \
        list(EMBED_SITES)
    assert "X-Frame-Options" not in allowed  # it cannot name sites; frame-ancestors does
    nobody = security_headers(path, _settings())  # the default: no site
    assert _directives(nobody["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]
    assert nobody["X-Frame-Options"] == "DENY"


def test_scripts_only_from_the_site_and_by_hash():
    csp = _directives(content_security_policy("/", (), [HASH, "'sha256-BBBB'"]))
    assert csp["script-src"] == ["'self'", HASH, "'sha256-BBBB'"]
    assert csp["default-src"] == ["'self'"] and csp["connect-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["worker-src"] == ["'self'", "blob:"]  # MapLibre's workers
    assert csp["img-src"] == ["'self'", "data:"]
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert "*" not in " ".join(src for sources in csp.values() for src in sources)


def test_the_other_headers():
    headers = security_headers("/", _settings())
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"  # same-origin requests keep a Referer
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers  # plain HTTP: HSTS would be ignored
    secure = security_headers("/", _settings(secure_cookies=True))
    assert secure["Strict-Transport-Security"] == "max-age=31536000"


def test_embed_origins_setting_accepts_origins_and_refuses_the_rest():
    parsed = Settings.from_env({"INCIDENTMAP_EMBED_ORIGINS":
                                "https://News.example.org/, http://localhost:8000"})
    assert parsed.embed_origins == ("https://news.example.org", "http://localhost:8000")
    assert Settings.from_env({}).embed_origins == ()
    for bad in ("*", "'self'", "https://a.org/page", "https://a.org; script-src *",
                "news.example.org", "javascript:alert(1)"):
        with pytest.raises(SettingsError, match="INCIDENTMAP_EMBED_ORIGINS.*web origin"):
            Settings.from_env({"INCIDENTMAP_EMBED_ORIGINS": bad})


# --- on the app's responses -----------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with factories.site(tmp_path_factory.mktemp("headers"), demo_rows=300,
                        embed_origins=("https://news.example.org",), **STAFF) as built:
        def boom():
            raise RuntimeError("a bug")

        built.server.add_url_rule("/test-boom", view_func=boom)
        yield built


def _public_id(client) -> str:
    return client.get("/api/v1/incidents?per_page=1").get_json()["data"][0]["public_id"]


def _check(response, path: str) -> None:
    csp = _directives(response.headers.get("Content-Security-Policy", ""))
    assert csp.get("frame-ancestors") == ["'none'"], f"{path}: {csp}"
    assert response.headers.get("X-Frame-Options") == "DENY", path
    assert response.headers.get("X-Content-Type-Options") == "nosniff", path
    assert response.headers.get("Referrer-Policy") == "same-origin", path
    assert "'unsafe-inline'" not in csp["script-src"], path


def test_every_kind_of_response_carries_the_headers(site):
    client = site.client()
    answers = {path: client.get(path) for path in (
        "/", "/incidents", f"/incidents/{_public_id(client)}", "/about?lang=fr",
        "/account/login", "/data-protection", "/api/v1/taxonomy", "/api/v1/stats?bias=nope",
        "/assets/style.css", "/assets/static_html.js", "/geo/eu27.geojson", "/geo/none.geojson",
        "/_dash-layout", "/_dash-dependencies", DASH_PLOTLY, "/no/such/page", "/test-boom",
        "/account/forgot", "/healthz", "/readyz")}
    answers["POST /_dash-update-component"] = client.post("/_dash-update-component", json={})
    answers["POST /account/login"] = client.post("/account/login", data={"email": "x"})
    statuses = {path: response.status_code for path, response in answers.items()}
    assert statuses["/api/v1/stats?bias=nope"] == 400 and statuses["/test-boom"] == 500
    assert statuses["/geo/none.geojson"] == 404 and statuses["/assets/style.css"] == 200
    for path, response in answers.items():
        _check(response, path)


DASH_PLOTLY = "/_dash-component-suites/plotly/package_data/plotly.min.js"


def test_staff_pages_carry_the_headers(site):
    client = site.client()
    record = new_record(site.engine, site.users["rep"])
    log_in_as(client, site.engine, "mod@example.org")
    for path in ("/moderate", f"/moderate/record/{record}", f"/records/{record}/personal",
                 "/moderate/subject-access", "/account", "/my-records"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        _check(response, path)
    log_in_as(client, site.engine, "admin@example.org")
    response = client.get("/admin")
    assert response.status_code == 200
    _check(response, "/admin")


def test_the_embed_setting_reaches_the_responses(site):
    response = site.client().get("/embed")  # no such page yet: its 404 already has the rule
    csp = _directives(response.headers["Content-Security-Policy"])
    assert csp["frame-ancestors"] == ["https://news.example.org"]
    assert "X-Frame-Options" not in response.headers


def test_every_inline_script_of_a_dash_page_is_allowed_by_its_hash(site):
    client = site.client()
    log_in_as(client, site.engine, "rep@example.org")
    for path in ("/", "/incidents?lang=fr", "/report", "/about?lang=de"):
        response = client.get(path)
        assert response.status_code == 200, path
        allowed = set(_directives(response.headers["Content-Security-Policy"])["script-src"])
        page = COMMENT.sub("", response.get_data(as_text=True))
        scripts = [body for attributes, body in INLINE_SCRIPT.findall(page)
                   if "application/json" not in attributes]
        assert len(scripts) >= 2, path  # the clientside callbacks and the renderer's start
        for body in scripts:
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in allowed, f"{path}: {body[:80]!r}"


def test_flask_pages_have_no_inline_script_or_handler(site):
    client = site.client()
    for path in ("/account/login", "/data-protection"):
        page = client.get(path).get_data(as_text=True)
        assert not INLINE_SCRIPT.search(page), path
        assert not re.search(r"\son[a-z]+\s*=|javascript:", page, re.I), path
