"""Opening the store for a process: connect, migrate, and seed the embedded default."""

from __future__ import annotations

import logging

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from data.records.demo import load_demo
from data.settings import Settings
from data.store.db import StoreError, alembic_config, incident_count, make_engine, redact, upgrade

log = logging.getLogger(__name__)


def schema_is_current(engine: Engine) -> bool:
    """True when the database is migrated to the newest revision."""
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() == head


def open_migrated(settings: Settings, *, allow_behind: bool = False) -> Engine:
    """Connect for a command that writes: migrate the embedded store, require a migrated one.

    With ``allow_behind`` a configured database whose schema is behind is opened anyway (the
    web app then answers 503 naming `incidentmap db upgrade`: dashboard.failures).

    Raises
    ------
    StoreError
        The database cannot be opened, or a configured database is not migrated.
    """
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
               allow_behind: bool = False) -> Engine:
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

    Returns
    -------
    sqlalchemy.Engine

    Raises
    ------
    StoreError
        The database cannot be opened, or a configured database is not migrated.
    """
    engine = open_migrated(settings, allow_behind=allow_behind)
    if settings.uses_embedded_store and seed_demo and settings.demo_rows > 0 \
            and incident_count(engine) == 0:
        log.info("seeding the embedded store with %d demo incidents", settings.demo_rows)
        from geo.nuts import usable_nuts_dir

        load_demo(engine, rows=settings.demo_rows, nuts_dir=usable_nuts_dir(settings.nuts_folder))
    return engine
