"""Writes need a session, the role and the CSRF token; organisations stay apart."""

from __future__ import annotations

import re

import pytest

from dashboard.pages.report import page as report
from data.people.accounts import get_user
from data.records.reports import ReportError, list_drafts, load_draft, new_key, save_draft
from tests.security.web import log_in_as


@pytest.fixture
def site(make_site):
    built = make_site(organisations=(("org-alpha", "Alpha", "DE"), ("org-beta", "Beta", "AT")))
    return built.engine, built.server


def _post_rules(server) -> list[str]:
    return sorted({re.sub(r"<int:[a-z_]+>", "1", rule.rule) for rule in
                   server.url_map.iter_rules() if "POST" in rule.methods
                   and rule.rule != "/_dash-update-component"})


def test_every_post_route_refuses_csrf_less_and_anonymous_writes(site):
    engine, server = site
    rules = _post_rules(server)
    assert "/admin/users" in rules and "/account/change-password" in rules
    for rule in rules:
        anonymous = server.test_client().post(rule, data={"x": "1"})
        assert anonymous.status_code in (401, 403), rule
    for role in ("reporter", "moderator", "admin"):
        client = server.test_client()
        log_in_as(client, engine, f"{role}@example.org", role, "org-alpha")
        for rule in rules:
            refused = client.post(rule, data={"x": "1"})
            assert refused.status_code == 403, (role, rule)
            forged = client.post(rule, data={"csrf_token": "forged"},
                                 headers={"X-CSRF-Token": "forged"})
            assert forged.status_code == 403, (role, rule)
        assert client.get("/account").status_code == 200  # still logged in: nothing written


def _callback(output: str, token, key="k" * 16):
    states = [{"id": report.CSRF, "property": "data", "value": token},
              {"id": report.KEY, "property": "data", "value": key},
              {"id": "report-point", "property": "data", "value": None},
              {"id": report.LANG, "property": "data", "value": "en"}]
    states += [{"id": s.component_id, "property": s.component_property, "value": None}
               for s in report.FIELD_STATES]
    return {"output": output, "outputs": [{"id": i, "property": "children"} for i in
                                          (report.DRAFT_STATUS, report.DRAFTS)],
            "inputs": [{"id": "report-save", "property": "n_clicks", "value": 1}],
            "state": states, "changedPropIds": ["report-save.n_clicks"]}


def test_dash_write_callbacks_need_same_site_session_and_token(site):
    engine, server = site
    output = f"..{report.DRAFT_STATUS}.children...{report.DRAFTS}.children.."
    client = server.test_client()
    foreign = client.post("/_dash-update-component", json=_callback(output, "x"),
                          headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    no_origin = client.post("/_dash-update-component", json=_callback(output, "x"),
                            headers={"Origin": ""})
    assert no_origin.status_code == 403
    same = {"Origin": "http://localhost"}
    anonymous = client.post("/_dash-update-component", json=_callback(output, "x"),
                            headers=same)
    assert anonymous.status_code == 401
    log_in_as(client, engine, "rep@example.org", "reporter", "org-alpha")
    for wrong in (None, "forged", ""):
        refused = client.post("/_dash-update-component", json=_callback(output, wrong),
                              headers=same)
        assert refused.status_code == 403
    user = get_user(engine, email="rep@example.org")
    assert list_drafts(engine, user) == []
    researcher = server.test_client()
    other = log_in_as(researcher, engine, "res@example.org", "researcher")
    assert researcher.post("/_dash-update-component", json=_callback(output, other),
                           headers=same).status_code == 403


def test_one_organisation_cannot_read_or_overwrite_anothers_drafts(site):
    engine, server = site
    for email, org in (("a@example.org", "org-alpha"), ("b@example.org", "org-beta")):
        log_in_as(server.test_client(), engine, email, "reporter", org)
    alpha, beta = (get_user(engine, email=e) for e in ("a@example.org", "b@example.org"))
    key = new_key()
    draft = save_draft(engine, alpha, key, {"narrative": "alpha only"})
    with pytest.raises(ReportError):
        load_draft(engine, beta, draft)
    assert list_drafts(engine, beta) == []
    save_draft(engine, beta, key, {"narrative": "beta's own"})  # same key: its own draft
    assert load_draft(engine, alpha, draft).form == {"narrative": "alpha only"}
    client = server.test_client()
    log_in_as(client, engine, "b@example.org")
    csv = client.get("/account/odihr.csv?organisation=org-alpha")
    assert 'filename="odihr-org-beta.csv"' in csv.headers.get("Content-Disposition", "")
    assert "alpha only" not in csv.get_data(as_text=True)
