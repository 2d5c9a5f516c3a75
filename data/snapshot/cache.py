"""One analytic snapshot per process, kept at the store's data version without stalling readers.

Every write to the store bumps its data version (:func:`data.store.db.bump_version`); each request
asks for the version (one cheap query) and gets the snapshot of that version. When the version
moved, the snapshot of the new one is made in a background thread, by updating the previous
snapshot with what changed (:func:`data.snapshot.update.update_public_data`: a publish, an edit
or an ingest of a few records takes a fraction of a second at a million records) or, when
much changed, by reading everything again. Requests meanwhile wait for it up to
:data:`WAIT_S`, so a write is visible to every worker within that time whenever the update
is that fast; past it they answer from the previous snapshot (which names its own data
release) instead of queueing behind a long rebuild. Only a process's first snapshot is always
waited for, and the first one after a withdrawal or an erasure: no request is answered from
a snapshot that still holds what was taken out (:func:`data.store.db.data_versions`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from sqlalchemy import Engine

from data.reference.taxonomy import Taxonomy
from data.snapshot.build import build_public_data
from data.snapshot.memory import release_memory, snapshot_arrays, tune_for_requests
from data.snapshot.model import Snapshot
from data.snapshot.update import update_public_data
from data.store.db import data_version, data_versions

#: Longest a request waits for the snapshot of a new data version (seconds).
WAIT_S = 2.0

log = logging.getLogger(__name__)


def next_snapshot(engine: Engine, taxonomy: Taxonomy, old: Snapshot | None,
                  min_cell: int) -> Snapshot:
    """The snapshot of the store's current data version, updated from ``old`` when possible.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    taxonomy : Taxonomy
    old : Snapshot or None
        The previous snapshot; read everything when None (or made from a frame).
    min_cell : int
        The small-cell threshold member records are generalised with (``Settings.min_cell``).

    Returns
    -------
    Snapshot
        Labelled with the data version read before the data, so it is never newer than its
        label says it is.
    """
    version = data_version(engine)
    data = None
    if old is not None and old.data is not None and old.taxonomy is taxonomy:
        data = update_public_data(engine, taxonomy, old.data, min_cell)
    if data is None:
        data = build_public_data(engine, taxonomy, min_cell)
    snapshot = Snapshot.from_data(data, taxonomy, version, previous=old)
    data.changes = None  # served its purpose; a large update's gather index is 8 MB
    return snapshot


class SnapshotCache:
    """Holds one snapshot per process and makes the next one when the data version changes.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    taxonomy : Taxonomy
    min_cell : int
        The small-cell threshold (``Settings.min_cell``).
    wait : float
        Seconds a request waits for the snapshot of a new version (:data:`WAIT_S`).
    """

    def __init__(self, engine: Engine, taxonomy: Taxonomy, min_cell: int,
                 wait: float = WAIT_S):
        self.engine = engine
        self.taxonomy = taxonomy
        self.min_cell = min_cell
        self.wait = wait
        self._snapshot: Snapshot | None = None
        self._job: Future | None = None
        self._lock = threading.Lock()
        #: Called as ``listener(snapshot, seconds)`` after each snapshot is made (metrics).
        self.listeners: list[Callable[[Snapshot, float], None]] = []
        tune_for_requests()

    def get(self) -> Snapshot:
        """The snapshot of the current data version (one cheap version query per call).

        Waits for a newer snapshot being made up to ``wait`` seconds, then answers from the
        previous one; without limit when there is none yet, or when the previous one is
        older than the store's private version (a record was withdrawn or erased since: see
        :func:`data.store.db.bump_version`).
        """
        version, private = data_versions(self.engine)
        deadline = time.monotonic() + self.wait
        while True:
            snapshot = self._snapshot
            if snapshot is not None and snapshot.version >= version:
                return snapshot
            job = self._start()
            # an older snapshot may still count or hold what was withdrawn or erased since
            unlimited = snapshot is None or snapshot.version < private
            try:
                timeout = None if unlimited else max(deadline - time.monotonic(), 0)
                made = job.result(timeout=timeout)
            except FutureTimeout:
                return snapshot
            if made.version >= version or time.monotonic() >= deadline:
                return made

    def ready(self) -> bool:
        """Whether a snapshot is held (a request would not wait for a first build).

        Starts the first build when none is held or under way, so a readiness probe also
        warms a new worker up.
        """
        if self._snapshot is not None:
            return True
        self._start()
        return False

    def _start(self) -> Future:
        """The job making the next snapshot, started now unless one is running."""
        with self._lock:
            if self._job is None or self._job.done():
                job: Future = Future()
                self._job = job
                threading.Thread(target=self._make, args=(job,), daemon=True,
                                 name="snapshot-update").start()
            return self._job

    def _make(self, job: Future) -> None:
        if not job.set_running_or_notify_cancel():
            return
        started = time.perf_counter()
        try:
            with snapshot_arrays():  # unmapped when the snapshot is replaced (data.snapshot.memory)
                made = next_snapshot(self.engine, self.taxonomy, self._snapshot,
                                     self.min_cell)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting requests
            log.warning("making the snapshot failed: %s", type(exc).__name__)
            job.set_exception(exc)
            return
        seconds = time.perf_counter() - started
        log.info("snapshot made", extra={"fields": {
            "data_version": made.version, "duration_ms": round(seconds * 1000, 1)}})
        with self._lock:
            old = self._snapshot
            if old is None or made.version >= old.version:
                self._snapshot = made
        job.set_result(made)
        for listener in self.listeners:
            try:
                listener(made, seconds)
            except Exception:  # a listener's failure never stops the snapshot being served
                log.exception("a snapshot listener failed")
        del old  # requests still answering from it keep it alive until they finish
        release_memory()  # what the build used, and the replaced snapshot
