"""The benchmark's synthetic store on PostgreSQL: a dedicated database, reused when it fits.

``run.py --database-url postgresql+psycopg://USER@HOST:PORT/DBNAME`` measures this store
instead of the SQLite file. The database is created when missing (``CREATE DATABASE``, what
``createdb`` does) and must hold nothing but the benchmark's synthetic data: a database with
any other source of records (the test database, a production one) is refused, never loaded.
"""

from __future__ import annotations

import gc
import json
import re
import time

from lib.common import WORK, log
from lib.store import timed_load


def _names(url: str) -> tuple[str, str]:
    """(database name, URL of the server's ``postgres`` maintenance database)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"--database-url must be a PostgreSQL URL, not {parsed.drivername}")
    if not parsed.database or not re.fullmatch(r"[A-Za-z0-9_]+", parsed.database):
        raise ValueError("--database-url must name a database of letters, digits and _")
    if parsed.database in ("test", "postgres", "template0", "template1"):
        raise ValueError(f"refusing to load benchmark data into database {parsed.database!r}: "
                         "use a database of its own, e.g. incidentmap_bench")
    admin = parsed.set(database="postgres").render_as_string(hide_password=False)
    return parsed.database, admin


def create_database(url: str) -> bool:
    """Create the database of ``url`` when it does not exist; True when it was created."""
    from sqlalchemy import create_engine, text

    name, admin_url = _names(url)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                  {"n": name}).scalar()
            if not exists:
                log(f"creating database {name} (createdb)")
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    return not exists


def _foreign_sources(engine) -> list[str]:
    """Slugs of sources other than the synthetic demo one (empty when no tables yet)."""
    from sqlalchemy import inspect, text

    if "sources" not in inspect(engine).get_table_names():
        return []
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT slug FROM sources WHERE kind <> 'demo'"))]


def server_versions(url: str) -> dict:
    """PostgreSQL and PostGIS versions of the server behind ``url``."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            pg = conn.execute(text("SHOW server_version")).scalar()
            gis = conn.execute(text(
                "SELECT extversion FROM pg_extension WHERE extname = 'postgis'")).scalar()
    finally:
        engine.dispose()
    return {"postgresql": str(pg), "postgis": str(gis or "not installed")}


def database_bytes(engine) -> int:
    """Size on disk of the current database (tables, indexes, TOAST)."""
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar())


def ensure_pg_store(url: str, rows: int, seed: int) -> dict:
    """Reuse the database of ``url`` when it holds ``rows`` demo incidents of ``seed``.

    Otherwise create it (when missing), migrate it and load it with ``data.records.demo.load_demo``
    (timed), then ``VACUUM ANALYZE`` it as an administrator would after a bulk load. The
    load timing and seed are kept in ``benchmarks/work/postgres-DBNAME.json``.

    Parameters
    ----------
    url : str
        SQLAlchemy URL of the dedicated benchmark database.
    rows, seed : int
        Synthetic incidents it must hold, and their seed.

    Returns
    -------
    dict
        ``reused``, ``path`` (the URL without password), ``bytes`` (``pg_database_size``),
        ``backend`` and, when known, ``generated`` (as :func:`lib.store.timed_load`, plus
        ``vacuum_analyze_s``).

    Raises
    ------
    RuntimeError
        The database holds records of another source than the demo.
    """
    from data.store.db import incident_count, make_engine, redact, upgrade
    from data.store.opening import schema_is_current

    name, _admin = _names(url)
    sidecar = WORK / f"postgres-{name}.json"
    create_database(url)
    engine = make_engine(url)
    try:
        foreign = _foreign_sources(engine)
        if foreign:
            raise RuntimeError(f"{redact(url)} holds records of {', '.join(foreign)}: the "
                               "benchmark only loads a database of its own (e.g. "
                               "incidentmap_bench); it never touches other data")
        known = json.loads(sidecar.read_text()) if sidecar.exists() else {}
        ok = known.get("rows") == rows and known.get("seed") == seed
        if ok:
            try:
                ok = incident_count(engine) == rows
            except Exception:  # noqa: BLE001 - no tables yet: load it
                ok = False
        if ok and not schema_is_current(engine):
            log(f"migrating {redact(url)} to the current schema (incidentmap db upgrade)")
            upgrade(engine)
        if ok:
            log(f"reusing {redact(url)} ({rows:,} incidents, seed {seed})")
            return {"reused": True, "path": redact(url), "bytes": database_bytes(engine),
                    "backend": "postgresql", "generated": known}
        sidecar.unlink(missing_ok=True)
        upgrade(engine)
        generated = timed_load(engine, rows, seed, label=redact(url))
    finally:
        engine.dispose()
    engine = make_engine(url)
    t0 = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    generated["vacuum_analyze_s"] = time.perf_counter() - t0
    log(f"VACUUM ANALYZE: {generated['vacuum_analyze_s']:.1f} s")
    size = database_bytes(engine)
    engine.dispose()
    WORK.mkdir(parents=True, exist_ok=True)
    sidecar.write_text(json.dumps(generated, indent=2))
    gc.collect()
    return {"reused": False, "path": redact(url), "bytes": size, "backend": "postgresql",
            "generated": generated}
