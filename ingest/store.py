"""Writing normalised records into the store, inside the caller's transaction."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import secrets
import uuid
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import insert, select, update

from data.db import bulk_insert, insert_with_ids
from data.schema import CODE_TABLES, incidents, ingest_runs, label_issues, sources
from data.taxonomy import normalise_label
from ingest.sources.base import Dataset, RawRow


def record_ids(rows: Iterable[RawRow], seen: Counter) -> list[str]:
    """Stable source record ids: the source's own id, else a content hash + occurrence.

    Identical rows (the ODIHR export repeats rows for incidents it received as statistics)
    get distinct ids ``h:<hash>:1``, ``h:<hash>:2`` ... in file order, so re-reading the same
    file gives the same ids and separate incidents stay separate. ``seen`` carries the
    occurrence counts across batches.
    """
    ids = []
    for raw in rows:
        own = raw.fields.get("record_id")
        if own:
            key = f"id:{own}"
        else:
            content = json.dumps(sorted(raw.original.items()), ensure_ascii=False)
            key = "h:" + hashlib.sha1(content.encode("utf-8")).hexdigest()[:20]
        seen[key] += 1
        ids.append(key if seen[key] == 1 and own else f"{key}:{seen[key]}")
    return ids


class SourceConflict(ValueError):
    """A dataset slug that already names a different kind of source or policy."""


def ensure_source(conn, dataset: Dataset, policy: str) -> int:
    """Find or create the ``sources`` row of ``dataset``; returns its id.

    Raises
    ------
    SourceConflict
        When the slug belongs to a source of another kind or publication policy (records
        of different provenance must never share a source: re-ingests and ``demo`` replace
        a source's records).
    """
    found = conn.execute(select(sources.c.id, sources.c.kind, sources.c.policy)
                         .where(sources.c.slug == dataset.slug)).first()
    if found:
        if (found.kind, found.policy) != (dataset.kind, policy):
            raise SourceConflict(
                f"a source named {dataset.slug!r} already exists ({found.kind}, policy "
                f"{found.policy}); give this dataset its own slug in a mapping file "
                "(dataset: {slug: ..., name: ...}) or use the same --policy as before")
        return int(found.id)
    return int(conn.execute(insert(sources).values(
        slug=dataset.slug, name=dataset.name, kind=dataset.kind, policy=policy,
        licence=dataset.licence, attribution=dataset.attribution, url=dataset.url,
    )).inserted_primary_key[0])


def start_run(conn, source_id: int, location: str, policy: str, options: dict) -> int:
    """Create the ``ingest_runs`` row of this run."""
    return int(conn.execute(insert(ingest_runs).values(
        source_id=source_id, started_at=dt.datetime.now(dt.UTC), location=location,
        policy=policy, options=options, status="running", rows_read=0, rows_loaded=0,
        rows_rejected=0, rows_merged=0, rows_linked=0,
    )).inserted_primary_key[0])


def finish_run(conn, run_id: int, report) -> None:
    """Store the run's totals and mark it done."""
    conn.execute(update(ingest_runs).where(ingest_runs.c.id == run_id).values(
        finished_at=dt.datetime.now(dt.UTC), rows_read=report.read, rows_loaded=report.loaded,
        rows_rejected=report.rejected, rows_merged=report.merged, rows_linked=report.linked,
        status="done"))


def existing_ids(conn, source_id: int, candidates: list[str]) -> set[str]:
    """Which of ``candidates`` are already stored for this source."""
    found: set[str] = set()
    for start in range(0, len(candidates), 900):
        chunk = candidates[start:start + 900]
        found.update(conn.execute(
            select(incidents.c.source_record_id).where(
                incidents.c.source_id == source_id, incidents.c.source_record_id.in_(chunk))
        ).scalars())
    return found


def _public_id() -> str:
    """16 random base32 characters (80 bits): opaque, not derivable, not sequential."""
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii").lower()


def insert_records(conn, results: list, ids: list[str], source_id: int, run_id: int,
                   taxonomy_version: str) -> list[int]:
    """Insert accepted records with their code links and label issues; returns new ids."""
    if not results:
        return []
    now = dt.datetime.now(dt.UTC)
    rows = []
    for result, record_id in zip(results, ids, strict=True):
        notes = [{"code": p.code, "field": p.field, "value": p.value, "hint": p.hint}
                 for p in result.issues] or None
        rows.append({
            **result.values, "uuid": str(uuid.uuid4()), "public_id": _public_id(),
            "source_id": source_id, "source_record_id": record_id, "ingest_run_id": run_id,
            "raw_labels": result.raw_labels or None, "quality_notes": notes,
            "taxonomy_version": taxonomy_version, "created_at": now, "updated_at": now,
        })
    new_ids = insert_with_ids(conn, incidents, rows)
    for kind, table in CODE_TABLES.items():
        links = []
        for incident_id, result in zip(new_ids, results, strict=True):
            for position, code in enumerate(result.codes.get(kind, [])):
                link = {"incident_id": incident_id, "code": code}
                if "is_primary" in table.c:
                    link["is_primary"] = position == 0
                links.append(link)
        if links:
            bulk_insert(conn, table, links)
    pending = [
        {"incident_id": incident_id, "kind": kind, "raw_label": label[:300],
         "label_key": normalise_label(label)[:300], "status": "pending"}
        for incident_id, result in zip(new_ids, results, strict=True)
        for kind, label in result.unrecognised
    ]
    if pending:
        bulk_insert(conn, label_issues, pending)
    return new_ids
