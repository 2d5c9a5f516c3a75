"""`incidentmap retention` and `incidentmap vault` from the command line; migration 0011."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.exc import DBAPIError

import app
from data.people.access_log import log_access
from data.people.sessions import Limits, end_session, session_user, start_session
from data.people.vault import Vault, add_person, people
from data.settings import Settings
from data.store import db
from data.store.schema import audit_log, incidents, record_access, vault_people
from tests import factories
from tests.conftest import BACKENDS
from tests.data.records.workflow_store import STAFF, new_record
from tests.protection.protection_store import CANARIES


@pytest.fixture
def cli_store(tmp_path, monkeypatch):
    key = Fernet.generate_key().decode()
    with factories.store(tmp_path, **STAFF) as built:
        monkeypatch.setenv("INCIDENTMAP_DATABASE_URL", built.url)
        monkeypatch.setenv("INCIDENTMAP_VAULT_KEY", key)
        yield built.engine, built.users, key


def test_retention_run_reports_and_erases(cli_store, capsys, monkeypatch):
    engine, users, key = cli_store
    rid = new_record(engine, users["rep"])
    add_person(engine, Vault(key), users["rep"], rid, "victim", CANARIES)
    with engine.begin() as conn:
        conn.execute(update(vault_people).values(
            created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=40)))
    monkeypatch.setenv("INCIDENTMAP_RETENTION", "people=30,narrative=never")
    assert app.main(["retention", "run", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "people" in out and "1 due" in out and "kept until erased by hand" in out
    assert "dry run: nothing was erased" in out
    assert people(engine, Vault(key), users["rep"], rid)
    assert app.main(["retention", "run"]) == 0
    assert "1 erased" in capsys.readouterr().out
    assert people(engine, Vault(key), users["rep"], rid) == []


def test_bad_settings_and_keys_are_clear_errors(cli_store, capsys, monkeypatch):
    monkeypatch.setenv("INCIDENTMAP_RETENTION", "victims=3")
    assert app.main(["retention", "run"]) == 2
    assert "kinds: people, attachments" in capsys.readouterr().err
    monkeypatch.setenv("INCIDENTMAP_RETENTION", "people=0")
    assert app.main(["retention", "run"]) == 2
    assert "at least 1" in capsys.readouterr().err
    monkeypatch.delenv("INCIDENTMAP_RETENTION")
    monkeypatch.setenv("INCIDENTMAP_VAULT_KEY", "not-a-key")
    assert app.main(["vault", "rotate"]) == 2
    assert "not a Fernet key" in capsys.readouterr().err


def test_new_key_and_rotation(cli_store, capsys, monkeypatch):
    engine, users, old = cli_store
    rid = new_record(engine, users["rep"])
    add_person(engine, Vault(old), users["rep"], rid, "victim", CANARIES)
    assert app.main(["vault", "new-key"]) == 0
    new = capsys.readouterr().out.strip()
    Fernet(new.encode())  # a valid key
    monkeypatch.setenv("INCIDENTMAP_VAULT_KEY", f"{new},{old}")
    assert app.main(["vault", "rotate"]) == 0
    assert "re-encrypted 1 vault entries" in capsys.readouterr().out
    assert people(engine, Vault(new), users["rep"], rid)[0].details == CANARIES


@pytest.mark.parametrize("kind", BACKENDS)
def test_the_access_log_is_append_only(kind, tmp_path):
    with factories.store(tmp_path, kind, **STAFF) as built:
        engine, users = built.engine, built.users
        log_access(engine, user_id=users["res"].id, role="researcher", kind="csv", query="",
                   records=1, data_release="x", record_ids=["abc"], fields=["nuts3"])
        for statement in (update(record_access).values(query="rewritten"),
                          delete(record_access)):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(statement)
        with engine.connect() as conn:
            assert conn.execute(select(record_access.c.record_ids,
                                       record_access.c.fields)).one() == ("abc", "nuts3")


def test_migration_0011_rewrites_logged_place_names(tmp_path):
    engine = factories.build_store(f"sqlite:///{tmp_path / 'm.sqlite'}", revision="0010").engine
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO organisations (id, slug, name, country, "
                          "public_name_opt_in) VALUES (1, 'o', 'O', 'DE', 0)"))
        conn.execute(text("INSERT INTO users (id, email, name, role, organisation_id, "
                          "totp_enabled, active, session_version, created_at) VALUES "
                          "(1, 'a@example.org', '', 'moderator', NULL, 0, 1, 1, "
                          "'2026-01-01 00:00:00')"))
        for field, old, new in (("place_name", "Canarygasse 1", "Canarygasse 2"),
                                ("victim_count", "1", "2")):
            conn.execute(insert(audit_log).values(
                at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), user_id=1, role="moderator",
                incident_id=1, public_id="p", action="field", field=field, old_value=old,
                new_value=new))
    db.upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(audit_log.c.field, audit_log.c.old_value,
                                   audit_log.c.new_value).order_by(audit_log.c.id)).all()
    assert [tuple(r) for r in rows] == [("place_name", None, "changed"),
                                        ("victim_count", "1", "2")]
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(delete(audit_log))
    with engine.connect() as conn:
        assert conn.execute(select(incidents.c.personal_data_erased_at)).all() == []
    db.downgrade(engine, "0010")
    db.upgrade(engine)
    engine.dispose()


def test_retention_run_deletes_sessions_that_ended(cli_store, capsys):
    engine, users, _key = cli_store
    live = start_session(engine, users["rep"])
    end_session(engine, start_session(engine, users["rep"]))
    assert app.main(["retention", "run", "--dry-run"]) == 0
    assert re.search(r"sessions +1 due", capsys.readouterr().out)
    assert app.main(["retention", "run"]) == 0
    assert re.search(r"sessions +1 erased", capsys.readouterr().out)
    assert session_user(engine, live, Limits.from_settings(Settings())) == users["rep"]
    assert app.main(["retention", "run"]) == 0
    assert re.search(r"sessions +0 erased", capsys.readouterr().out)
