"""Engines, migrations and the data version; dialect differences are kept here."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Collection, Mapping, Sequence
from itertools import repeat
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Engine,
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from data.store.failures import first_line
from data.store.schema import dataset_state, incidents

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message is safe to show (no password)."""


class StoreUnreachable(StoreError):
    """The database server, or the database on it, cannot be reached (exit status 3)."""


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
    # SQLite's default page cache (2 MB): a 128 MB one made reading 100,000 rows by id 40 %
    # slower (fresh pages cost more than the OS cache they replace) and gave loads nothing.
    cursor.execute("PRAGMA temp_store=MEMORY")
    # deleted content is overwritten with zeros, so an erasure leaves no copy in the file
    # (data.people.erasure); costs little, as this store rarely deletes
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _without_row_values(context) -> None:
    """Keep only the first line of a database error's message.

    PostgreSQL adds lines that quote row values (``DETAIL: Failing row contains (...)``);
    dropped, no error message or log line can carry an account, a place or a name. The first
    line (what went wrong, in which column) stays; the parameters are hidden by the engine.
    """
    for error in (context.original_exception, context.sqlalchemy_exception):
        args = getattr(error, "args", ())
        if args and isinstance(args[0], str) and "\n" in args[0]:
            error.args = (args[0].split("\n", 1)[0], *args[1:])


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
        # hide_parameters: a failed statement's values (an account, a place) never reach an
        # error message or a log line
        engine = create_engine(parsed, pool_pre_ping=True, hide_parameters=True)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot use database {redact(url)}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "handle_error", _without_row_values)
    try:
        with engine.connect():
            pass
    except (OperationalError, SQLAlchemyError) as exc:
        reason = first_line(exc)
        hint = (f": create it first (`createdb {parsed.database}`, then `incidentmap db "
                "upgrade`) or correct INCIDENTMAP_DATABASE_URL"
                if "does not exist" in reason else "")
        raise StoreUnreachable(f"cannot open database {redact(url)}: {reason}{hint}") from exc
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


#: SQLite page cache of a connection during a bulk load (KiB, as PRAGMA cache_size takes it
#: negative): big random-key indexes (public ids) outgrow the default 2 MB at 1M records.
LOAD_CACHE_KIB = 131_072


@contextlib.contextmanager
def load_cache(conn):
    """A large SQLite page cache for the duration of a bulk load on ``conn`` (no-op elsewhere).

    Readers keep SQLite's default (a large cache made reads by id slower); a loading
    connection gets :data:`LOAD_CACHE_KIB` and gives it back afterwards.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{LOAD_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


def data_version(engine: Engine) -> int:
    """Current data version; every write to incidents bumps it (cache key for analytics)."""
    return data_versions(engine)[0]


def data_versions(engine: Engine) -> tuple[int, int]:
    """The data version and the private version, in one query.

    Returns
    -------
    (int, int)
        The current data version, and the data version of the last write that withdrew or
        erased public content (``bump_version(conn, private=True)``): no snapshot older than
        the second may be served.
    """
    with engine.connect() as conn:
        row = conn.execute(select(dataset_state.c.version,
                                  dataset_state.c.private_version)).first()
    return (0, 0) if row is None else (int(row[0] or 0), int(row[1] or 0))


def bump_version(conn, *, private: bool = False) -> int:
    """Increase the data version inside the caller's transaction and return the new value.

    Parameters
    ----------
    conn : sqlalchemy.Connection
        In the transaction of the write.
    private : bool
        The write withdrew public content (a record unpublished or its consent withdrawn, a
        published record edited, erased or anonymised): the new version also becomes the
        private version, and readers wait for a snapshot at least that new
        (:mod:`data.snapshot.cache`) instead of answering from an older one.
    """
    now = dt.datetime.now(dt.UTC)
    values = {"version": dataset_state.c.version + 1, "changed_at": now}
    if private:
        values["private_version"] = dataset_state.c.version + 1
    result = conn.execute(update(dataset_state).values(**values))
    if result.rowcount == 0:
        conn.execute(insert(dataset_state).values(id=1, version=1, changed_at=now,
                                                  private_version=1 if private else 0))
    return int(conn.execute(select(dataset_state.c.version)).scalar())


def _default_of(column):
    """The column's Python-side scalar default, or None."""
    default = column.default
    return default.arg if default is not None and not callable(default.arg) else None


def json_text(value) -> str | None:
    """``value`` as the text a JSON column stores (None stays NULL); see ``serialised``."""
    return None if value is None else json.dumps(value)


#: Column types whose values repeat a lot in a load and whose bind processors are costly
#: enough to be worth remembering per distinct value (dates, times, flags).
MEMO_TYPES = (Date, DateTime, Boolean)


def _processed(values: Sequence, processor, memo: bool) -> Sequence:
    """``values`` through a bind processor; with ``memo`` each distinct value is processed once."""
    if processor is None:
        return values
    if not memo:
        return [processor(v) for v in values]
    done: dict = {}
    out = []
    append = out.append
    for value in values:
        try:
            append(done[value])
        except KeyError:
            done[value] = converted = processor(value)
            append(converted)
    return out


def insert_columns(conn, table, columns: Mapping[str, Sequence],
                   constants: Mapping[str, object] | None = None,
                   serialised: Collection[str] = ()) -> int:
    """Insert rows given column by column, in one driver-level batch.

    Values go through the type processors SQLAlchemy would apply (dates, JSON, booleans),
    once per distinct value instead of once per row and statement, which makes large loads
    several times faster than ``conn.execute(insert(table), rows)`` on SQLite.

    Parameters
    ----------
    conn : sqlalchemy.Connection
        Inside the caller's transaction.
    table : sqlalchemy.Table
    columns : mapping of str to sequence
        Column name -> values, all of one length (the number of rows).
    constants : mapping of str to object, optional
        Column name -> one value shared by every row (processed once).
    serialised : collection of str, optional
        Columns whose values are already in the database's form (e.g. JSON text made with
        :func:`json_text`): no bind processor runs on them.

    Returns
    -------
    int
        Number of rows inserted. Table columns given in neither mapping take their
        Python-side scalar default (or NULL).
    """
    constants = dict(constants or {})
    count = len(next(iter(columns.values()))) if columns else 0
    if not count:
        return 0
    dialect = conn.dialect
    names, by_column = [], []
    for column in table.columns:
        if column.name in columns:
            values = columns[column.name]
        elif column.name in constants or column.default is not None:
            values = None
        else:
            continue
        processor = None if column.name in serialised else \
            column.type.dialect_impl(dialect).bind_processor(dialect)
        if values is None:
            value = constants.get(column.name, _default_of(column))
            values = repeat(processor(value) if processor else value, count)
        else:
            values = _processed(values, processor, isinstance(column.type, MEMO_TYPES))
        names.append(dialect.identifier_preparer.quote(column.name))
        by_column.append(values)
    marks = ", ".join(["?" if dialect.paramstyle == "qmark" else "%s"] * len(names))
    target = dialect.identifier_preparer.format_table(table)
    conn.exec_driver_sql(f"INSERT INTO {target} ({', '.join(names)}) VALUES ({marks})",
                         list(zip(*by_column, strict=True)))
    return count


def bulk_insert(conn, table, rows: list[dict]) -> None:
    """Insert many rows of ``table`` given as dicts (see :func:`insert_columns`).

    Columns missing from a row take the column's Python-side scalar default.
    """
    if not rows:
        return
    names = {name for row in rows for name in row}
    insert_columns(conn, table, {
        column.name: [row.get(column.name, _default_of(column)) for row in rows]
        for column in table.columns if column.name in names})


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


def insert_with_ids(conn, table, columns: Mapping[str, Sequence],
                    constants: Mapping[str, object] | None = None,
                    serialised: Collection[str] = ()) -> list[int]:
    """Insert rows given column-wise (see :func:`insert_columns`); returns their new ids.

    The ids are allocated first, then written with the rows: SQLite takes them from the
    table's maximum inside the caller's write transaction (SQLite has one writer at a time);
    PostgreSQL draws them from the column's sequence, so concurrent writers never collide.
    """
    count = len(next(iter(columns.values()))) if columns else 0
    if not count:
        return []
    if conn.dialect.name == "sqlite":
        first = int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar()) + 1
        ids = list(range(first, first + count))
    else:
        sequence = conn.exec_driver_sql(
            "SELECT pg_get_serial_sequence(%s, 'id')", (table.name,)).scalar()
        ids = sorted(int(r[0]) for r in conn.exec_driver_sql(
            "SELECT nextval(%s) FROM generate_series(1, %s)", (sequence, count)))
    insert_columns(conn, table, {**columns, "id": ids}, constants, serialised)
    return ids


def incident_count(engine: Engine) -> int:
    """Number of incident rows of every status."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(incidents)).scalar())
