"""The public records of the analytic snapshot: read in full and projected.

:func:`build_public_data` reads every record (:mod:`data.snapshot.read`: compact columns, in
chunks) and applies the publication policy to the member records
(:mod:`data.snapshot.project`). :func:`data.snapshot.update.update_public_data` brings such
data up to date after a write by reading only what changed.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import Engine, func, select

from data.privacy.publication import PUBLIC_STATUS
from data.reference.taxonomy import Taxonomy
from data.snapshot.project import MEMBER, project_members
from data.snapshot.read import (
    LinkColumns,
    RecordColumns,
    aggregate_links,
    now_us,
    read_packed_links,
    read_records,
    source_slugs,
    stored_sources,
)
from data.snapshot.splice import Splice
from data.store.schema import incidents

#: An update re-reads records edited this long before the previous read started: a write
#: that set ``updated_at`` and committed up to this much later is still seen.
MARGIN_US = 30_000_000
#: Threads reading the records of a full build (one id range each).
READERS = 1
#: Above this share of the public records changed, an update rebuilds instead.
MAX_CHANGED_SHARE = 0.25


@dataclass
class PublicData:
    """Every public record, projected, with its code links and the public source names.

    Attributes
    ----------
    records : RecordColumns
        Ascending by id; member records already projected.
    links : dict of str to LinkColumns
        Per kind, aligned with ``records``.
    source : pyarrow.DictionaryArray
        Public source name of each record (``member`` for member records).
    max_id : int
        Largest incident id in the store when it was read (public or not).
    since_us : int
        The next update reads records edited from this time on (microseconds since 1970).
    newest : datetime.datetime or None
        The newest ``updated_at`` of a public record: names edits for the fingerprint
        (:attr:`last_change`).
    changes : data.snapshot.splice.Splice or None
        For data made by an update, how its records derive from the previous data's
        (which records were kept, where the fresh ones are); None for a full build.
    """

    records: RecordColumns
    links: dict[str, LinkColumns]
    source: pa.DictionaryArray
    max_id: int
    since_us: int
    newest: dt.datetime | None
    changes: Splice | None = None

    @property
    def last_change(self) -> str:
        """:attr:`newest` as text, "" when there is no public record."""
        return str(self.newest or "")


def newest_edit(engine: Engine, ids: np.ndarray | None = None, after_id: int = 0):
    """The newest ``updated_at`` of a public record (None when none).

    With ``ids``, only among those ids and the ids above ``after_id`` (an index read).
    """
    stmt = select(func.max(incidents.c.updated_at)).where(incidents.c.status == PUBLIC_STATUS)
    if ids is not None:
        listed = ids[ids <= after_id]
        stmt = stmt.where((incidents.c.id > int(after_id))
                          | incidents.c.id.in_([int(i) for i in listed]))
    with engine.connect() as conn:
        return conn.execute(stmt).scalar()


def build_public_data(engine: Engine, taxonomy: Taxonomy,
                      min_cell: int) -> PublicData:
    """Read and project every public record of the store (a full build).

    The records are read in :data:`READERS` id ranges and the links beside them, each on its
    own connection and thread: the store's side of each read (and SQLite's decoding, which
    runs without the interpreter lock) overlaps with the conversion of the others.
    """
    started = now_us()
    with engine.connect() as conn:
        top = int(conn.execute(select(func.max(incidents.c.id))).scalar() or 0)
    bounds = np.linspace(0, top, READERS + 1).astype(np.int64)
    with ThreadPoolExecutor(max_workers=READERS + 1, thread_name_prefix="snapshot-read") as pool:
        packed = pool.submit(read_packed_links, engine, taxonomy)
        parts = [pool.submit(read_records, engine, taxonomy, id_range=(lo + 1, hi))
                 for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]
        parts = [part.result() for part in parts]
        records = RecordColumns.concat([part for part, _ in parts])
        max_id = max(top, *(found for _, found in parts))
        links = aggregate_links(packed.result(), records.ids)
    countries = tuple(c.iso2 for c in taxonomy.countries())
    records, source = project_members(records, stored_sources(records, source_slugs(engine)),
                                       countries, links, min_cell)
    return PublicData(records, links, source, max_id, started - MARGIN_US,
                      newest_edit(engine))


def organisation_codes(records: RecordColumns) -> np.ndarray:
    """An opaque code per member organisation that logged each record; -1 for other records.

    Organisations are numbered in order of first appearance (a member record without an
    organisation counts by its source); the codes mean nothing outside one snapshot and are
    only ever counted.
    """
    member = records.policy == MEMBER
    keys = np.where(records.organisation_id >= 0, records.organisation_id * 2,
                    records.source_id * 2 + 1)
    codes = np.full(len(keys), -1, dtype=np.int32)
    if member.any():
        codes[member] = pd.factorize(keys[member])[0].astype(np.int32)
    return codes


def dictionary_codes(values: pa.Array) -> tuple[np.ndarray, tuple[str, ...]]:
    """Codes of ``values`` into the sorted distinct values present, and those values.

    The codes and categories :class:`pandas.Categorical` gives, without Python strings per
    record (``values`` plain or dictionary-coded, no nulls).
    """
    coded = values if pa.types.is_dictionary(values.type) else values.dictionary_encode()
    if isinstance(coded, pa.ChunkedArray):
        coded = coded.combine_chunks()
    names = coded.dictionary.to_pylist()
    index = coded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    used = np.flatnonzero(np.bincount(index, minlength=len(names)))
    order = sorted(used.tolist(), key=lambda i: names[i])
    remap = np.full(len(names), -1, dtype=np.int32)
    remap[order] = np.arange(len(order), dtype=np.int32)
    return remap[index], tuple(names[i] for i in order)


def link_positions(bits: np.ndarray, primary: np.ndarray | None, count: int) -> tuple:
    """Every link as parallel (position, code) arrays, from each record's code bits.

    Most records have one code of a kind: only records with more (or, for kinds with a
    primary code, with links besides the primary one) are looked at code by code.

    Returns
    -------
    tuple
        ``rows``, ``codes``, ``bits``, ``primary`` and, for kinds with a primary code, the
        links other than the primary one (``extra_rows``, ``extra_codes``): the fields of
        :class:`data.snapshot.derive.CodeLinks`.
    """
    one = np.uint64(1)
    if primary is not None:
        has_primary = primary < count
        rest = bits & ~np.where(has_primary, one << np.minimum(primary, 63).astype(np.uint64),
                                np.uint64(0))
    else:
        rest = bits
    several = np.flatnonzero(rest)
    rows, codes = [], []
    for i in range(count):
        found = several[((rest[several] >> np.uint64(i)) & one).astype(bool)].astype(np.int32)
        rows.append(found)
        codes.append(np.full(len(found), i, dtype=np.uint8))
    rows = np.concatenate(rows) if rows else np.array([], dtype=np.int32)
    codes = np.concatenate(codes) if codes else np.array([], dtype=np.uint8)
    if primary is None:
        return rows, codes, bits, None, None, None
    first = np.flatnonzero(has_primary).astype(np.int32)
    return (np.concatenate([first, rows]), np.concatenate([primary[first], codes]), bits,
            primary, rows, codes)
