"""Regional drill-down at scale: render round trips of NUTS maps, playback steps, page bytes.

Run from the repository root (needs the NUTS 2024 files, e.g. ``../shared/data/geo/nuts2024``)::

    .venv/bin/python benchmarks/bench_drilldown.py                 # 1,000,000 incidents
    .venv/bin/python benchmarks/bench_drilldown.py --rows 20000 --repeat 10

The store is the benchmark's synthetic one generated with NUTS regions
(``benchmarks/work/incidents-ROWS-seedSEED-nuts2024.sqlite``). The server is ``incidentmap
serve`` with ``INCIDENTMAP_NUTS_DIR`` set. Timed, with the same filters as ``run.py`` (each
put on one member state and a NUTS level): the ``render`` callback of a regional map, a time
playback step (the callback as the month slider fires it), and the EU-27 map for the same
filters in the same run as the baseline. Every response is checked (regional patch, count).
The first page load is measured in headless Chromium, for ``/`` and for a regional link.
Results go to ``benchmarks/RESULTS-drilldown.md`` and a marked section of ``RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from lib.common import REPO, WORK, fmt_bytes, log, percentile, put_section, summary
from lib.machine import git_revision, loadavg, machine_info
from lib.scenarios import make_scenarios
from lib.server import DashClient, Server, decoded
from lib.store import ensure_store, store_path

COUNTRIES = ("DE", "FR", "IT", "ES", "PL", "GR", "AT", "NL", "SE", "BE")
LEVELS = ("nuts1", "nuts2", "nuts3")
MARK_START = "<!-- drilldown benchmark (benchmarks/bench_drilldown.py): start -->"
MARK_END = "<!-- drilldown benchmark: end -->"
_COUNT = re.compile(r"^([\d,]+) incidents")


def _scenarios(n: int, seed: int, taxonomy) -> list[tuple[str, str, object]]:
    """(regional search, EU search, effective filter) per filter of ``run.py``'s kind."""
    from dashboard.url_state import ViewState
    from data.settings import Settings

    out = []
    for i, sc in enumerate(make_scenarios(n, seed, taxonomy)):
        flt = replace(sc.flt, country=(COUNTRIES[i % len(COUNTRIES)],))
        level = LEVELS[i % len(LEVELS)]
        out.append((ViewState(flt, level=level).to_search(), ViewState(flt).to_search(),
                    flt.with_default_bias(Settings().default_bias_scope)))
    return out


def _check(status: int, headers: dict, data: bytes, regional: bool, expected: int,
           playback: bool = False) -> None:
    if status != 200:
        raise RuntimeError(f"render answered HTTP {status}: {data[:300]!r}")
    response = json.loads(decoded(headers, data))["response"]
    ops = {tuple(op["location"]): op["params"].get("value")
           for op in response["map"]["figure"]["operations"]}
    locations = ops[("data", 2, "locations")]
    if regional and not (locations and str(ops[("data", 2, "geojson")]).startswith("/geo/")):
        raise RuntimeError("no regional patch in the response")
    if not regional and (locations or len(ops[("data", 1, "z")]) != 27):
        raise RuntimeError("no EU-27 patch in the response")
    if playback:
        if "result-summary" in response:
            raise RuntimeError("a playback step re-sent more than the map")
        return
    match = _COUNT.match(response["result-summary"]["children"])
    if not match or int(match[1].replace(",", "")) != expected:
        raise RuntimeError(f"server counted {match and match[1]}, expected {expected:,}")


def _time(client: DashClient, dep: dict, values: dict, changed: str, regional: bool,
          expected: int, playback: bool = False) -> tuple[float, int]:
    status, headers, data, secs = client.post(client.body(dep, values, [changed]))
    _check(status, headers, data, regional, expected, playback)
    return secs * 1000, len(data)


def browser_bytes(port: int, query: str, regional: bool) -> dict:
    """Bytes a first visit transfers (Chromium, as negotiated), until every view is drawn."""
    from playwright.sync_api import sync_playwright

    seen: list[dict] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})

            def finished(request):
                if request.url.startswith(f"http://127.0.0.1:{port}"):
                    seen.append({"path": request.url.split(str(port), 1)[-1][:90],
                                 "bytes": max(request.sizes()["responseBodySize"], 0)})

            page.on("requestfinished", finished)
            page.goto(f"http://127.0.0.1:{port}/{query}", wait_until="networkidle")
            page.wait_for_function(
                "(r) => { const gd = document.querySelector('#map .js-plotly-plot');"
                " return gd && gd.data && (r ? (gd.data[2].locations || []).length > 0"
                " : gd.data[1].z.length === 27) && gd._fullLayout.map._subplot.map.loaded(); }",
                arg=regional, timeout=120_000)
            page.wait_for_load_state("networkidle")
        finally:
            browser.close()
    return {"requests": len(seen), "total_bytes": sum(r["bytes"] for r in seen),
            "geometry": {r["path"]: r["bytes"] for r in seen if r["path"].startswith("/geo/")}}


def run(args) -> dict:
    """Generate or reuse the store, start the server, time everything; return the results."""
    import numpy as np

    from data.reference.taxonomy import load_taxonomy
    from data.settings import Settings
    from data.snapshot.model import build
    from data.store.db import make_engine

    db = store_path(args.rows, args.seed, nuts=True).resolve()
    results = {"revision": git_revision(), "machine": machine_info(), "load_start": loadavg(),
               "rows": args.rows, "repeat": args.repeat, "nuts_dir": str(args.nuts_dir)}
    results["store"] = ensure_store(db, args.rows, args.seed, nuts_dir=args.nuts_dir)
    taxonomy = load_taxonomy()
    engine = make_engine(f"sqlite:///{db}")
    snapshot = build(engine, taxonomy, Settings().min_cell)
    engine.dispose()
    scenarios = [(r, e, snapshot.count(snapshot.mask(f)))
                 for r, e, f in _scenarios(args.repeat, args.seed, taxonomy)]
    with_nuts3 = snapshot.nuts["nuts3"][0] != snapshot.nuts["nuts3"][1].index("")
    results["public"] = snapshot.size
    results["with_nuts3"] = int(np.count_nonzero(with_nuts3))
    march_2016 = (2016 - 1970) * 12 + 2
    del snapshot
    import os

    os.environ["INCIDENTMAP_NUTS_DIR"] = str(args.nuts_dir)
    with tempfile.TemporaryDirectory(prefix="incidentmap-drill-") as tmp:
        server = Server(db, Path(tmp))
        try:
            server.start()
            client = DashClient(server.port)
            dep = client.dependency("map.figure")
            ms = {"regional": [], "eu": [], "playback": []}
            wire = {"regional": [], "playback": []}
            for regional, eu, count in scenarios[:3]:  # warm-up: snapshot, web geometry
                _time(client, dep, {"url.search": regional}, "url.search", True, count)
                _time(client, dep, {"url.search": eu}, "url.search", False, count)
            for regional, eu, count in scenarios:
                t, w = _time(client, dep, {"url.search": regional}, "url.search", True, count)
                ms["regional"].append(t)
                wire["regional"].append(w)
                ms["eu"].append(_time(client, dep, {"url.search": eu}, "url.search", False,
                                      count)[0])
                values = {"url.search": regional, "playback-month.value": march_2016}
                t, w = _time(client, dep, values, "playback-month.value", True, count, True)
                ms["playback"].append(t)
                wire["playback"].append(w)
            results["ms"] = {k: summary(v) | {"samples": v} for k, v in ms.items()}
            results["wire"] = {k: summary(v) for k, v in wire.items()}
            log("regional render: median {:.1f} ms, p95 {:.1f} ms".format(
                statistics.median(ms["regional"]), percentile(ms["regional"], 95)))
            results["server_rss"] = server.rss()
            if not args.no_browser:
                results["page"] = {
                    "/": browser_bytes(server.port, "", False),
                    "/?country=DE&level=nuts3": browser_bytes(server.port,
                                                              "?country=DE&level=nuts3", True)}
        finally:
            server.stop()
    results["load_end"] = loadavg()
    results["scenarios"] = [s[0] for s in scenarios]
    return results


def report(results: dict) -> str:
    """The markdown section for ``RESULTS.md`` (between :data:`MARK_START` and ``MARK_END``)."""
    m = results["ms"]
    machine = results["machine"]
    lines = [
        MARK_START, "", "## Regional drill-down (NUTS 1/2/3) and time playback", "",
        f"- Command: `python benchmarks/bench_drilldown.py --repeat {results['repeat']}`; code "
        f"git {results['revision']}; {machine.get('nproc', '?')} CPUs (shared, others "
        f"working: read medians); load average at start {results['load_start']}, at end "
        f"{results['load_end']}.",
        f"- Data: {results['rows']:,} synthetic incidents with NUTS regions "
        f"({results['public']:,} public, {results['with_nuts3']:,} of them placed to a NUTS 3 "
        f"region); NUTS files {results['nuts_dir']} (1:20 million).",
        f"- Filters: the {results['repeat']} of `run.py`, each put on one member state "
        f"({', '.join(COUNTRIES)}) and a level (NUTS 1, 2, 3 in turn). Every response was "
        "checked: a regional patch (geometry by URL only) and the summary's count equal to the "
        "snapshot's.", "",
        "| Request (over HTTP, `Accept-Encoding: gzip`) | median | p95 | max |",
        "| --- | --- | --- | --- |",
    ]
    names = {"regional": "`render` of a regional map (url.search changed)",
             "playback": "playback step (`render` fired by the month slider: map only)",
             "eu": "`render` of the EU-27 map, same filters, same run (baseline)"}
    for key, name in names.items():
        s = m[key]
        lines.append(f"| {name} | {s['median']:.1f} ms | {s['p95']:.1f} ms | "
                     f"{s['max']:.1f} ms |")
    lines += ["", f"Response on the wire: regional render median "
              f"{fmt_bytes(results['wire']['regional']['median'])}, playback step median "
              f"{fmt_bytes(results['wire']['playback']['median'])} (gzip). Server after the "
              f"run: VmRSS {fmt_bytes(results['server_rss']['VmRSS'])}, peak "
              f"{fmt_bytes(results['server_rss']['VmHWM'])}."]
    for path, page in (results.get("page") or {}).items():
        geo = ", ".join(f"`{p.split('?')[0]}` {fmt_bytes(b)}" for p, b in page["geometry"].items())
        lines.append(f"- First load of `{path}` in headless Chromium: {page['requests']} "
                     f"requests, **{fmt_bytes(page['total_bytes'])}** transferred (limit "
                     f"2.5 MB); geometry: {geo}.")
    lines += ["", MARK_END]
    return "\n".join(lines) + "\n"


def write(section: str) -> None:
    """Write ``RESULTS-drilldown.md`` and put the section into ``RESULTS.md`` (replacing it)."""
    (REPO / "benchmarks" / "RESULTS-drilldown.md").write_text(
        "# incidentmap: regional drill-down benchmark\n\n" + section)
    put_section(REPO / "benchmarks" / "RESULTS.md", section, MARK_START, MARK_END)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run, write the results; returns the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--nuts-dir", type=Path,
                    default=REPO.parent / "shared" / "data" / "geo" / "nuts2024")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--no-write", action="store_true", help="print, do not write RESULTS")
    args = ap.parse_args(argv)
    results = run(args)
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "drilldown-last-run.json").write_text(json.dumps(results, indent=1, default=str))
    section = report(results)
    if not args.no_write:
        write(section)
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
