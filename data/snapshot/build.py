"""The public records of the analytic snapshot: read and projected.

:func:`build_public_data` reads every record (:mod:`data.snapshot.read`: compact columns, in
chunks) and applies the publication policy. :func:`data.snapshot.update.update_public_data`
brings such data up to date after a write by reading only what changed.

Publication policy
------------------
Records of ``open`` and ``demo`` sources are public as stored. Records of ``member`` sources
are projected by :func:`project_member_records`, always over *every* published member record
at once (on a full build and on every update that touches any member record), so a rule that
looks at member records together (small-cell generalisation of regions) has them all.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Engine, func, select

from data.privacy.publication import PUBLIC_STATUS, project_public
from data.reference.taxonomy import Taxonomy
from data.reference.vocab import (
    CLASSIFICATIONS,
    DATE_PRECISIONS,
    GEO_PRECISIONS,
    LOCATION_TYPES,
    POLICIES,
)
from data.snapshot.read import (
    UNKNOWN,
    LinkColumns,
    RecordColumns,
    aggregate_links,
    read_packed_links,
    read_records,
)
from data.snapshot.splice import Splice
from data.store.schema import incidents, sources

MEMBER = POLICIES.index("member")
#: An update re-reads records edited this long before the previous read started: a write
#: that set ``updated_at`` and committed up to this much later is still seen.
MARGIN_US = 30_000_000
#: Threads reading the records of a full build (one id range each).
READERS = 1
#: Above this share of the public records changed, an update rebuilds instead.
MAX_CHANGED_SHARE = 0.25
_VOCABS = {"policy": POLICIES, "precision": DATE_PRECISIONS, "geo_precision": GEO_PRECISIONS,
           "location_type": LOCATION_TYPES, "classification": CLASSIFICATIONS}
_EPOCH = np.datetime64("1970-01-01", "D")


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


def project_member_records(frame: pd.DataFrame, codes: pd.DataFrame,
                           min_cell: int) -> pd.DataFrame:
    """The public projection of member records: the one place it is applied to the snapshot.

    Parameters
    ----------
    frame : pandas.DataFrame
        *Every* published member record (stored values), one row each: ``id``, ``policy``,
        ``date_start``, ``date_end`` (datetime64), ``date_precision``, ``country``,
        ``nuts1``..``nuts3``, ``geo_precision``, ``lat``, ``lon``, ``place_name``,
        ``source`` (slug) and the other public columns.
    codes : pandas.DataFrame
        Their code sets, row for row (:func:`member_code_sets`): records alike in every
        column have the same codes.
    min_cell : int
        The small-cell threshold (``Settings.min_cell``).

    Returns
    -------
    pandas.DataFrame
        The same rows in the same order, projected
        (:func:`data.privacy.publication.project_public`): shown at the regions the records
        together allow (:mod:`data.privacy.generalise`).
    """
    projected = project_public(frame, min_cell=min_cell, codes=codes)
    projected.index = frame.index
    return projected


def member_code_sets(links: dict[str, LinkColumns], rows: np.ndarray) -> pd.DataFrame:
    """The code sets of the records at ``rows``: per kind, its code bits and primary code."""
    columns = {}
    for kind, link in links.items():
        columns[f"{kind}_bits"] = link.bits[rows]
        if link.primary is not None:
            columns[f"{kind}_primary"] = link.primary[rows]
    return pd.DataFrame(columns, index=pd.RangeIndex(len(rows)))


def _now_us() -> int:
    return int(dt.datetime.now(dt.UTC).timestamp() * 1_000_000)


def _source_slugs(engine: Engine) -> dict[int, str]:
    with engine.connect() as conn:
        return {int(r.id): r.slug for r in conn.execute(select(sources.c.id, sources.c.slug))}


def _stored_sources(records: RecordColumns, slugs: dict[int, str]) -> pa.DictionaryArray:
    """Each record's source slug, dictionary-coded."""
    known = np.array(sorted(slugs), dtype=np.int64)
    at = np.searchsorted(known, records.source_id)
    at = np.minimum(at, max(len(known) - 1, 0)).astype(np.int32)
    names = pa.array([slugs[int(i)] for i in known], pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(at), names)


def _member_frame(records: RecordColumns, source: pa.Array, countries: tuple[str, ...]
                  ) -> pd.DataFrame:
    """Stored values of (few) records as the frame :func:`project_member_records` takes."""
    def named(codes: np.ndarray, vocab: tuple[str, ...]) -> list:
        return [vocab[c] if c < len(vocab) else None for c in codes.tolist()]

    return pd.DataFrame({
        "id": records.ids,
        "policy": named(records.policy, POLICIES),
        "date_start": (_EPOCH + records.start.astype("timedelta64[D]")).astype("datetime64[ns]"),
        "date_end": (_EPOCH + records.end.astype("timedelta64[D]")).astype("datetime64[ns]"),
        "date_precision": named(records.precision, DATE_PRECISIONS),
        "country": named(records.country, countries),
        **{level: getattr(records, level).to_pylist() for level in ("nuts1", "nuts2", "nuts3")},
        "geo_precision": named(records.geo_precision, GEO_PRECISIONS),
        "public_id": records.public_id.to_pylist(),
        "lat": records.lat, "lon": records.lon,
        "place_name": records.place_name.to_pylist(),
        "is_online": records.is_online,
        "location_type": named(records.location_type, LOCATION_TYPES),
        "classification": named(records.classification, CLASSIFICATIONS),
        "public_summary": records.public_summary.to_pylist(),
        "source": source.to_pylist(),
    })


def _coded(values, vocab: tuple[str, ...]) -> np.ndarray:
    index = {v: i for i, v in enumerate(vocab)}
    return np.array([index.get(v, UNKNOWN) for v in values], dtype=np.uint8)


def _days(values: pd.Series) -> np.ndarray:
    days = pd.to_datetime(values).to_numpy("datetime64[D]") - _EPOCH
    return days.astype(np.int64).astype(np.int32)


def _project_members(records: RecordColumns, source: pa.DictionaryArray,
                     countries: tuple[str, ...], links: dict[str, LinkColumns],
                     min_cell: int) -> tuple[RecordColumns, pa.Array]:
    """``records`` with every member record replaced by its projection (and its source).

    ``links`` are aligned with ``records``; ``min_cell`` is the small-cell threshold.
    """
    member = records.policy == MEMBER
    if not member.any():
        return records, source
    rows = np.flatnonzero(member)
    stored = records.take(rows)
    out = project_member_records(_member_frame(stored, source.take(pa.array(rows)), countries),
                                 member_code_sets(links, rows), min_cell)
    numeric = {"start": _days(out["date_start"]), "end": _days(out["date_end"]),
               "precision": _coded(out["date_precision"], DATE_PRECISIONS),
               "country": _coded(out["country"], countries),
               "geo_precision": _coded(out["geo_precision"], GEO_PRECISIONS),
               "lat": pd.to_numeric(out["lat"]).to_numpy(np.float64),
               "lon": pd.to_numeric(out["lon"]).to_numpy(np.float64),
               "is_online": out["is_online"].to_numpy(bool),
               "location_type": _coded(out["location_type"], LOCATION_TYPES),
               "classification": _coded(out["classification"], CLASSIFICATIONS)}
    changes = {}
    for name, values in numeric.items():
        column = getattr(records, name).copy()
        column[rows] = values
        changes[name] = column
    mask = pa.array(member)
    for name in ("nuts1", "nuts2", "nuts3", "place_name", "public_id", "public_summary"):
        values = out[name].astype(object).where(out[name].notna(), None).tolist()
        changes[name] = pc.replace_with_mask(getattr(records, name), mask,
                                             pa.array(values, pa.string()))
    names = source.dictionary.to_pylist()
    for name in out["source"].unique():
        if name not in names:
            names.append(name)
    index = source.indices.to_numpy(zero_copy_only=False).astype(np.int32).copy()
    index[rows] = [names.index(n) for n in out["source"]]
    return replace(records, **changes), pa.DictionaryArray.from_arrays(
        pa.array(index), pa.array(names, pa.string()))


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
    started = _now_us()
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
    records, source = _project_members(records, _stored_sources(records, _source_slugs(engine)),
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
        :class:`data.snapshot.model.CodeLinks`.
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
