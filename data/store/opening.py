"""Opening the store for a process: connect, migrate, and seed the embedded default."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from data.records.demo import load_demo
from data.settings import Settings
from data.store.db import StoreError, alembic_config, incident_count, make_engine, redact, upgrade

log = logging.getLogger(__name__)

#: The commands that may create a store; every other one refuses a missing one.
CREATING_COMMANDS = ("incidentmap serve", "incidentmap db upgrade", "incidentmap demo")


class StoreMissing(StoreError):
    """The SQLite store a command should read or change does not exist (exit status 2)."""


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite ``url`` names (``None`` for other backends and in-memory stores)."""
    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:") \
            or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def require_store(settings: Settings) -> None:
    """Refuse a missing SQLite store instead of letting SQLite create an empty one.

    Only :data:`CREATING_COMMANDS` create a store; any other command run where no store is
    (another working folder, a mistyped setting) would otherwise act on a new empty one and
    report "nothing there". A server database that does not exist fails on connecting
    (exit status 3, naming ``createdb``).

    Raises
    ------
    StoreMissing
        The SQLite file does not exist; the message names the path looked at and how to set
        it.
    """
    path = sqlite_file(settings.effective_database_url)
    if path is None or path.exists():
        return
    which = ("INCIDENTMAP_INSTANCE_DIR" if settings.uses_embedded_store
             else "INCIDENTMAP_DATABASE_URL")
    raise StoreMissing(
        f"no store at {path.absolute()}: set {which} to the store's location, or create one "
        f"with {', '.join(CREATING_COMMANDS[:-1])} or {CREATING_COMMANDS[-1]}")


def schema_is_current(engine: Engine) -> bool:
    """True when the database is migrated to the newest revision."""
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() == head


def open_migrated(settings: Settings, *, allow_behind: bool = False,
                  create: bool = False) -> Engine:
    """Connect for a command that writes: migrate the embedded store, require a migrated one.

    With ``allow_behind`` a configured database whose schema is behind is opened anyway (the
    web app then answers 503 naming `incidentmap db upgrade`: dashboard.failures). Without
    ``create`` (only :data:`CREATING_COMMANDS` pass it) a missing SQLite store is refused.

    Raises
    ------
    StoreError
        The database cannot be opened, or a configured database is not migrated.
    StoreMissing
        The SQLite store does not exist and ``create`` is false.
    """
    if not create:
        require_store(settings)
    url = settings.effective_database_url
    engine = make_engine(url)
    if settings.uses_embedded_store:
        upgrade(engine)
    elif not schema_is_current(engine):
        if allow_behind:
            log.error("database %s is not migrated to the current schema: run `incidentmap "
                      "db upgrade`; until then every request answers 503", redact(url))
            return engine
        raise StoreError(
            f"database {redact(url)} is not migrated to the current schema: "
            "run `incidentmap db upgrade` first"
        )
    return engine


def open_store(settings: Settings, *, seed_demo: bool = True,
               allow_behind: bool = False, create: bool = False) -> Engine:
    """Connect to the configured store and make it ready to serve.

    The embedded SQLite default is created and migrated on first start and, when it holds no
    incidents, seeded with ``settings.demo_rows`` synthetic demo incidents. A configured
    server database is never seeded and must be migrated with ``incidentmap db upgrade``.

    Parameters
    ----------
    settings : Settings
    seed_demo : bool
        Seed an empty embedded store with demo data.
    allow_behind : bool
        Open a configured database whose schema is behind instead of refusing (serving).
    create : bool
        Create a missing SQLite store (``incidentmap serve``); otherwise it is refused.

    Returns
    -------
    sqlalchemy.Engine

    Raises
    ------
    StoreError
        The database cannot be opened, or a configured database is not migrated.
    StoreMissing
        The SQLite store does not exist and ``create`` is false.
    """
    engine = open_migrated(settings, allow_behind=allow_behind, create=create)
    if settings.uses_embedded_store and seed_demo and settings.demo_rows > 0 \
            and incident_count(engine) == 0:
        log.info("seeding the embedded store with %d demo incidents", settings.demo_rows)
        from geo.nuts import usable_nuts_dir

        load_demo(engine, rows=settings.demo_rows, nuts_dir=usable_nuts_dir(settings.nuts_folder))
    return engine
