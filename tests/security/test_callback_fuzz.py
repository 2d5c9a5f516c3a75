"""Every malformed or type-confused Dash callback body answers 400 (or what a valid one gets).

The bodies are built from ``app.callback_map`` (:mod:`tests.security.callback_bodies`): every
callback of the app, server-side or computed in the browser, is sent non-JSON bodies, JSON of
the wrong shape, missing keys, unknown outputs, wrong ``changedPropIds`` and, in place of each
input and state, values of every JSON type (null, numbers, text, a 100,000-character string,
lists, objects, deep nesting); anonymously and as a logged-in reporter and moderator (with
their real CSRF token, so the write callbacks run). None may answer 500. A bug in a callback
still must: the last test plants one.
"""

from __future__ import annotations

import json
import logging

import pytest
from dash import Input, Output
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.pages.report import page as report
from data.people.accounts import get_user
from data.records.reports import new_key, save_draft
from tests import factories
from tests.security.callback_bodies import (
    NOT_OBJECTS,
    broken_shapes,
    well_formed,
    wrong_values,
)
from tests.security.web import log_in_as

PATH = "/_dash-update-component"
SAME_SITE = {"Origin": "http://localhost"}
#: What a body may get: a result, nothing to update, refused as malformed, not allowed.
ANSWERS = {200, 204, 400, 401, 403}
ROLES = ("anonymous", "reporter", "moderator")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with factories.site(tmp_path_factory.mktemp("fuzz"), demo_rows=300,
                        organisations=(("org-a", "Alpha", "DE"),)) as built:
        yield built


@pytest.fixture(scope="module")
def callers(site):
    """Role -> (test client, the values its page holds: CSRF token, form key, drafts)."""
    out = {}
    for role in ROLES:
        client = site.client()
        token = None
        if role != "anonymous":
            token = log_in_as(client, site.engine, f"{role}@example.org", role, "org-a")
        out[role] = (client, {report.CSRF: token, report.KEY: new_key(), report.LANG: "en"})
    reporter = get_user(site.engine, email="reporter@example.org")
    draft = save_draft(site.engine, reporter, new_key(), {"narrative": "typed"})
    pattern = next(d["id"] for c in site.app.callback_map.values() for d in c["inputs"]
                   if report.RESUME in d["id"])
    out["matches"] = {pattern: [{"draft": draft, "type": report.RESUME}]}
    return out


def _server_side(site) -> dict:
    return {key: c for key, c in site.app.callback_map.items() if "callback" in c}


def _send(client, body, content_type="application/json"):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(PATH, data=raw, content_type=content_type, headers=SAME_SITE)


def _check(answer, name: str, failures: list) -> None:
    if answer.status_code not in ANSWERS:
        failures.append(f"{answer.status_code} {name}")
    elif answer.status_code == 400:
        error = (answer.get_json(silent=True) or {}).get("error", {})
        if error.get("code") != "bad_callback" or not error.get("message"):
            failures.append(f"400 without a message: {name}")


def test_the_map_holds_every_callback_and_the_fuzz_reaches_them(site):
    keys = site.app.callback_map
    assert len(keys) >= 25
    assert any(report.DRAFT_STATUS in k for k in _server_side(site))
    assert any("callback" not in c for c in keys.values())  # computed in the browser


@pytest.mark.parametrize("role", ROLES)
def test_well_formed_bodies_pass_the_check(site, callers, role):
    """The check refuses nothing the page sends: no plausible body gets a 400."""
    client, values = callers[role]
    for key, callback in _server_side(site).items():
        answer = _send(client, well_formed(key, callback, values, callers["matches"]))
        assert answer.status_code in ({200, 204} if role == "reporter" else
                                      {200, 204, 401, 403}), (key, answer.get_data()[:300])


@pytest.mark.parametrize("role", ROLES)
def test_malformed_bodies_answer_400_never_500(site, callers, role):
    client, values = callers[role]
    failures: list[str] = []
    for content_type, raw in NOT_OBJECTS:
        answer = _send(client, raw, content_type)
        _check(answer, f"raw {raw[:12]!r}", failures)
        assert answer.status_code == 400, raw[:20]
    for key, callback in site.app.callback_map.items():
        body = well_formed(key, callback, values, callers["matches"])
        for name, broken in broken_shapes(body):
            answer = _send(client, broken)
            _check(answer, f"{key[:50]} {name}", failures)
            if answer.status_code != 400:
                failures.append(f"{answer.status_code} (not 400) {key[:50]} {name}")
    assert not failures, f"{len(failures)} bodies: " + "\n".join(failures[:40])


@pytest.mark.parametrize("role", ROLES)
def test_values_of_every_type_in_every_input_never_answer_500(site, callers, role):
    client, values = callers[role]
    failures: list[str] = []
    for key, callback in _server_side(site).items():
        body = well_formed(key, callback, values, callers["matches"])
        for name, changed in wrong_values(body):
            _check(_send(client, changed), f"{key[:50]} {name}", failures)
    assert not failures, f"{len(failures)} bodies: " + "\n".join(failures[:40])


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                   HealthCheck.too_slow])
@given(data=st.data())
def test_random_values_in_random_places_never_answer_500(site, callers, data):
    """Hypothesis: several inputs of one callback changed at once, as a logged-in reporter."""
    client, values = callers["reporter"]
    callbacks = _server_side(site)
    key = data.draw(st.sampled_from(sorted(callbacks)))
    body = well_formed(key, callbacks[key], values, callers["matches"])
    places = [(w, i) for w in ("inputs", "state") for i, d in enumerate(body[w])
              if isinstance(d, dict)]
    for where, position in data.draw(st.lists(st.sampled_from(places), max_size=4)):
        body[where][position]["value"] = data.draw(JSON)
    failures: list[str] = []
    _check(_send(client, body), key, failures)
    assert not failures, failures


def test_a_bug_in_a_callback_is_still_a_logged_500(make_site, caplog):
    built = make_site()
    built.app.callback(Output("planted-out", "children"),
                       Input("planted-in", "value"))(lambda value: 1 / 0)
    body = {"output": "planted-out.children", "outputs": {"id": "planted-out",
                                                          "property": "children"},
            "inputs": [{"id": "planted-in", "property": "value", "value": 1}],
            "changedPropIds": ["planted-in.value"]}
    with caplog.at_level(logging.ERROR):
        answer = _send(built.client(), body)
    assert answer.status_code == 500
    assert "ZeroDivisionError" in caplog.text
