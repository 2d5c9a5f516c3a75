"""Write the store of this release as SQL, for the upgrade test of every later release.

Run once per release, from the repository root, and commit the file it writes::

    .venv/bin/python tests/data/store/upgrade/make_fixture.py

The store holds rows in every table a release's users fill: demo incidents, organisations and
their staff, a submitted report with its typed copy and audit entries, a vault entry, a login
attempt, a data release. ``tests/data/store/test_upgrade.py`` migrates each committed file to
the current schema and checks every row is still there.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet

sys.path.insert(0, str(Path(__file__).resolve().parents[4]))  # run as a script from anywhere

from data.export.releases import freeze
from data.people.logins import authenticate
from data.people.vault import Vault, add_person
from data.reference.taxonomy import load_taxonomy
from data.store.backup import schema_revision
from tests.data.records.workflow_store import STAFF, new_record
from tests.factories import store_at

HERE = Path(__file__).resolve().parent
#: The vault key the fixture's vault entry is sealed with (a test key, public on purpose).
VAULT_KEY = "Vd3Q1Y8pXy7m0cD0Zk5u9m4i5M0d3Ow7V8O0Y0Qm4xA="


def main() -> int:
    """Build the store in a temporary folder and write ``store-<revision>.sql`` here."""
    Fernet(VAULT_KEY)  # a valid key
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store.sqlite"
        with store_at(f"sqlite:///{path}", demo_rows=40, **STAFF) as store:
            engine, users = store.engine, store.users
            record = new_record(engine, users["rep"])
            add_person(engine, Vault(VAULT_KEY), users["rep"], record, "victim",
                       {"name": "Fixture Person", "email": "fixture@example.org"})
            authenticate(engine, "rep@example.org", "wrong password", "192.0.2.1")
            freeze(engine, load_taxonomy(), Path(folder), "fixture-release", min_cell=5,
                   now=dt.datetime(2026, 12, 6, tzinfo=dt.UTC))
            revision = schema_revision(engine)
        conn = sqlite3.connect(path)
        try:
            dump = "\n".join(conn.iterdump()) + "\n"
        finally:
            conn.close()
    target = HERE / f"store-{revision}.sql"
    target.write_text(dump)
    print(f"wrote {target} ({len(dump):,} characters)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
