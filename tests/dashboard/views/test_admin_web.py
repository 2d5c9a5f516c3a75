"""The admin page over HTTP: roles, CSRF, one-time links, disabling, the access log."""

from __future__ import annotations

import csv
import io
import re

import pytest

from data.people.access_log import log_access
from data.people.accounts import get_user, list_organisations, redeem_password_link
from tests.security.web import log_in_as

GOOD = "correct horse battery staple"


@pytest.fixture
def site(make_site):
    built = make_site(organisations=(("ngo-athens", "An NGO in Athens", "GR"),))
    engine, server = built.engine, built.server
    admin = server.test_client()
    token = log_in_as(admin, engine, "admin@example.org", "admin")
    return engine, server, admin, token


@pytest.mark.parametrize("role", ["researcher", "reporter", "moderator"])
def test_only_admins_see_or_use_the_page(site, role):
    engine, server, _admin, _token = site
    anonymous = server.test_client()
    response = anonymous.get("/admin")
    assert response.status_code == 303
    assert response.headers["Location"] == "/account/login?next=/admin"
    assert anonymous.post("/admin/organisations", data={"slug": "x-y-z"}).status_code == 401
    assert anonymous.get("/admin/access-log.csv").status_code == 401
    other = server.test_client()
    token = log_in_as(other, engine, f"{role}@example.org", role, "ngo-athens")
    assert other.get("/admin").status_code == 403
    assert other.get("/admin/access-log.csv").status_code == 403
    refused = other.post("/admin/organisations", data={
        "slug": "sneaky-org", "name": "Sneaky", "country": "DE", "csrf_token": token})
    assert refused.status_code == 403
    assert [o.slug for o in list_organisations(engine)] == ["ngo-athens"]


def test_admin_lists_and_adds_organisations_with_csrf_only(site):
    engine, _server, admin, token = site
    page = admin.get("/admin")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "ngo-athens" in body and "admin@example.org" in body
    form = {"slug": "ngo-berlin", "name": "Berlin NGO", "country": "de"}
    assert admin.post("/admin/organisations", data=form).status_code == 403
    assert admin.post("/admin/organisations", data={**form, "csrf_token": "forged"}
                      ).status_code == 403
    assert "ngo-berlin" not in [o.slug for o in list_organisations(engine)]
    done = admin.post("/admin/organisations", data={**form, "csrf_token": token})
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    assert ("ngo-berlin", "DE") in [(o.slug, o.country) for o in list_organisations(engine)]
    again = admin.post("/admin/organisations", data={**form, "csrf_token": token})
    assert again.status_code == 400 and "already exists" in again.get_data(as_text=True)


def test_a_new_users_link_is_shown_once_and_works(site):
    engine, _server, admin, token = site
    done = admin.post("/admin/users", data={
        "email": "New@Example.org", "role": "reporter", "organisation": "ngo-athens",
        "csrf_token": token})
    body = done.get_data(as_text=True)
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    link = re.search(r'id="one-time-link">([^<]+)<', body).group(1)
    secret = link.split("token=", 1)[1]
    assert link.startswith("http://localhost/account/password?token=")
    later = admin.get("/admin").get_data(as_text=True)
    assert secret not in later and "one-time-link" not in later
    assert "new@example.org" in later
    user = redeem_password_link(engine, secret, GOOD)
    assert user.email == "new@example.org" and user.role == "reporter"
    fresh = admin.post("/admin/users/link", data={"email": "new@example.org",
                                                  "csrf_token": token})
    assert "one-time-link" in fresh.get_data(as_text=True)
    assert admin.post("/admin/users/link", data={"email": "new@example.org"}
                      ).status_code == 403
    bad = admin.post("/admin/users", data={"email": "r2@example.org", "role": "reporter",
                                           "csrf_token": token})
    assert bad.status_code == 400 and "organisation" in bad.get_data(as_text=True)


def test_disabling_a_user_ends_their_sessions(site):
    engine, server, admin, token = site
    reporter = server.test_client()
    log_in_as(reporter, engine, "rep@example.org", "reporter", "ngo-athens")
    assert reporter.get("/account").status_code == 200
    assert admin.post("/admin/users/active", data={"email": "rep@example.org",
                                                   "active": "0"}).status_code == 403
    assert reporter.get("/account").status_code == 200
    done = admin.post("/admin/users/active", data={"email": "rep@example.org", "active": "0",
                                                   "csrf_token": token})
    assert done.status_code == 200 and not get_user(engine, email="rep@example.org").active
    assert reporter.get("/account").status_code == 303  # the session is over
    own = admin.post("/admin/users/active", data={"email": "admin@example.org", "active": "0",
                                                  "csrf_token": token})
    assert own.status_code == 400 and get_user(engine, email="admin@example.org").active
    admin.post("/admin/users/active", data={"email": "rep@example.org", "active": "1",
                                            "csrf_token": token})
    assert get_user(engine, email="rep@example.org").active


def test_the_access_log_is_listed_and_downloaded_as_safe_csv(site):
    engine, server, admin, _token = site
    researcher = server.test_client()
    log_in_as(researcher, engine, "res@example.org", "researcher")
    reader = get_user(engine, email="res@example.org")
    log_access(engine, user_id=reader.id, role="researcher", kind="csv",
               query="=HYPERLINK(\"http://evil.example\")", records=12, data_release="r1")
    log_access(engine, user_id=reader.id, role="researcher", kind="api-page",
               query="country=DE&page=2", records=3, data_release="r1")
    page = admin.get("/admin").get_data(as_text=True)
    assert "country=DE&amp;page=2" in page and "res@example.org" in page
    download = admin.get("/admin/access-log.csv")
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("text/csv")
    assert download.headers["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True))))
    assert [r["kind"] for r in rows] == ["api-page", "csv"]  # newest first
    assert rows[0]["email"] == "res@example.org" and rows[0]["records"] == "3"
    assert rows[1]["query"].startswith("'=")
    assert researcher.get("/admin/access-log.csv").status_code == 403
