"""Personal API tokens over HTTP, on both backends.

Made and revoked on /account (shown once); sent as ``Authorization: Bearer`` to /api/v1 they
give the owner's projection and every use is in the access log with the token; never in the
URL, never on a write route, a page or a Dash callback; a revoked token or a disabled
account's token answers 401 with a JSON message.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from data.people.access_log import recent_access
from data.people.accounts import get_user, set_active
from tests.conftest import BACKENDS
from tests.data.export.export_store import CANARY_RECORDS
from tests.security.web import log_in_as

MEMBER = "memberrec1"
TOKEN = re.compile(r'<code id="new-api-token">([^<]+)</code>')


@pytest.fixture(scope="module", params=BACKENDS)
def site(request, tmp_path_factory):
    from tests import factories

    with factories.site(tmp_path_factory.mktemp("tokens"), request.param, demo_rows=50,
                        records=CANARY_RECORDS,
                        accounts=(("res@example.org", "researcher", None),
                                  ("res2@example.org", "researcher", None),
                                  ("mod@example.org", "moderator", None))) as built:
        yield built


def _new_token(site, email="res@example.org", name="nightly", **form) -> str:
    client = site.server.test_client()
    csrf = log_in_as(client, site.engine, email)
    answer = client.post("/account/api-tokens", data={"name": name, "csrf_token": csrf,
                                                      **form})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return TOKEN.search(answer.get_data(as_text=True)).group(1)


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _member_row(client, headers) -> dict:
    body = client.get("/api/v1/incidents?source=member&per_page=1000", headers=headers)
    assert body.status_code == 200, body.get_data(as_text=True)
    return next(r for r in body.get_json()["data"] if r["public_id"] == MEMBER)


def test_a_token_is_shown_once_and_listed_without_its_secret(site):
    client = site.server.test_client()
    csrf = log_in_as(client, site.engine, "res@example.org")
    last = dt.date.today() + dt.timedelta(days=365)
    made = client.post("/account/api-tokens", data={"name": "listed", "csrf_token": csrf,
                                                    "expires": last.isoformat()})
    secret = TOKEN.search(made.get_data(as_text=True)).group(1)
    assert made.headers["Cache-Control"] == "no-store"
    page = client.get("/account").get_data(as_text=True)
    ends = f"{last + dt.timedelta(days=1):%Y-%m-%d} 00:00 UTC"
    assert secret not in page and "listed" in page and ends in page
    assert "new-api-token" not in page


def test_the_token_gives_its_owner_s_projection_and_every_use_is_logged(site):
    secret = _new_token(site)
    anonymous = site.server.test_client()
    assert _member_row(anonymous, {})["nuts3"] is None
    row = _member_row(anonymous, _bearer(secret))
    assert (row["nuts3"], row["geo_precision"]) == ("DE212", "nuts3")
    page = recent_access(site.engine, limit=1).iloc[0]
    assert (page["email"], page["kind"], page["role"]) == ("res@example.org", "api-page",
                                                           "researcher")
    token_id = page["token_id"]
    assert token_id is not None and "source=member" in page["query"]
    csv = anonymous.get("/api/v1/incidents?format=csv&source=member", headers=_bearer(secret))
    assert "DE212" in csv.get_data(as_text=True)
    stats = anonymous.get("/api/v1/stats?group_by=country", headers=_bearer(secret))
    assert stats.status_code == 200 and "Authorization" in stats.headers["Vary"]
    entries = recent_access(site.engine, limit=2)
    assert list(entries["kind"]) == ["api-stats", "csv"]
    assert set(entries["token_id"]) == {token_id}
    # a cached answer (304) is a use too
    tag = anonymous.get("/api/v1/taxonomy", headers=_bearer(secret))
    assert recent_access(site.engine, limit=1).iloc[0]["kind"] == "api-taxonomy"
    again = anonymous.get("/api/v1/stats?group_by=country", headers={
        **_bearer(secret), "If-None-Match": stats.headers["ETag"]})
    assert again.status_code == 304 and tag.status_code == 200
    assert recent_access(site.engine, limit=1).iloc[0]["kind"] == "api-stats"


def test_the_account_page_shows_when_a_token_was_last_used(site):
    secret = _new_token(site, name="used-once")
    site.server.test_client().get("/api/v1/taxonomy", headers=_bearer(secret))
    client = site.server.test_client()
    log_in_as(client, site.engine, "res@example.org")
    page = client.get("/account").get_data(as_text=True)
    row = page.split("used-once", 1)[1].split("</tr>", 1)[0]
    assert " UTC" in row and ">never<" not in row and ">active<" in row


def test_a_token_in_the_url_is_refused(site):
    secret = _new_token(site)
    for name in ("access_token", "token", "api_token"):
        answer = site.server.test_client().get(f"/api/v1/incidents?{name}={secret}")
        assert answer.status_code == 400
        assert "never in the URL" in answer.get_json()["error"]["message"]


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/account/change-password"),
    ("POST", "/account/api-tokens"),
    ("POST", "/_dash-update-component"),
    ("POST", "/api/v1/incidents"),
    ("GET", "/account"),
    ("GET", "/moderate"),
    ("GET", "/"),
])
def test_a_token_is_never_accepted_outside_reads_of_the_api(site, method, path):
    secret = _new_token(site)
    answer = site.server.test_client().open(path, method=method, headers=_bearer(secret),
                                            json={})
    assert answer.status_code == 403
    assert "only read" in answer.get_json()["error"]["message"]


def test_revoked_tokens_and_disabled_accounts_answer_401_with_a_message(site):
    client = site.server.test_client()
    csrf = log_in_as(client, site.engine, "res2@example.org")
    page = client.post("/account/api-tokens", data={"name": "to revoke", "csrf_token": csrf})
    secret = TOKEN.search(page.get_data(as_text=True)).group(1)
    token_id = re.search(r'action="/account/api-tokens/(\d+)/revoke"',
                         page.get_data(as_text=True)).group(1)
    api = site.server.test_client()
    assert api.get("/api/v1/taxonomy", headers=_bearer(secret)).status_code == 200
    revoked = client.post(f"/account/api-tokens/{token_id}/revoke", data={"csrf_token": csrf})
    assert revoked.status_code == 200 and "The token is revoked." in revoked.get_data(
        as_text=True)
    refused = api.get("/api/v1/incidents", headers=_bearer(secret))
    assert refused.status_code == 401 and "revoked" in refused.get_json()["error"]["message"]
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert refused.get_json()["error"]["message"].startswith("This API token was revoked on")
    second = _new_token(site, email="res2@example.org")
    set_active(site.engine, "res2@example.org", False)
    try:
        refused = api.get("/api/v1/incidents", headers=_bearer(second))
        assert refused.status_code == 401
        assert "disabled" in refused.get_json()["error"]["message"]
    finally:
        set_active(site.engine, "res2@example.org", True)
    unknown = api.get("/api/v1/incidents", headers=_bearer("imt_not-a-token"))
    assert unknown.status_code == 401 and "not known" in unknown.get_json()["error"]["message"]


def test_another_account_cannot_revoke_a_token(site):
    client = site.server.test_client()
    csrf = log_in_as(client, site.engine, "res@example.org")
    page = client.post("/account/api-tokens", data={"name": "mine", "csrf_token": csrf})
    token_id = re.search(r'action="/account/api-tokens/(\d+)/revoke"',
                         page.get_data(as_text=True)).group(1)
    other = site.server.test_client()
    other_csrf = log_in_as(other, site.engine, "res2@example.org")
    answer = other.post(f"/account/api-tokens/{token_id}/revoke",
                        data={"csrf_token": other_csrf})
    assert answer.status_code == 404 and "no such token" in answer.get_data(as_text=True)


def test_moderators_get_no_tokens(site):
    client = site.server.test_client()
    csrf = log_in_as(client, site.engine, "mod@example.org")
    assert "API tokens" not in client.get("/account").get_data(as_text=True)
    assert client.post("/account/api-tokens", data={"name": "x", "csrf_token": csrf}
                       ).status_code == 403


def test_bad_form_values_get_clear_messages_in_the_page_s_language(site):
    client = site.server.test_client()
    csrf = log_in_as(client, site.engine, "res@example.org")
    for form, message in (({"name": " "}, "Give the token a name"),
                          ({"name": "x", "expires": "soon"}, "a date such as 2027-06-30"),
                          ({"name": "x", "expires": "2001-01-01"}, "in the past"),
                          ({"name": "x", "expires": "9999-12-31"}, "more than 5 years")):
        answer = client.post("/account/api-tokens", data={**form, "csrf_token": csrf})
        assert answer.status_code == 400 and message in answer.get_data(as_text=True)
    german = client.post("/account/api-tokens", data={"name": "", "csrf_token": csrf,
                                                      "lang": "de"})
    assert "Geben Sie dem Token einen Namen" in german.get_data(as_text=True)
    assert client.post("/account/api-tokens", data={"name": "x"}).status_code == 403


def test_the_token_owner_is_the_caller_even_with_another_session_cookie(site):
    secret = _new_token(site)
    client = site.server.test_client()
    log_in_as(client, site.engine, "mod@example.org")
    client.get("/api/v1/taxonomy", headers=_bearer(secret))
    entry = recent_access(site.engine, limit=1).iloc[0]
    assert entry["email"] == "res@example.org"
    assert get_user(site.engine, email="mod@example.org").active
