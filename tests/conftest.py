"""Shared fixtures: real databases (SQLite file and the PostgreSQL server) and shared data.

Stores and apps are built by :mod:`tests.factories` (imported inside the fixtures: it
imports this module for :func:`fresh_database`).
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import text

from data.store.db import StoreError, make_engine

# Keep every test, and every command a test starts, away from the real instance folder (the
# user's data folder): settings from the environment get a throwaway one, and so does
# platformdirs' user data folder for processes started without INCIDENTMAP_* variables.
ISOLATED = Path(tempfile.mkdtemp(prefix="incidentmap-tests-"))
os.environ["INCIDENTMAP_INSTANCE_DIR"] = str(ISOLATED / "instance")
os.environ["XDG_DATA_HOME"] = str(ISOLATED / "data-home")
atexit.register(shutil.rmtree, ISOLATED, ignore_errors=True)

# Property tests check outcomes, not speed: a loaded CI machine must not fail them on
# hypothesis' default 200 ms deadline per example.
settings.register_profile("incidentmap", deadline=None)
settings.load_profile("incidentmap")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
POSTGRES_URL = os.environ.get(
    "INCIDENTMAP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"
#: NUTS 1 codes of the German Länder, with the spellings of ARVIG's ``state`` column.
LAENDER = {
    "DE1": "Baden-Württemberg", "DE2": "Bayern", "DE3": "Berlin", "DE4": "Brandenburg",
    "DE5": "Bremen", "DE6": "Hamburg", "DE7": "Hessen", "DE8": "Mecklenburg-Vorpommern",
    "DE9": "Niedersachsen", "DEA": "Nordrhein-Westfalen", "DEB": "Rheinland-Pfalz",
    "DEC": "Saarland", "DED": "Sachsen", "DEE": "Sachsen-Anhalt", "DEF": "Schleswig-Holstein",
    "DEG": "Thüringen",
}


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the repository; tests using it skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder {SHARED_DATA} is absent")
    return SHARED_DATA


def _postgres_schema_url() -> tuple[str, str]:
    """Create a fresh schema on the PostgreSQL test server; return (url, schema)."""
    try:
        admin = make_engine(POSTGRES_URL)
    except StoreError as exc:
        message = f"PostgreSQL at {POSTGRES_URL} is unreachable: {exc}"
        if IN_CI:
            pytest.fail(message + " (CI=true: PostgreSQL tests must run)")
        pytest.skip(message)
    schema = f"im_test_{uuid.uuid4().hex[:10]}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    sep = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}", schema


def _drop_schema(schema: str) -> None:
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@contextlib.contextmanager
def fresh_database(kind: str, folder: Path):
    """URL of an empty database of ``kind`` (sqlite or postgresql), removed afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'store.sqlite'}"
        return
    url, schema = _postgres_schema_url()
    try:
        yield url
    finally:
        _drop_schema(schema)


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    """A URL of an empty database: a SQLite file, then a fresh PostgreSQL schema."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def engine(database_url):
    """A migrated, empty store on each backend."""
    from tests import factories

    with factories.store_at(database_url) as store:
        yield store.engine


@pytest.fixture
def workflow_store(database_url):
    """On each backend: a store with two organisations and their staff (engine, users)."""
    from tests import factories
    from tests.data.records.workflow_store import STAFF

    with factories.store_at(database_url, **STAFF) as store:
        yield store.engine, store.users


@pytest.fixture
def make_store(tmp_path):
    """Build stores in the test's ``tmp_path``: ``make_store(backend="sqlite", **load)``.

    Takes the arguments of :func:`tests.factories.store` but the folder; each store gets
    a folder of its own and is removed after the test.
    """
    from tests import factories

    numbers = itertools.count(1)
    with contextlib.ExitStack() as stack:
        def make(backend: str = "sqlite", **load):
            folder = tmp_path / f"store-{next(numbers)}"
            return stack.enter_context(factories.store(folder, backend, **load))

        yield make


@pytest.fixture
def make_site(tmp_path):
    """Build sites in the test's ``tmp_path``: ``make_site(backend="sqlite", **options)``.

    Takes the arguments of :func:`tests.factories.site` but the folder; each site gets a
    folder of its own (``instance`` inside it unless ``instance_dir`` is given) and is
    removed after the test.
    """
    from tests import factories

    numbers = itertools.count(1)
    with contextlib.ExitStack() as stack:
        def make(backend: str = "sqlite", **options):
            folder = tmp_path / f"site-{next(numbers)}"
            return stack.enter_context(factories.site(folder, backend, **options))

        yield make
