"""The service's Prometheus metrics, summed over gunicorn's workers.

Each gunicorn worker is a process with its own counters. prometheus-client's multiprocess
mode keeps them in memory-mapped files of one folder, and ``/metrics`` (whichever worker
answers it) reads them all and sums them. The folder is ``PROMETHEUS_MULTIPROC_DIR`` when the
environment sets it (the operator then empties it before each start), else a subfolder of
``INCIDENTMAP_METRICS_DIR`` (``INSTANCE_DIR/metrics``) named after the gunicorn master that
started the worker (its pid and start time): a new server starts from zero, and the folders of
servers that no longer run are removed when a worker of the next one starts. Counters of
workers that ended stay counted (a counter never goes back while the server runs); the gauges
of ended workers are dropped at the next scrape. A single process (``incidentmap serve``,
tests) keeps its metrics in memory.

Labels hold route templates, methods, statuses and outcomes: nothing a client typed and
nothing about a person.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from data import software
from data.settings import Settings, multiprocess_folder, under_gunicorn, use_multiprocess_folder
from data.snapshot.model import Snapshot
from data.store.failures import database_errors
from data.store.runs import ingest_run_counts

#: Latency buckets (seconds) of requests: a map tile to a whole-dataset download.
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
#: Buckets (seconds) of snapshot builds: an update takes a fraction of a second, a first
#: build of a million records a minute or more.
SNAPSHOT_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600)
BUILT = "incidentmap_snapshot_built_timestamp_seconds"
#: Folders named after a server: ``pid`` or ``pid-starttime``.
SERVER_FOLDER = re.compile(r"\d+(-\d+)?")
_SHARED: dict[str, Metrics] = {}

if TYPE_CHECKING:
    from sqlalchemy import Engine
_LOCK = threading.Lock()
log = logging.getLogger(__name__)


def process_key(pid: int) -> str:
    """``pid-starttime`` of a running process (Linux), ``pid`` elsewhere; "" if it is gone.

    The start time tells a process from a later one given the same pid (a restarted
    container's gunicorn is often pid 1 again).
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return f"{pid}-{stat.rsplit(')', 1)[1].split()[19]}"
    except (OSError, IndexError):
        return str(pid) if _alive(pid) else ""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def server_folder(base: Path, master: int) -> Path:
    """The folder of the server whose master is ``master``; those of stopped servers removed.

    Parameters
    ----------
    base : pathlib.Path
        ``INCIDENTMAP_METRICS_DIR``.
    master : int
        The gunicorn master's pid (the worker's parent).

    Returns
    -------
    pathlib.Path
        Created when missing.
    """
    own = base / (process_key(master) or str(master))
    own.mkdir(parents=True, exist_ok=True)
    for folder in base.iterdir():
        name = folder.name
        if folder != own and folder.is_dir() and SERVER_FOLDER.fullmatch(name) \
                and process_key(int(name.split("-")[0])) != name:
            shutil.rmtree(folder, ignore_errors=True)
    return own


def _multiprocess_folder(settings: Settings) -> Path | None:
    given = multiprocess_folder()
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
        return given
    if not under_gunicorn():
        return None  # one process: nothing to sum
    folder = server_folder(settings.metrics_dir or settings.instance_dir / "metrics",
                           os.getppid())
    use_multiprocess_folder(folder)
    return folder


class Metrics:
    """The metrics of one process (:func:`for_process`), and their exposition.

    Parameters
    ----------
    folder : pathlib.Path or None
        The multiprocess folder; None keeps the metrics in this process's memory.
    """

    def __init__(self, folder: Path | None):
        import prometheus_client as prom
        from prometheus_client import values

        if folder is not None and not values.ValueClass._multiprocess:
            values.ValueClass = values.get_value_class()  # imported before the folder was set
        prom.disable_created_metrics()  # *_created series: noise the dashboards do not use
        self.folder = folder
        self.registry = None if folder is not None else prom.CollectorRegistry()
        own = {"registry": self.registry}
        self.requests = prom.Counter(
            "incidentmap_http_requests", "HTTP requests answered, by method, route template "
            "and status.", ("method", "route", "status"), **own)
        self.latency = prom.Histogram(
            "incidentmap_http_request_duration_seconds", "Time to answer a request (to its "
            "headers; a streamed download's body follows), by route template.", ("route",),
            buckets=REQUEST_BUCKETS, **own)
        self.logins = prom.Counter(
            "incidentmap_logins", "Login steps on the site by step (password, second_factor) "
            "and outcome (succeeded, failed, throttled).", ("step", "outcome"), **own)
        self.builds = prom.Histogram(
            "incidentmap_snapshot_build_duration_seconds", "Time to make a public snapshot "
            "(a first build, or an update after a write).", buckets=SNAPSHOT_BUCKETS, **own)
        self.built = prom.Gauge(
            BUILT, "When the oldest snapshot still served by a worker was made (Unix time).",
            ("snapshot",), multiprocess_mode="livemin", **own)
        self.last_build = prom.Gauge(
            "incidentmap_snapshot_last_build_duration_seconds", "Duration of each worker's "
            "latest snapshot build (the longest of them).", ("snapshot",),
            multiprocess_mode="livemax", **own)

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count a request answered and its latency."""
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(route).observe(seconds)

    def snapshot_made(self, snapshot: Snapshot, seconds: float) -> None:
        """Record a snapshot build (a :class:`data.snapshot.cache.SnapshotCache` listener)."""
        self.builds.observe(seconds)
        self.built.labels("public").set(time.time())
        self.last_build.labels("public").set(seconds)

    def login(self, step: str, outcome: str) -> None:
        """Count a login step."""
        self.logins.labels(step, outcome).inc()

    def _collected(self) -> list:
        if self.registry is not None:
            return list(self.registry.collect())
        from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

        for path in self.folder.glob("gauge_live*_*.db"):  # workers that ended
            pid = int(path.stem.rsplit("_", 1)[1])
            if not _alive(pid):
                mark_process_dead(pid, str(self.folder))
        return list(MultiProcessCollector(None, path=str(self.folder)).collect())

    def exposition(self, engine: Engine) -> bytes:
        """Every metric in the Prometheus text format, the store's read at this scrape.

        Parameters
        ----------
        engine : sqlalchemy.Engine
            The store, asked once for its ingest runs (``incidentmap_store_up`` is 0 and the
            runs are left out when it does not answer).

        Returns
        -------
        bytes
        """
        from prometheus_client import generate_latest
        from prometheus_client.core import GaugeMetricFamily

        families = self._collected()
        info = GaugeMetricFamily("incidentmap_build_info", "The running version.",
                                 labels=["version"])
        info.add_metric([software.version()], 1)
        families.append(info)
        built = [s.value for f in families if f.name == BUILT for s in f.samples]
        if built:
            families.append(GaugeMetricFamily(
                "incidentmap_snapshot_age_seconds", "Seconds since the oldest snapshot still "
                "served was made (high and steady is normal while nothing is written).",
                value=max(time.time() - min(built), 0)))
        up = GaugeMetricFamily("incidentmap_store_up", "1 when the store answered this scrape.")
        families.append(up)
        try:
            counts = ingest_run_counts(engine)
        except database_errors():
            up.add_metric([], 0)
            return generate_latest(_Families(families))
        up.add_metric([], 1)
        runs = GaugeMetricFamily("incidentmap_ingest_runs", "Ingest runs recorded in the "
                                 "store, by status (running, done, failed, undone).",
                                 labels=["status"])
        last = GaugeMetricFamily("incidentmap_ingest_last_finished_timestamp_seconds",
                                 "When the latest ingest run of each status finished (Unix "
                                 "time).", labels=["status"])
        for count in counts:
            runs.add_metric([count.status], count.runs)
            if count.last_finished is not None:
                last.add_metric([count.status], count.last_finished.timestamp())
        families += [runs, last]
        return generate_latest(_Families(families))


class _Families:
    """A registry-like holder of collected families, for ``generate_latest``."""

    def __init__(self, families: list):
        self.families = families

    def collect(self):
        return iter(self.families)


def for_app(settings: Settings) -> Metrics:
    """The metrics an app records into: the process's shared ones under gunicorn.

    Several apps in one process (tests) each get their own when the metrics are kept in
    memory; with a multiprocess folder the process has one set (two would write the same
    entries of its files).

    Parameters
    ----------
    settings : Settings
        ``metrics_dir`` and ``instance_dir`` place the folder.

    Returns
    -------
    Metrics
    """
    with _LOCK:
        if "process" in _SHARED:
            return _SHARED["process"]
        try:
            folder = _multiprocess_folder(settings)
        except OSError as exc:
            log.warning("metrics kept per worker: cannot use the metrics folder (%s: %s)",
                        type(exc).__name__, exc)
            folder = None
        if folder is None:
            return Metrics(None)
        _SHARED["process"] = Metrics(folder)
        return _SHARED["process"]
