"""incidentmap benchmarks at scale: store load, snapshot, filter aggregates, HTTP, downloads.

Run from the repository root::

    .venv/bin/python benchmarks/run.py                  # 1,000,000 incidents, 30 filters
    .venv/bin/python benchmarks/run.py --rows 20000 --repeat 10
    flock /tmp/incidentmap-bench.lock .venv/bin/python benchmarks/run.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/incidentmap_bench

Every step prints progress to stderr; the report goes to ``benchmarks/RESULTS.md`` and the raw
samples to ``benchmarks/work/last-run.json``. See ``benchmarks/README.md`` for what each figure
means. Nothing here talks to any address other than 127.0.0.1.

The measurements live in the helpers of ``benchmarks/lib/``: ``lib.store`` (the synthetic
SQLite store) and ``lib.pgstore`` (the same on PostgreSQL), ``lib.inprocess`` (snapshot builds,
filter aggregates, a render's steps), ``lib.server`` and ``lib.http_timings`` (the server and
the timed requests), ``lib.page`` (first page load bytes), ``lib.peer`` (Datasette),
``lib.machine`` and ``lib.run_report`` (what the run ran on, and ``RESULTS.md``). This module
only parses the command line and runs them in order.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import sys
import tempfile
import time
from pathlib import Path

from lib.common import REPO, WORK, database_url, fmt_bytes, log
from lib.http_timings import (
    bench_control_change,
    bench_csv,
    bench_render,
    choose_csv_filter,
)
from lib.inprocess import (
    bench_aggregates,
    bench_snapshot,
    probe_snapshot,
    render_breakdown,
)
from lib.machine import git_revision, loadavg, machine_info
from lib.page import bench_page_bytes, browser_check
from lib.peer import bench_peer
from lib.pgstore import ensure_pg_store, server_versions
from lib.run_report import write_report
from lib.scenarios import make_scenarios, search_of
from lib.server import DashClient, Server
from lib.store import ensure_store, store_path


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or, with the internal ``--probe-snapshot``, one snapshot probe).

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments without the program name; ``sys.argv[1:]`` when None.

    Returns
    -------
    int
        The exit status, 0.
    """
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="incidents (default 1000000)")
    ap.add_argument("--repeat", type=int, default=30, help="filters timed (default 30)")
    ap.add_argument("--db", type=Path, help="SQLite file to reuse or create "
                    "(default benchmarks/work/incidents-ROWS-seedSEED.sqlite)")
    ap.add_argument("--database-url", help="measure this PostgreSQL database instead "
                    "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/incidentmap_bench; "
                    "created and loaded when it does not hold the rows; report "
                    "benchmarks/RESULTS-postgres.md; no Datasette peer)")
    ap.add_argument("--out", type=Path, help="the report (default benchmarks/RESULTS.md, "
                    "benchmarks/RESULTS-postgres.md with --database-url)")
    ap.add_argument("--seed", type=int, default=42, help="data and filter seed (default 42)")
    ap.add_argument("--csv-repeat", type=int, default=3, help="CSV exports timed (default 3)")
    ap.add_argument("--no-http", action="store_true", help="skip the server measurements")
    ap.add_argument("--no-peer", action="store_true",
                    help="skip the comparison with Datasette 0.65 (installed on first use)")
    ap.add_argument("--no-browser", action="store_true",
                    help="skip the headless Chromium cross-check of the page bytes")
    ap.add_argument("--no-breakdown", action="store_true",
                    help="skip the in-process render breakdown")
    ap.add_argument("--probe-snapshot", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.probe_snapshot:  # internal: run by bench_snapshot in a fresh interpreter
        print(json.dumps(probe_snapshot(args.database_url or args.db.resolve())))
        return 0
    started = time.perf_counter()
    postgres = bool(args.database_url)
    # a SQLite file's path, or the PostgreSQL URL: lib.common.database_url() turns either
    # into the URL the app and the probes open
    db = args.database_url if postgres else \
        (args.db or store_path(args.rows, args.seed)).resolve()
    if args.out is None:
        args.out = REPO / "benchmarks" / ("RESULTS-postgres.md" if postgres else "RESULTS.md")
    if postgres:
        args.no_peer = True  # the Datasette peer reads SQLite files only
    command = "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:])

    # Import every app module now, so that one run measures one version of the code even
    # when the work tree changes while it runs.
    import app  # noqa: F401
    import dashboard.api.routes  # noqa: F401
    import dashboard.pages.overview.page  # noqa: F401
    from data.reference.taxonomy import load_taxonomy
    from data.store.db import make_engine, redact

    if postgres:  # no password in the report
        command = command.replace(args.database_url, redact(args.database_url))
    results: dict = {
        "revision": git_revision(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        "command": command.strip(),
        "machine": machine_info(),
        "load_start": loadavg(),
        "rows": args.rows,
        "repeat": args.repeat,
        "seed": args.seed,
    }
    taxonomy = load_taxonomy()
    if postgres:
        results["store"] = ensure_pg_store(db, args.rows, args.seed)
        results["machine"].update(server_versions(db))
    else:
        results["store"] = ensure_store(db, args.rows, args.seed)
    results["backend"] = "postgresql" if postgres else "sqlite"
    engine = make_engine(database_url(db))
    snapshot, results["snapshot"] = bench_snapshot(engine, taxonomy, db)
    scenarios = make_scenarios(args.repeat, args.seed, taxonomy)
    results["aggregates"] = bench_aggregates(snapshot, scenarios)
    agg = results["aggregates"]["total"]
    log(f"aggregates: median {agg['median']:.2f} ms, p95 {agg['p95']:.2f} ms")
    results["scenarios"] = [{"label": s.label, "search": search_of(s.flt), "count": s.count}
                            for s in scenarios]
    csv_flt, csv_rows = choose_csv_filter(snapshot, taxonomy)
    engine.dispose()

    errors: dict[str, str] = {}
    results["errors"] = errors

    def stage(name: str, fn):
        """Run one measurement; a failure is recorded and the run goes on."""
        try:
            return fn()
        except Exception as exc:  # noqa: BLE001 - reported in RESULTS.md
            errors[name] = f"{type(exc).__name__}: {exc}"[:1000]
            log(f"{name} FAILED: {errors[name]}")
            return None

    if not args.no_http:
        with tempfile.TemporaryDirectory(prefix="incidentmap-bench-") as tmp:
            server = Server(db, Path(tmp))
            try:
                results["server_ready_s"] = stage("server start", server.start)
                client = stage("dash client", lambda: DashClient(server.port)) \
                    if results["server_ready_s"] is not None else None
                if client is not None:
                    results["render"] = stage("render", lambda: bench_render(
                        client, scenarios, expect_counts=True))
                    results["server_rss_cold"] = server.rss()
                    results["control"] = stage("sync + render", lambda: bench_control_change(
                        client, scenarios, True))
                    results["csv"] = stage("csv", lambda: bench_csv(
                        server.port, csv_flt, csv_rows, args.csv_repeat))
                    if not args.no_peer:
                        results["peer"] = stage("peer", lambda: bench_peer(
                            server.port, csv_flt, csv_rows, db, args.csv_repeat, Path(tmp)))
                    results["page"] = stage("page bytes", lambda: bench_page_bytes(client))
                    if not args.no_browser:
                        results["browser"] = stage("browser", lambda: browser_check(
                            server.port))
                        if results["browser"]:
                            log("browser cross-check: "
                                f"{results['browser'].get('skipped', 'done')}")
                    results["server_rss"] = server.rss()
                    log(f"server RSS {fmt_bytes(results['server_rss']['VmRSS'])}, peak "
                        f"{fmt_bytes(results['server_rss']['VmHWM'])}")
            finally:
                server.stop()
    del snapshot
    gc.collect()
    if not args.no_breakdown:
        log("in-process render breakdown")
        results["breakdown"] = stage("render breakdown", lambda: render_breakdown(
            db, scenarios))
    results["load_end"] = loadavg()
    results["wall_s"] = time.perf_counter() - started
    WORK.mkdir(parents=True, exist_ok=True)
    raw = WORK / ("last-run-postgres.json" if postgres else "last-run.json")
    results["raw_path"] = str(raw.relative_to(REPO))
    raw.write_text(json.dumps(results, indent=1, default=str))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_report(args.out, results)
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
