"""Page /report over HTTP: who may open it, and write callbacks refused without CSRF/origin."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from dashboard.pages.report import form as rf
from dashboard.pages.report import page as report
from data.store.schema import incidents, reports
from tests import logins
from tests.data.records.test_reports import valid_form

GOOD = "correct horse battery staple"
HOST = "localhost"


@pytest.fixture
def site(make_site):
    built = make_site(organisations=(("ngo-leipzig", "An NGO in Leipzig", "DE"),),
                      accounts=(("rep@example.org", "reporter", "ngo-leipzig"),
                                ("res@example.org", "researcher", None)), password=GOOD)
    return built.engine, built.app


def _login(client, email):
    logins.log_in_to(client, email, GOOD, "/")  # reporters give a real one-time code
    with client.session_transaction() as session:
        return session["csrf"]


def test_anonymous_visitors_are_sent_to_the_login(site):
    _engine, app = site
    response = app.server.test_client().get("/report")
    assert response.status_code == 303
    assert response.headers["Location"] == "/account/login?next=%2Freport"
    french = app.server.test_client().get("/report?lang=fr")
    assert french.headers["Location"] == "/account/login?next=%2Freport%3Flang%3Dfr"


def test_other_roles_get_403_and_reporters_the_page(site):
    _engine, app = site
    researcher = app.server.test_client()
    _login(researcher, "res@example.org")
    assert researcher.get("/report").status_code == 403
    reporter = app.server.test_client()
    _login(reporter, "rep@example.org")
    assert reporter.get("/report").status_code == 200


def _submit_key(app) -> str:
    return next(k for k in app.callback_map if report.OUTCOME in k)


def _payload(app, token, key, form_values: dict) -> dict:
    slots = list(rf.FIELDS)  # one message slot per validated field, in page order
    raw = {**{name: None for name in rf.INPUTS}, **form_values}
    states = [{"id": report.CSRF, "property": "data", "value": token},
              {"id": report.KEY, "property": "data", "value": key},
              {"id": "report-point", "property": "data", "value": None},
              {"id": report.LANG, "property": "data", "value": "en"}]
    states += [{"id": rf.field_id(n), "property": "value", "value": raw[n]} for n in rf.INPUTS]
    return {
        "output": _submit_key(app),
        "outputs": [[{"id": {"type": rf.MESSAGE, "field": f}, "property": "children"}
                     for f in slots], {"id": report.OUTCOME, "property": "children"}],
        "inputs": [{"id": "report-submit", "property": "n_clicks", "value": 1}],
        "changedPropIds": ["report-submit.n_clicks"], "state": states,
    }


def _as_typed(form: dict) -> dict:
    """The page's input values for a validator-format form (tick boxes as lists)."""
    out = dict(form)
    for name, kind in rf.KINDS.items():
        if kind == "check":
            out[name] = [rf.YES] if form.get(name) else []
    return out


def _post(client, payload, origin=f"http://{HOST}"):
    headers = {"Origin": origin or ""}  # "": none at all
    return client.post("/_dash-update-component", data=json.dumps(payload),
                       content_type="application/json", headers=headers)


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_the_submit_callback_checks_csrf_origin_and_role(site):
    engine, app = site
    client = app.server.test_client()
    token = _login(client, "rep@example.org")
    typed = _as_typed(valid_form(date="2020-03-05", place="Leipzig"))
    key = "k" * 22
    assert _post(client, _payload(app, "wrong", key, typed)).status_code == 403
    assert _post(client, _payload(app, None, key, typed)).status_code == 403
    assert _post(client, _payload(app, token, key, typed),
                 origin="https://evil.example").status_code == 403
    assert _post(client, _payload(app, token, key, typed), origin=None).status_code == 403
    assert _count(engine, incidents) == 0 and _count(engine, reports) == 0
    anonymous = app.server.test_client()
    assert _post(anonymous, _payload(app, token, key, typed)).status_code == 401
    researcher = app.server.test_client()
    other = _login(researcher, "res@example.org")
    assert _post(researcher, _payload(app, other, key, typed)).status_code == 403
    done = _post(client, _payload(app, token, key, typed))
    assert done.status_code == 200, done.get_data(as_text=True)
    assert "status submitted" in done.get_data(as_text=True)
    again = _post(client, _payload(app, token, key, typed))  # a double click
    assert "Already submitted" in again.get_data(as_text=True)
    assert _count(engine, incidents) == 1


def test_a_failed_submit_answers_with_field_messages_only(site):
    engine, app = site
    client = app.server.test_client()
    token = _login(client, "rep@example.org")
    typed = _as_typed(valid_form(date="2999-01-01"))
    answer = _post(client, _payload(app, token, "f" * 22, typed))
    assert answer.status_code == 200
    body = answer.get_json()["response"]
    slot = '{{"field":"{}","type":"report-msg"}}'.format
    assert set(body) == {report.OUTCOME, *(slot(f) for f in rf.FIELDS)}  # no input values
    by_field = {f: body[slot(f)]["children"] for f in rf.FIELDS}
    assert "This date is after today." in json.dumps(by_field["date"])
    assert [f for f, m in by_field.items() if m] == ["date"]  # nothing else flagged
    assert "correct the fields" in json.dumps(body[report.OUTCOME])
    assert _count(engine, incidents) == 0


def test_every_problem_message_and_own_hint_is_marked_for_translation():
    from dashboard.pages.report.texts import PROBLEM_MESSAGES
    from ingest.form import MESSAGES

    texts = {text for pair in MESSAGES.values() for text in pair if text}
    assert texts - set(PROBLEM_MESSAGES) == set()


def test_the_form_has_a_message_slot_and_a_question_for_every_checked_field():
    from dashboard.pages.report.texts import QUESTIONS

    shown = {name for fields in rf.SECTION_FIELDS.values() for name in fields}
    assert set(rf.FIELDS) <= shown and shown <= set(QUESTIONS)
    assert not any("residence" in name for name in (*rf.INPUTS, *QUESTIONS))


def test_every_form_field_has_its_words():
    """The texts are keyed by the declared fields: a question each, a label per choice."""
    from dashboard.pages.report.texts import (
        CHOICE_LABELS,
        PROBLEM_MESSAGES,
        QUESTIONS,
        SECTIONS,
    )
    from data.records.form_fields import FORM_FIELDS
    from data.records.form_fields import SECTIONS as SECTION_IDS

    assert set(QUESTIONS) == {f.name for f in FORM_FIELDS}
    assert tuple(key for key, _title, _help in SECTIONS) == SECTION_IDS
    labelled = {f.name: f.values for f in FORM_FIELDS
                if f.kind in ("radio", "dropdown", "checklist")}
    assert {name: set(labels) for name, labels in CHOICE_LABELS.items()} == {
        name: set(values) for name, values in labelled.items()}
    assert all(f.hint in PROBLEM_MESSAGES for f in FORM_FIELDS if f.hint)


def test_resuming_a_draft_logs_every_personal_field_it_shows(site):
    """Victim attributes and the offence label are personal data too, not only the account."""
    from data.people.access_log import recent_access
    from data.people.accounts import get_user
    from data.records.reports import new_key, save_draft

    engine, app = site
    client = app.server.test_client()
    token = _login(client, "rep@example.org")
    typed = {**_as_typed(valid_form(victim_gender="female", victim_groups=["muslim"],
                                    national_offence_label="Beleidigung")),
             "bias_indicator_notes": ""}
    draft_id = save_draft(engine, get_user(engine, email="rep@example.org"), new_key(), typed)
    key = next(k for k in app.callback_map if report.RESUME_STATUS in k)
    trigger = {"draft": draft_id, "type": report.RESUME}
    answer = _post(client, {
        "output": key,
        "outputs": [{"id": i, "property": p}
                    for i, p in (o.rsplit(".", 1) for o in key.strip(".").split("..."))],
        "inputs": [[{"id": trigger, "property": "n_clicks", "value": 1}]],
        "changedPropIds": [json.dumps(trigger, separators=(",", ":")) + ".n_clicks"],
        "state": [{"id": report.CSRF, "property": "data", "value": token},
                  {"id": report.LANG, "property": "data", "value": "en"}]})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    read = recent_access(engine).iloc[0]
    assert (read["kind"], read["record_ids"]) == ("draft", f"draft:{draft_id}")
    assert read["fields"].split(",") == [
        "time_of_day", "place", "national_offence_label", "victim_groups", "victim_gender",
        "narrative", "narrative_lang"]
