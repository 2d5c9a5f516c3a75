"""/moderate and /my-records over HTTP: access, CSRF and origin, batches, organisations."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from data.records.workflow import transition
from data.store.schema import incidents
from tests.data.records.workflow_store import STAFF, link_duplicates, new_record
from tests.security.web import client_as

ORIGIN = {"Origin": "http://localhost"}


@pytest.fixture
def site(make_site):
    built = make_site(**STAFF)
    return built.engine, built.users, built.app




def _status(engine, rid) -> str:
    with engine.connect() as conn:
        return conn.execute(select(incidents.c.status).where(incidents.c.id == rid)).scalar()


def _public_id(engine, rid) -> str:
    with engine.connect() as conn:
        return conn.execute(select(incidents.c.public_id)
                            .where(incidents.c.id == rid)).scalar()


def test_only_moderators_and_admins_open_the_queue(site):
    engine, users, app = site
    rid = new_record(engine, users["rep"])
    anonymous = client_as(app).get("/moderate?status=submitted")
    assert anonymous.status_code == 303
    assert anonymous.headers["Location"] == \
        "/account/login?next=%2Fmoderate%3Fstatus%3Dsubmitted"
    for who in ("rep", "res"):
        assert client_as(app, users[who]).get("/moderate").status_code == 403
        assert client_as(app, users[who]).get(f"/moderate/record/{rid}").status_code == 403
    page = client_as(app, users["mod"]).get("/moderate").get_data(as_text=True)
    assert _public_id(engine, rid) in page and "An NGO in Leipzig" in page
    assert _public_id(engine, rid) not in client_as(app, users["admin"]).get(
        "/moderate?country=FR").get_data(as_text=True)
    french = client_as(app, users["mod"]).get("/moderate?lang=fr").get_data(as_text=True)
    assert "Vérifier" in french


def test_bulk_actions_need_csrf_and_this_sites_origin(site):
    engine, users, app = site
    rid = new_record(engine, users["rep"])
    client = client_as(app, users["mod"])
    form = {"ids": [str(rid)], "action": "verified", "csrf_token": "t" * 32}
    assert client.post("/moderate/action", data={**form, "csrf_token": "wrong"},
                       headers=ORIGIN).status_code == 403
    assert client.post("/moderate/action", data=form,
                       headers={"Origin": "https://evil.example"}).status_code == 403
    assert client.post("/moderate/action", data=form,
                       headers={"Origin": ""}).status_code == 403  # no origin
    assert client_as(app, users["rep"]).post("/moderate/action", data=form,
                                           headers=ORIGIN).status_code == 403
    assert _status(engine, rid) == "submitted"
    done = client.post("/moderate/action", data=form, headers=ORIGIN)
    assert done.status_code == 303 and "done=1" in done.headers["Location"]
    assert _status(engine, rid) == "verified"


def test_a_bulk_publish_with_one_illegal_record_changes_nothing(site):
    engine, users, app = site
    good, stuck = new_record(engine, users["rep"]), new_record(engine, users["rep"])
    transition(engine, [good], "verified", users["mod"], summary="An attack in Leipzig.")
    answer = client_as(app, users["mod"]).post(
        "/moderate/action", headers=ORIGIN, data={"ids": [str(good), str(stuck)],
                                                  "action": "published",
                                                  "csrf_token": "t" * 32})
    assert answer.status_code == 409
    text = answer.get_data(as_text=True)
    assert f"Record {_public_id(engine, stuck)}: a submitted record cannot become" in text
    assert _public_id(engine, good) not in re.findall(r'role="alert">([^<]*)<', text)[0]
    assert (_status(engine, good), _status(engine, stuck)) == ("verified", "submitted")


def test_the_record_view_compares_likely_duplicates_and_marks_one(site):
    engine, users, app = site
    first, second = new_record(engine, users["rep"]), new_record(engine, users["other"],
                                                                 country="FR", place="Lyon")
    link_duplicates(engine, first, second)
    client = client_as(app, users["mod"])
    page = client.get(f"/moderate/record/{first}").get_data(as_text=True)
    assert "side-by-side" in page and _public_id(engine, second) in page
    assert 'class="differs"><th>country</th>' in page
    client.post(f"/moderate/record/{first}", headers=ORIGIN,
                data={"public_summary": "An assault.", "action": "save",
                      "csrf_token": "t" * 32})
    done = client.post(f"/moderate/record/{first}/duplicate", headers=ORIGIN,
                       data={"other": str(second), "csrf_token": "t" * 32})
    assert done.status_code == 200 and _status(engine, first) == "duplicate"
    history = done.get_data(as_text=True).split('id="record-history"')[1]
    assert "public_summary" in history and "An assault." in history
    assert f"duplicate of {_public_id(engine, second)}" in history


def test_reporters_see_and_edit_only_their_organisations_records(site):
    engine, users, app = site
    mine, theirs = new_record(engine, users["rep"]), new_record(engine, users["other"])
    client = client_as(app, users["rep"])
    listing = client.get("/my-records").get_data(as_text=True)
    assert _public_id(engine, mine) in listing and _public_id(engine, theirs) not in listing
    assert client.get(f"/my-records/{theirs}").status_code == 404
    form = {"victim_count": "4", "narrative": "Changed text.", "csrf_token": "t" * 32}
    assert client.post(f"/my-records/{theirs}", data=form, headers=ORIGIN).status_code == 404
    assert client.post(f"/my-records/{mine}", data=form,
                       headers={"Origin": ""}).status_code == 403  # no origin
    saved = client.post(f"/my-records/{mine}", data=form, headers=ORIGIN)
    assert saved.status_code == 200
    history = saved.get_data(as_text=True).split('id="record-history"')[1]
    assert "victim_count" in history and "Changed text." not in history
    with engine.connect() as conn:
        rows = dict(conn.execute(select(incidents.c.id, incidents.c.victim_count)).all())
    assert (rows[mine], rows[theirs]) == (4, 1)


def test_a_published_member_record_counts_in_the_public_stats(site):
    engine, users, app = site
    rid = new_record(engine, users["rep"])
    client = client_as(app)

    def total():
        return client.get("/api/v1/stats?group_by=country").get_json()["total"]

    before = total()
    transition(engine, [rid], "verified", users["mod"])
    assert total() == before
    transition(engine, [rid], "published", users["mod"], summary="An attack in Leipzig.")
    assert total() == before + 1
    row = client.get("/api/v1/stats?group_by=country").get_json()["data"]
    assert {"key": "DE", "count": 1} in row


def test_a_record_not_shared_withholds_every_personal_column(site):
    """The national offence label is personal data: withheld like the account and place."""
    from data.privacy.columns import PERSONAL_COLUMNS
    from data.records.moderation import get_record

    engine, users, app = site
    rid = new_record(engine, users["rep"], consent_share_network=False,
                     national_offence_label="Volksverhetzung (Anna K.)",
                     bias_indicator_notes="He shouted a slur.", victim_gender="female")
    record = get_record(engine, users["mod"], rid)
    assert record["withheld"] and record["harm_severity"] == "minor_injury"
    assert {name: record[name] for name in PERSONAL_COLUMNS} == dict.fromkeys(PERSONAL_COLUMNS)
    page = client_as(app, users["mod"]).get(f"/moderate/record/{rid}").get_data(as_text=True)
    assert 'id="personal-withheld"' in page and "Anna K." not in page
    own = client_as(app, users["rep"]).get(f"/my-records/{rid}").get_data(as_text=True)
    assert "Anna K." in own  # the recording organisation reads it


def test_the_record_view_logs_the_personal_fields_it_shows(site):
    """The national offence label is shown and logged; the notes, never shown, are not."""
    from data.people.access_log import recent_access

    engine, users, app = site
    rid = new_record(engine, users["rep"], national_offence_label="Volksverhetzung",
                     bias_indicator_notes="He shouted a slur.")
    page = client_as(app, users["mod"]).get(f"/moderate/record/{rid}").get_data(as_text=True)
    assert "Volksverhetzung" in page and "He shouted a slur." not in page
    read = recent_access(engine).iloc[0]
    assert (read["kind"], read["record_ids"]) == ("record-view", _public_id(engine, rid))
    assert read["fields"].split(",") == ["narrative", "national_offence_label", "place_name"]


def test_a_count_only_record_offers_no_personal_field_to_edit(site):
    from data.privacy.consent import Consents
    from data.records.consent_changes import change_consents

    engine, users, app = site
    rid = new_record(engine, users["rep"], national_offence_label="Volksverhetzung")
    change_consents(engine, users["rep"], rid, Consents(record=False))
    page = client_as(app, users["rep"]).get(f"/my-records/{rid}").get_data(as_text=True)
    assert 'for="victim_count"' in page
    for name in ("narrative", "place_name", "national_offence_label"):
        assert f'for="{name}"' not in page, name
