"""The moderation workflow: transitions, roles, one-transaction batches, the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from data.records.audit import history
from data.records.workflow import (
    TRANSITIONS,
    WorkflowError,
    edit_fields,
    mark_duplicate,
    transition,
)
from data.store import db
from data.store.schema import audit_log, duplicate_links, incidents
from tests.data.records.workflow_store import link_duplicates, new_record

SECRET = "He called him a [slur] at the bus stop."


@pytest.fixture
def store(workflow_store):
    return workflow_store


def _status(engine, *ids) -> list[str]:
    with engine.connect() as conn:
        found = dict(conn.execute(select(incidents.c.id, incidents.c.status)
                                  .where(incidents.c.id.in_(ids))).all())
    return [found[i] for i in ids]


def _version(engine) -> int:
    return db.data_version(engine)


def test_legal_steps_go_through_and_illegal_ones_are_refused(store):
    engine, users = store
    rid = new_record(engine, users["rep"])
    assert transition(engine, [rid], "verified", users["mod"]) == 1
    assert "draft" not in TRANSITIONS["verified"]
    with pytest.raises(WorkflowError, match="a verified record cannot become draft"):
        transition(engine, [rid], "draft", users["mod"])
    assert _status(engine, rid) == ["verified"]
    transition(engine, [rid], "rejected", users["admin"], reason="not a hate incident")
    assert _status(engine, rid) == ["rejected"]
    with pytest.raises(WorkflowError, match="a rejected record cannot become published"):
        transition(engine, [rid], "published", users["mod"])


@pytest.mark.parametrize("who", ["rep", "other", "res"])
def test_only_moderators_and_admins_change_a_status(store, who):
    engine, users = store
    rid = new_record(engine, users["rep"])
    with pytest.raises(WorkflowError, match="Only moderators and admins"):
        transition(engine, [rid], "verified", users[who])
    assert _status(engine, rid) == ["submitted"]


def test_publishing_a_member_record_needs_a_reviewed_summary(store):
    engine, users = store
    rid = new_record(engine, users["rep"])
    transition(engine, [rid], "verified", users["mod"])
    with pytest.raises(WorkflowError, match="needs a public summary"):
        transition(engine, [rid], "published", users["mod"])
    # a summary the reporter wrote is not reviewed until a moderator confirms it
    with engine.begin() as conn:
        conn.execute(update(incidents).values(status="submitted"))
    edit_fields(engine, rid, {"public_summary": "A man was attacked in Leipzig."},
                users["rep"])
    transition(engine, [rid], "verified", users["mod"])
    with pytest.raises(WorkflowError, match="needs a public summary"):
        transition(engine, [rid], "published", users["mod"])
    transition(engine, [rid], "published", users["mod"],
               summary="A man was attacked in Leipzig.")
    assert _status(engine, rid) == ["published"]
    assert [e.action for e in history(engine, rid)][-2:] == ["review", "status"]


def test_the_data_version_moves_only_when_published_data_changes(store):
    engine, users = store
    rid = new_record(engine, users["rep"])
    before = _version(engine)
    transition(engine, [rid], "verified", users["mod"])
    edit_fields(engine, rid, {"harm_severity": "hospitalised"}, users["mod"])
    assert _version(engine) == before
    transition(engine, [rid], "published", users["mod"], summary="An attack in Leipzig.")
    published = _version(engine)
    assert published > before
    edit_fields(engine, rid, {"public_summary": "An assault in Leipzig."}, users["mod"])
    assert _version(engine) > published
    edited = _version(engine)
    transition(engine, [rid], "verified", users["mod"], reason="unpublish")  # unpublish
    assert _version(engine) > edited


def test_a_batch_with_one_illegal_record_changes_nothing_and_names_it(store):
    engine, users = store
    ids = [new_record(engine, users["rep"]) for _ in range(3)]
    transition(engine, ids[:2], "verified", users["mod"])
    with engine.connect() as conn:
        stuck = conn.execute(select(incidents.c.public_id)
                             .where(incidents.c.id == ids[2])).scalar()
    with pytest.raises(WorkflowError) as raised:
        transition(engine, ids, "published", users["mod"], summary="An attack in Leipzig.")
    assert stuck in str(raised.value) and "submitted record cannot become published" in \
        str(raised.value)
    assert len(raised.value.problems) == 1
    assert _status(engine, *ids) == ["verified", "verified", "submitted"]
    with engine.connect() as conn:  # the summary written in the same call is undone too
        assert conn.execute(select(incidents.c.public_summary)
                            .where(incidents.c.id == ids[0])).scalar() is None
    transition(engine, ids[:2], "published", users["mod"], summary="An attack in Leipzig.")
    assert _status(engine, *ids) == ["published", "published", "submitted"]


def test_edits_are_logged_field_by_field_without_the_narrative_text(store):
    engine, users = store
    rid = new_record(engine, users["rep"])
    changed = edit_fields(engine, rid, {"narrative": SECRET, "victim_count": "3",
                                        "place_name": "Leipzig"}, users["rep"])
    assert changed == ["narrative", "victim_count"]  # the place was unchanged
    transition(engine, [rid], "verified", users["mod"], reason="checked with the victim")
    entries = {(e.action, e.field): e for e in history(engine, rid)}
    assert (entries["field", "victim_count"].old_value,
            entries["field", "victim_count"].new_value) == ("1", "3")
    assert entries["field", "narrative"].new_value == "changed"
    assert entries["field", "narrative"].old_value is None
    status = entries["status", "status"]
    assert (status.old_value, status.new_value, status.user, status.reason) == (
        "submitted", "verified", "mod@example.org", "checked with the victim")
    with engine.connect() as conn:
        dumped = " ".join(str(v) for row in conn.execute(select(audit_log)) for v in row)
    assert "slur" not in dumped and "shouted" not in dumped


def test_the_audit_log_keeps_no_copy_of_national_offence_label(store):
    """Anonymising clears the label, so the log holds no copy of it that would outlive it."""
    engine, users = store
    rid = new_record(engine, users["rep"], national_offence_label="Beleidigung")
    edit_fields(engine, rid, {"national_offence_label": "Volksverhetzung (Anna K.)"},
                users["rep"])
    entry = next(e for e in history(engine, rid) if e.field == "national_offence_label")
    assert (entry.old_value, entry.new_value) == (None, "changed")
    with engine.connect() as conn:
        dumped = " ".join(str(v) for row in conn.execute(select(audit_log)) for v in row)
    assert "Anna K." not in dumped and "Beleidigung" not in dumped


def test_national_offence_label_edits_follow_the_consents(store):
    """Personal data: a moderator elsewhere may not change it unless the person agreed."""
    engine, users = store
    rid = new_record(engine, users["rep"], consent_share_network=False,
                     national_offence_label="Beleidigung")
    with pytest.raises(WorkflowError, match="national_offence_label is personal data"):
        edit_fields(engine, rid, {"national_offence_label": "Volksverhetzung"}, users["mod"])
    assert edit_fields(engine, rid, {"victim_count": "2"}, users["mod"]) == ["victim_count"]
    assert edit_fields(engine, rid, {"national_offence_label": "Volksverhetzung"},
                       users["rep"]) == ["national_offence_label"]


def test_the_audit_log_is_append_only(store):
    engine, users = store
    rid = new_record(engine, users["rep"])
    transition(engine, [rid], "verified", users["mod"])
    for statement in (update(audit_log).values(new_value="published"), delete(audit_log)):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(statement)


def test_reporters_edit_only_their_organisations_submitted_records(store):
    engine, users = store
    rid = new_record(engine, users["rep"])
    with pytest.raises(WorkflowError, match="does not exist"):
        edit_fields(engine, rid, {"victim_count": "2"}, users["other"])
    with pytest.raises(WorkflowError, match="cannot be edited here"):
        edit_fields(engine, rid, {"status": "published"}, users["rep"])
    with pytest.raises(WorkflowError, match="not a valid value"):
        edit_fields(engine, rid, {"harm_severity": "terrible"}, users["rep"])
    transition(engine, [rid], "verified", users["mod"])
    with pytest.raises(WorkflowError, match="only while it is submitted"):
        edit_fields(engine, rid, {"victim_count": "2"}, users["rep"])
    assert edit_fields(engine, rid, {"victim_count": "2"}, users["mod"]) == ["victim_count"]


def test_an_edit_refuses_zero_victims_as_the_form_does(store):
    """The form takes 1 to 10,000 victims; an edit used to store 0 (its own range was 0..)."""
    engine, users = store
    rid = new_record(engine, users["rep"])
    for refused in ("0", "-1", "10001", "two"):
        with pytest.raises(WorkflowError, match="not a valid value"):
            edit_fields(engine, rid, {"victim_count": refused}, users["rep"])
    assert edit_fields(engine, rid, {"victim_count": "10000"}, users["rep"]) == ["victim_count"]


def test_an_edit_cannot_clear_what_the_form_requires(store):
    """Harm severity and reporting to the police are required on the form; an edit could empty
    them (only the account was required there)."""
    engine, users = store
    rid = new_record(engine, users["rep"])
    for field in ("harm_severity", "reported_to_police", "narrative"):
        with pytest.raises(WorkflowError, match="cannot be empty"):
            edit_fields(engine, rid, {field: ""}, users["rep"])
    assert edit_fields(engine, rid, {"justice_outcome": ""}, users["rep"]) == []  # optional


def test_marking_a_likely_duplicate_confirms_the_link(store):
    engine, users = store
    first, second = new_record(engine, users["rep"]), new_record(engine, users["other"])
    third = new_record(engine, users["rep"])
    link_duplicates(engine, first, second)
    with pytest.raises(WorkflowError):
        mark_duplicate(engine, third, first, users["mod"])  # no link between them
    mark_duplicate(engine, second, first, users["mod"])
    assert _status(engine, first, second, third) == ["submitted", "duplicate", "submitted"]
    with engine.connect() as conn:
        assert conn.execute(select(duplicate_links.c.status)).scalar() == "confirmed"
    assert history(engine, second)[-1].reason.startswith("duplicate of ")
