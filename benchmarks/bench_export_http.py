"""Whole-dataset downloads over HTTP through gunicorn, run exactly as docs/operations.md says.

Run from the repository root, one benchmark at a time on the shared machine::

    flock /tmp/incidentmap-bench.lock .venv/bin/python benchmarks/bench_export_http.py
    flock /tmp/incidentmap-bench.lock .venv/bin/python benchmarks/bench_export_http.py \\
        --rows 20000 --formats csv --no-write                              # quick check

The gunicorn command is the first line starting with ``gunicorn`` in docs/operations.md
(only ``--bind`` changes, to a free port on 127.0.0.1). The store is the export benchmark's
``benchmarks/work/export-ROWS.sqlite``. Once the workers are warm, ``GET
/api/v1/incidents?format=FMT`` (no filter; GeoJSON with ``per_page=all``) is read in full,
recording status, bytes, time to first byte and total time; CSV and GeoJSON also with a
browser's ``Accept-Encoding`` (compressed on the fly). Rows in each file are checked against the
``X-Incidentmap-Total`` header, the gunicorn log is searched for worker timeouts, and the
report replaces a marked section at the end of ``benchmarks/RESULTS-export.md``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from lib.common import REPO, WORK, fmt_bytes, log, proc_status, put_section
from lib.export_http_report import BEGIN, END, report
from lib.gunicorn import documented_command, local_command, workers
from lib.machine import loadavg, machine_info
from lib.server import free_port

FORMATS = ("csv", "geojson", "gpkg")
#: Formats the app compresses on the fly when asked (dashboard.app_factory.COMPRESSED).
COMPRESSED_FORMATS = ("csv", "geojson")
#: What headless Chromium sends as ``Accept-Encoding`` (Flask-Compress streams zstd, br or
#: deflate; it never gzips a streamed response).
BROWSER = "gzip, deflate, br, zstd"
EXTRA = {"geojson": "&per_page=all"}
WARM = "/api/v1/stats?group_by=country"
FEATURE = b'{"type": "Feature", "id": '


def _get(port: int, path: str, timeout: float = 900.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "identity"})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def warm_up(port: int, master: int, rounds: int = 8, quick: float = 2.0) -> dict:
    """Send rounds of concurrent requests until every one of a round answers within ``quick``.

    A worker builds its snapshot of the published data when the app is created or on its
    first request (about 18 s at 1,000,000 incidents); warming keeps that build out of the
    download timings.

    Returns
    -------
    dict
        ``seconds`` spent, ``rounds`` used, ``warm`` (whether the last round was quick) and
        each worker's RSS afterwards.
    """
    t0 = time.perf_counter()
    count = 2 * max(len(workers(master)), 1)

    def timed(_i: int) -> tuple[int, float]:
        start = time.perf_counter()
        status = _get(port, WARM)[0]
        return status, time.perf_counter() - start

    used, warm = 0, False
    for used in range(1, rounds + 1):  # noqa: B007 - reported
        with concurrent.futures.ThreadPoolExecutor(count) as pool:
            answers = list(pool.map(timed, range(count)))
        if any(status != 200 for status, _ in answers):
            raise RuntimeError(f"warm-up answered {answers}")
        if max(seconds for _, seconds in answers) < quick:
            warm = True
            break
    rss = {pid: proc_status(pid).get("VmRSS", 0) for pid in workers(master)}
    return {"seconds": time.perf_counter() - t0, "rounds": used, "warm": warm, "rss": rss}


def download(port: int, fmt: str, out: Path, encoding: str = "identity") -> dict:
    """Read the whole unfiltered download of ``fmt`` into ``out`` and time it.

    Parameters
    ----------
    port : int
        The server's loopback port.
    fmt : str
        ``csv``, ``geojson`` or ``gpkg``.
    out : Path
        Where the body goes (as received: compressed when the server compressed it).
    encoding : str, default "identity"
        The ``Accept-Encoding`` sent (:data:`BROWSER` is what a browser sends).

    Returns
    -------
    dict
        ``status``, ``bytes`` (on the wire), ``first_byte_s``, ``total_s``, ``complete``
        (False when the connection broke before the end), the ``Content-Encoding`` and the
        ``X-Incidentmap-Total`` header.
    """
    path = f"/api/v1/incidents?format={fmt}{EXTRA.get(fmt, '')}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    size, first, complete, error = 0, None, True, ""
    t0 = time.perf_counter()
    try:
        conn.request("GET", path, headers={"Accept-Encoding": encoding})
        resp = conn.getresponse()
        headers = {k.lower(): v for k, v in resp.getheaders()}
        with open(out, "wb") as handle:
            try:
                while chunk := resp.read1(1 << 20):
                    if first is None:
                        first = time.perf_counter()
                    handle.write(chunk)
                    size += len(chunk)
            except (http.client.IncompleteRead, ConnectionError) as exc:
                complete, error = False, f"{type(exc).__name__}: {exc}"[:200]
        status = resp.status
    finally:
        conn.close()
    t1 = time.perf_counter()
    return {"format": fmt, "path": path, "status": status, "bytes": size,
            "first_byte_s": (first or t1) - t0, "total_s": t1 - t0, "complete": complete,
            "error": error, "total_header": int(headers.get("x-incidentmap-total", -1)),
            "content_type": headers.get("content-type", ""), "accept": encoding,
            "content_encoding": headers.get("content-encoding", "identity")}


def rows_in(fmt: str, path: Path, encoding: str = "identity") -> int:
    """Data rows in a downloaded file (CSV records, GeoJSON features, GeoPackage features).

    ``encoding`` is the response's ``Content-Encoding``; a compressed file is decoded first.
    """
    if encoding != "identity":
        plain = path.with_suffix(path.suffix + ".plain")
        decode(path, plain, encoding)
        try:
            return rows_in(fmt, plain)
        finally:
            plain.unlink()
    if fmt == "gpkg":
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT count(*) FROM incidents").fetchone()[0]
    if fmt == "csv":
        import pyarrow.csv as pacsv

        reader = pacsv.open_csv(path, read_options=pacsv.ReadOptions(block_size=64 << 20))
        return sum(batch.num_rows for batch in reader)
    count, tail = 0, b""
    with open(path, "rb") as handle:
        while block := handle.read(16 << 20):
            data = tail + block
            count += data.count(FEATURE)
            tail = data[-(len(FEATURE) - 1):]  # too short to hold a whole marker
    return count


def _wait_ready(proc: subprocess.Popen, port: int, log_path: Path) -> float:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 300:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{log_path.read_text()[-3000:]}")
        try:
            if _get(port, "/api/v1/taxonomy", timeout=5)[0] == 200:
                return time.perf_counter() - t0
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 300 s")


def decode(path: Path, out: Path, encoding: str) -> None:
    """Undo a ``Content-Encoding`` (gzip, deflate, br or zstd) of ``path`` into ``out``."""
    import zlib

    if encoding == "br":
        import brotli

        decompress = brotli.Decompressor().process
    elif encoding == "zstd":
        from backports import zstd

        decompress = zstd.ZstdDecompressor().decompress
    else:  # gzip or deflate (zlib framing), as Flask-Compress writes them
        decompress = zlib.decompressobj(31 if encoding == "gzip" else 15).decompress
    with open(path, "rb") as src, open(out, "wb") as dst:
        while block := src.read(16 << 20):
            dst.write(decompress(block))


def run(rows: int, formats: tuple[str, ...], seed: int,
        compressed: tuple[str, ...] = ()) -> dict:
    """Start the documented gunicorn on the store of ``rows`` incidents and download."""
    from lib.store import ensure_store

    db = WORK / f"export-{rows}.sqlite"
    store = ensure_store(db, rows, seed)
    folder = WORK / "export-http"
    folder.mkdir(parents=True, exist_ok=True)
    documented = documented_command()
    port = free_port()
    cmd = local_command(documented, port)
    env = dict(os.environ, INCIDENTMAP_DATABASE_URL=f"sqlite:///{db}",
               INCIDENTMAP_INSTANCE_DIR=str(folder / "instance"),
               INCIDENTMAP_SECRET_KEY=secrets.token_urlsafe(32))
    log_path = folder / "gunicorn.log"
    result = {"store": store, "documented": " ".join(documented), "command": " ".join(cmd),
              "downloads": []}
    with open(log_path, "wb") as logfile:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=logfile,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        result["ready_s"] = _wait_ready(proc, port, log_path)
        log(f"gunicorn ready after {result['ready_s']:.1f} s: {' '.join(cmd)}")
        result["warm"] = warm_up(port, proc.pid)
        log(f"workers warm after {result['warm']['seconds']:.1f} s")
        plan = [(fmt, enc) for fmt in formats
                for enc in ("identity", *((BROWSER,) if fmt in compressed else ()))]
        for fmt, encoding in plan:
            out = folder / f"download.{fmt}"
            log(f"downloading {fmt} (Accept-Encoding: {encoding}) ...")
            one = download(port, fmt, out, encoding)
            one["rows_in_file"] = (rows_in(fmt, out, one["content_encoding"])
                                   if one["complete"] else None)
            out.unlink(missing_ok=True)
            one["load"] = loadavg()
            log(f"{fmt} {one['content_encoding']}: status {one['status']}, "
                f"{fmt_bytes(one['bytes'])}, first byte "
                f"{one['first_byte_s']:.2f} s, total {one['total_s']:.1f} s, rows "
                f"{one['rows_in_file']} of {one['total_header']}")
            result["downloads"].append(one)
        result["workers_alive"] = len(workers(proc.pid))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
    text = log_path.read_text(errors="replace")
    result["worker_timeouts"] = text.count("WORKER TIMEOUT")
    result["worker_boots"] = text.count("Booting worker")
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; see the module docstring."""
    from importlib import metadata

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--formats", nargs="+", default=list(FORMATS), choices=FORMATS)
    ap.add_argument("--compressed", nargs="*", default=list(COMPRESSED_FORMATS),
                    choices=FORMATS, help="formats downloaded a second time with a browser's "
                    f"Accept-Encoding ({BROWSER})")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "RESULTS-export.md")
    ap.add_argument("--no-write", action="store_true", help="print the section only")
    args = ap.parse_args(argv)
    documented = documented_command()
    workers_n = int(documented[documented.index("--workers") + 1]) \
        if "--workers" in documented else 1
    meta = {"argv": argv if argv is not None else sys.argv[1:], "machine": machine_info(),
            "gunicorn": metadata.version("gunicorn"), "load_start": loadavg(),
            "rows": args.rows, "workers": workers_n,
            "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    result = run(args.rows, tuple(args.formats), args.seed, tuple(args.compressed))
    meta["load_end"] = loadavg()
    section = report(result, meta)
    (WORK / "last-export-http-run.json").write_text(
        json.dumps({"meta": meta, "result": result}, indent=2, default=str))
    if args.no_write:
        print(section)
    else:
        put_section(args.out, section, BEGIN, END)
        log(f"wrote the HTTP section of {args.out}")
    bad = [d for d in result["downloads"] if d["status"] != 200 or not d["complete"]
           or d["rows_in_file"] != d["total_header"]]
    return 1 if bad or result["worker_timeouts"] else 0


if __name__ == "__main__":
    sys.exit(main())
