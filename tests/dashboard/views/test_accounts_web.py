"""Account pages over HTTP: cookies, CSRF, login, second factor, links, password change.

Logins go through the forms with a real one-time code (:mod:`tests.logins`): every role that
reads personal data, reporters included, needs one.
"""

from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
from cryptography.fernet import Fernet

from dashboard.auth.sessions import current_user, requires
from dashboard.context import EXTENSION_KEY, current
from data.people.accounts import add_user, issue_password_link
from data.people.two_factor import SecretBox
from tests import logins

GOOD = "correct horse battery staple"


@pytest.fixture
def site(tmp_path, make_site):
    built = make_site(organisations=(("ngo-athens", "An NGO in Athens", "GR"),),
                      accounts=(("rep@example.org", "reporter", "ngo-athens"),
                                ("mod@example.org", "moderator", None),
                                ("res@example.org", "researcher", None),
                                ("admin@example.org", "admin", None)), password=GOOD,
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


def _password(client, email, password=GOOD, next_path="/test-only/whoami"):
    """The password step alone."""
    token = _csrf(client)
    return client.post("/account/login", data={
        "email": email, "password": password, "csrf_token": token, "next": next_path})


def _login(client, email, password=GOOD):
    """The whole login: the password, then a real code when the role needs one."""
    return logins.log_in_to(client, email, password, "/test-only/whoami")


def current_settings(server):
    return server.extensions[EXTENSION_KEY].settings


def _whoami(client) -> str:
    return client.get("/test-only/whoami").get_data(as_text=True)


def test_session_cookie_is_signed_httponly_and_samesite(site):
    _engine, server, tmp_path = site
    client = server.test_client()
    response = _login(client, "res@example.org")
    assert response.status_code == 303 and response.headers["Location"] == "/test-only/whoami"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/test-only/whoami").get_data(as_text=True) == "res@example.org"
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
    wrong = _password(client, "rep@example.org", "not the password")
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
    assert _whoami(reporter) == "rep@example.org"
    assert reporter.post("/test-only/write").status_code == 403  # wrong role


def test_moderators_enrol_and_then_need_a_one_time_code(site):
    engine, server, _tmp = site
    client = server.test_client()
    response = _password(client, "mod@example.org")
    assert response.headers["Location"] == "/account/two-factor"
    assert _whoami(client) == "nobody"
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r'class="totp-secret">([A-Z2-7]+)<', page).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    # the QR code is drawn here, as inline SVG: no image, no request anywhere else
    assert re.search(r'<svg class="totp-qr"[^>]*viewBox="0 0 \d+ \d+"', page)
    assert re.search(r'<path fill="#000" d="M\d+ \d+h\d+v1h-\d+z', page)
    assert "<img" not in page and not re.search(r'(src|href)="(https?:)?//', page)
    bad = client.post("/account/two-factor", data={"code": "000000", "csrf_token": token})
    assert bad.status_code == 401
    done = client.post("/account/two-factor",
                       data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    shown = re.findall(r"<li><code>([a-z2-9-]{19})</code></li>", done.get_data(as_text=True))
    assert done.status_code == 200 and len(shown) == 10  # recovery codes, shown once
    assert _whoami(client) == "mod@example.org"
    write_token = _csrf(client, "/account")
    assert client.post("/test-only/write").status_code == 403  # no CSRF token
    assert client.post("/test-only/write", headers={"X-CSRF-Token": write_token}
                       ).get_data(as_text=True) == "written"
    # the next login asks for a code at once (no enrolment page, no secret, no QR code)
    again = server.test_client()
    _password(again, "mod@example.org")
    second = again.get("/account/two-factor").get_data(as_text=True)
    assert "totp-secret" not in second and secret not in second and "<svg" not in second
    # the code just used is refused, even within its 30 seconds
    token = re.search(r'name="csrf_token" value="([^"]+)"', second).group(1)
    replay = again.post("/account/two-factor",
                        data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert replay.status_code == 401 and "already used" in replay.get_data(as_text=True)
    assert _whoami(again) == "nobody"
    assert _login(again, "mod@example.org").status_code == 303
    assert _whoami(again) == "mod@example.org"


def test_reporters_need_a_second_factor_too(site):
    _engine, server, _tmp = site
    client = server.test_client()
    assert _password(client, "rep@example.org").headers["Location"] == "/account/two-factor"
    assert _whoami(client) == "nobody"
    researcher = server.test_client()  # reads no personal data: the password is enough
    assert _password(researcher, "res@example.org").headers["Location"] == "/test-only/whoami"


def test_the_setting_lets_reporters_in_with_the_password_alone(make_site):
    site = make_site(organisations=(("ngo-athens", "An NGO in Athens", "GR"),),
                     accounts=(("rep@example.org", "reporter", "ngo-athens"),
                               ("mod@example.org", "moderator", None)), password=GOOD,
                     reporter_two_factor=False)
    reporter, moderator = site.client(), site.client()
    assert _password(reporter, "rep@example.org", next_path="/account").headers[
        "Location"] == "/account"
    assert "rep@example.org" in reporter.get("/account").get_data(as_text=True)
    assert _password(moderator, "mod@example.org").headers["Location"] == \
        "/account/two-factor"


def test_wrong_codes_are_throttled_with_429_and_retry_after(site):
    engine, server, _tmp = site
    _login(server.test_client(), "mod@example.org")  # enrolled
    client = server.test_client()
    _password(client, "mod@example.org")
    token = _csrf(client, "/account/two-factor")
    box = SecretBox.from_settings(current_settings(server))
    secret = logins.stored_secret(engine, box, "mod@example.org")
    now = dt.datetime.now(dt.UTC)
    right = {pyotp.TOTP(secret).at(now + dt.timedelta(seconds=d)) for d in (-60, -30, 0, 30, 60)}
    wrong = [c for c in ("111111", "222222", "333333", "444444", "555555", "666666",
                         "777777") if c not in right][:5]
    statuses = [client.post("/account/two-factor", data={"code": code, "csrf_token": token}
                            ).status_code for code in wrong]
    assert statuses == [401] * 5
    throttled = client.post("/account/two-factor",
                            data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert throttled.status_code == 429
    assert 0 < int(throttled.headers["Retry-After"]) <= 15 * 60
    assert "Too many wrong codes" in throttled.get_data(as_text=True)
    assert _whoami(client) == "nobody"
    french = client.post("/account/two-factor?lang=fr", data={"code": "123456",
                                                              "csrf_token": token})
    assert french.status_code == 429 and "Trop de codes" in french.get_data(as_text=True)


def test_a_recovery_code_logs_in_once_and_new_ones_replace_them(site):
    engine, server, _tmp = site
    first = server.test_client()
    page = _login(first, "mod@example.org").get_data(as_text=True)
    codes = re.findall(r"<li><code>([a-z2-9-]{19})</code></li>", page)
    client = server.test_client()
    _password(client, "mod@example.org")
    token = _csrf(client, "/account/two-factor")
    used = client.post("/account/two-factor", data={"code": codes[0], "csrf_token": token})
    assert used.status_code == 200 and "9 left" in used.get_data(as_text=True)
    assert _whoami(client) == "mod@example.org"
    account = client.get("/account").get_data(as_text=True)
    assert "9 unused recovery codes" in account
    made = client.post("/account/recovery-codes", data={"csrf_token": _csrf(client, "/account")})
    fresh = re.findall(r"<li><code>([a-z2-9-]{19})</code></li>", made.get_data(as_text=True))
    assert made.status_code == 200 and len(fresh) == 10 and not set(fresh) & set(codes)
    other = server.test_client()
    _password(other, "mod@example.org")
    token = _csrf(other, "/account/two-factor")
    assert other.post("/account/two-factor", data={"code": codes[1], "csrf_token": token}
                      ).status_code == 401  # replaced
    assert other.post("/account/two-factor", data={"code": fresh[0], "csrf_token": token}
                      ).status_code == 200


def test_an_admin_resets_a_second_factor_and_the_member_s_sessions_end(site):
    engine, server, _tmp = site
    admin, member = server.test_client(), server.test_client()
    _login(admin, "admin@example.org")
    _login(member, "mod@example.org")
    assert _whoami(member) == "mod@example.org"
    page = admin.get("/admin").get_data(as_text=True)
    assert "/admin/users/reset-second-factor" in page
    done = admin.post("/admin/users/reset-second-factor", data={
        "email": "mod@example.org", "csrf_token": _csrf(admin, "/admin")})
    body = done.get_data(as_text=True)
    assert done.status_code == 200 and "Second factor of mod@example.org reset" in body
    assert "second_factor_reset" in body and "admin@example.org" in body  # audited
    assert _whoami(member) == "nobody"
    again = server.test_client()
    _password(again, "mod@example.org")
    assert "totp-secret" in again.get("/account/two-factor").get_data(as_text=True)  # anew
    reporter = server.test_client()
    _login(reporter, "rep@example.org")
    assert reporter.post("/admin/users/reset-second-factor", data={
        "email": "mod@example.org", "csrf_token": _csrf(reporter, "/account")}
    ).status_code == 403


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
            "email": "res@example.org", "password": GOOD, "csrf_token": token,
            "next": target})
        assert response.headers["Location"] == "/account"
        token = _csrf(client)


def test_logging_in_many_times_with_wrong_passwords_is_throttled(site):
    _engine, server, _tmp = site
    client = server.test_client()
    statuses = [_password(client, "rep@example.org", f"guess {i}").status_code
                for i in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429
    refused = _password(client, "rep@example.org")
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 15 * 60


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


def test_a_lost_vault_key_asks_for_an_admin_s_reset_instead_of_failing(site):
    _engine, server, tmp_path = site
    _login(server.test_client(), "mod@example.org")  # enrolled under the kept vault key
    (tmp_path / "instance" / "vault_key").write_text(Fernet.generate_key().decode())
    client = server.test_client()
    _password(client, "mod@example.org")
    token = _csrf(client, "/account/two-factor")
    locked = client.post("/account/two-factor", data={"code": "123456", "csrf_token": token})
    assert locked.status_code == 403 and "ask an admin to reset it" in locked.get_data(
        as_text=True)
    assert _whoami(client) == "nobody"
