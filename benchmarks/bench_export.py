"""Export benchmark: every download format at 100,000 and 1,000,000 incidents.

Run from the repository root::

    .venv/bin/python benchmarks/bench_export.py                       # 100k and 1M, 3 runs
    .venv/bin/python benchmarks/bench_export.py --rows 20000 --repeat 1 --out /tmp/r.md

Each run is a fresh process (``--probe``) that builds the public snapshot, selects every public
incident (the unfiltered download: the largest one) and streams the format to a file through
``data.export.stream``, the code the API and ``incidentmap export`` use. It reports the time
to the first byte (what an HTTP client waits before data flow), the total time, the file size
and the peak RSS of the export itself (VmHWM reset after the snapshot build; the snapshot's own
peak is reported once per size). The synthetic stores are generated once with
``data.records.demo.load_demo`` (``benchmarks/work/export-ROWS.sqlite``) and reused. The report
gives medians of ``--repeat`` runs and goes to ``benchmarks/RESULTS-export.md``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from lib.common import MB, REPO, WORK, fmt_bytes, log, proc_status, reset_peak_rss
from lib.machine import git_revision, loadavg, machine_info

FORMATS = ("csv", "xlsx", "geojson", "gpkg", "parquet", "datapackage")


def probe(db: Path, fmt: str, out: Path) -> dict:
    """Export every public incident of ``db`` as ``fmt`` into ``out`` (in this process)."""
    from data.export import select, stream
    from data.filters import IncidentFilter
    from data.reference.taxonomy import load_taxonomy
    from data.settings import Settings
    from data.snapshot.model import build
    from data.store.db import make_engine

    engine = make_engine(f"sqlite:///{db}")
    taxonomy = load_taxonomy()
    min_cell = Settings().min_cell
    reset_peak_rss()
    t0 = time.perf_counter()
    snapshot = build(engine, taxonomy, min_cell)
    t1 = time.perf_counter()
    snapshot_peak = proc_status()["VmHWM"]
    base = proc_status()["VmRSS"]
    reset_peak_rss()
    selection = select(engine, snapshot, IncidentFilter())
    first = None
    size = 0
    t2 = time.perf_counter()
    with open(out, "wb") as handle:
        for chunk in stream(fmt, engine, taxonomy, selection):
            if first is None and chunk:
                first = time.perf_counter()
            handle.write(chunk)
            size += len(chunk)
    t3 = time.perf_counter()
    status = proc_status()
    out.unlink()
    return {"format": fmt, "rows": len(selection.ids), "snapshot_s": t1 - t0,
            "snapshot_peak": snapshot_peak, "rss_before": base, "export_peak": status["VmHWM"],
            "first_byte_s": (first or t3) - t2, "export_s": t3 - t2, "bytes": size}


def run_size(rows: int, formats: tuple[str, ...], repeat: int, seed: int) -> dict:
    """Median figures of each format at ``rows`` incidents (store generated when missing)."""
    from lib.store import ensure_store

    db = WORK / f"export-{rows}.sqlite"
    store = ensure_store(db, rows, seed)
    results = {"store": store, "formats": {}}
    for fmt in formats:
        samples = []
        for i in range(repeat):
            out = WORK / f"bench-export-{rows}.{fmt}"
            cmd = [sys.executable, __file__, "--probe", fmt, "--db", str(db), "--out", str(out)]
            done = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=REPO)
            sample = json.loads(done.stdout.strip().splitlines()[-1])
            log(f"{rows:,} rows {fmt} run {i + 1}: {sample['export_s']:.1f} s, "
                f"{fmt_bytes(sample['bytes'])}, peak {fmt_bytes(sample['export_peak'])}")
            samples.append(sample)
        results["formats"][fmt] = {
            "samples": samples,
            **{key: statistics.median(s[key] for s in samples)
               for key in ("export_s", "first_byte_s", "export_peak", "rss_before", "bytes",
                           "snapshot_s", "snapshot_peak")},
            "rows": samples[0]["rows"],
        }
    return results


def report(runs: dict, meta: dict) -> str:
    """RESULTS-export.md from the medians."""
    m = meta["machine"]
    lines = [
        "# Export benchmark",
        "",
        f"- Command: `{' '.join(['python benchmarks/bench_export.py', *meta['argv']])}`",
        f"- Code: {meta['revision']}; run {meta['at']}",
        f"- Machine: {m['nproc']} cores, {m['mem_total'] / 1024 ** 3:.0f} GB, {m['cpu']}, "
        f"Python {m.get('python', '?')}, SQLite {m.get('sqlite', '?')}; load average "
        f"{meta['load_start']} at start, {meta['load_end']} at the end (shared machine)",
        f"- Medians of {meta['repeat']} runs, each a fresh process; the whole public dataset "
        "(no filter: the largest download) streamed to a local file by `data.export.stream` "
        "(the code behind `/api/v1/incidents?format=...` and `incidentmap export`).",
        "- *First byte*: seconds until the writer yields its first bytes, which is what an "
        "HTTP client waits before data flow. *Peak RSS*: the export's own high-water mark "
        "(VmHWM reset after the snapshot is built; the process already holds the snapshot, "
        "*RSS before*).",
        "- Over HTTP the same generator feeds `flask.Response`, so the figures are those of "
        "`GET /api/v1/incidents?format=...` less the network; every format but GeoPackage "
        "(a database file, built before it can be sent) sends bytes from the first second on.",
        *(f"- {note}" for note in meta.get("notes", [])),
        "",
    ]
    for rows, run in runs.items():
        formats = run["formats"]
        any_fmt = next(iter(formats.values()))
        lines += [
            f"## {int(rows):,} incidents ({any_fmt['rows']:,} public rows exported)",
            "",
            f"Snapshot build before the export: {any_fmt['snapshot_s']:.1f} s, peak RSS "
            f"{any_fmt['snapshot_peak'] / MB:,.0f} MB (as on the server's first request).",
            "",
            "| format | seconds | first byte (s) | rows/s | file size | peak RSS | RSS before |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for fmt, r in formats.items():
            lines.append(
                f"| {fmt} | {r['export_s']:.1f} | {r['first_byte_s']:.2f} | "
                f"{r['rows'] / r['export_s']:,.0f} | {fmt_bytes(r['bytes'])} | "
                f"{r['export_peak'] / MB:,.0f} MB | {r['rss_before'] / MB:,.0f} MB |")
        lines.append("")
        lines.append("Runs (seconds): " + "; ".join(
            f"{fmt} " + ", ".join(f"{s['export_s']:.1f}" for s in r["samples"])
            for fmt, r in formats.items()))
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or one ``--probe``)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--formats", nargs="+", default=list(FORMATS), choices=FORMATS)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "RESULTS-export.md")
    ap.add_argument("--from-json", type=Path, help="rewrite the report from a saved run "
                    "(benchmarks/work/last-export-run.json) instead of measuring")
    ap.add_argument("--probe", choices=FORMATS, help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.probe:
        print(json.dumps(probe(args.db, args.probe, args.out)))
        return 0
    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        args.out.write_text(report(saved["runs"], saved["meta"]))
        return 0
    WORK.mkdir(parents=True, exist_ok=True)
    meta = {"argv": argv if argv is not None else sys.argv[1:], "machine": machine_info(),
            "revision": git_revision(), "load_start": loadavg(), "repeat": args.repeat,
            "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    runs = {}
    for rows in args.rows:
        runs[rows] = run_size(rows, tuple(args.formats), args.repeat, args.seed)
    meta["load_end"] = loadavg()
    args.out.write_text(report(runs, meta))
    (WORK / "last-export-run.json").write_text(json.dumps({"meta": meta, "runs": runs},
                                                          indent=2, default=str))
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
