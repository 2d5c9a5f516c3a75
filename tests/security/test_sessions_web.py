"""Sessions over HTTP on both backends: a cookie saved before logout (or before the account
changed) opens nothing; idle timeout and lifetime; the cookie is sent only when it changes."""

from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
from sqlalchemy import select, update

from data.people.accounts import get_user, set_active
from data.people.sessions import end_sessions
from data.store.schema import user_sessions, users
from tests.conftest import BACKENDS
from tests.logins import log_in_to
from tests.security.web import log_in_as

GOOD = "correct horse battery staple"
COOKIE = "incidentmap_session"
LOGIN = "/account/login?next=/account"


@pytest.fixture(params=BACKENDS)
def site(request, make_site):
    return make_site(request.param, organisations=(("ngo-athens", "An NGO in Athens", "GR"),),
                     accounts=(("rep@example.org", "reporter", "ngo-athens"),
                               ("mod@example.org", "moderator", None),
                               ("adm@example.org", "admin", None)), password=GOOD)


def _csrf(client, path="/account/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _log_in(server, email="rep@example.org"):
    """A new browser logged in through the forms (password, then a real one-time code);
    returns it and its CSRF token."""
    client = server.test_client()
    log_in_to(client, email, GOOD)
    assert client.get("/account").status_code == 200
    return client, _csrf(client, "/account")


def _saved(client) -> str:
    return client.get_cookie(COOKIE).value


def _replay(server, cookie: str, csrf: str):
    """What a browser holding a copy of ``cookie`` gets: /account and a write.

    The write (a password change with a wrong current password) answers 400 to a live
    session and 401 without one; it changes nothing either way.
    """
    def thief():  # a new copy each time: an ended session's cookie is emptied at once
        client = server.test_client()
        client.set_cookie(COOKIE, cookie)
        return client

    page = thief().get("/account")
    write = thief().post("/account/change-password", data={
        "current": "not the password", "password": "x", "again": "x", "csrf_token": csrf})
    return page, write


def _lands_on_login(server, cookie: str, csrf: str) -> bool:
    page, write = _replay(server, cookie, csrf)
    return page.status_code == 303 and page.headers["Location"] == LOGIN and \
        write.status_code == 401


def test_the_cookie_holds_an_opaque_id_and_the_csrf_token_only(site):
    client, csrf = _log_in(site.server)
    serializer = site.server.session_interface.get_signing_serializer(site.server)
    content = serializer.loads(_saved(client))
    assert set(content) == {"sid", "csrf", "_permanent"} and content["csrf"] == csrf
    assert len(content["sid"]) >= 40 and "rep@example.org" not in str(content)
    with site.engine.connect() as conn:
        stored = conn.execute(select(user_sessions.c.token_hash)).scalars().all()
    assert content["sid"] not in stored and len(stored) == 1


def test_a_cookie_saved_before_logout_opens_nothing(site):
    client, csrf = _log_in(site.server)
    saved = _saved(client)
    page, write = _replay(site.server, saved, csrf)
    assert (page.status_code, write.status_code) == (200, 400)  # a copy works until logout
    out = client.post("/account/logout", data={"csrf_token": csrf})
    assert out.status_code == 303 and COOKIE in out.headers["Set-Cookie"]
    assert _lands_on_login(site.server, saved, csrf)
    assert client.get("/account").headers["Location"] == LOGIN


def test_a_password_change_ends_every_other_session_and_this_one_goes_on(site):
    first, first_csrf = _log_in(site.server)
    second, csrf = _log_in(site.server)
    before = _saved(second)
    changed = second.post("/account/change-password", data={
        "current": GOOD, "password": "a brand new passphrase", "again":
        "a brand new passphrase", "csrf_token": csrf})
    assert changed.status_code == 200 and "other sessions have ended" in \
        changed.get_data(as_text=True)
    assert _lands_on_login(site.server, _saved(first), first_csrf)
    assert _lands_on_login(site.server, before, csrf)  # this browser's cookie before it
    assert second.get("/account").status_code == 200  # ... which got a new session


def test_disabling_the_account_ends_its_sessions(site):
    client, csrf = _log_in(site.server)
    admin = site.server.test_client()
    token = log_in_as(admin, site.engine, "adm@example.org")
    done = admin.post("/admin/users/active", data={
        "email": "rep@example.org", "active": "0", "csrf_token": token})
    assert done.status_code == 200
    assert _lands_on_login(site.server, _saved(client), csrf)
    set_active(site.engine, "rep@example.org", True)  # enabled again: a new login is needed
    assert _lands_on_login(site.server, _saved(client), csrf)


def test_a_session_version_bump_ends_every_session(site):
    client, csrf = _log_in(site.server)
    with site.engine.begin() as conn:  # as a second-factor reset does
        conn.execute(update(users).where(users.c.email == "rep@example.org")
                     .values(session_version=users.c.session_version + 1))
    assert _lands_on_login(site.server, _saved(client), csrf)
    again, again_csrf = _log_in(site.server)
    assert end_sessions(site.engine, site.users["rep"].id) == 1
    assert _lands_on_login(site.server, _saved(again), again_csrf)


def test_a_new_second_factor_ends_earlier_sessions(site):
    earlier = site.server.test_client()
    csrf = log_in_as(earlier, site.engine, "mod@example.org")
    assert earlier.get("/account").status_code == 200
    browser = site.server.test_client()
    login = browser.post("/account/login", data={
        "email": "mod@example.org", "password": GOOD, "csrf_token": _csrf(browser)})
    assert login.headers["Location"] == "/account/two-factor"
    page = browser.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r'class="totp-secret">([A-Z2-7]+)<', page).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    done = browser.post("/account/two-factor",
                        data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert done.status_code == 200 and "recovery-codes" in done.get_data(as_text=True)
    assert _lands_on_login(site.server, _saved(earlier), csrf)
    assert browser.get("/account").status_code == 200


def _age(engine, **times) -> None:
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        conn.execute(update(user_sessions).values(
            **{name: now - delta for name, delta in times.items()}))


def test_idle_sessions_and_old_sessions_end(make_site):
    site = make_site(accounts=(("rep@example.org", "researcher", None),), password=GOOD,
                     session_idle_minutes=30, session_hours=4)
    client, csrf = _log_in(site.server)
    _age(site.engine, last_seen_at=dt.timedelta(minutes=29))
    assert client.get("/account").status_code == 200  # used in time: it goes on
    _age(site.engine, last_seen_at=dt.timedelta(minutes=31))
    assert _lands_on_login(site.server, _saved(client), csrf)
    active, csrf = _log_in(site.server)
    _age(site.engine, created_at=dt.timedelta(hours=4, minutes=1),
         last_seen_at=dt.timedelta(minutes=1))
    assert _lands_on_login(site.server, _saved(active), csrf)
    assert active.get("/account").headers["Location"] == LOGIN


#: Anonymous and logged-in visitors: none of these answers sends the session cookie again.
QUIET = ["/", "/about", "/incidents", "/assets/style.css", "/geo/eu27.geojson",
         "/data-protection", "/api/v1/taxonomy", "/api/v1/stats?group_by=country",
         "/_dash-layout", "/_dash-dependencies", "/account", "/admin"]


def test_the_cookie_is_sent_only_when_the_session_changes(site):
    anonymous = site.server.test_client()
    for path in QUIET:
        answer = anonymous.get(path)
        assert "Set-Cookie" not in answer.headers, path
    first = anonymous.get("/account/login")  # the login form's CSRF token is needed
    assert COOKIE in first.headers["Set-Cookie"]
    assert "Set-Cookie" not in anonymous.get("/account/login").headers  # the same token
    client, csrf = _log_in(site.server)
    cookie = _saved(client)
    for path in QUIET:
        answer = client.get(path)
        assert "Set-Cookie" not in answer.headers, path
    assert _saved(client) == cookie
    assert "Set-Cookie" not in client.get("/").headers
    out = client.post("/account/logout", data={"csrf_token": csrf})
    assert COOKIE in out.headers["Set-Cookie"]  # emptied
    assert client.get_cookie(COOKIE) is None


def test_an_ended_session_is_forgotten_by_the_browser(site):
    client, _csrf_token = _log_in(site.server)
    end_sessions(site.engine, get_user(site.engine, email="rep@example.org").id)
    answer = client.get("/account")
    assert answer.headers["Location"] == LOGIN
    assert COOKIE in answer.headers["Set-Cookie"] and client.get_cookie(COOKIE) is None
