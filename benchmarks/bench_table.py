"""The incident table at scale: block round trips and the map page's first-load bytes.

Run from the repository root::

    .venv/bin/python benchmarks/bench_table.py                 # 1,000,000 incidents
    .venv/bin/python benchmarks/bench_table.py --rows 20000 --repeat 10

Times the grid's block request (``POST /_dash-update-component`` for the
``incident-grid.getRowsResponse`` callback, the body the Dash renderer sends when AG Grid asks
for rows 0-100 or 900,000-900,100) over HTTP against ``incidentmap serve``, sorted by date and
by country; checks every response (HTTP 200, 100 rows, the row count the API gives for the same
filter, the order). Then it measures the bytes of a first load of ``/`` with dash-ag-grid
deferred to ``/incidents`` (the product) and with its bundle listed on every page (a server
started with the deferral switched off), and the steps of one block in process. Writes
``benchmarks/RESULTS-table.md``. Nothing talks to any address other than 127.0.0.1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lib.common import WORK, fmt_bytes, log, summary
from lib.machine import git_revision, loadavg, machine_info
from lib.page import bench_page_bytes, browser_check
from lib.server import DashClient, Server, decoded, fetch
from lib.store import ensure_store, store_path

PAGE = 100
DEEP = 900_000
ALL = "?bias="  # every motivation: the whole public set (the page's default scope is narrower)
FILTERED = "?country=DE,FR"  # with the page's default bias scope
QUERIES = {ALL: "", FILTERED: "country=DE,FR&bias=bm.anti_muslim,bm.anti_roma,"
           "bm.racism_xenophobia"}  # the same selections as API queries


def scenarios(deep: int) -> tuple:
    """(label, search, offset, sort column, direction) of each timed request."""
    return (
        ("first page, by date (newest first)", ALL, 0, "date", "desc"),
        ("first page, by country (A-Z)", ALL, 0, "country", "asc"),
        (f"deep page (offset {deep:,}), by date", ALL, deep, "date", "desc"),
        (f"deep page (offset {deep:,}), by country", ALL, deep, "country", "asc"),
        ("first page, filter country=DE,FR + default scope, by country", FILTERED, 0,
         "country", "asc"),
    )
UNDEFERRED = """
import sys
import dashboard.components.deferred as d

def listed_everywhere(app, namespaces=d.DEFERRED):
    known = app.server.extensions.setdefault(d.EXTENSION_KEY, {})
    for ns in namespaces:
        known[ns] = [x["url"] for x in app.get_dist([ns]) if x["type"] == "_js_dist"]
    return known

d.defer_libraries = listed_everywhere
import app
sys.exit(app.main(sys.argv[1:]))
"""


class UndeferredServer(Server):
    """The same server with dash-ag-grid's bundle listed on every page (Dash's default)."""

    def command(self) -> list[str]:
        return [sys.executable, "-c", UNDEFERRED, "serve"]


def _request(start: int, sort: str, direction: str) -> dict:
    return {"startRow": start, "endRow": start + PAGE, "filterModel": {},
            "sortModel": [{"colId": sort, "sort": direction}]}


def _start_key(text: str) -> str:
    head = text[:10]
    return head if len(head) == 10 else (head + "-01-01")[:10]


def _check(status: int, headers: dict, data: bytes, total: int, offset: int, sort: str,
           direction: str) -> None:
    if status != 200:
        raise RuntimeError(f"block request answered HTTP {status}: {data[:300]!r}")
    body = json.loads(decoded(headers, data))["response"]["incident-grid"]["getRowsResponse"]
    rows = body["rowData"]
    if body["rowCount"] != total or len(rows) != min(PAGE, max(total - offset, 0)):
        raise RuntimeError(f"got {len(rows)} rows of {body['rowCount']:,}; expected "
                           f"{min(PAGE, total - offset)} of {total:,}")
    values = ([r["country"].casefold() for r in rows] if sort == "country"
              else [_start_key(r["date"]) for r in rows])
    if values != sorted(values, reverse=direction == "desc"):
        raise RuntimeError(f"rows are not sorted by {sort} {direction}")


def bench_blocks(client: DashClient, totals: dict[str, int], repeat: int, deep: int) -> dict:
    """Time each scenario ``repeat`` times (round robin), after one cold call each."""
    dep = client.dependency("incident-grid.getRowsResponse")
    bodies = {}
    for label, search, offset, sort, direction in scenarios(deep):
        values = {"incident-grid.getRowsRequest": _request(offset, sort, direction),
                  "shell-url.search": search}
        bodies[label] = client.body(dep, values, ["incident-grid.getRowsRequest"])
    cold, samples, wire = {}, {label: [] for label in bodies}, {}
    for label, search, offset, sort, direction in scenarios(deep):
        status, headers, data, secs = client.post(bodies[label])
        _check(status, headers, data, totals[search], offset, sort, direction)
        cold[label] = secs * 1000
        wire[label] = len(data)
        log(f"cold {label}: {secs * 1000:,.1f} ms")
    for i in range(repeat):
        for label, search, offset, sort, direction in scenarios(deep):
            status, headers, data, secs = client.post(bodies[label])
            _check(status, headers, data, totals[search], offset, sort, direction)
            samples[label].append(secs * 1000)
        if (i + 1) % 10 == 0:
            log(f"  {i + 1}/{repeat} rounds")
    return {"cold": cold, "samples": samples, "wire": wire}


def bench_inprocess(db: Path, repeat: int, deep: int) -> dict:
    """One block's steps in process: ordering (once per snapshot), page ids, rows, records."""
    from dashboard.components.incident_format import grid_records
    from data.filters import IncidentFilter
    from data.public.record import fetch_public_rows
    from data.public.table_page import page_ids, sort_order
    from data.reference.taxonomy import load_taxonomy
    from data.settings import Settings
    from data.snapshot.model import build
    from data.store.db import make_engine

    tax = load_taxonomy()
    min_cell = Settings().min_cell
    engine = make_engine(f"sqlite:///{db}")
    t0 = time.perf_counter()
    snapshot = build(engine, tax, min_cell)
    out = {"snapshot_s": time.perf_counter() - t0, "order_ms": {}, "steps": {}}
    for key, desc in (("date", True), ("country", False)):
        t0 = time.perf_counter()
        sort_order(snapshot, key, desc)
        out["order_ms"][key] = (time.perf_counter() - t0) * 1000
    mask = snapshot.mask(IncidentFilter())
    labels = {t.code: t.label for k in ("bias", "indicator", "type") for t in tax.terms(k)}
    names = {c.iso2: c.names["en"] for c in tax.countries()}
    filtered = IncidentFilter(country=("DE", "FR"))
    steps = {"page ids, no filter (first page)": [],
             f"page ids, no filter (offset {deep:,})": [],
             "mask + page ids, country=DE,FR (first page)": [],
             "fetch_public_rows (100 ids)": [], "grid_records (100 rows)": []}
    for _ in range(repeat):
        t0 = time.perf_counter()
        page_ids(snapshot, mask, "country", False, 0, PAGE)
        t1 = time.perf_counter()
        ids, _ = page_ids(snapshot, mask, "country", False, deep, PAGE)
        t2 = time.perf_counter()
        page_ids(snapshot, snapshot.mask(filtered), "date", True, 0, PAGE)
        t3 = time.perf_counter()
        rows = fetch_public_rows(engine, ids, tax, min_cell=min_cell)
        t4 = time.perf_counter()
        grid_records(rows, names, labels)
        t5 = time.perf_counter()
        for name, secs in zip(steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4),
                              strict=True):
            steps[name].append(secs * 1000)
    out["steps"] = {name: summary(values) for name, values in steps.items()}
    engine.dispose()
    return out


def page_bytes(server_cls, db: Path, logdir: Path, browser: bool) -> dict:
    """First load of ``/`` (``lib.page``'s accounting), plus the grid's files, for one server."""
    server = server_cls(db, logdir)
    server.start()
    try:
        client = DashClient(server.port)
        result = bench_page_bytes(client)
        listed = [u for u in client.page_assets if "dash_ag_grid" in u]
        result["grid_listed"] = bool(listed)
        grid = {}
        for path in ("dash_ag_grid.min.js", "async-community.js"):
            _, hdrs, data, _ = fetch(server.port, "GET", f"/_dash-component-suites/dash_ag_grid/"
                                     f"{path}", headers={"Accept-Encoding": "gzip"})
            grid[path] = len(data)
        result["grid_files_gzip"] = grid
        result["browser"] = (browser_check(server.port, loads=1) if browser
                             else {"skipped": "--no-browser"})
    finally:
        server.stop()
    return result


def write_report(path: Path, run: dict) -> None:
    """Write the Markdown report."""
    m = run["machine"]
    lines = [
        "# Incident table benchmark", "",
        f"- Date: {run['date']} (UTC); command: `python benchmarks/bench_table.py "
        f"{' '.join(run['argv'])}`".rstrip(),
        f"- Code: git {run['revision']}",
        f"- Machine: {m['nproc']} CPUs ({m['nproc_usable']} usable), "
        f"{m['mem_total'] / 1024**3:.1f} GiB RAM, {m['cpu']}; shared with other work: load "
        f"average {run['load_start']} at start, {run['load_end']} at end. Read medians.",
        f"- Software: Python {m['python']}, Dash {m['dash']}, dash-ag-grid "
        f"{run['dash_ag_grid']}, numpy {m['numpy']}, pandas {m['pandas']}, SQLite {m['sqlite']}",
        f"- Data: {run['rows']:,} synthetic incidents (`data.records.demo`, seed 42), "
        f"{run['public']:,} public.",
        "- Server: `incidentmap serve` (Werkzeug, one process), 127.0.0.1, new connection per "
        "request, `Accept-Encoding: gzip`.", "",
        "## Block requests (one page of 100 rows) over HTTP", "",
        "`POST /_dash-update-component` for `incident-grid.getRowsResponse` with the body the "
        "renderer sends when AG Grid asks for a block; each response checked (HTTP 200, 100 "
        "rows, the API's row count for the same filter, sorted as asked). "
        f"{run['repeat']} timed requests per row, round robin, after one cold request each.", "",
        "| Request | median | p95 | min | max | cold (first after start of that sort) | "
        "on the wire |", "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    blocks = run["blocks"]
    for label, values in blocks["samples"].items():
        s = summary(values)
        lines.append(f"| {label} | {s['median']:.1f} ms | {s['p95']:.1f} ms | {s['min']:.1f} ms"
                     f" | {s['max']:.1f} ms | {blocks['cold'][label]:,.1f} ms | "
                     f"{fmt_bytes(blocks['wire'][label])} |")
    lines += ["", "The server's snapshot was built before these requests (by the API call "
              "that gave the expected totals). A cold figure includes ordering the whole "
              "snapshot by that column, which happens once per column and direction (see "
              "below) and again only after the published data changed.", ""]
    ip = run.get("inprocess")
    if ip:
        lines += ["## Where a block's time goes (in process)", "",
                  f"Snapshot build: {ip['snapshot_s']:.1f} s. Ordering the whole snapshot, "
                  f"once per snapshot: newest first (the base order, lexsort) "
                  f"{ip['order_ms']['date']:,.0f} ms; then by country (a stable radix sort of "
                  f"small ranks over the base order) {ip['order_ms']['country']:,.0f} ms.", "",
                  "| Step | median | p95 |", "| --- | --- | --- |"]
        for name, s in ip["steps"].items():
            lines.append(f"| {name} | {s['median']:.2f} ms | {s['p95']:.2f} ms |")
        lines.append("")
    lines += ["## First load of the map page (`/`)", "",
              "The accounting of `benchmarks/lib/page.py` (benchmarks/README.md, item 6): the "
              "page, every script and stylesheet it lists, the layout, the two first "
              "callbacks, dcc's lazy bundles (plotly.js) and both geometries; gzip bytes on "
              "the wire.", "",
              "| dash-ag-grid | bundle listed on `/` | everything, gzip | brief subset, gzip | "
              "Chromium cross-check (bytes it downloaded) |", "| --- | --- | --- | --- | --- |"]
    for name, res in run["pages"].items():
        browser = res["browser"]
        seen = (fmt_bytes(browser["total_bytes"]) if "total_bytes" in browser
                else f"skipped: {browser['skipped']}")
        lines.append(f"| {name} | {'yes' if res['grid_listed'] else 'no'} | "
                     f"{fmt_bytes(res['total_gzip'])} | {fmt_bytes(res['brief_gzip'])} | "
                     f"{seen} |")
    grid = run["pages"]["deferred to /incidents (the product)"]["grid_files_gzip"]
    lines += ["", f"`/incidents` loads, besides what `/` loads, dash-ag-grid's main bundle "
              f"({fmt_bytes(grid['dash_ag_grid.min.js'])} gzip) and its AG Grid chunk "
              f"`async-community.js` ({fmt_bytes(grid['async-community.js'])} gzip), and no "
              f"map geometry or plotly.js unless the visitor came from the map.", ""]
    path.write_text("\n".join(lines))
    log(f"wrote {path}")


def main(argv: list[str] | None = None) -> int:
    """Run the table benchmark; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "RESULTS-table.md")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--no-inprocess", action="store_true")
    args = parser.parse_args(argv)
    from importlib import metadata

    db = args.db or store_path(args.rows, args.seed)
    ensure_store(db, args.rows, args.seed)
    run = {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"), "rows": args.rows,
           "argv": sys.argv[1:] if argv is None else argv, "repeat": args.repeat,
           "revision": git_revision(), "machine": machine_info(), "load_start": loadavg(),
           "dash_ag_grid": metadata.version("dash-ag-grid")}
    logdir = Path(tempfile.mkdtemp(prefix="bench-table-", dir=WORK))
    server = Server(db, logdir)
    server.start()
    try:
        client = DashClient(server.port)
        totals = {}
        for search, query in QUERIES.items():
            _, hdrs, data, secs = fetch(server.port, "GET",
                                        f"/api/v1/stats?group_by=country&{query}")
            totals[search] = json.loads(decoded(hdrs, data))["total"]
        run["public"] = totals[ALL]
        # offset 900,000 at a million records; 90 % of the way down on smaller stores
        deep = DEEP if run["public"] > DEEP + PAGE else int(run["public"] * 0.9) // PAGE * PAGE
        run["blocks"] = bench_blocks(client, totals, args.repeat, deep)
    finally:
        server.stop()
    if not args.no_inprocess:
        run["inprocess"] = bench_inprocess(db, max(args.repeat, 10), deep)
    run["pages"] = {}
    for name, cls in (("deferred to /incidents (the product)", Server),
                      ("listed on every page (Dash's default)", UndeferredServer)):
        run["pages"][name] = page_bytes(cls, db, logdir, not args.no_browser)
        log(f"{name}: {fmt_bytes(run['pages'][name]['total_gzip'])} gzip")
    run["load_end"] = loadavg()
    (WORK / "last-table-run.json").write_text(json.dumps(run, indent=1, default=str))
    write_report(args.out, run)
    medians = {k: statistics.median(v) for k, v in run["blocks"]["samples"].items()}
    log("medians: " + ", ".join(f"{k}: {v:.1f} ms" for k, v in medians.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
