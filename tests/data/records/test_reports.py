"""The recording form's data layer: checks by ingest's rules, drafts, exactly-once submits."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from data.people.accounts import add_user, get_user
from data.records.reports import (
    ReportError,
    list_drafts,
    load_draft,
    new_key,
    save_draft,
    submit,
)
from data.reference.taxonomy import load_taxonomy
from data.store.schema import incident_bias_motivations, incidents, reports
from geo.assign import load_boundaries
from ingest.form import FIELDS, form_context, validate_report
from ingest.normalise.dates import DateProblem, parse_date
from ingest.normalise.locate import Locator
from ingest.normalise.record import COUNTRY_HINTS
from tests import factories

TAX = load_taxonomy()
TODAY = dt.date(2026, 6, 1)


def valid_form(**changes) -> dict:
    """A complete, valid form as the page sends it."""
    form = {
        "date": "2026-03-05", "date_precision": "day", "time_of_day": "evening",
        "country": "DE", "is_online": False, "location_type": "street_public_space",
        "place": "Leipzig", "geo_precision": "municipality",
        "types": ["it.violent_attack.physical_assault", "it.verbal_abuse"],
        "types_primary": "it.violent_attack.physical_assault", "attempted": False,
        "harm_severity": "minor_injury", "classification": "hate_crime",
        "bias": ["bm.racism_xenophobia.anti_migrant"], "indicators": ["bi.offender_remarks"],
        "target_type": "individual", "victim_count": "1", "perpetrator_type":
        "group_of_individuals", "reported_to_police": "no", "reasons_not_reported":
        ["distrust_police"], "source_type": "victim", "narrative": "Two men shouted and hit.",
        "narrative_lang": "de", "consent_record": True, "consent_share_network": True,
        "consent_publish_aggregate": True,
    }
    form.update(changes)
    return form


@pytest.fixture(scope="module")
def ctx():
    return form_context(TAX, Locator(load_boundaries(None)), today=TODAY)


@pytest.fixture
def store(tmp_path):
    with factories.store(tmp_path, organisations=(
            ("ngo-leipzig", "An NGO in Leipzig", "DE"), ("ngo-lyon", "An NGO in Lyon", "FR")),
            accounts=(("a@example.org", "reporter", "ngo-leipzig"),
                      ("a2@example.org", "reporter", "ngo-leipzig"),
                      ("b@example.org", "reporter", "ngo-lyon"))) as built:
        yield built.engine, built.users


def _fields(checked) -> dict[str, str]:
    return {p.field: p.code for p in checked.problems}


# --- validation reuses ingest's rules ----------------------------------------------------

def test_a_complete_form_passes_and_is_placed_by_the_gazetteer(ctx):
    checked = validate_report(valid_form(), ctx)
    assert checked.problems == [] and checked.record is not None
    values = checked.record.values
    assert (values["date_start"], values["date_precision"]) == (dt.date(2026, 3, 5), "day")
    assert values["geo_precision"] == "municipality" and values["country"] == "DE"
    assert abs(values["lat"] - 51.34) < 0.1 and values["place_name"] == "Leipzig"
    assert checked.record.codes["type"][0] == "it.violent_attack.physical_assault"
    assert values["consent_record"] is True and values["consent_police_referral"] is False


def test_date_messages_are_ingests_own(ctx):
    for typed, code in (("2026-07-01", "date_future"), ("2026-02-30", "date_impossible"),
                        ("", "date_missing"), ("next tuesday", "date_unparseable")):
        checked = validate_report(valid_form(date=typed), ctx)
        assert checked.record is None
        found = [p for p in checked.problems if p.field == "date"]
        assert [p.code for p in found] == [code], typed
        with pytest.raises(DateProblem) as raised:
            parse_date(typed or None, today=TODAY)
        assert found[0].hint == raised.value.hint  # the same text ingest reports


def test_country_message_is_ingests_own(ctx):
    checked = validate_report(valid_form(country="Norway"), ctx)
    assert _fields(checked) == {"country": "country_out_of_scope"}
    assert checked.problems[0].hint == COUNTRY_HINTS["out_of_scope"]


def test_the_claimed_date_precision_must_match_what_was_typed(ctx):
    checked = validate_report(valid_form(date="2026-03"), ctx)
    assert _fields(checked) == {"date": "date_precision_mismatch"}
    month = validate_report(valid_form(date="2026-03", date_precision="month"), ctx)
    assert month.record.values["date_end"] == dt.date(2026, 3, 31)  # never a day invented
    year = validate_report(valid_form(date="2025", date_precision="year"), ctx)
    assert year.record.values["date_precision"] == "year"


def test_field_level_problems_name_their_fields(ctx):
    form = valid_form(bias=[], types=["it.threat", "it.verbal_abuse"], types_primary="",
                      indicators=["bi.not_a_code"], target_type="spaceship", victim_count="0",
                      narrative=" ", consent_record=False, source_type="")
    assert _fields(validate_report(form, ctx)) == {
        "bias": "bias_missing", "types": "primary_missing", "indicators": "label_unrecognised",
        "target_type": "invalid_choice", "victim_count": "count_invalid",
        "narrative": "required", "consent_record": "consent_required",
        "source_type": "required"}
    assert all(p.message and p.hint for p in validate_report(form, ctx).problems)


def test_location_checks_points_against_the_country(ctx):
    paris = valid_form(place="", lat="48.8566", lon="2.3522", geo_precision="exact")
    assert _fields(validate_report(paris, ctx)) == {"location": "point_contradicts_country"}
    berlin = validate_report({**paris, "lat": "52.52", "lon": "13.405"}, ctx)
    assert berlin.record.values["geo_precision"] == "exact"
    nowhere = valid_form(place="Xyzzyville")
    assert _fields(validate_report(nowhere, ctx)) == {"location": "place_not_found"}
    missing = valid_form(place="")
    assert _fields(validate_report(missing, ctx)) == {"location": "location_missing"}
    country = validate_report(valid_form(place="Leipzig", geo_precision="country"), ctx)
    values = country.record.values
    assert values["geo_precision"] == "country" and values["lat"] is None
    assert values["nuts3"] is None  # precision is never invented


def test_residence_status_has_no_field(ctx):
    assert not any("residence" in name or "status" in name for name in FIELDS)
    checked = validate_report(valid_form(victim_residence_status="undocumented"), ctx)
    assert "undocumented" not in repr(checked.record)
    assert not any("residence" in column.name for column in incidents.c)


# --- drafts and submits --------------------------------------------------------------------

def test_drafts_resume_exactly_within_the_organisation(store):
    engine, users = store
    typed = valid_form(date="5 März 2026", narrative="half-written…", victim_count="abc")
    key = new_key()
    draft_id = save_draft(engine, users["a"], key, typed)
    assert save_draft(engine, users["a"], key, {**typed, "place": "Halle"}) == draft_id
    resumed = load_draft(engine, users["a2"], draft_id)  # a colleague of the same NGO
    assert resumed.form == {**typed, "place": "Halle"} and resumed.key == key
    assert [d.id for d in list_drafts(engine, users["a2"])] == [draft_id]
    assert list_drafts(engine, users["b"]) == []
    with pytest.raises(ReportError):
        load_draft(engine, users["b"], draft_id)


def test_the_same_key_twice_makes_one_incident(store, ctx):
    engine, users = store
    record = validate_report(valid_form(), ctx).record
    key = new_key()
    first = submit(engine, users["a"], key, valid_form(), record, TAX.version)
    again = submit(engine, users["a2"], key, valid_form(), record, TAX.version)
    assert (again.incident_id, again.again, first.again) == (first.incident_id, True, False)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(incidents)).scalar() == 1
        row = conn.execute(select(incidents).where(incidents.c.id == first.incident_id)).one()
        primary = conn.execute(select(incident_bias_motivations.c.code).where(
            incident_bias_motivations.c.is_primary)).scalars().all()
    assert (row.status, row.policy, row.organisation_id) == ("submitted", "member", 1)
    assert primary == ["bm.racism_xenophobia.anti_migrant"]
    with pytest.raises(ReportError):
        save_draft(engine, users["a"], key, valid_form())  # submitted: no longer a draft


def test_submitting_a_draft_turns_it_into_the_incident(store, ctx):
    engine, users = store
    key = new_key()
    draft_id = save_draft(engine, users["a"], key, {"date": "2026-03-05"})
    done = submit(engine, users["a"], key, valid_form(),
                  validate_report(valid_form(), ctx).record, TAX.version)
    with engine.connect() as conn:
        row = conn.execute(select(reports).where(reports.c.id == draft_id)).one()
    assert (row.status, row.incident_id) == ("submitted", done.incident_id)
    assert list_drafts(engine, users["a"]) == []


def test_another_organisation_cannot_submit_over_a_draft(store, ctx):
    engine, users = store
    key = new_key()
    draft_id = save_draft(engine, users["a"], key, {"date": "2026-03-05"})
    record = validate_report(valid_form(), ctx).record
    theirs = submit(engine, users["b"], key, valid_form(), record, TAX.version)
    assert load_draft(engine, users["a"], draft_id).form == {"date": "2026-03-05"}
    with engine.connect() as conn:
        org = conn.execute(select(incidents.c.organisation_id).where(
            incidents.c.id == theirs.incident_id)).scalar()
    assert org == users["b"].organisation_id != users["a"].organisation_id


def test_only_recording_roles_with_an_organisation_may_write(store):
    engine, _users = store
    researcher = get_user(engine, add_user(engine, "r@example.org", "researcher"))
    moderator = get_user(engine, add_user(engine, "m@example.org", "moderator"))
    for user in (researcher, moderator):
        with pytest.raises(ReportError):
            save_draft(engine, user, new_key(), {})
    with pytest.raises(ReportError):
        save_draft(engine, _users["a"], "short", {})
