"""The report of ``bench_export_http.py``: a marked section of ``RESULTS-export.md``."""

from __future__ import annotations

from lib.common import MB, fmt_bytes

BEGIN = "<!-- bench_export_http: begin -->"
END = "<!-- bench_export_http: end -->"


def report(result: dict, meta: dict) -> str:
    """The marked Markdown section of ``RESULTS-export.md``.

    Parameters
    ----------
    result : dict
        From ``bench_export_http.run``.
    meta : dict
        The command line, machine, gunicorn version, load averages, rows and workers.

    Returns
    -------
    str
    """
    m = meta["machine"]
    argv = "".join(" " + a for a in meta["argv"])
    lines = [BEGIN, "", "## Over HTTP through gunicorn (documented production settings)", "",
             f"- Command: `flock /tmp/incidentmap-bench.lock .venv/bin/python "
             f"benchmarks/bench_export_http.py{argv}`, run at {meta['at']}",
             f"- Server: `{result['documented']}` from docs/operations.md, run as "
             f"`{result['command']}` on `benchmarks/work/export-{meta['rows']}.sqlite` "
             f"({meta['rows']:,} incidents, SQLite)",
             f"- Machine: {m['nproc']} cores, {m['mem_total'] / 1024**3:.0f} GB, {m['cpu']}, "
             f"Python {m['python']}, SQLite {m['sqlite']}, gunicorn {meta['gunicorn']}; load "
             f"average {meta['load_start']} at start, {meta['load_end']} at the end (shared "
             "machine)",
             f"- gunicorn answered `/api/v1/taxonomy` after {result['ready_s']:.1f} s (the "
             "workers build their snapshots while starting); then "
             f"{result['warm']['rounds']} round(s) of concurrent `/api/v1/stats` requests in "
             f"{result['warm']['seconds']:.1f} s "
             + ("all answered within 2 s, so the downloads below include no snapshot build"
                if result["warm"]["warm"] else "were still slow: a download below may include "
                "a snapshot build")
             + ". Worker RSS after warming: "
             + ", ".join(fmt_bytes(v) for v in result["warm"]["rss"].values()) + ".",
             "- Each download: one `GET` on 127.0.0.1, read to the end and written to a file, "
             "once without compression (`Accept-Encoding: identity`) and, for the formats the "
             "app compresses on the fly, once as headless Chromium asks (`Accept-Encoding: "
             "gzip, deflate, br, zstd`; *encoding* is what the server chose, *bytes* are the "
             "bytes on the wire). *First byte* is the time from "
             "sending the request to the first body byte. *Rows* are counted in the received "
             "file and compared with the `X-Incidentmap-Total` header.",
             "",
             "| download | encoding | status | bytes | first byte (s) | total (s) | MB/s | "
             "rows in file | X-Incidentmap-Total | complete |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for d in result["downloads"]:
        rate = d["bytes"] / MB / d["total_s"] if d["total_s"] else 0
        rows = f"{d['rows_in_file']:,}" if d["rows_in_file"] is not None else "n/a"
        lines.append(f"| `{d['path']}` | {d['content_encoding']} | {d['status']} | "
                     f"{d['bytes']:,} "
                     f"({fmt_bytes(d['bytes'])}) | {d['first_byte_s']:.2f} | "
                     f"{d['total_s']:.1f} | {rate:.1f} | {rows} | {d['total_header']:,} | "
                     f"{'yes' if d['complete'] else 'no: ' + d['error']} |")
    lines += ["",
              f"gunicorn log: {result['worker_timeouts']} `WORKER TIMEOUT`, "
              f"{result['worker_boots']} worker boots (the {meta['workers']} at start"
              + (", none restarted" if result["worker_boots"] <= meta["workers"] else "")
              + f"); {result.get('workers_alive', 0)} workers alive after the downloads.",
              "", END, ""]
    return "\n".join(lines)
