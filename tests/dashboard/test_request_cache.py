"""The logged-in user and the snapshot are cached per request, never across requests.

They used to be kept in ``flask.g``, which belongs to the application context. Flask reuses an
application context that is already active, so a test holding ``app.app_context()`` while its
client made several requests saw the first request's answers in the later ones: an anonymous
API request, then an admin login, and ``/admin`` still redirected to the login page (the cause
of the "admin session redirected to the login" puzzle noted in issue 5).
"""

from __future__ import annotations

import pytest

from tests.data.export.export_store import CANARY_RECORDS
from tests.factories import add_record
from tests.security.web import log_in_as


@pytest.fixture
def site(make_site):
    built = make_site(demo_rows=20, records=CANARY_RECORDS,
                      accounts=(("adm@example.org", "admin", None),))
    return built.engine, built.server


@pytest.mark.parametrize("public", ["/api/v1/stats?group_by=country",
                                    "/api/v1/incidents?format=csv", "/"])
def test_a_login_after_public_requests_counts_in_one_application_context(site, public):
    engine, server = site
    client = server.test_client()
    with server.app_context():  # what a test may hold; every request below shares it
        assert client.get(public).status_code == 200
        log_in_as(client, engine, "adm@example.org")
        response = client.get("/admin")
        assert response.status_code == 200, response.headers.get("Location")
        with client.session_transaction() as session:
            session.clear()  # logged out: the next request is anonymous again
        assert client.get("/admin").status_code == 303


def test_each_request_sees_the_data_of_its_time(site):
    engine, server = site
    client = server.test_client()
    with server.app_context():
        before = client.get("/api/v1/stats?group_by=country").get_json()["total"]
        add_record(engine, slug="open-monitor", policy="open", status="published",
                   public_id="later1")
        after = client.get("/api/v1/stats?group_by=country").get_json()["total"]
    assert after == before + 1
