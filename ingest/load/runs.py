"""One ingest run's writes: its batches stored row by row, and undoing the run.

Inside the run's transaction (:func:`ingest.pipeline.run_ingest`), every row of every batch is
accounted for in the report (loaded, merged as already stored, or rejected) and the accepted
rows not stored yet are inserted (:mod:`ingest.load.write`).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from sqlalchemy import Engine, delete, select, update

from data.store.db import bump_version
from data.store.schema import incidents, ingest_runs
from ingest.load.prepare import PreparedBatch
from ingest.load.write import existing_ids, insert_prepared
from ingest.report import IngestReport


def store_batch(conn, batch: PreparedBatch, report: IngestReport, source_id: int,
                 taxonomy_version: str, fresh_source: bool) -> None:
    """Account for every row of ``batch`` and insert the accepted rows not stored yet.

    A source with no records before this run needs no lookup: record ids are unique within
    a run (see :func:`ingest.load.write.record_ids`).
    """
    clock = report.stage_seconds
    clock.update(batch.seconds)
    started = time.perf_counter()
    record_ids = batch.columns.get("source_record_id", [])
    present = set() if fresh_source else existing_ids(conn, source_id, record_ids)
    keep = ([index for index, record_id in enumerate(record_ids) if record_id not in present]
            if present else list(range(batch.accepted)))
    noted = {"loaded": 0, "merged": 0}
    for outcome in batch.noted:
        if outcome.rejected:
            result = "rejected"
        else:
            result = "merged" if outcome.record_id in present else "loaded"
            noted[result] += 1
        report.add(outcome.row, outcome.original, outcome.issues, result)
    report.add_clean(loaded=len(keep) - noted["loaded"],
                     merged=batch.accepted - len(keep) - noted["merged"])
    clock["account"] += time.perf_counter() - started
    started = time.perf_counter()
    insert_prepared(conn, batch, keep, source_id, report.run_id, taxonomy_version)
    clock["store"] += time.perf_counter() - started
    countries = batch.columns.get("country", [])
    report.loaded_by_country.update(countries[index] for index in keep)


def load_batches(conn, batches: Iterator[PreparedBatch], report: IngestReport, source_id: int,
                 taxonomy_version: str, progress) -> None:
    """Store every batch of ``batches`` (closed at the end), accounting for each row in ``report``.

    ``progress``, when given, is called with the rows read so far after each batch.
    """
    clock = report.stage_seconds
    fresh_source = conn.execute(select(incidents.c.id).where(
        incidents.c.source_id == source_id).limit(1)).first() is None
    with contextlib.closing(batches):
        while True:
            started = time.perf_counter()
            batch = next(batches, None)
            clock["wait"] += time.perf_counter() - started
            if batch is None:
                break
            store_batch(conn, batch, report, source_id, taxonomy_version, fresh_source)
            if progress:
                progress(report.read)


def undo_run(engine: Engine, run_id: int) -> int:
    """Remove exactly the incidents one run added; returns how many.

    Raises
    ------
    LookupError
        When the run does not exist or was already undone.
    """
    if not 0 < run_id < 2**63:
        raise LookupError(f"there is no ingest run {run_id}")
    with engine.begin() as conn:
        status = conn.execute(select(ingest_runs.c.status).where(ingest_runs.c.id == run_id)
                              ).scalar()
        if status is None:
            raise LookupError(f"there is no ingest run {run_id}")
        if status == "undone":
            raise LookupError(f"ingest run {run_id} was already undone")
        removed = conn.execute(delete(incidents).where(incidents.c.ingest_run_id == run_id))
        conn.execute(update(ingest_runs).where(ingest_runs.c.id == run_id)
                     .values(status="undone"))
        bump_version(conn, private=True)  # its records must not be counted any longer
    return int(removed.rowcount)
