"""Every state-changing route refuses another site's requests (Origin, else Referer).

The routes are read from the app's URL map, so a route added later is covered without
editing this file. The check is :mod:`dashboard.auth.origin`; the routes' own checks
(session, CSRF token, role) are tested beside them.
"""

from __future__ import annotations

import json
import re

import pytest

from dashboard import ids
from dashboard.auth.origin import CROSS_SITE, STATE_CHANGING, UNNAMED
from tests import factories
from tests.security.web import log_in_as

SITE = "http://localhost"
#: Rules the enumeration must find (a guard against enumerating nothing).
EXPECTED = {"/account/login", "/account/logout", "/account/two-factor", "/account/password",
            "/account/change-password", "/admin/users", "/admin/users/active",
            "/moderate/action", "/moderate/record/<incident_id>", "/my-records/<incident_id>",
            "/records/<incident_id>/people", "/records/<incident_id>/anonymise",
            "/moderate/subject-access", "/_dash-update-component"}
FOREIGN = [{"Origin": "https://evil.example"},
           {"Origin": "null"},
           {"Origin": "http://localhost.evil.example"},
           {"Origin": "", "Referer": "https://evil.example/page"},
           {"Origin": "", "Referer": "http://localhost:8050/account"}]  # another port


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with factories.site(tmp_path_factory.mktemp("origin"),
                        organisations=(("ngo-graz", "An NGO in Graz", "AT"),),
                        accounts=(("adm@example.org", "admin", "ngo-graz"),)) as built:
        yield built


def _writes(server) -> list[tuple[str, str]]:
    """(method, URL) of every state-changing rule; path arguments are 1."""
    urls = server.url_map.bind("localhost")
    return [(method, urls.build(rule.endpoint, dict.fromkeys(rule.arguments, 1), method=method))
            for rule in server.url_map.iter_rules()
            for method in sorted(rule.methods & STATE_CHANGING)]


def test_the_enumeration_finds_every_kind_of_write(site):
    found = {re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule.rule)
             for rule in site.server.url_map.iter_rules() if rule.methods & STATE_CHANGING}
    assert found >= EXPECTED, EXPECTED - found


def _refused_by_origin(answer) -> bool:
    body = answer.get_data(as_text=True)
    return answer.status_code == 403 and (CROSS_SITE in body or UNNAMED in body)


@pytest.mark.parametrize("headers", FOREIGN)
def test_another_sites_request_is_refused_on_every_write(site, headers):
    client = site.client()
    csrf = log_in_as(client, site.engine, "adm@example.org")
    for method, url in _writes(site.server):
        answer = client.open(url, method=method, headers=headers,
                             data={"csrf_token": csrf, "confirm": "yes"})
        assert _refused_by_origin(answer), (method, url, answer.status_code)
        assert "Set-Cookie" not in answer.headers and answer.headers["Cache-Control"] == \
            "no-store"


def test_a_request_naming_no_site_is_refused_when_it_carries_a_cookie(site):
    client = site.client()
    csrf = log_in_as(client, site.engine, "adm@example.org")
    for method, url in _writes(site.server):
        answer = client.open(url, method=method, headers={"Origin": ""},
                             data={"csrf_token": csrf})
        assert _refused_by_origin(answer), (method, url, answer.status_code)
        assert UNNAMED in answer.get_data(as_text=True)


def _body(url: str, csrf: str) -> dict:
    if url == "/_dash-update-component":
        return {"json": _page_callback("/about")}
    return {"data": {"csrf_token": csrf}}


def test_this_sites_requests_pass_on_to_the_routes_own_checks(site):
    for headers in ({"Origin": SITE}, {"Origin": "", "Referer": SITE + "/moderate?x=1"},
                    {"Origin": "HTTP://LOCALHOST"}):
        for method, url in _writes(site.server):
            client = site.client()  # a new session each time: one of the routes logs out
            csrf = log_in_as(client, site.engine, "adm@example.org")
            answer = client.open(url, method=method, headers=headers, **_body(url, csrf))
            assert not _refused_by_origin(answer), (method, url, headers)
            assert answer.status_code < 500, (method, url, answer.get_data(as_text=True))
    # a request without any cookie cannot act with a session: the route decides (here: the
    # login form's CSRF check, since a cookie-less browser has no token)
    bare = site.client()
    answer = bare.post("/account/login", headers={"Origin": ""}, data={"email": "x"})
    assert answer.status_code == 403 and "expired or came from another site" in \
        answer.get_data(as_text=True)


def _page_callback(pathname: str) -> dict:
    return {"output": f"{ids.PAGE}.children", "outputs": {"id": ids.PAGE, "property": "children"},
            "inputs": [{"id": ids.SHELL_URL, "property": "pathname", "value": pathname}],
            "state": [{"id": ids.SHELL_URL, "property": "search", "value": ""}],
            "changedPropIds": [f"{ids.SHELL_URL}.pathname"]}


def test_dash_callbacks_acting_with_a_session_must_come_from_this_site(site):
    client = site.client()
    log_in_as(client, site.engine, "adm@example.org")
    body = json.dumps(_page_callback("/about"))

    def post(who, headers):
        return who.post("/_dash-update-component", data=body, content_type="application/json",
                        headers=headers)

    for headers in FOREIGN:
        answer = post(client, headers)
        assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "cross_site"
    assert post(client, {"Origin": ""}).status_code == 403  # a cookie, no site named
    assert post(client, {"Origin": SITE}).status_code == 200
    # the public map's callbacks answer scripts that send no cookie (they act with nobody)
    assert post(site.client(), {"Origin": ""}).status_code == 200
    assert post(site.client(), {"Origin": "https://evil.example"}).status_code == 403


def test_behind_a_proxy_the_forwarded_host_is_this_site(tmp_path):
    with factories.site(tmp_path, accounts=(("adm@example.org", "admin", None),),
                        proxies=1) as built:
        client = built.server.test_client()
        csrf = log_in_as(client, built.engine, "adm@example.org")
        cookie = client.get_cookie("incidentmap_session").value
        client.set_cookie("incidentmap_session", cookie, domain="map.example.org")
        public = {"Host": "map.example.org", "X-Forwarded-Proto": "https",
                  "X-Forwarded-For": "203.0.113.9"}
        form = {"csrf_token": csrf, "slug": "ngo-new", "name": "New", "country": "DE"}

        def post(origin, **extra):
            return client.post("/admin/organisations", data=form,
                               headers={**public, "Origin": origin, **extra})

        assert _refused_by_origin(post(SITE))  # the app's own address is not the site's
        done = post("https://map.example.org", **{"X-Forwarded-Host": "evil.example"})
        assert done.status_code == 200 and "ngo-new" in done.get_data(as_text=True)
        assert _refused_by_origin(post("https://evil.example",
                                       **{"X-Forwarded-Host": "evil.example"}))
