"""Writing normalised records into the store, inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections import Counter
from collections.abc import Iterable

import numpy as np
from sqlalchemy import insert, select, update

from data.reference.taxonomy import normalise_label
from data.store.db import bulk_insert, insert_columns, insert_with_ids
from data.store.schema import CODE_TABLES, incidents, ingest_runs, label_issues, sources
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


BASE32 = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz234567", dtype=np.uint8)


def _public_ids(count: int) -> list[str]:
    """16 random base32 characters (80 bits) each: opaque, not derivable, not sequential.

    Each random byte keeps its low 5 bits (256 is a multiple of 32, so every character is
    uniform); the same alphabet as RFC 4648 base32, lower case.
    """
    symbols = np.frombuffer(secrets.token_bytes(16 * count), dtype=np.uint8) & 31
    text = BASE32[symbols].tobytes().decode("ascii")
    return [text[i:i + 16] for i in range(0, 16 * count, 16)]


def _uuids(count: int) -> list[str]:
    """Random (version 4, RFC 4122 variant) UUIDs as text."""
    raw = np.frombuffer(secrets.token_bytes(16 * count), dtype=np.uint8).reshape(count, 16)
    raw = raw.copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    text = raw.tobytes().hex()
    return [f"{text[i:i + 8]}-{text[i + 8:i + 12]}-{text[i + 12:i + 16]}-"
            f"{text[i + 16:i + 20]}-{text[i + 20:i + 32]}" for i in range(0, 32 * count, 32)]


def insert_prepared(conn, batch, keep: list[int], source_id: int, run_id: int,
                    taxonomy_version: str) -> list[int]:
    """Insert some accepted records of a prepared batch, with code links and label issues.

    Parameters
    ----------
    conn : sqlalchemy.Connection
        Inside the run's transaction.
    batch : ingest.load.prepare.PreparedBatch
    keep : list of int
        Indexes of the accepted records to insert (those not stored yet).
    source_id, run_id : int
    taxonomy_version : str

    Returns
    -------
    list of int
        The new incident ids, in the order of ``keep``.
    """
    if not keep:
        return []
    now = dt.datetime.now(dt.UTC)
    everything = len(keep) == batch.accepted
    columns = batch.columns if everything else \
        {name: [values[i] for i in keep] for name, values in batch.columns.items()}
    columns = {**columns, "uuid": _uuids(len(keep)), "public_id": _public_ids(len(keep))}
    new_ids = insert_with_ids(conn, incidents, columns, {
        "source_id": source_id, "ingest_run_id": run_id, "taxonomy_version": taxonomy_version,
        "created_at": now, "updated_at": now}, serialised=("raw_labels", "quality_notes"))
    id_of = dict(zip(keep, new_ids, strict=True))
    for kind, table in CODE_TABLES.items():
        links = [link for link in batch.links.get(kind, ()) if link[0] in id_of]
        if links:
            columns = {"incident_id": [id_of[link[0]] for link in links],
                       "code": [link[2] for link in links]}
            if "is_primary" in table.c:
                columns["is_primary"] = [link[1] == 0 for link in links]
            insert_columns(conn, table, columns)
    pending = [
        {"incident_id": id_of[index], "kind": kind, "raw_label": label[:300],
         "label_key": normalise_label(label)[:300], "status": "pending"}
        for index, kind, label in batch.unrecognised if index in id_of
    ]
    if pending:
        bulk_insert(conn, label_issues, pending)
    return new_ids
