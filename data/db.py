"""Engines, migrations and the data version; dialect differences are kept here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, func, insert, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from data.schema import dataset_state, incidents

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message is safe to show (no password)."""


def redact(url: str) -> str:
    """Return ``url`` with any password replaced by ``***``.

    Parameters
    ----------
    url : str
        A SQLAlchemy database URL.

    Returns
    -------
    str
    """
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine for ``url`` and check that it can connect.

    SQLite files get their folder created, WAL journaling and foreign keys.

    Parameters
    ----------
    url : str
        SQLAlchemy URL.

    Returns
    -------
    sqlalchemy.Engine

    Raises
    ------
    StoreError
        When the URL is malformed or the database cannot be reached; names the URL with the
        password redacted.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"INCIDENTMAP_DATABASE_URL is not a valid database URL: {exc}") from exc
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(parsed, pool_pre_ping=True)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot use database {redact(url)}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        with engine.connect():
            pass
    except (OperationalError, SQLAlchemyError) as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise StoreError(f"cannot open database {redact(url)}: {reason}") from exc
    return engine


def alembic_config(engine: Engine) -> Config:
    """Alembic configuration bound to ``engine`` (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision``."""
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Revert migrations down to ``revision`` (``"base"`` removes every table)."""
    command.downgrade(alembic_config(engine), revision)


def data_version(engine: Engine) -> int:
    """Current data version; every write to incidents bumps it (cache key for analytics)."""
    with engine.connect() as conn:
        value = conn.execute(select(dataset_state.c.version)).scalar()
    return int(value or 0)


def bump_version(conn) -> int:
    """Increase the data version inside the caller's transaction and return the new value."""
    now = dt.datetime.now(dt.UTC)
    result = conn.execute(
        update(dataset_state).values(version=dataset_state.c.version + 1, changed_at=now)
    )
    if result.rowcount == 0:
        conn.execute(insert(dataset_state).values(id=1, version=1, changed_at=now))
    return int(conn.execute(select(dataset_state.c.version)).scalar())


def incident_count(engine: Engine) -> int:
    """Number of incident rows of every status."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(incidents)).scalar())
