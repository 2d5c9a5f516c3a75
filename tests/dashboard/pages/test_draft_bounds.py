"""Drafts and staff forms are bounded: one rule (data.records.bounds), clear messages.

The report form's inputs take at most their limit from the form-field table, a draft as a
whole at most ``DRAFT_MAX_BYTES``; a refused save says what to shorten in the page's language
and loses nothing (the draft saved before stays, the form keeps what was typed). Staff forms
(admin, moderation) are held to their columns' lengths by the same rule.
"""

from __future__ import annotations

import json

import pytest

from dashboard import i18n
from dashboard.pages.report import form as rf
from dashboard.pages.report import page as report
from data.people.accounts import AccountError, add_organisation, get_user, list_organisations
from data.records import bounds
from data.records.form_fields import FIELDS_BY_NAME
from data.records.reports import DraftTooLarge, list_drafts, new_key, save_draft
from data.records.workflow import WorkflowError, transition
from tests.security.callback_bodies import well_formed
from tests.security.web import log_in_as

SAME_SITE = {"Origin": "http://localhost"}


@pytest.fixture
def site(make_site):
    built = make_site(organisations=(("org-a", "Alpha", "DE"),),
                      accounts=(("rep@example.org", "reporter", "org-a"),
                                ("mod@example.org", "moderator", "org-a")))
    return built


def _full_form(taxonomy) -> dict:
    """Every input at its limit, in 4-byte characters; every choice of every list ticked."""
    form = {}
    for field in FIELDS_BY_NAME.values():
        name, kind = field.sent_as, rf.KINDS[field.sent_as]
        if field.taxonomy:
            form[name] = list(taxonomy.codes(field.taxonomy))
        elif kind in rf.LIST_KINDS:
            form[name] = list(field.values or [rf.YES])
        else:
            form[name] = "😀" * bounds.INPUT_LIMITS[name]
    return form


def test_the_limits_come_from_the_form_field_table():
    assert bounds.INPUT_LIMITS["narrative"] == FIELDS_BY_NAME["narrative"].limit == 20_000
    assert bounds.INPUT_LIMITS["place"] == FIELDS_BY_NAME["location"].limit
    assert bounds.INPUT_LIMITS["date"] == bounds.SHORT_TEXT  # no limit of its own
    assert set(bounds.INPUT_LIMITS) == set(rf.INPUTS)


def test_a_form_within_every_limit_always_fits_the_total(site):
    form = {**_full_form(site.context.taxonomy), "_point": {"lat": 52.5, "lon": 13.4}}
    assert bounds.draft_too_long(form) == []
    assert len(json.dumps(form, ensure_ascii=False).encode()) < bounds.DRAFT_MAX_BYTES
    user = site.users["rep"]
    assert save_draft(site.engine, user, new_key(), form)


def test_too_long_inputs_and_too_large_drafts_are_refused_and_nothing_is_lost(site):
    user, engine = site.users["rep"], site.engine
    key = new_key()
    save_draft(engine, user, key, {"narrative": "what was typed first"})
    for form, unit in (({"narrative": "n" * 20_001}, "characters"),
                       ({"date": "2024-03-05" * 100}, "characters"),
                       ({"victim_groups": ["muslim"] * (bounds.MAX_ITEMS + 1)}, "items"),
                       ({"victim_groups": ["m" * 1_000]}, "characters"),
                       ({"_point": {"lat": "x" * 11_000_000}}, "bytes")):
        with pytest.raises(DraftTooLarge) as refused:
            save_draft(engine, user, key, form)
        assert refused.value.found[0].unit == unit
    [kept] = list_drafts(engine, user)
    assert kept.form == {"narrative": "what was typed first"}


def _save_body(site, client, token, lang, **typed):
    key = next(k for k in site.app.callback_map if report.DRAFT_STATUS in k)
    values = {report.CSRF: token, report.KEY: new_key(), report.LANG: lang,
              **{rf.field_id(name): value for name, value in typed.items()}}
    return key, well_formed(key, site.app.callback_map[key], values)


def test_the_page_says_what_to_shorten_in_its_language(site):
    client = site.client()
    token = log_in_as(client, site.engine, "rep@example.org")
    _key, body = _save_body(site, client, token, "fr", narrative="n" * 20_001)
    answer = client.post("/_dash-update-component", json=body, headers=SAME_SITE)
    assert answer.status_code == 200
    out = answer.get_json()["response"]
    message = out[report.DRAFT_STATUS]["children"]
    assert message.startswith("Non enregistré : « Ce qui s'est passé"), message
    assert f"{i18n.number(20_001, 'fr')} caractères, au plus {i18n.number(20_000, 'fr')}" \
        in message
    assert report.DRAFTS not in out  # the list of drafts is left as it was
    assert list_drafts(site.engine, get_user(site.engine, email="rep@example.org")) == []
    _key, fine = _save_body(site, client, token, "de", narrative="kurz")
    saved = client.post("/_dash-update-component", json=fine, headers=SAME_SITE).get_json()
    assert saved["response"][report.DRAFT_STATUS]["children"].startswith("Entwurf")


def test_a_place_too_long_to_look_up_gets_a_message(site):
    client = site.client()
    log_in_as(client, site.engine, "rep@example.org")
    key = next(k for k in site.app.callback_map if "report-find-msg" in k)
    body = well_formed(key, site.app.callback_map[key], {
        rf.field_id("place"): "Leipzig" * 100, rf.field_id("country"): "DE",
        report.LANG: "de"})
    answer = client.post("/_dash-update-component", json=body, headers=SAME_SITE)
    assert answer.status_code == 200
    assert "zu lang" in answer.get_json()["response"]["report-find-msg"]["children"]


def test_staff_forms_are_held_to_their_columns(site):
    engine = site.engine
    with pytest.raises(AccountError, match="at most 200 characters"):
        add_organisation(engine, "org-long", "N" * 201, "DE")
    with pytest.raises(WorkflowError, match="longer than 5000"):
        transition(engine, [1], "verified", site.users["mod"], reason="r" * 5_001)
    admin = site.client()
    token = log_in_as(admin, engine, "admin@example.org", "admin")
    refused = admin.post("/admin/organisations", headers=SAME_SITE, data={
        "slug": "org-long", "name": "N" * 201, "country": "DE", "csrf_token": token})
    assert refused.status_code == 400 and "at most 200 characters" in refused.text
    assert "org-long" not in [o.slug for o in list_organisations(engine)]
