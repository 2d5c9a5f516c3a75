"""``benchmarks/RESULTS-freshness.md`` from the results ``bench_freshness.py --json`` kept.

    .venv/bin/python benchmarks/bench_freshness_report.py benchmarks/work/freshness-*.json

One row per run (backend, code, background load), in the order given, and a short marked
section at the end of ``RESULTS.md`` pointing to the file (``run.py`` rewrites ``RESULTS.md``
without it: run this again afterwards).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from importlib import metadata
from pathlib import Path

from lib.common import REPO, put_section
from lib.machine import machine_info

TARGET_S = 2.0
MARK_START = "<!-- freshness (benchmarks/bench_freshness.py): start -->"
MARK_END = "<!-- freshness: end -->"


def _row(r: dict) -> str:
    visible = [s["visible_s"] for s in r["samples"]]
    slowest = max(s["slowest_answer_s"] for s in r["samples"])
    rss = max(max(s["rss_mb"]) for s in r["samples"])
    hwm = max(max(s["hwm_mb"]) for s in r["samples"])
    verdict = "met" if max(visible) <= TARGET_S else "**NOT met**"
    return (f"| {r['backend']} | {r['code']} | {r['busy']} | {r['started']['load']} -> "
            f"{r['ended']['load']} | {', '.join(f'{v:.2f}' for v in visible)} | "
            f"{statistics.median(visible):.2f} | {max(visible):.2f} | {slowest:.2f} | "
            f"{rss:,.0f} ({hwm:,.0f}) | {verdict} |")


def report(runs: list[dict]) -> str:
    """The markdown of ``RESULTS-freshness.md`` for ``runs``."""
    m = machine_info()
    servers = sorted({r.get("server", "?") for r in runs})
    lines = [
        "# Freshness across gunicorn workers at 1,000,000 incidents", "",
        f"- Date: {', '.join(sorted({r['started']['at'] for r in runs}))} (UTC, run starts)",
        f"- Machine: {m['nproc']} CPUs ({m['nproc_usable']} usable), "
        f"{m['mem_total'] / 1024**3:.1f} GiB RAM, {m['cpu']}, Linux {m['kernel']}",
        f"- Software: Python {m['python']}, gunicorn {metadata.version('gunicorn')}, numpy "
        f"{m['numpy']}, pyarrow {metadata.version('pyarrow')}, SQLAlchemy {m['sqlalchemy']}, "
        f"psycopg {m['psycopg']}; databases: {', '.join(servers)} (same machine, PostgreSQL "
        "with Debian's default configuration)",
        "- Command: `flock /tmp/incidentmap-bench.lock .venv/bin/python "
        "benchmarks/bench_freshness.py (--db SCRATCH.sqlite | --database-url SCRATCH) "
        "--publishes N [--busy N] [--code CHECKOUT --label COMMIT]`: gunicorn as in "
        "docs/operations.md (3 gthread workers, 4 threads), each worker warmed, then one "
        "incident published at a time with `incidentmap ingest csv FILE --policy open` and "
        "`/api/v1/stats?group_by=country&country=MT` polled three requests at a time until "
        "nine answers in a row hold the new total.",
        f"- Target: every worker shows a publish within {TARGET_S:.0f} s; no request waits "
        "much more than 2 s (the cache's wait); a worker's RSS at most 800 MB.",
        "- *visible*: seconds from the ingest's exit to the round of answers that began the "
        "fresh streak; *slowest answer*: the slowest stats request meanwhile; *busy*: "
        "busy-looping processes run beside the benchmark (the machine is shared: other jobs "
        "may have added load too, see the load averages).", "",
        "| Backend | Code | Busy | Load (1/5/15) start -> end | Visible per publish (s) | "
        "Median | Max | Slowest answer (s) | Worker RSS max (peak) MB | Target |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *(_row(r) for r in runs), ""]
    return "\n".join(lines)


def summary_section(runs: list[dict]) -> str:
    """The marked section of ``RESULTS.md``: the latest code's worst case per backend."""
    latest = runs[-1]["code"]
    parts = []
    for r in runs:
        if r["code"] == latest:
            worst = max(s["visible_s"] for s in r["samples"])
            parts.append(f"{r['backend']} with {r['busy']} busy processes (load "
                         f"{r['started']['load'].split(' / ')[0]}): at most {worst:.2f} s")
    return "\n".join([
        MARK_START, "",
        "## Freshness across workers (see [RESULTS-freshness.md](RESULTS-freshness.md))", "",
        f"A publish visible from every one of 3 gunicorn workers at 1,000,000 incidents, "
        f"target {TARGET_S:.0f} s, code {latest}: " + "; ".join(parts) + ".", "",
        MARK_END, ""])


def main(argv: list[str] | None = None) -> int:
    """Read the runs, write the report and the section of ``RESULTS.md``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", type=Path, help="results of bench_freshness.py --json")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "RESULTS-freshness.md")
    ap.add_argument("--results", type=Path, default=REPO / "benchmarks" / "RESULTS.md")
    args = ap.parse_args(argv)
    runs = [json.loads(p.read_text()) for p in args.runs]
    args.out.write_text(report(runs))
    put_section(args.results, summary_section(runs), MARK_START, MARK_END)
    print(f"wrote {args.out} and its section of {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
