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
    cursor.execute("PRAGMA cache_size=-131072")  # 128 MB of page cache: large loads, big indexes
    cursor.execute("PRAGMA temp_store=MEMORY")
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


def analyze(conn) -> None:
    """Refresh the query planner's statistics after a large load (both backends).

    Without them SQLite scans a whole index for ``id IN (...)`` look-ups of public rows.
    """
    conn.exec_driver_sql("ANALYZE")


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


def bulk_insert(conn, table, rows: list[dict]) -> None:
    """Insert many rows of ``table`` in one driver-level batch.

    Values go through the same type processors SQLAlchemy applies (dates, JSON, booleans),
    but once per column instead of once per row and statement, which makes large loads
    several times faster than ``conn.execute(insert(table), rows)`` on SQLite.
    Columns missing from a row take the column's Python-side default.
    """
    if not rows:
        return
    dialect = conn.dialect
    columns = [c for c in table.columns if c.name in rows[0] or c.default is not None]
    processors = []
    for column in columns:
        processor = column.type.dialect_impl(dialect).bind_processor(dialect)
        default = column.default.arg if column.default is not None and \
            not callable(column.default.arg) else None
        processors.append((column.name, processor, default))
    by_column = []
    for name, processor, default in processors:
        raw = [row.get(name, default) for row in rows]
        by_column.append([processor(v) for v in raw] if processor else raw)
    values = list(zip(*by_column, strict=True))
    names = ", ".join(dialect.identifier_preparer.quote(c.name) for c in columns)
    marks = ", ".join(["?"] * len(columns)) if dialect.paramstyle == "qmark" else \
        ", ".join(["%s"] * len(columns))
    target = dialect.identifier_preparer.format_table(table)
    conn.exec_driver_sql(f"INSERT INTO {target} ({names}) VALUES ({marks})", values)


def fetch_tuples(conn, stmt) -> list[tuple]:
    """All rows of a SELECT as plain tuples, straight from the driver.

    No per-value type processing happens (SQLite dates come back as ISO text): this is for
    large analytic reads that convert whole columns afterwards.
    """
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    sql = compiled.string
    positions = compiled.positiontup
    args = tuple(params[name] for name in positions) if positions else params
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(sql, args)
        return cursor.fetchall()
    finally:
        cursor.close()


def insert_with_ids(conn, table, rows: list[dict]) -> list[int]:
    """Insert ``rows`` into ``table`` in one batch and return their new ids, in order.

    SQLite cannot return generated ids of a multi-row insert in a guaranteed order, so ids are
    allocated from the table's maximum inside the caller's write transaction (SQLite has one
    writer at a time); PostgreSQL uses ``INSERT ... RETURNING`` with ordered results.
    """
    if not rows:
        return []
    if conn.dialect.name == "sqlite":
        first = int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar()) + 1
        ids = list(range(first, first + len(rows)))
        bulk_insert(conn, table, [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
        return ids
    returned = conn.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                            rows)
    return [int(r[0]) for r in returned]


def incident_count(engine: Engine) -> int:
    """Number of incident rows of every status."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(incidents)).scalar())
