"""One ingest run: read -> normalise -> validate -> store, in one transaction.

Totals always reconcile (read = loaded + already stored + rejected). A failed run leaves
the store as it was; ``dry_run`` rolls everything back; re-running the same file adds
nothing, because each row has a stable source record id.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from data.reference.taxonomy import KINDS, Taxonomy, load_taxonomy
from data.store.db import analyze, bump_version, load_cache
from ingest.load.dedupe import link_likely_duplicates
from ingest.load.parallel import prepared_batches
from ingest.load.review import steward_mappings
from ingest.load.runs import load_batches
from ingest.load.write import ensure_source, finish_run, start_run
from ingest.normalise.labels import LabelMatcher
from ingest.normalise.locate import Locator
from ingest.normalise.record import Context
from ingest.report import IngestReport
from ingest.sources import get_source
from ingest.sources.base import Dataset, ReadOptions, Source
from ingest.sources.fetch import fetch, is_url
from ingest.sources.mapping import Mapping, load_mapping

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from sqlalchemy import Engine

BATCH = 5000
ANALYZE_AFTER = 10_000  # rows; refresh planner statistics after large loads


class _DryRun(Exception):
    """Raised to roll back a dry run after everything was checked."""


def _dataset(source: Source, options: ReadOptions, path: Path) -> Dataset:
    if options.dataset:
        return options.dataset
    if source.dataset:
        return source.dataset
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")[:50] or "dataset"
    return Dataset(slug=f"{stem}-{source.name}", name=f"{path.name} ({source.name} import)")


def build_context(engine: Engine, source: Source, mapping: Mapping | None, policy: str,
                  taxonomy: Taxonomy, boundaries, today: dt.date | None) -> Context:
    """Normalisation context for a run of ``source`` with its mapping and overrides."""
    options = mapping.options if mapping else ReadOptions()
    stewards = steward_mappings(engine)
    matchers = {}
    for kind in KINDS:
        crosswalk = {**source.crosswalk.get(kind, {}),
                     **{k: tuple(v) for k, v in options.labels.get(kind, {}).items()}}
        matchers[kind] = LabelMatcher(taxonomy, kind, stewards.get(kind), crosswalk)
    return Context(
        taxonomy=taxonomy, policy=policy,
        date_order=options.date_order or source.date_order,
        defaults={**source.defaults, **options.defaults}, matchers=matchers, today=today,
        summary_from_narrative=source.summary_from_narrative,
        point_precision=(mapping.point_precision if mapping and mapping.point_precision
                         else source.point_precision),
        classification=source.classification,
        locator=Locator(boundaries) if boundaries is not None else None,
    )


def run_ingest(engine: Engine, source_name: str, location: str, *,
               mapping_path: Path | None = None, policy: str | None = None,
               dry_run: bool = False, boundaries=None, today: dt.date | None = None,
               progress: Callable[[int, int | None], None] | None = None,
               batch_size: int = BATCH, parallel: bool | None = None) -> IngestReport:
    """Ingest one file or URL; see the module docstring for the guarantees.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    source_name : str
        A registered source (``csv``, ``odihr``, ...).
    location : str
        Local path or http(s) URL.
    mapping_path : Path, optional
        ``--mapping`` YAML file.
    policy : {"open", "member"}, optional
        Overrides the source's publication policy.
    dry_run : bool
        Check everything, write nothing.
    boundaries : geo.assign.Boundaries, optional
        Polygons for placing points; None stores points without assigning regions.
    today : datetime.date, optional
        For rejecting future dates (tests pin it).
    progress : callable, optional
        Called as ``progress(rows_read, rows_expected)`` after each batch; the expected
        count is estimated from the file's lines for text files, else None.
    batch_size : int
        Rows per batch (per transaction step; memory stays bounded by a few batches).
    parallel : bool, optional
        Read and normalise in a second process while this one writes (default: for large
        text files on Linux with two or more CPUs; see :mod:`ingest.load.parallel`).

    Returns
    -------
    IngestReport
    """
    began = time.perf_counter()
    taxonomy = load_taxonomy()
    source = get_source(source_name)
    mapping = load_mapping(mapping_path, taxonomy) if mapping_path else None
    options = mapping.options if mapping else ReadOptions()
    chosen = policy or (mapping.policy if mapping and mapping.policy else source.policy)
    ctx = build_context(engine, source, mapping, chosen, taxonomy, boundaries, today)
    with tempfile.TemporaryDirectory(prefix="incidentmap-ingest-") as tmp:
        path = fetch(location, Path(tmp)) if is_url(location) else Path(location)
        if not path.is_file():
            raise FileNotFoundError(f"no such file: {location}")
        report = IngestReport(source=source.name, location=location, dry_run=dry_run)
        dataset = _dataset(source, options, path)
        rows = source.read(path, options)
        expected = estimate_rows(path)
        try:
            with engine.begin() as conn:
                source_id = ensure_source(conn, dataset, chosen)
                run_options = {"source": source.name, "mapping": str(mapping_path or ""),
                               "dataset": dataset.slug, "dry_run": dry_run}
                report.run_id = start_run(conn, source_id, location, chosen, run_options)
                with _long_lived_objects_frozen(), load_cache(conn):
                    batches = prepared_batches(rows, ctx, batch_size, expected,
                                               parallel=parallel)
                    load_batches(conn, batches, report, source_id, taxonomy.version,
                          progress and (lambda done: progress(done, expected)))
                started = time.perf_counter()
                report.linked = link_likely_duplicates(conn, report.run_id)
                report.stage_seconds["dedupe"] += time.perf_counter() - started
                finish_run(conn, report.run_id, report)
                if report.loaded:
                    bump_version(conn)
                    if report.loaded >= ANALYZE_AFTER:
                        analyze(conn)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        except Exception as exc:
            log.warning("ingest run failed", extra={"fields": {
                "run_id": report.run_id, "source": source.name, "error": type(exc).__name__}})
            raise
    log.info("ingest run finished", extra={"fields": {
        "run_id": report.run_id, "source": source.name, "policy": chosen, "dry_run": dry_run,
        "read": report.read, "loaded": report.loaded, "merged": report.merged,
        "rejected": report.rejected, "linked": report.linked,
        "duration_ms": round((time.perf_counter() - began) * 1000)}})
    return report


@contextlib.contextmanager
def _long_lived_objects_frozen():
    """Keep the garbage collector off the objects that exist before the load starts.

    Boundaries, the gazetteer and the taxonomy are hundreds of thousands of long-lived
    objects; every full collection triggered by the batches' short-lived rows walked them
    all again, which took more than half of the time spent placing points.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def estimate_rows(path: Path) -> int | None:
    """Rows a delimited text file holds, from its line count (None for other formats)."""
    if path.suffix.lower() not in (".csv", ".tsv", ".txt"):
        return None
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            lines += chunk.count(b"\n")
    return max(lines - 1, 0)
