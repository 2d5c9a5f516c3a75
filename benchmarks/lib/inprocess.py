"""In-process timings, no HTTP: snapshot builds, a filter change's aggregates, a render's steps."""

from __future__ import annotations

import gc
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from lib.common import (
    REPO,
    RUN_SCRIPT,
    database_url,
    fmt_bytes,
    log,
    proc_status,
    reset_peak_rss,
    summary,
)
from lib.scenarios import Scenario, search_of


def snapshot_nbytes(snapshot) -> int:
    """Bytes held by the snapshot's numpy arrays (columns, NUTS indexes and link tables).

    Parameters
    ----------
    snapshot : Snapshot
        A built ``data.snapshot.model.Snapshot``.

    Returns
    -------
    int
        The sum of the arrays' ``nbytes``.
    """
    total = 0
    for value in vars(snapshot).values():
        if isinstance(value, np.ndarray):
            total += value.nbytes
    for idx, _names in snapshot.nuts.values():
        total += idx.nbytes
    for link in snapshot.links.values():
        for arr in (link.rows, link.codes, link.bits, link.primary):
            if arr is not None:
                total += arr.nbytes
    return total


def probe_snapshot(db: Path) -> dict:
    """One build in a fresh interpreter: its time and how much RSS it adds (and peaks at).

    Run by :func:`bench_snapshot` as ``run.py --probe-snapshot --db DB``.

    Parameters
    ----------
    db : Path or str
        The SQLite file, or a database URL.

    Returns
    -------
    dict
        ``seconds``, ``rss_before``, ``rss_delta_retained``, ``rss_delta_peak`` (bytes),
        ``arrays_nbytes`` and ``records`` (public records in the snapshot).
    """
    from data.reference.taxonomy import load_taxonomy
    from data.settings import Settings
    from data.snapshot.model import build
    from data.store.db import data_version, make_engine

    engine = make_engine(database_url(db))
    taxonomy = load_taxonomy()
    min_cell = Settings().min_cell
    data_version(engine)  # connection, pragmas and SQLAlchemy compiled once, before measuring
    gc.collect()
    rss0 = proc_status()["VmRSS"]
    reset_peak_rss()
    t0 = time.perf_counter()
    snapshot = build(engine, taxonomy, min_cell)
    seconds = time.perf_counter() - t0
    gc.collect()
    after = proc_status()
    return {
        "seconds": seconds,
        "rss_before": rss0,
        "rss_delta_retained": after["VmRSS"] - rss0,
        "rss_delta_peak": after["VmHWM"] - rss0,
        "arrays_nbytes": snapshot_nbytes(snapshot),
        "records": snapshot.size,
    }


def bench_snapshot(engine, taxonomy, db: Path) -> tuple[object, dict]:
    """Three builds: one in a fresh process (with its memory), one build(), one split.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
        Engine on the benchmark's SQLite file.
    taxonomy : Taxonomy
        The app's taxonomy.
    db : Path or str
        The same SQLite file (or database URL), for the fresh-process probe.

    Returns
    -------
    tuple of (Snapshot, dict)
        The second build's snapshot, and ``times_s``, ``median_s``, ``parts`` (the third
        build split into ``data_version``, ``build_public_data`` and ``Snapshot.from_data``) and
        ``memory`` (the probe's figures).
    """
    from data.settings import Settings
    from data.snapshot.build import build_public_data
    from data.snapshot.model import Snapshot, build
    from data.store.db import data_version

    min_cell = Settings().min_cell

    where = ["--database-url", db] if database_url(db) == db else ["--db", str(db)]
    proc = subprocess.run([sys.executable, str(RUN_SCRIPT), "--probe-snapshot", *where],
                          capture_output=True, text=True, cwd=REPO)
    if proc.returncode != 0:
        raise RuntimeError(f"snapshot probe failed:\n{proc.stderr[-3000:]}")
    memory = json.loads(proc.stdout.strip().splitlines()[-1])
    times = [memory.pop("seconds")]
    log(f"snapshot build 1 (fresh process): {times[-1]:.2f} s, {memory['records']:,} public "
        f"records, RSS +{fmt_bytes(memory['rss_delta_retained'])} (peak +"
        f"{fmt_bytes(memory['rss_delta_peak'])})")
    gc.collect()
    t0 = time.perf_counter()
    snapshot = build(engine, taxonomy, min_cell)
    times.append(time.perf_counter() - t0)
    log(f"snapshot build 2: {times[-1]:.2f} s")
    gc.collect()
    # the third build step by step (what build() does), to show where the time goes
    t0 = time.perf_counter()
    version = data_version(engine)
    t1 = time.perf_counter()
    data = build_public_data(engine, taxonomy, min_cell)
    t2 = time.perf_counter()
    Snapshot.from_data(data, taxonomy, version)
    t3 = time.perf_counter()
    times.append(t3 - t0)
    del data
    gc.collect()
    parts = {"data_version_s": t1 - t0, "build_public_data_s": t2 - t1,
             "snapshot_init_s": t3 - t2}
    log(f"snapshot build 3: {t3 - t0:.2f} s (read + projection {t2 - t1:.2f} s, arrays "
        f"{t3 - t2:.2f} s)")
    return snapshot, {"times_s": times, "median_s": statistics.median(times), "parts": parts,
                      "memory": memory}


def bench_aggregates(snapshot, scenarios: list[Scenario]) -> dict:
    """mask + by_country + timeline(month) + by_code(type) per filter, in this process.

    Also sets each scenario's ``count``, which the HTTP checks compare with the server's.

    Parameters
    ----------
    snapshot : Snapshot
        The benchmark's snapshot.
    scenarios : list of Scenario
        The filters to time (after two warm-up rounds on the first).

    Returns
    -------
    dict
        For ``mask``, ``by_country``, ``timeline``, ``by_code`` and ``total``: the
        :func:`~lib.common.summary` in milliseconds plus the ``samples``.
    """
    warm = scenarios[0].effective
    for _ in range(2):
        m = snapshot.mask(warm)
        snapshot.by_country(m)
        snapshot.timeline(m, "month")
        snapshot.by_code(m, "type")
    parts: dict[str, list[float]] = {"mask": [], "by_country": [], "timeline": [], "by_code": [],
                                     "total": []}
    clock = time.perf_counter
    for sc in scenarios:
        t0 = clock()
        m = snapshot.mask(sc.effective)
        t1 = clock()
        snapshot.by_country(m)
        t2 = clock()
        snapshot.timeline(m, "month")
        t3 = clock()
        snapshot.by_code(m, "type")
        t4 = clock()
        sc.count = snapshot.count(m)
        for name, value in (("mask", t1 - t0), ("by_country", t2 - t1), ("timeline", t3 - t2),
                            ("by_code", t4 - t3), ("total", t4 - t0)):
            parts[name].append(value * 1000)
    return {name: summary(values) | {"samples": values} for name, values in parts.items()}


def render_breakdown(db_path: Path, scenarios: list[Scenario]) -> dict:
    """Time the steps of ``overview.render`` in this process (no HTTP), per filter.

    Parameters
    ----------
    db_path : Path or str
        The SQLite file the app is built on, or a database URL.
    scenarios : list of Scenario
        The filters (the first three also serve as warm-up).

    Returns
    -------
    dict
        ``first_build_s`` (the app context's first snapshot), ``render_ms`` (the whole
        ``overview.render``) and ``steps``: one summary in milliseconds per step.
    """
    from dash._utils import to_json

    from app import build_app
    from dashboard import figures
    from dashboard.context import current
    from dashboard.pages.overview import page as overview
    from dashboard.url_state import parse_search
    from data.reference.population import population
    from data.settings import Settings

    dash_app = build_app(Settings(database_url=database_url(db_path)))
    steps: dict[str, list[float]] = {}
    totals: list[float] = []
    clock = time.perf_counter

    def add(name: str, seconds: float) -> None:
        steps.setdefault(name, []).append(seconds * 1000)

    with dash_app.server.app_context():
        context = current()
        t0 = clock()
        context.snapshot()
        first_build = clock() - t0
        for sc in scenarios[:3]:  # warm-up
            overview.render(search_of(sc.flt))
        for sc in scenarios:
            search = search_of(sc.flt)
            t0 = clock()
            out = overview.render(search)
            t1 = clock()
            to_json({"multi": True, "response": out})
            t2 = clock()
            totals.append((t1 - t0) * 1000)
            add("serialise outputs to JSON (dash to_json)", t2 - t1)
            # the same work, step by step
            t = clock()
            sources = context.snapshot().sources
            add("snapshot() (data-version query)", clock() - t)
            t = clock()
            state, _ = parse_search(search, context.taxonomy, sources)
            flt = state.filter.with_default_bias(context.settings.default_bias_scope)
            add("parse_search", clock() - t)
            snapshot = context.snapshot()
            t = clock()
            mask = snapshot.mask(flt)
            add("mask", clock() - t)
            t = clock()
            figures.choropleth_values(snapshot.by_country(mask), state.metric, population(),
                                      context.country_names())
            add("by_country + choropleth_values", clock() - t)
            t = clock()
            timeline = snapshot.timeline(mask, state.granularity)
            add("timeline (aggregate)", clock() - t)
            t = clock()
            labels = {**context.labels("bias"), "unknown": "Not recorded"}
            figures.timeline_spec(timeline.counts, state.granularity, labels,
                             context.taxonomy.codes("bias"))
            add("figures.timeline_spec (figure dict)", clock() - t)
            t = clock()
            counts = snapshot.by_code(mask, "type")
            add("by_code(type)", clock() - t)
            t = clock()
            figures.breakdown_spec(counts, context.labels("type"), "Incidents")
            add("figures.breakdown_spec (figure dict)", clock() - t)
            t = clock()
            flt.describe(context.taxonomy)
            snapshot.contains_demo(mask)
            add("describe + contains_demo", clock() - t)
    dash_app.server.extensions.clear()
    return {"first_build_s": first_build, "render_ms": summary(totals),
            "steps": {k: summary(v) for k, v in steps.items()}}
