"""Stores made by earlier releases migrate to the current schema with every row kept.

Each ``upgrade/store-<revision>.sql`` is a store one release made (written by
``upgrade/make_fixture.py`` and committed with that release): every later release must
migrate it to head, keeping every row and the vault readable with the same key.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from data.people.vault import Vault
from data.store.backup import schema_revision, table_counts
from data.store.db import make_engine, upgrade
from data.store.opening import schema_is_current
from data.store.schema import vault_people
from tests.data.store.upgrade.make_fixture import VAULT_KEY

FIXTURES = sorted((Path(__file__).resolve().parent / "upgrade").glob("store-*.sql"))


def test_there_is_a_store_of_the_first_release_to_upgrade():
    assert [f.name for f in FIXTURES][:1] == ["store-0013.sql"]


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.stem)
def test_an_earlier_store_migrates_to_head_with_every_row(fixture, tmp_path):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(fixture.read_text())
    conn.close()
    engine = make_engine(f"sqlite:///{path}")
    assert schema_revision(engine) == fixture.stem.removeprefix("store-")
    with engine.connect() as conn:
        before = table_counts(conn)
    assert before["incidents"] > 0 and before["vault_people"] == 1
    upgrade(engine)
    assert schema_is_current(engine)
    with engine.connect() as conn:
        after = table_counts(conn)
        payload = conn.execute(select(vault_people.c.payload)).scalar()
    kept = {name: count for name, count in after.items() if name in before}
    assert kept == before  # no row lost or added in the tables the old store had
    assert Vault(VAULT_KEY).open(bytes(payload))["name"] == "Fixture Person"
    engine.dispose()
