"""A peer on the same data: Datasette 0.65 serving the same SQLite file, same filter, same rows.

The scale issue asks for our time / theirs on two requests, both over HTTP on 127.0.0.1 with
no compression, each the median of ``repeat`` runs:

- *facet*: counts per country for the filter (ours: ``/api/v1/stats?group_by=country``;
  Datasette: the table's JSON with ``_facet=country`` and ``_size=0``);
- *CSV*: the filter's rows as CSV (ours: ``/api/v1/incidents?format=csv``; Datasette:
  ``.csv`` with ``_stream=on``, every row).

Datasette runs as its documented fastest configuration here, ``--setting suggest_facets
off``, with its time limits raised so no facet is cut short. It is installed into its own
virtual environment (``benchmarks/work/peer-venv``), apart from the product's dependencies.
The filter is the CSV benchmark's (a country and a year range), written as Datasette's column
filters on the published records: both sides must return the same number of rows.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from lib.common import WORK, log
from lib.server import fetch, free_port

PEER_REQUIREMENT = "datasette>=0.65,<0.66"
IDENTITY = {"Accept-Encoding": "identity"}


def ensure_datasette(work: Path = WORK) -> Path:
    """The ``datasette`` executable of a virtual environment of its own (made when missing).

    Parameters
    ----------
    work : Path
        Folder of the benchmark's generated files.

    Returns
    -------
    Path
    """
    venv = work / "peer-venv"
    exe = venv / "bin" / "datasette"
    if not exe.exists():
        log(f"installing {PEER_REQUIREMENT} into {venv}")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                        "--disable-pip-version-check", PEER_REQUIREMENT], check=True)
    return exe


def datasette_version(exe: Path) -> str:
    """What ``datasette --version`` prints."""
    done = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True)
    return done.stdout.strip()


class Datasette:
    """``datasette serve DB`` on a free port of 127.0.0.1."""

    def __init__(self, exe: Path, db: Path, log_path: Path):
        self.exe, self.db, self.log_path = exe, db, log_path
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 120.0) -> float:
        """Start the server and wait until it answers; returns the seconds it took."""
        started = time.perf_counter()
        with open(self.log_path, "wb") as out:
            self.proc = subprocess.Popen(
                [str(self.exe), "serve", str(self.db), "--host", "127.0.0.1",
                 "--port", str(self.port), "--setting", "suggest_facets", "off",
                 "--setting", "sql_time_limit_ms", "600000",
                 "--setting", "facet_time_limit_ms", "600000"],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        while time.perf_counter() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(self.log_path.read_text(errors="replace")[-3000:])
            try:
                if fetch(self.port, "GET", "/-/versions.json", timeout=5)[0] == 200:
                    return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("datasette did not answer in time")

    def stop(self) -> None:
        """Terminate the server."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=15)


def datasette_filter(flt) -> dict[str, str]:
    """Datasette column filters equal to ``flt`` on the published records.

    Only the filters the CSV benchmark chooses are translated (countries and dates, compared
    as :meth:`data.snapshot.model.Snapshot.mask` does: start on or after ``date_from``, end on or
    before ``date_to``).
    """
    other = [name for name in ("region", "bias", "indicator", "type", "source")
             if getattr(flt, name)]
    if other:
        raise ValueError(f"no Datasette translation for the filter's {', '.join(other)}")
    params = {"status__exact": "published"}
    if flt.country:
        params["country__in"] = ",".join(flt.country)
    if flt.date_from:
        params["date_start__gte"] = flt.date_from.isoformat()
    if flt.date_to:
        params["date_end__lte"] = flt.date_to.isoformat()
    return params


def _timed(port: int, path: str, repeat: int, check) -> tuple[list[float], object]:
    runs, seen = [], None
    for _ in range(repeat):
        status, _headers, data, secs = fetch(port, "GET", path, headers=IDENTITY)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}: {data[:300]!r}")
        seen = check(data)
        runs.append(secs * 1000)
    return runs, seen


def _csv_rows(data: bytes) -> int:
    return sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8")))) - 1


def bench_peer(our_port: int, flt, expected: int, db: Path, repeat: int,
               folder: Path) -> dict:
    """Time the facet and the CSV on our server and on Datasette over the same file.

    Parameters
    ----------
    our_port : int
        Port of the running incidentmap server.
    flt : IncidentFilter
        The CSV benchmark's filter.
    expected : int
        Rows the filter selects (both sides must return them).
    db : Path
        The SQLite file our server uses.
    repeat : int
        Runs per request and side.
    folder : Path
        Where Datasette's log goes.

    Returns
    -------
    dict
        ``version``, the paths, ``facet`` and ``csv`` (each ``ours_ms``/``theirs_ms`` runs,
        medians and ``ratio`` = theirs / ours).
    """
    exe = ensure_datasette()
    peer = Datasette(exe, db, folder / "datasette.log")
    query = flt.to_query_string()
    ours = {"facet": f"/api/v1/stats?group_by=country&{query}",
            "csv": f"/api/v1/incidents?{query}&format=csv"}
    table = f"/{db.stem}/incidents"
    params = datasette_filter(flt)
    theirs = {"facet": f"{table}.json?" + urlencode({**params, "_facet": "country",
                                                     "_size": "0"}),
              "csv": f"{table}.csv?" + urlencode({**params, "_stream": "on", "_size": "max"})}

    def our_total(data: bytes) -> int:
        return json.loads(data)["total"]

    def their_total(data: bytes) -> int:
        body = json.loads(data)
        facet = body["facet_results"]["country"]
        if facet.get("truncated") is None and not facet.get("results"):
            raise RuntimeError(f"Datasette returned no facet: {body.get('facets_timed_out')}")
        return body["filtered_table_rows_count"]

    out: dict = {"version": datasette_version(exe), "ours": ours, "theirs": theirs}
    started = peer.start()
    out["start_s"] = started
    try:
        for name, ours_check, theirs_check in (("facet", our_total, their_total),
                                               ("csv", _csv_rows, _csv_rows)):
            fetch(peer.port, "GET", theirs[name], headers=IDENTITY)  # warm both once
            fetch(our_port, "GET", ours[name], headers=IDENTITY)
            ours_runs, ours_rows = _timed(our_port, ours[name], repeat, ours_check)
            theirs_runs, theirs_rows = _timed(peer.port, theirs[name], repeat, theirs_check)
            if ours_rows != expected or theirs_rows != expected:
                raise RuntimeError(f"{name}: ours {ours_rows:,} rows, Datasette "
                                   f"{theirs_rows:,}, expected {expected:,}")
            ours_ms, theirs_ms = statistics.median(ours_runs), statistics.median(theirs_runs)
            out[name] = {"rows": expected, "ours_ms": ours_runs, "theirs_ms": theirs_runs,
                         "ours_median_ms": ours_ms, "theirs_median_ms": theirs_ms,
                         "ratio": theirs_ms / ours_ms}
            log(f"peer {name}: ours {ours_ms:,.1f} ms, Datasette {theirs_ms:,.1f} ms "
                f"({theirs_ms / ours_ms:.1f}x)")
    finally:
        peer.stop()
    return out


#: The scale issue's target: at least this many times faster than the peer, on both requests.
PEER_TARGET = 3.0


def peer_target_rows(peer: dict, verdict) -> list[str]:
    """Rows of the report's target table for the peer comparison (SQLite backend)."""
    rows = []
    for name, label in (("facet", "Facet by country with the filter"),
                        ("csv", "CSV of the same ~100,000 rows")):
        if name in peer:
            p = peer[name]
            rows.append(f"| {label}: Datasette {peer['version'].split()[-1]} time / ours | "
                        f">= {PEER_TARGET:.0f}x | {p['theirs_median_ms']:,.1f} ms / "
                        f"{p['ours_median_ms']:,.1f} ms = {p['ratio']:.1f}x | "
                        f"{PEER_TARGET / p['ratio']:.2f} | {verdict(p['ratio'] >= PEER_TARGET)} |")
    return rows


def peer_section(peer: dict) -> list[str]:
    """The report's section on the peer comparison."""
    lines = ["## 5b. The same requests on Datasette", "",
             f"{peer['version']} serving the same SQLite file (`--setting suggest_facets off`, "
             f"time limits raised), started in {peer['start_s']:.1f} s. Both sides answer "
             "without compression over 127.0.0.1, after one warm-up request each; medians of "
             "the runs listed. Row counts were checked equal on both sides. Datasette's CSV "
             "holds every column of the table; ours holds the public projection.", "",
             "| Request | ours | Datasette | Datasette / ours |", "| --- | --- | --- | --- |"]
    for name in ("facet", "csv"):
        if name in peer:
            p = peer[name]
            lines.append(f"| {name}: `{peer['ours'][name]}` vs `{peer['theirs'][name]}` | "
                         f"{p['ours_median_ms']:,.1f} ms | {p['theirs_median_ms']:,.1f} ms | "
                         f"**{p['ratio']:.1f}x** |")
    lines.append("")
    for name in ("facet", "csv"):
        if name in peer:
            p = peer[name]
            lines.append(f"- {name} runs (ms): ours " + ", ".join(f"{x:,.1f}" for x in
                                                                   p["ours_ms"])
                         + "; Datasette " + ", ".join(f"{x:,.1f}" for x in p["theirs_ms"]))
    lines.append("")
    return lines
