"""Simulated users and the all-or-nothing checker of the load test (``bench_load.py``).

Each :class:`User` is a thread that loops over a browsing session with think times: it opens
the map page (``GET /``, the page-layout callback, the ``render`` callback), changes filters
(the ``sync_url_and_controls`` callback, then ``render`` with the URL it returned), pages the
incident table (``GET /incidents``, the grid's ``getRowsResponse`` callback or the API's
``/api/v1/incidents?page=N``), asks for stats, and now and then downloads a filtered CSV.
Every request is timed and recorded by kind in a :class:`Recorder`. The :class:`Checker`
polls ``/api/v1/stats?group_by=country`` with an ``X-Load-Probe`` header (gunicorn's access
log ties each probe to the worker that answered) and keeps what each answer said. Nothing here
talks to any address other than 127.0.0.1.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from lib.common import summary
from lib.http_timings import control_values
from lib.server import DashClient, decoded, fetch

#: Headers a browser sends with a page or API request.
GET_HEADERS = {"Accept-Encoding": "gzip"}
#: The checker's request and the header that names each probe in gunicorn's access log.
STATS_ALL = "/api/v1/stats?group_by=country"
PROBE_HEADER = "X-Load-Probe"
GROUPS = ("country", "month", "bias", "type")
TIMEOUT = 600.0


def ok_status(status: int) -> bool:
    """Whether a response counts as a success (2xx or 304)."""
    return 200 <= status < 300 or status == 304


class Recorder:
    """Thread-safe log of timed requests: kind, start (s after ``t0``), ms, status.

    Parameters
    ----------
    port : int
        The server's port on 127.0.0.1.
    t0 : float
        ``time.perf_counter()`` of the start of the run.
    """

    def __init__(self, port: int, t0: float):
        self.port, self.t0 = port, t0
        self.samples: list[tuple[str, float, float, int]] = []
        self.failures: list[str] = []
        self._lock = threading.Lock()

    def add(self, kind: str, started: float, ms: float, status: int, detail: str = "") -> None:
        """Record one request (``status`` -1 for a connection error)."""
        with self._lock:
            self.samples.append((kind, started - self.t0, ms, status))
            if not ok_status(status) and len(self.failures) < 50:
                self.failures.append(f"{kind} at {started - self.t0:.1f} s: {status} {detail}")

    def request(self, kind: str, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None):
        """Make and record one request on a fresh connection.

        Returns
        -------
        tuple or None
            ``(status, headers, body)``, or None after a connection error.
        """
        started = time.perf_counter()
        try:
            status, hdrs, data, secs = fetch(self.port, method, path, body=body,
                                             headers=headers or GET_HEADERS, timeout=TIMEOUT)
        except OSError as exc:
            self.add(kind, started, (time.perf_counter() - started) * 1000, -1,
                     f"{type(exc).__name__}: {exc}"[:200])
            return None
        self.add(kind, started, secs * 1000, status, f"{path[:120]} {data[:200]!r}")
        return status, hdrs, data

    def by_kind(self, since: float = float("-inf"), until: float = float("inf")) -> dict:
        """Count, errors and latency summary (ms) per kind, for requests started in a window.

        Parameters
        ----------
        since, until : float
            Seconds after ``t0``.

        Returns
        -------
        dict
            Per kind (plus ``"all"``): ``count``, ``errors`` and :func:`summary` keys.
        """
        kinds: dict[str, list] = {}
        for kind, start, ms, status in list(self.samples):
            if since <= start < until:
                kinds.setdefault(kind, []).append((ms, status))
                kinds.setdefault("all", []).append((ms, status))
        return {k: {"count": len(v), "errors": sum(not ok_status(s) for _, s in v),
                    **summary([ms for ms, _ in v])} for k, v in kinds.items()}


@dataclass
class Mix:
    """What the users choose from.

    Attributes
    ----------
    scenarios : list
        :class:`lib.scenarios.Scenario` filters (URL search and API query are derived).
    csv_queries : list of (str, int)
        API filter queries and the rows each selects, for the CSV downloads.
    think : tuple of float
        Think time between actions, uniform in this range (seconds).
    csv_share : float
        Probability that a session ends with a CSV download.
    """

    scenarios: list
    csv_queries: list
    think: tuple[float, float] = (1.0, 4.0)
    csv_share: float = 0.2
    searches: list = field(default_factory=list)
    queries: list = field(default_factory=list)

    def __post_init__(self):
        from lib.scenarios import search_of

        self.searches = [search_of(s.flt) for s in self.scenarios]
        self.queries = [s.flt.to_query_string() for s in self.scenarios]


class User(threading.Thread):
    """One simulated visitor looping over browsing sessions until ``stop`` is set.

    Parameters
    ----------
    number : int
        The user's number (seeds its random choices).
    client : DashClient
        Builds the callback bodies (shared; read-only).
    rec : Recorder
        Where the timings go.
    mix : Mix
        Filters, downloads and think times.
    stop : threading.Event
        Ends the loop (after the request in flight).
    delay : float
        Seconds to wait before the first session (staggered start).
    """

    def __init__(self, number: int, client: DashClient, rec: Recorder, mix: Mix,
                 stop: threading.Event, delay: float = 0.0):
        super().__init__(name=f"user-{number}", daemon=True)
        self.rng = np.random.default_rng(1000 + number)
        self.client, self.rec, self.mix, self.stop, self.delay = client, rec, mix, stop, delay
        self.current = 0  # index of the user's current filter in mix.scenarios

    def think(self, scale: float = 1.0) -> bool:
        """Wait a think time; False when the run is over."""
        low, high = self.mix.think
        return not self.stop.wait(scale * float(self.rng.uniform(low, high)))

    def callback(self, kind: str, first_output: str, values: dict, changed: list[str]):
        """POST one Dash callback as the renderer sends it."""
        dep = self.client.dependency(first_output)
        body = self.client.body(dep, values, changed)
        headers = dict(DashClient.BROWSER_HEADERS)
        return self.rec.request(kind, "POST", self.client.update_path, body, headers)

    def run(self) -> None:
        """Sessions until the run is over."""
        if self.stop.wait(self.delay):
            return
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                self.session()
            except Exception as exc:  # noqa: BLE001 - a broken session is an error, not a crash
                self.rec.add("session", started, 0.0, -2, f"{type(exc).__name__}: {exc}"[:300])
                self.stop.wait(1.0)

    def session(self) -> None:
        """One visit: map, filter changes, table pages, stats, maybe a CSV download."""
        mix, rng = self.mix, self.rng
        self.current = int(rng.integers(len(mix.scenarios)))
        search = mix.searches[self.current]
        self.rec.request("GET /", "GET", "/" + search)
        self.callback("page layout", "page-content.children",
                      {"shell-url.pathname": "/", "shell-url.search": search},
                      ["shell-url.pathname"])
        self.callback("render", "map.figure", {"url.search": search}, ["url.search"])
        for _ in range(int(rng.integers(1, 4))):
            if not self.think():
                return
            search = self.change_filter(search)
        if not self.think():
            return
        self.table(search)
        if not self.think(0.5):
            return
        query = mix.queries[self.current]
        group = GROUPS[int(rng.integers(len(GROUPS)))]
        self.rec.request("stats", "GET", f"/api/v1/stats?group_by={group}"
                         + (f"&{query}" if query else ""))
        if mix.csv_queries and rng.random() < mix.csv_share:
            csv_query, _rows = mix.csv_queries[int(rng.integers(len(mix.csv_queries)))]
            self.rec.request("CSV download", "GET",
                             f"/api/v1/incidents?{csv_query}&format=csv")
        self.think()

    def change_filter(self, search: str) -> str:
        """A control change: the sync callback, then ``render`` with the URL it returned."""
        before = control_values(self.mix.scenarios[self.current].flt)
        nxt = int(self.rng.integers(len(self.mix.scenarios)))
        after = control_values(self.mix.scenarios[nxt].flt)
        changed = [k for k in after if after[k] != before[k]][:1] or ["filter-country.value"]
        self.current = nxt
        answer = self.callback("filter sync", "url.search",
                               dict(after, **{"url.search": search}), changed)
        if answer is None or answer[0] != 200:
            return search  # 204: nothing changed, the browser sends no render either
        try:
            new = json.loads(decoded(answer[1], answer[2]))["response"]["url"]["search"]
        except (ValueError, KeyError):
            new = self.mix.searches[nxt]
        self.callback("render", "map.figure", {"url.search": new}, ["url.search"])
        return new

    def table(self, search: str) -> None:
        """Open ``/incidents`` and read a few pages (grid blocks or API pages)."""
        rng = self.rng
        self.rec.request("GET /incidents", "GET", "/incidents" + search)
        self.callback("page layout", "page-content.children",
                      {"shell-url.pathname": "/incidents", "shell-url.search": search},
                      ["shell-url.pathname"])
        use_api = rng.random() < 0.5
        query = self.mix.queries[self.current]
        pages = 1
        for k in range(int(rng.integers(1, 4))):
            if k and not self.think(0.5):
                return
            if use_api:
                page = min(k + 1, pages)
                answer = self.rec.request("API page", "GET", f"/api/v1/incidents?page={page}"
                                          + (f"&{query}" if query else ""))
                if answer is not None and answer[0] == 200:
                    try:
                        pages = json.loads(decoded(answer[1], answer[2]))["pages"]
                    except (ValueError, KeyError):
                        pages = 1
            else:
                request = {"startRow": 100 * k, "endRow": 100 * k + 100, "filterModel": {},
                           "sortModel": [{"colId": "date", "sort": "desc"}]}
                self.callback("grid rows", "incident-grid.getRowsResponse",
                              {"incident-grid.getRowsRequest": request,
                               "shell-url.search": search},
                              ["incident-grid.getRowsRequest"])


@dataclass
class Observation:
    """One checker poll: when, which probe, the status, the total and the country counts."""

    t: float
    probe: str
    status: int
    ms: float
    total: int | None = None
    countries: tuple = ()


class Checker:
    """Threads polling ``/api/v1/stats?group_by=country`` every ``interval`` seconds.

    Parameters
    ----------
    port : int
        The server's port.
    t0 : float
        ``time.perf_counter()`` of the start of the run.
    threads : int
        Concurrent pollers (one per worker gives every worker a chance to answer).
    interval : float
        Pause after each answer, seconds.
    """

    def __init__(self, port: int, t0: float, threads: int, interval: float = 0.1):
        self.port, self.t0, self.interval = port, t0, interval
        self.observations: list[Observation] = []
        self.stop = threading.Event()
        self._threads = [threading.Thread(target=self._poll, args=(i,), daemon=True,
                                          name=f"checker-{i}") for i in range(threads)]

    def probe(self, name: str) -> Observation:
        """One stats request carrying the probe header ``name``."""
        started = time.perf_counter()
        headers = {"Accept-Encoding": "gzip", PROBE_HEADER: name}
        try:
            status, hdrs, data, secs = fetch(self.port, "GET", STATS_ALL, headers=headers,
                                             timeout=TIMEOUT)
        except OSError:
            return Observation(started - self.t0, name, -1,
                               (time.perf_counter() - started) * 1000)
        obs = Observation(started - self.t0, name, status, secs * 1000)
        if status == 200:
            try:
                body = json.loads(decoded(hdrs, data))
                obs.total = int(body["total"])
                obs.countries = tuple(sorted((d["key"], int(d["count"]))
                                             for d in body["data"]))
            except (ValueError, KeyError, TypeError):
                obs.status = -2  # an unreadable answer counts as failed
        return obs

    def _poll(self, number: int) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            self.observations.append(self.probe(f"c{number}-{n}"))
            self.stop.wait(self.interval)

    def start(self) -> None:
        """Start polling."""
        for thread in self._threads:
            thread.start()

    def finish(self) -> None:
        """Stop polling and wait for the answers in flight."""
        self.stop.set()
        for thread in self._threads:
            thread.join(timeout=TIMEOUT)
