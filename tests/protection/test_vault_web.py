"""The confidential pages over HTTP: access, consent, erasure, subject access, the log."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import select

from data.people.access_log import recent_access
from data.records.workflow import transition
from data.store.schema import incidents, vault_people
from tests.data.records.workflow_store import STAFF, new_record
from tests.protection.protection_store import CANARIES, FILE_CANARY, NARRATIVE_CANARY
from tests.security.web import client_as

ORIGIN = {"Origin": "http://localhost"}
CSRF = {"csrf_token": "t" * 32}


@pytest.fixture
def site(make_site):
    built = make_site(**STAFF)
    return built.engine, built.users, built.app, built.settings




def _add(client, rid, **details):
    return client.post(f"/records/{rid}/people", headers=ORIGIN,
                       data={**CSRF, "person_role": "victim", **details})


def test_the_organisation_adds_and_reads_people_and_files_and_each_read_is_logged(site):
    engine, users, app, _settings = site
    rid = new_record(engine, users["rep"], narrative=NARRATIVE_CANARY)
    rep = client_as(app, users["rep"])
    assert _add(rep, rid, **CANARIES).status_code == 200
    upload = rep.post(f"/records/{rid}/files", headers=ORIGIN, content_type="multipart/form-data",
                      data={**CSRF, "file": (io.BytesIO(FILE_CANARY), "letter <b>.txt")})
    assert upload.status_code == 200
    page = rep.get(f"/records/{rid}/personal").get_data(as_text=True)
    assert CANARIES["email"] in page and "letter &lt;b&gt;.txt" in page
    assert page.count("Erase this person") == 0  # reporters don't erase
    with engine.connect() as conn:
        file_id = conn.execute(select(vault_people.c.id)).scalar()
    got = rep.get(f"/records/{rid}/files/{file_id}")
    assert got.data == FILE_CANARY
    assert got.headers["Content-Type"] == "application/octet-stream"
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    log = recent_access(engine)
    kinds = log["kind"].tolist()
    assert "vault" in kinds and "attachment" in kinds
    vault_read = log[log["kind"] == "vault"].iloc[0]
    assert vault_read["email"] == "rep@example.org" and "email" in vault_read["fields"]
    with engine.connect() as conn:
        public_id = conn.execute(select(incidents.c.public_id)
                                 .where(incidents.c.id == rid)).scalar()
    assert vault_read["record_ids"] == public_id
    assert public_id is not None


def test_access_follows_role_consent_and_organisation(site):
    engine, users, app, _settings = site
    rid = new_record(engine, users["rep"])
    _add(client_as(app, users["rep"]), rid, **CANARIES)
    assert client_as(app).get(f"/records/{rid}/personal").status_code == 303  # log in first
    assert client_as(app, users["res"]).get(f"/records/{rid}/personal").status_code == 403
    assert client_as(app, users["other"]).get(f"/records/{rid}/personal").status_code == 404
    moderator = client_as(app, users["mod"])
    assert CANARIES["name"] in moderator.get(f"/records/{rid}/personal").get_data(as_text=True)
    # the person withdraws consent to share within the network
    saved = client_as(app, users["rep"]).post(
        f"/records/{rid}/consent", headers=ORIGIN,
        data={**CSRF, "consent_record": "yes", "consent_publish_aggregate": "yes"})
    assert "consent_share_network" in saved.get_data(as_text=True)
    page = moderator.get(f"/records/{rid}/personal").get_data(as_text=True)
    assert CANARIES["name"] not in page and "did not agree to share" in page
    record = moderator.get(f"/moderate/record/{rid}").get_data(as_text=True)
    assert "Two men shouted" not in record and 'id="personal-withheld"' in record
    assert _add(moderator, rid, name="x").status_code == 400


def test_writes_need_csrf_origin_and_the_right_role(site):
    engine, users, app, _settings = site
    rid = new_record(engine, users["rep"])
    rep = client_as(app, users["rep"])
    assert rep.post(f"/records/{rid}/people", headers={"Origin": ""},  # no origin
                    data={**CSRF, "name": "x", "person_role": "victim"}).status_code == 403
    assert rep.post(f"/records/{rid}/people", headers={"Origin": "https://evil.example"},
                    data={**CSRF, "name": "x", "person_role": "victim"}).status_code == 403
    assert rep.post(f"/records/{rid}/people", headers=ORIGIN,
                    data={"csrf_token": "bad", "name": "x"}).status_code == 403
    assert client_as(app).post(f"/records/{rid}/people", headers=ORIGIN,
                             data=CSRF).status_code == 401
    assert rep.post(f"/records/{rid}/anonymise", headers=ORIGIN,
                    data={**CSRF, "confirm": "yes"}).status_code == 403
    with engine.connect() as conn:
        assert conn.execute(select(vault_people.c.id)).all() == []


def test_a_failed_form_keeps_what_was_typed_and_names_the_field_not_the_value(site):
    engine, users, app, _settings = site
    rid = new_record(engine, users["rep"])
    answer = _add(client_as(app, users["rep"]), rid, name="Kept Name", email="broken-address")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'value="Kept Name"' in text and 'value="broken-address"' in text
    alert = text.split('role="alert">')[1].split("<")[0]
    assert "email" in alert and "broken-address" not in alert


def test_moderators_erase_and_anonymise_and_answer_subject_access(site):
    engine, users, app, _settings = site
    rid = new_record(engine, users["rep"], narrative=NARRATIVE_CANARY)
    rep = client_as(app, users["rep"])
    _add(rep, rid, **CANARIES)
    rep.post(f"/records/{rid}/files", headers=ORIGIN, content_type="multipart/form-data",
             data={**CSRF, "file": (io.BytesIO(FILE_CANARY), "photo.jpg")})
    mod = client_as(app, users["mod"])
    found = mod.post("/moderate/subject-access", headers=ORIGIN,
                     data={**CSRF, "email": CANARIES["email"].upper(), "action": "search"})
    assert 'id="subject-matches"' in found.get_data(as_text=True)
    export = mod.post("/moderate/subject-access", headers=ORIGIN,
                      data={**CSRF, "phone": "0170 9988776655", "action": "export"})
    archive = zipfile.ZipFile(io.BytesIO(export.data))
    document = json.loads(archive.read("subject-access.json"))
    [entry] = document["entries"]
    assert entry["person"]["details"] == CANARIES
    assert entry["record"]["narrative"] == NARRATIVE_CANARY
    assert any(e["kind"] == "vault" for e in entry["access_log"])
    assert archive.read(entry["files"][0]["path"]) == FILE_CANARY
    log = recent_access(engine)
    assert {"subject-search", "subject-access"} <= set(log["kind"])
    assert not log.astype(str).apply(lambda c: c.str.contains("9988776655")).any().any()
    assert client_as(app, users["rep"]).get("/moderate/subject-access").status_code == 403
    refused = mod.post(f"/records/{rid}/anonymise", headers=ORIGIN, data={**CSRF})
    assert refused.status_code == 400  # the confirmation box
    done = mod.post(f"/records/{rid}/anonymise", headers=ORIGIN,
                    data={**CSRF, "confirm": "yes", "reason": "request"})
    assert "anonymised" in done.get_data(as_text=True)
    with engine.connect() as conn:
        assert conn.execute(select(incidents.c.narrative)).scalar() is None


def test_withdrawing_consent_to_record_needs_a_confirmation(site):
    engine, users, app, _settings = site
    rid = new_record(engine, users["rep"], narrative=NARRATIVE_CANARY)
    rep = client_as(app, users["rep"])
    unconfirmed = rep.post(f"/records/{rid}/consent", headers=ORIGIN,
                           data={**CSRF, "consent_share_network": "yes"})
    assert unconfirmed.status_code == 400 and "confirmation" in unconfirmed.get_data(
        as_text=True)
    with engine.connect() as conn:
        assert conn.execute(select(incidents.c.narrative)).scalar() == NARRATIVE_CANARY
    rep.post(f"/records/{rid}/consent", headers=ORIGIN,
             data={**CSRF, "consent_share_network": "yes", "confirm_erase": "yes"})
    with engine.connect() as conn:
        assert conn.execute(select(incidents.c.narrative)).scalar() is None
        assert conn.execute(select(vault_people.c.id)).all() == []


def test_withdrawing_publication_consent_empties_the_public_outputs_at_once(site):
    engine, users, app, _settings = site
    rid = new_record(engine, users["rep"])
    transition(engine, [rid], "verified", users["mod"])
    transition(engine, [rid], "published", users["mod"], summary="An assault in Saxony.")
    public = client_as(app)
    before = public.get("/api/v1/stats?group_by=country&country=DE").get_json()
    assert before["total"] >= 1
    client_as(app, users["rep"]).post(
        f"/records/{rid}/consent", headers=ORIGIN,
        data={**CSRF, "consent_record": "yes", "consent_share_network": "yes"})
    after = public.get("/api/v1/stats?group_by=country&country=DE").get_json()
    assert after["total"] == before["total"] - 1
    csv = public.get("/api/v1/incidents?format=csv&country=DE").get_data(as_text=True)
    assert "An assault in Saxony." not in csv


def test_the_data_protection_page_states_the_live_settings(make_site):
    app = make_site(**STAFF, min_cell=7, retention={
        "people": 30, "attachments": None, "narrative": 400, "exact_location": 200,
        "drafts": 10, "login_attempts": 5}).app
    page = client_as(app).get("/data-protection").get_data(as_text=True)
    assert "30 days" in page and "until erased by hand" in page and "at least 7" in page
    assert "Record of processing activities" in page and "Residence" not in page.split(
        "Never collected")[0][-10:]


def test_after_anonymising_no_cache_or_later_export_holds_the_erased_values(site, tmp_path):
    from tests.data.export.export_store import read_download, text_of

    engine, users, app, _settings = site
    rid = new_record(engine, users["rep"], narrative=NARRATIVE_CANARY,
                     place="Leipzig")
    transition(engine, [rid], "verified", users["mod"])
    transition(engine, [rid], "published", users["mod"], summary="An assault in Saxony.")
    researcher = client_as(app, users["res"])
    assert researcher.get("/api/v1/incidents?format=csv").status_code == 200  # warm caches
    mod = client_as(app, users["mod"])
    mod.post(f"/records/{rid}/anonymise", headers=ORIGIN,
             data={**CSRF, "confirm": "yes", "reason": "request"})
    snapshot = app.server.extensions["incidentmap"].snapshot()
    cached = repr(vars(snapshot))
    for client in (researcher, client_as(app)):
        for fmt in ("csv", "geojson", "xlsx", "gpkg", "parquet", "datapackage"):
            answer = client.get(f"/api/v1/incidents?format={fmt}")
            assert answer.status_code == 200, fmt
            _cols, rows, meta = read_download(fmt, answer.data, tmp_path)
            text = text_of(rows, meta)
            assert "An assault in Saxony." in text or fmt == "gpkg"
            for value in (NARRATIVE_CANARY, "2026-03-05"):
                assert value not in text and value not in cached, (fmt, value)
