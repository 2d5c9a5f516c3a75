"""The header links to /report, /my-records, /moderate (and subject access) and /admin, per role."""

from __future__ import annotations

import json

import pytest

from dashboard import ids
from dashboard.components.nav import role_links
from data.people.accounts import get_user
from data.people.sessions import end_sessions
from tests import factories
from tests.security.web import log_in_as

REPORT, MINE, MODERATE, ADMIN = "/report", "/my-records", "/moderate", "/admin"
SUBJECT = "/moderate/subject-access"


@pytest.mark.parametrize("role, organisation, expected", [
    (None, False, []),
    ("researcher", False, []),
    ("reporter", True, [REPORT, MINE]),
    ("reporter", False, []),  # recording needs an organisation
    ("moderator", False, [MODERATE, SUBJECT]),
    ("moderator", True, [REPORT, MINE, MODERATE, SUBJECT]),
    ("admin", False, [MODERATE, SUBJECT, ADMIN]),
    ("admin", True, [REPORT, MINE, MODERATE, SUBJECT, ADMIN]),
])
def test_each_role_gets_the_pages_it_can_use(role, organisation, expected):
    assert [path for _, path in role_links(role, organisation)] == expected


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with factories.site(tmp_path_factory.mktemp("nav"),
                        organisations=(("ngo-graz", "An NGO in Graz", "AT"),),
                        accounts=(("rep@example.org", "reporter", "ngo-graz"),
                                  ("res@example.org", "researcher", None),
                                  ("mod@example.org", "moderator", None),
                                  ("adm@example.org", "admin", None))) as site:
        yield site.engine, site.app


def _answer(client, app, search: str = "", pathname: str = "/") -> list[dict]:
    """The role link items the real callback answers with."""
    key = next(k for k in app.callback_map if k.startswith(ids.NAV_ROLES + "."))
    payload = {"output": key, "outputs": {"id": ids.NAV_ROLES, "property": "children"},
               "inputs": [{"id": ids.SHELL_URL, "property": "pathname", "value": pathname},
                          {"id": ids.SHELL_URL, "property": "search", "value": search}],
               "changedPropIds": [f"{ids.SHELL_URL}.pathname"]}
    answer = client.post("/_dash-update-component", data=json.dumps(payload),
                         content_type="application/json")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return [item["props"]["children"]["props"]
            for item in answer.get_json()["response"][ids.NAV_ROLES]["children"]]


def _links(client, app, search: str = "", pathname: str = "/") -> list[tuple[str, str]]:
    """The role links of the real callback's answer, as (text, href)."""
    return [(a["children"], a["href"]) for a in _answer(client, app, search, pathname)]


@pytest.mark.parametrize("email, expected", [
    (None, []),
    ("res@example.org", []),
    ("rep@example.org", [REPORT, MINE]),
    ("mod@example.org", [MODERATE, SUBJECT]),
    ("adm@example.org", [MODERATE, SUBJECT, ADMIN]),
])
def test_the_header_shows_each_session_its_links(site, email, expected):
    engine, app = site
    client = app.server.test_client()
    if email:
        log_in_as(client, engine, email)
    links = _links(client, app)
    assert [href for _, href in links] == expected
    for _, href in links:  # every link leads to a page the user may open
        assert client.get(href).status_code == 200, href


def test_the_links_follow_the_language_and_mark_the_current_page(site):
    engine, app = site
    client = app.server.test_client()
    log_in_as(client, engine, "rep@example.org")
    assert _links(client, app, "?lang=de") == [
        ("Einen Vorfall erfassen", "/report?lang=de"),
        ("Die Datensätze Ihrer Organisation", "/my-records?lang=de")]
    on_form = _answer(client, app, pathname="/report")
    assert [a["className"] for a in on_form] == ["nav-link current", "nav-link"]


def test_a_session_that_ended_gets_no_links(site):
    engine, app = site
    client = app.server.test_client()
    log_in_as(client, engine, "adm@example.org")
    end_sessions(engine, get_user(engine, email="adm@example.org").id)  # e.g. a new password
    assert _links(client, app) == []
