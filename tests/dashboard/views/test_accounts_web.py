"""Account pages over HTTP: cookies, CSRF, login, second factor, links, password change."""

from __future__ import annotations

import re

import pyotp
import pytest

from dashboard.auth.sessions import current_user, requires
from dashboard.context import current
from data.people.accounts import add_user, issue_password_link

GOOD = "correct horse battery staple"


@pytest.fixture
def site(tmp_path, make_site):
    built = make_site(organisations=(("ngo-athens", "An NGO in Athens", "GR"),),
                      accounts=(("rep@example.org", "reporter", "ngo-athens"),
                                ("mod@example.org", "moderator", None)), password=GOOD,
                      instance_dir=tmp_path / "instance")
    engine, app = built.engine, built.app

    @app.server.post("/test-only/write")
    @requires("moderate", engine=lambda: current().engine)
    def write():
        return "written"

    @app.server.get("/test-only/whoami")
    def whoami():
        user = current_user(current().engine)
        return user.email if user else "nobody"

    return engine, app.server, tmp_path


def _csrf(client, path="/account/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _login(client, email, password=GOOD):
    token = _csrf(client)
    return client.post("/account/login", data={
        "email": email, "password": password, "csrf_token": token, "next": "/test-only/whoami"})


def test_session_cookie_is_signed_httponly_and_samesite(site):
    _engine, server, tmp_path = site
    client = server.test_client()
    response = _login(client, "rep@example.org")
    assert response.status_code == 303 and response.headers["Location"] == "/test-only/whoami"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/test-only/whoami").get_data(as_text=True) == "rep@example.org"
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o077 == 0
    forged = server.test_client()
    forged.set_cookie("incidentmap_session", cookie.split(";")[0].split("=", 1)[1] + "x")
    assert forged.get("/test-only/whoami").get_data(as_text=True) == "nobody"


def test_login_form_without_csrf_is_refused_and_bad_passwords_keep_the_email(site):
    _engine, server, _tmp = site
    client = server.test_client()
    refused = client.post("/account/login", data={"email": "rep@example.org",
                                                  "password": GOOD})
    assert refused.status_code == 403
    wrong = _login(client, "rep@example.org", "not the password")
    body = wrong.get_data(as_text=True)
    assert wrong.status_code == 401 and "not right" in body
    assert 'value="rep@example.org"' in body and "not the password" not in body
    assert wrong.headers["Cache-Control"] == "no-store"


def test_write_routes_need_a_session_the_role_and_csrf(site):
    _engine, server, _tmp = site
    anonymous = server.test_client()
    assert anonymous.post("/test-only/write").status_code == 401
    reporter = server.test_client()
    _login(reporter, "rep@example.org")
    assert reporter.post("/test-only/write").status_code == 403  # wrong role


def test_moderators_enrol_and_then_need_a_one_time_code(site):
    engine, server, _tmp = site
    client = server.test_client()
    response = _login(client, "mod@example.org")
    assert response.headers["Location"] == "/account/two-factor"
    assert client.get("/test-only/whoami").get_data(as_text=True) == "nobody"
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r'class="totp-secret">([A-Z2-7]+)<', page).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    bad = client.post("/account/two-factor", data={"code": "000000", "csrf_token": token})
    assert bad.status_code == 401
    done = client.post("/account/two-factor",
                       data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert done.status_code == 303
    assert client.get("/test-only/whoami").get_data(as_text=True) == "mod@example.org"
    write_token = _csrf(client, "/account")
    assert client.post("/test-only/write").status_code == 403  # no CSRF token
    assert client.post("/test-only/write", headers={"X-CSRF-Token": write_token}
                       ).get_data(as_text=True) == "written"
    # the next login asks for a code at once (no enrolment page, no secret shown)
    again = server.test_client()
    _login(again, "mod@example.org")
    second = again.get("/account/two-factor").get_data(as_text=True)
    assert "totp-secret" not in second and secret not in second


def test_password_link_then_change_ends_other_sessions(site):
    engine, server, _tmp = site
    add_user(engine, "new@example.org", "researcher")
    token = issue_password_link(engine, "new@example.org")
    client = server.test_client()
    form = client.get(f"/account/password?token={token}").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    differ = client.post("/account/password", data={
        "token": token, "password": GOOD, "again": GOOD + "x", "csrf_token": csrf})
    assert differ.status_code == 400 and "differ" in differ.get_data(as_text=True)
    saved = client.post("/account/password", data={
        "token": token, "password": GOOD, "again": GOOD, "csrf_token": csrf})
    assert saved.status_code == 200
    other = server.test_client()
    _login(other, "new@example.org")
    assert other.get("/test-only/whoami").get_data(as_text=True) == "new@example.org"
    _login(client, "new@example.org")
    csrf = _csrf(client, "/account")
    changed = client.post("/account/change-password", data={
        "current": GOOD, "password": "a brand new passphrase", "again":
        "a brand new passphrase", "csrf_token": csrf})
    assert changed.status_code == 200
    assert client.get("/test-only/whoami").get_data(as_text=True) == "new@example.org"
    assert other.get("/test-only/whoami").get_data(as_text=True) == "nobody"


def test_open_redirects_are_refused(site):
    _engine, server, _tmp = site
    client = server.test_client()
    token = _csrf(client)
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.post("/account/login", data={
            "email": "rep@example.org", "password": GOOD, "csrf_token": token,
            "next": target})
        assert response.headers["Location"] == "/account"
        token = _csrf(client)


def test_logging_in_many_times_with_wrong_passwords_is_throttled(site):
    _engine, server, _tmp = site
    client = server.test_client()
    statuses = [_login(client, "rep@example.org", f"guess {i}").status_code
                for i in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429
    assert _login(client, "rep@example.org").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_throttled(make_site):
    server = make_site(proxies=1).server
    client = server.test_client()

    def attempt(n, address):
        token = _csrf(client)
        return client.post("/account/login", headers={"X-Forwarded-For": address}, data={
            "email": f"user{n}@example.org", "password": "guess", "csrf_token": token})

    assert {attempt(n, "203.0.113.7").status_code for n in range(20)} == {401}
    assert attempt(99, "203.0.113.7").status_code == 429
    assert attempt(100, "203.0.113.8").status_code == 401  # another client is not affected
