"""Backups and restores: a drill under write load on both backends, and every refusal."""

from __future__ import annotations

import io
import tarfile
import threading

import pytest
from sqlalchemy import text

from data.people.vault import add_person, people
from data.store.backup import BackupError, backup, read_manifest, restore, table_counts
from data.store.db import make_engine, upgrade
from tests.conftest import _drop_schema, fresh_database
from tests.data.records.workflow_store import new_record
from tests.protection.protection_store import CANARIES, new_vault


def _writes_while(engine, user, stop: threading.Event, written: list) -> None:
    while not stop.is_set():
        written.append(new_record(engine, user))


def _empty_again(engine) -> None:
    """Lose the store: a SQLite file is replaced by a new path, a PostgreSQL schema emptied."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
        engine.dispose()
        _drop_schema(schema)
        admin = make_engine(str(engine.url.set(query={})))
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()


def test_a_backup_made_under_writes_restores_every_row_and_the_vault(workflow_store,
                                                                       tmp_path):
    engine, users = workflow_store
    vault = new_vault()
    record = new_record(engine, users["rep"])
    add_person(engine, vault, users["rep"], record, "victim", CANARIES)
    releases = tmp_path / "instance" / "releases"
    (releases / "2026-12").mkdir(parents=True)
    (releases / "2026-12" / "incidents.csv").write_text("public_id\nabc\n")
    stop, written = threading.Event(), []
    writer = threading.Thread(target=_writes_while, args=(engine, users["rep"], stop, written))
    writer.start()
    try:
        while len(written) < 3:  # the site is writing when the backup starts
            threading.Event().wait(0.05)
        archive = tmp_path / "backup.tar"
        manifest = backup(engine, archive, folders={"releases": releases},
                          software_version="9.9.9")
        during = len(written)
    finally:
        stop.set()
        writer.join()
    assert archive.stat().st_mode & 0o777 == 0o600
    assert manifest.backend == engine.dialect.name and manifest.software_version == "9.9.9"
    assert manifest.schema_revision is not None
    assert manifest.tables["incidents"] >= 1 + 3 and manifest.tables["vault_people"] == 1
    assert "files/releases/2026-12/incidents.csv" in manifest.members
    with tarfile.open(archive) as opened:  # no key ever travels with the data
        assert not [n for n in opened.getnames() if "key" in n]
    assert read_manifest(archive) == manifest

    if engine.dialect.name == "sqlite":
        with fresh_database("sqlite", tmp_path / "restored") as url:
            target = make_engine(url)
    else:
        _empty_again(engine)
        target = make_engine(str(engine.url))
    back = tmp_path / "restored-instance" / "releases"
    assert restore(target, archive, folders={"releases": back}) == manifest
    with target.connect() as conn:
        assert table_counts(conn) == manifest.tables  # every row the backup saw, no other
    assert manifest.tables["incidents"] <= 1 + during + 1
    [person] = people(target, vault, users["rep"], record)  # the same key opens the vault
    assert person.details == CANARIES
    assert (back / "2026-12" / "incidents.csv").read_text() == "public_id\nabc\n"
    upgrade(target)  # and the restored store migrates like any other
    target.dispose()


def test_a_restore_refuses_a_store_that_holds_data(workflow_store, tmp_path):
    engine, _users = workflow_store
    archive = tmp_path / "backup.tar"
    backup(engine, archive)
    with pytest.raises(BackupError, match="already holds data"):
        restore(engine, archive)


def test_a_damaged_or_foreign_archive_is_refused(tmp_path):
    with fresh_database("sqlite", tmp_path / "a") as url:
        engine = make_engine(url)
        upgrade(engine)
        archive = tmp_path / "backup.tar"
        backup(engine, archive)
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "database.sqlite":
                data = data[:-10] + b"x" * 10
            copy.addfile(member, io.BytesIO(data))
    with fresh_database("sqlite", tmp_path / "b") as url, \
            pytest.raises(BackupError, match="damaged: database.sqlite"):
        restore(make_engine(url), damaged)
    (tmp_path / "notes.txt").write_text("not a backup")
    with pytest.raises(BackupError, match="is not an incidentmap backup"):
        read_manifest(tmp_path / "notes.txt")


@pytest.mark.postgres
def test_a_sqlite_backup_does_not_restore_into_postgresql(tmp_path):
    with fresh_database("sqlite", tmp_path / "a") as url:
        engine = make_engine(url)
        upgrade(engine)
        backup(engine, tmp_path / "backup.tar")
    with fresh_database("postgresql", tmp_path) as url:
        target = make_engine(url)
        with pytest.raises(BackupError, match="is a sqlite backup"):
            restore(target, tmp_path / "backup.tar")
        target.dispose()
