"""Erasure, consent changes and retention: what goes, what stays, what is logged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select, update

from data.people.erasure import anonymise_record, erase_person
from data.people.retention import RULES, run
from data.people.vault import VaultError, add_file, add_person, people
from data.privacy.columns import PERSONAL_COLUMNS
from data.privacy.consent import Consents
from data.records.audit import history
from data.records.consent_changes import change_consents
from data.records.workflow import WorkflowError, edit_fields, transition
from data.settings import RETENTION_DEFAULTS
from data.store import db
from data.store.schema import (
    audit_log,
    incidents,
    login_attempts,
    reports,
    vault_files,
    vault_people,
)
from tests import factories
from tests.data.records.workflow_store import STAFF, new_record
from tests.protection.protection_store import CANARIES, FILE_CANARY, NARRATIVE_CANARY, new_vault

PLACE_CANARY = "Canarygasse 12, Leipzig"


@pytest.fixture
def store(workflow_store):
    return workflow_store


def _row(engine, rid):
    with engine.connect() as conn:
        return conn.execute(select(incidents).where(incidents.c.id == rid)).one()


def _published(engine, users, **form) -> int:
    rid = new_record(engine, users["rep"], **form)
    transition(engine, [rid], "verified", users["mod"])
    transition(engine, [rid], "published", users["mod"], summary="An assault in Saxony.")
    return rid


def _with_personal_data(engine, users, vault) -> int:
    rid = _published(engine, users, narrative=NARRATIVE_CANARY)
    edit_fields(engine, rid, {"place_name": PLACE_CANARY}, users["mod"])
    pid = add_person(engine, vault, users["rep"], rid, "victim", CANARIES)
    add_file(engine, vault, users["rep"], rid, "photo.jpg", "image/jpeg", FILE_CANARY, pid)
    return rid


def test_anonymising_keeps_only_what_publication_allows(store):
    engine, users = store
    vault = new_vault()
    rid = _with_personal_data(engine, users, vault)
    before = _row(engine, rid)
    version = db.data_version(engine)
    with pytest.raises(VaultError, match="only moderators and admins"):
        anonymise_record(engine, users["rep"], rid)
    anonymise_record(engine, users["mod"], rid, "request")
    after = _row(engine, rid)
    for column in PERSONAL_COLUMNS:
        assert getattr(after, column) is None, column
    assert (after.date_start, after.date_end, after.date_precision) == (
        dt.date(2026, 3, 1), dt.date(2026, 3, 31), "month")
    # this store has no NUTS boundaries: the record was placed in its country only
    assert before.nuts3 is None and before.geo_precision == "municipality"
    assert after.geo_precision == "country" and after.country == before.country
    assert after.public_summary == before.public_summary and after.status == "published"
    assert after.personal_data_erased_at is not None
    assert db.data_version(engine) > version  # public caches rebuild
    with engine.connect() as conn:
        assert conn.execute(select(vault_people.c.id)).all() == []
        assert conn.execute(select(vault_files.c.id)).all() == []
        form = conn.execute(select(reports.c.form).where(reports.c.incident_id == rid)).scalar()
        log = [tuple(r) for r in conn.execute(select(audit_log.c.old_value,
                                                     audit_log.c.new_value,
                                                     audit_log.c.reason))]
    assert form == {"anonymised": True}
    assert not any(c in str(log) for c in (NARRATIVE_CANARY, PLACE_CANARY, *CANARIES.values()))
    entry = history(engine, rid)[-1]
    assert (entry.action, entry.field, entry.reason, entry.old_value, entry.new_value) == (
        "erasure", "record", "request", None, None)


def test_anonymise_clears_national_offence_label(store):
    """Free text as typed: it may name a person, so it goes with the personal data."""
    engine, users = store
    rid = _published(engine, users, national_offence_label="Volksverhetzung (Anna K.)")
    assert _row(engine, rid).national_offence_label == "Volksverhetzung (Anna K.)"
    anonymise_record(engine, users["mod"], rid, "request")
    after = _row(engine, rid)
    assert after.national_offence_label is None
    assert after.harm_severity == "minor_injury"  # coded answers stay


def test_erasing_one_person_leaves_the_others(store):
    engine, users = store
    vault = new_vault()
    rid = new_record(engine, users["rep"])
    victim = add_person(engine, vault, users["rep"], rid, "victim", CANARIES)
    add_file(engine, vault, users["rep"], rid, "a.txt", "", FILE_CANARY, victim)
    add_person(engine, vault, users["rep"], rid, "witness", {"name": "Keeps"})
    with pytest.raises(VaultError, match="no such person"):
        erase_person(engine, users["mod"], rid, 999_999)
    erase_person(engine, users["mod"], rid, victim)
    assert [p.details for p in people(engine, vault, users["rep"], rid)] == [{"name": "Keeps"}]
    with engine.connect() as conn:
        assert conn.execute(select(vault_files.c.id)).all() == []
    assert [(e.action, e.field) for e in history(engine, rid)][-1] == ("erasure", "person")


def test_an_erased_record_leaves_no_copy_in_the_sqlite_files(tmp_path):
    built = factories.build_store(f"sqlite:///{tmp_path / 'erase.sqlite'}", **STAFF)
    engine, users = built.engine, built.users
    vault = new_vault()
    rid = _with_personal_data(engine, users, vault)
    # the typed form (drafts) kept a copy of the narrative too
    files = [Path(tmp_path / n) for n in ("erase.sqlite", "erase.sqlite-wal")]
    assert any(NARRATIVE_CANARY.encode() in f.read_bytes() for f in files if f.exists())
    anonymise_record(engine, users["mod"], rid)
    engine.dispose()
    for f in files:
        if f.exists():
            raw = f.read_bytes()
            for value in (NARRATIVE_CANARY, PLACE_CANARY):
                assert value.encode() not in raw, (f.name, value)


def test_withdrawing_consents_takes_effect_at_once(store):
    engine, users = store
    vault = new_vault()
    rid = _with_personal_data(engine, users, vault)
    version = db.data_version(engine)
    with pytest.raises(VaultError, match="no such record"):
        change_consents(engine, users["other"], rid, Consents(publish_aggregate=False))
    assert change_consents(engine, users["rep"], rid, Consents(share_network=False)) == [
        "consent_share_network"]
    with pytest.raises(VaultError, match="did not agree to share"):
        people(engine, vault, users["mod"], rid)
    assert db.data_version(engine) == version  # nothing public changed
    assert change_consents(engine, users["rep"], rid, Consents(publish_aggregate=False)) == [
        "consent_publish_aggregate"]
    assert _row(engine, rid).status == "verified" and db.data_version(engine) > version
    with pytest.raises(WorkflowError, match="did not agree to be counted"):
        transition(engine, [rid], "published", users["mod"])
    change_consents(engine, users["rep"], rid, Consents(record=False))
    after = _row(engine, rid)
    assert after.narrative is None and after.personal_data_erased_at is not None
    with engine.connect() as conn:
        assert conn.execute(select(vault_people.c.id)).all() == []
    with pytest.raises(VaultError, match="count only"):
        people(engine, vault, users["rep"], rid)
    with pytest.raises(WorkflowError, match="personal data you may not change"):
        edit_fields(engine, rid, {"narrative": "new text"}, users["mod"])
    fields = [(e.action, e.field, e.old_value, e.new_value) for e in history(engine, rid)]
    assert ("consent", "consent_record", "True", "False") in fields
    assert ("erasure", "record", None, None) in fields


def test_withdrawals_edits_and_erasures_set_the_private_version_publishing_does_not(store):
    engine, users = store
    first = _published(engine, users)
    version, private = db.data_versions(engine)
    assert version > private  # publishing adds: older snapshots may still answer meanwhile
    steps = [
        lambda: edit_fields(engine, first, {"public_summary": "Shorter."}, users["mod"]),
        lambda: transition(engine, [first], "verified", users["mod"], reason="check"),
        lambda: change_consents(engine, users["rep"], _published(engine, users),
                                Consents(publish_aggregate=False)),
        lambda: anonymise_record(engine, users["mod"], _published(engine, users), "request"),
    ]
    for step in steps:
        step()
        version, private = db.data_versions(engine)
        assert private == version  # no snapshot older than this write may be served


def test_retention_erases_what_is_due_and_logs_it(store):
    engine, users = store
    vault = new_vault()
    old = _with_personal_data(engine, users, vault)
    fresh = new_record(engine, users["rep"], narrative="A fresh account.")
    add_person(engine, vault, users["rep"], fresh, "victim", {"name": "Fresh Person"})
    long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    with engine.begin() as conn:
        for table in (vault_people, vault_files):
            conn.execute(update(table).where(table.c.incident_id == old)
                         .values(created_at=long_ago))
        conn.execute(update(incidents).where(incidents.c.id == old)
                     .values(created_at=long_ago))
        conn.execute(reports.insert().values(
            organisation_id=1, created_by=users["rep"].id, updated_by=users["rep"].id,
            idempotency_key="k" * 20, status="draft", form={"narrative": "old draft"},
            created_at=long_ago, updated_at=long_ago))
        conn.execute(login_attempts.insert().values(account_key="x", address="10.0.0.1",
                                                    at=long_ago, succeeded=False))
    periods = dict(RETENTION_DEFAULTS)
    dry = {r.kind: (r.due, r.erased) for r in run(engine, periods, dry_run=True)}
    assert dry == {"people": (1, 0), "attachments": (1, 0), "narrative": (1, 0),
                   "exact_location": (1, 0), "drafts": (1, 0), "login_attempts": (1, 0)}
    assert _row(engine, old).narrative == NARRATIVE_CANARY  # a dry run erases nothing
    version = db.data_version(engine)
    done = {r.kind: r.erased for r in run(engine, {**periods, "login_attempts": None})}
    assert done == {"people": 1, "attachments": 1, "narrative": 1, "exact_location": 1,
                    "drafts": 1, "login_attempts": 0}
    row = _row(engine, old)
    assert (row.narrative, row.place_name, row.lat, row.geo_precision) == (
        None, None, None, "country")
    assert _row(engine, fresh).narrative == "A fresh account."
    assert [p.details for p in people(engine, vault, users["rep"], fresh)] == [
        {"name": "Fresh Person"}]
    assert db.data_version(engine) > version  # a published record changed
    logged = [(e.user, e.role, e.action, e.field) for e in history(engine, old)
              if e.action == "retention"]
    assert sorted(logged) == sorted(("system", "system", "retention", k) for k in (
        "people", "attachments", "narrative", "exact_location"))
    assert {r.kind: r.due for r in run(engine, periods, dry_run=True)} == {
        k: (1 if k == "login_attempts" else 0) for k in RULES}


def test_a_place_is_coarsened_to_the_finest_region_known():
    from types import SimpleNamespace as Row

    from data.people.erasure import coarsened_place

    assert coarsened_place(Row(nuts1="DED", nuts2="DED5", nuts3="DED51",
                               geo_precision="exact")) == "nuts3"
    assert coarsened_place(Row(nuts1="DED", nuts2=None, nuts3=None,
                               geo_precision="municipality")) == "nuts1"
    assert coarsened_place(Row(nuts1=None, nuts2=None, nuts3=None,
                               geo_precision="unknown")) == "unknown"


def test_every_retention_setting_has_a_rule():
    assert set(RULES) == set(RETENTION_DEFAULTS)


def test_retention_leaves_no_copy_in_the_sqlite_files(tmp_path):
    built = factories.build_store(f"sqlite:///{tmp_path / 'keep.sqlite'}", **STAFF)
    engine, users = built.engine, built.users
    rid = _with_personal_data(engine, users, new_vault())
    with engine.begin() as conn:
        conn.execute(update(incidents).where(incidents.c.id == rid).values(
            created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)))
    run(engine, dict(RETENTION_DEFAULTS))
    engine.dispose()
    for name in ("keep.sqlite", "keep.sqlite-wal"):
        path = tmp_path / name
        if path.exists():
            raw = path.read_bytes()
            assert NARRATIVE_CANARY.encode() not in raw and PLACE_CANARY.encode() not in raw
