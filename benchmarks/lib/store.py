"""The benchmark's synthetic SQLite store: reused when it fits, else generated and load-timed.

The load timing measured at generation is kept next to the file (``*.sqlite.json``) so that it
can be reported again when the file is reused.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import time
from pathlib import Path

from lib.common import WORK, log, proc_status, reset_peak_rss
from lib.machine import git_revision


def store_path(rows: int, seed: int, nuts: bool = False) -> Path:
    """The SQLite file of ``rows`` synthetic incidents of ``seed`` under ``benchmarks/work``.

    ``nuts``: the store generated with NUTS files (its records have regions), kept apart.
    """
    return WORK / f"incidents-{rows}-seed{seed}{'-nuts2024' if nuts else ''}.sqlite"


def ensure_store(path: Path, rows: int, seed: int, nuts_dir: Path | None = None) -> dict:
    """Reuse ``path`` when it holds ``rows`` incidents; otherwise generate it (timed).

    A reused file is migrated to the current schema first when migrations were added since
    it was generated; a file that cannot be read, or holds another number of incidents, is
    generated again.

    Parameters
    ----------
    path : Path
        The SQLite file.
    rows : int
        Synthetic incidents it must hold.
    seed : int
        Seed of ``data.records.demo.load_demo`` when the file is generated.
    nuts_dir : Path, optional
        NUTS 2024 files: the generated records get NUTS regions (a store generated without
        them has none; use another path for each).

    Returns
    -------
    dict
        ``reused``, ``path``, ``bytes`` and, when known, ``generated``: the load timing
        (total, rows/s, its split into preparing, incident INSERTs and link tables + commit,
        the peak RSS growth and the code revision).
    """
    from data.store.db import incident_count, make_engine, upgrade
    from data.store.opening import schema_is_current

    sidecar = path.with_suffix(path.suffix + ".json")
    if path.exists():
        engine = make_engine(f"sqlite:///{path}")
        try:
            ok = incident_count(engine) == rows
            if ok and not schema_is_current(engine):
                log(f"migrating {path} to the current schema (incidentmap db upgrade)")
                upgrade(engine)
            ok = ok and schema_is_current(engine)
        except Exception:  # noqa: BLE001 - any unreadable file is regenerated
            ok = False
        engine.dispose()
        if ok:
            info = {"reused": True, "path": str(path), "bytes": path.stat().st_size}
            if sidecar.exists():
                info["generated"] = json.loads(sidecar.read_text())
            log(f"reusing {path} ({rows:,} incidents)")
            return info
        log(f"{path} does not hold {rows:,} incidents: regenerating")

    partial = path.with_name(path.name + ".partial")
    for suffix in ("", "-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{partial}")
    upgrade(engine)
    generated = timed_load(engine, rows, seed, nuts_dir, label=str(partial))
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    for suffix in ("-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    os.replace(partial, path)
    sidecar.write_text(json.dumps(generated, indent=2))
    gc.collect()
    return {"reused": False, "path": str(path), "bytes": path.stat().st_size,
            "generated": generated}


def timed_load(engine, rows: int, seed: int, nuts_dir: Path | None = None,
               label: str = "") -> dict:
    """Run ``data.records.demo.load_demo`` on a migrated store and time its parts.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The store (SQLite or PostgreSQL), migrated.
    rows, seed : int
        Passed to ``load_demo``.
    nuts_dir : Path, optional
        NUTS 2024 files, for regions.
    label : str, optional
        Names the store in the progress messages.

    Returns
    -------
    dict
        ``rows``, ``seed``, ``at``, ``total_s``, ``rows_per_s``, ``prepare_s`` (generate and
        the conversion, until the first INSERT batch returned), ``insert_incidents_s``,
        ``links_commit_s`` (link tables + commit), ``peak_rss_delta`` and ``revision``.
    """
    from data.records.demo import load_demo

    marks: dict[str, float] = {}
    step = max(rows // 10, 1)

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        marks.setdefault("first_batch", now)
        marks["last_batch"] = now
        if done % step < 5000 or done == total:
            log(f"  inserted {done:,}/{total:,} incidents")

    log(f"generating {rows:,} synthetic incidents (seed {seed}) into {label}")
    rss0 = proc_status()["VmRSS"]
    reset_peak_rss()
    t0 = time.perf_counter()
    load_demo(engine, rows=rows, seed=seed, progress=progress, nuts_dir=nuts_dir)
    t1 = time.perf_counter()
    peak = proc_status()["VmHWM"]
    first = marks.get("first_batch", t1)
    last = marks.get("last_batch", t1)
    log(f"loaded {rows:,} incidents in {t1 - t0:,.1f} s ({rows / (t1 - t0):,.0f} rows/s)")
    return {
        "rows": rows,
        "seed": seed,
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "total_s": t1 - t0,
        "rows_per_s": rows / (t1 - t0),
        "prepare_s": first - t0,
        "insert_incidents_s": last - first,
        "links_commit_s": t1 - last,
        "peak_rss_delta": peak - rss0,
        "revision": git_revision(),
    }
