"""Reading incident records for the analytic snapshot as compact columns, in chunks.

The snapshot (:mod:`data.snapshot.model`) needs every public record, a million at production
scale. Reading them as a pandas frame of strings costs seconds and gigabytes; here the store
does the coding: vocabulary columns come back as small integers (``CASE`` over the constants
of :mod:`data.reference.vocab` and the taxonomy), dates as day numbers, and each chunk is turned
into numpy and Arrow arrays at once, so only one chunk of Python objects exists at a time.

SQLite is read with ``fetchmany``; PostgreSQL with ``COPY ... TO STDOUT`` in CSV, parsed by
Arrow's CSV reader (no Python object per value). Both give the same :class:`RecordColumns`.
The values are the stored ones: the public projection is applied by
:mod:`data.snapshot.build`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, fields

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from sqlalchemy import Engine, select

from data.filters import CODE_PARAMS
from data.privacy.publication import PUBLIC_STATUS
from data.reference.taxonomy import Taxonomy
from data.reference.vocab import (
    CLASSIFICATIONS,
    DATE_PRECISIONS,
    GEO_PRECISIONS,
    LOCATION_TYPES,
    POLICIES,
)
from data.store.schema import CODE_TABLES, sources

#: Rows per chunk read (the Python objects of one chunk exist at a time).
CHUNK = 1 << 16
#: Code of a value outside its vocabulary (never stored: CHECK constraints).
UNKNOWN = 255
_NO_POINT = "9e999"  # SQLite reads it as +inf: a NULL coordinate, as a float


@dataclass
class RecordColumns:
    """Incident records as aligned columns, ascending by id (stored values, not projected).

    Vocabulary columns hold the position of the value in its vocabulary (:data:`UNKNOWN`
    when outside it): ``policy`` in ``POLICIES``, ``precision`` in ``DATE_PRECISIONS``,
    ``geo_precision`` in ``GEO_PRECISIONS``, ``location_type``, ``classification``, and
    ``country`` in the taxonomy's countries.
    """

    ids: np.ndarray  # int64
    public: np.ndarray  # bool: status is published
    policy: np.ndarray  # uint8
    start: np.ndarray  # int32 days since 1970-01-01
    end: np.ndarray  # int32
    precision: np.ndarray  # uint8
    country: np.ndarray  # uint8
    nuts1: pa.Array  # string, null when none
    nuts2: pa.Array
    nuts3: pa.Array
    geo_precision: np.ndarray  # uint8
    public_id: pa.Array  # string
    lat: np.ndarray  # float64, NaN when no point
    lon: np.ndarray
    place_name: pa.Array  # string
    is_online: np.ndarray  # bool
    location_type: np.ndarray  # uint8
    classification: np.ndarray  # uint8
    source_id: np.ndarray  # int64
    organisation_id: np.ndarray  # int64, -1 when none
    public_summary: pa.Array  # string

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, index: np.ndarray) -> RecordColumns:
        """The records at ``index`` (positions or a boolean mask), as new columns."""
        if index.dtype == bool:
            index = np.flatnonzero(index)
        arrow = pa.array(index, pa.int64())
        return RecordColumns(**{
            f.name: (value.take(arrow) if isinstance(value, pa.Array) else value[index])
            for f in fields(self) for value in (getattr(self, f.name),)})

    @classmethod
    def gather(cls, parts: list[RecordColumns], index: np.ndarray) -> RecordColumns:
        """The records at ``index`` of ``parts`` one after the other (one copy per column)."""
        arrow = pa.array(index, pa.int64())
        out = {}
        for f in fields(cls):
            values = [getattr(p, f.name) for p in parts]
            if isinstance(values[0], pa.Array):
                out[f.name] = pa.chunked_array(values).take(arrow).combine_chunks()
            else:
                out[f.name] = np.concatenate(values)[index]
        return cls(**out)

    @classmethod
    def concat(cls, parts: list[RecordColumns]) -> RecordColumns:
        """The records of ``parts`` one after the other."""
        out = {}
        for f in fields(cls):
            values = [getattr(p, f.name) for p in parts]
            if isinstance(values[0], pa.Array):
                out[f.name] = pa.concat_arrays(values) if values else pa.array([], pa.string())
            else:
                out[f.name] = np.concatenate(values)
        return cls(**out)


def _case(column: str, values: tuple[str, ...]) -> str:
    """SQL giving the position of ``column``'s value in ``values`` (constants, no input)."""
    whens = " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(values))
    return f"CASE {column} {whens} ELSE {UNKNOWN} END"


def _record_sql(postgres: bool, countries: tuple[str, ...]) -> str:
    if postgres:
        day = "({} - DATE '1970-01-01')"
        lat, lon = "lat", "lon"
    else:
        day = "CAST(julianday({}) - 2440587.5 AS INTEGER)"
        lat, lon = f"ifnull(lat, {_NO_POINT})", f"ifnull(lon, {_NO_POINT})"
    return ", ".join([
        "id", f"CASE WHEN status = '{PUBLIC_STATUS}' THEN 1 ELSE 0 END",
        _case("policy", POLICIES), day.format("date_start"), day.format("date_end"),
        _case("date_precision", DATE_PRECISIONS), _case("country", countries),
        "nuts1", "nuts2", "nuts3", _case("geo_precision", GEO_PRECISIONS), "public_id",
        lat, lon, "place_name", "CASE WHEN is_online THEN 1 ELSE 0 END",
        _case("location_type", LOCATION_TYPES), _case("classification", CLASSIFICATIONS),
        "source_id", "coalesce(organisation_id, -1)", "public_summary",
    ])


_NAMES = [f.name for f in fields(RecordColumns)]
_INT_TYPES = {"ids": np.int64, "public": bool, "policy": np.uint8, "start": np.int32,
              "end": np.int32, "precision": np.uint8, "country": np.uint8,
              "geo_precision": np.uint8, "is_online": bool, "location_type": np.uint8,
              "classification": np.uint8, "source_id": np.int64, "organisation_id": np.int64}
_TEXT = ("nuts1", "nuts2", "nuts3", "public_id", "place_name", "public_summary")


def _where(postgres: bool, after_id: int | None, since_us: int | None,
           ids: np.ndarray | None, id_range: tuple[int, int] | None) -> tuple[str, list]:
    """WHERE clause of a partial read: ids above ``after_id``, edited since, or listed."""
    if id_range is not None:
        return f" WHERE id BETWEEN {int(id_range[0])} AND {int(id_range[1])}", []
    if after_id is None and since_us is None and ids is None:
        return "", []
    parts, params = [], []
    mark = "%s" if postgres else "?"
    if after_id is not None:
        parts.append(f"id > {int(after_id)}")
    if since_us is not None:
        if postgres:
            parts.append(f"updated_at >= to_timestamp({int(since_us) / 1e6!r})")
        else:  # stored as ISO text: compare as text
            stamp = np.datetime64(int(since_us), "us").astype(str).replace("T", " ")
            parts.append(f"updated_at >= {mark}")
            params.append(stamp)
    if ids is not None:
        listed = ",".join(str(int(i)) for i in ids) or "NULL"  # integers only
        parts.append(f"id IN ({listed})")
    return " WHERE " + " OR ".join(parts), params


def _sqlite_chunks(conn, sql: str, params: list) -> Iterator[RecordColumns]:
    cursor = conn.exec_driver_sql(sql, tuple(params)).cursor
    while rows := cursor.fetchmany(CHUNK):
        columns = list(zip(*rows, strict=True))
        del rows
        out = {}
        for name, values in zip(_NAMES, columns, strict=True):
            if name in _TEXT:
                out[name] = pa.array(values, pa.string())
            elif name in ("lat", "lon"):
                coords = np.array(values, dtype=np.float64)
                coords[np.isinf(coords)] = np.nan
                out[name] = coords
            else:
                out[name] = np.array(values, dtype=_INT_TYPES[name])
        yield RecordColumns(**out)


class _CopyStream(io.RawIOBase):
    """The bytes of a psycopg ``COPY ... TO STDOUT`` as a readable file, block by block."""

    def __init__(self, copy) -> None:
        self._blocks = iter(copy)
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not len(self._pending):
            block = next(self._blocks, None)
            if block is None:
                return 0
            self._pending = memoryview(bytes(block))
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _copy_batches(conn, sql: str, types: dict[str, pa.DataType]) -> Iterator[pa.RecordBatch]:
    """``COPY (sql) TO STDOUT`` in CSV on PostgreSQL, parsed by Arrow as it streams in.

    Only a block of CSV text and one batch of rows are held at a time.
    """
    with conn.connection.driver_connection.cursor() as cursor, \
            cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
        stream = io.BufferedReader(_CopyStream(copy), 1 << 20)
        if not stream.peek(1):
            return
        reader = pacsv.open_csv(
            stream,
            read_options=pacsv.ReadOptions(column_names=list(types), block_size=1 << 23,
                                           use_threads=False),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types=types, null_values=[""],
                                                 strings_can_be_null=True,
                                                 quoted_strings_can_be_null=False))
        yield from reader


def _postgres_chunks(conn, sql: str) -> Iterator[RecordColumns]:
    types = {name: (pa.string() if name in _TEXT else pa.float64() if name in ("lat", "lon")
                    else pa.int64()) for name in _NAMES}
    for batch in _copy_batches(conn, sql, types):
        out = {}
        for name in _NAMES:
            column = batch.column(name)
            if name in _TEXT:
                out[name] = column
            elif name in ("lat", "lon"):
                out[name] = column.to_numpy(zero_copy_only=False).astype(np.float64)
            else:
                out[name] = column.to_numpy(zero_copy_only=False).astype(_INT_TYPES[name])
        yield RecordColumns(**out)


def read_records(engine: Engine, taxonomy: Taxonomy, *, public_only: bool = True,
                 after_id: int | None = None, since_us: int | None = None,
                 ids: np.ndarray | None = None, id_range: tuple[int, int] | None = None
                 ) -> tuple[RecordColumns, int]:
    """Incident records as compact columns, ascending by id.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    taxonomy : Taxonomy
        Its countries code the ``country`` column.
    public_only : bool
        Keep only published records (otherwise every record read, with ``public`` telling).
    after_id, since_us, ids : optional
        A partial read: records with an id above ``after_id``, or edited
        (``updated_at``) at or after ``since_us`` microseconds since 1970 UTC, or listed in
        ``ids``. All records when none is given.
    id_range : (int, int), optional
        Only records with ids in this inclusive range (a part of a full read; the other
        partial reads are then ignored).

    Returns
    -------
    records : RecordColumns
    max_id : int
        The largest id read, public or not (0 when none).
    """
    postgres = engine.dialect.name == "postgresql"
    countries = tuple(c.iso2 for c in taxonomy.countries())
    where, params = _where(postgres, after_id, since_us, ids, id_range)
    sql = f"SELECT {_record_sql(postgres, countries)} FROM incidents{where}"
    max_id, parts = 0, []
    with engine.connect() as conn:
        chunks = _postgres_chunks(conn, sql) if postgres else \
            _sqlite_chunks(conn, sql, params)
        for part in chunks:
            if len(part):
                max_id = max(max_id, int(part.ids.max()))
            parts.append(part.take(part.public) if public_only else part)
    records = RecordColumns.concat(parts) if parts else _empty()
    if len(records) and not np.all(records.ids[1:] > records.ids[:-1]):
        records = records.take(np.argsort(records.ids, kind="stable"))
    return records, max_id


def _empty() -> RecordColumns:
    return RecordColumns(**{name: (pa.array([], pa.string()) if name in _TEXT else
                                   np.array([], dtype=np.float64 if name in ("lat", "lon")
                                            else _INT_TYPES[name])) for name in _NAMES})


@dataclass
class LinkColumns:
    """The code links of one kind per record: a bit per code, and the primary code.

    ``bits`` has bit ``i`` set when the record has the kind's ``i``-th taxonomy code;
    ``primary`` is that code's position (:data:`UNKNOWN` when none), or None for kinds
    without a primary code. Aligned with the ids the links were read for.
    """

    bits: np.ndarray  # uint64
    primary: np.ndarray | None  # uint8


def _link_sql(kind: str, taxonomy: Taxonomy, where: str) -> str:
    table = CODE_TABLES[kind]
    codes = taxonomy.codes(kind)
    if len(codes) > 64:
        raise ValueError(f"the snapshot holds at most 64 {kind} codes, the taxonomy has "
                         f"{len(codes)}")
    primary = "CASE WHEN is_primary THEN 1 ELSE 0 END" if "is_primary" in table.c else "0"
    # one integer per link: incident id, code position, primary flag
    packed = (f"incident_id * 1024 + ({_case('code', codes)}) * 2 + {primary}")
    return f"SELECT {packed} FROM {table.name}{where}"


def read_packed_links(engine: Engine, taxonomy: Taxonomy, *, after_id: int | None = None,
                      listed: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The code links per kind, one int64 per link (see :func:`aggregate_links`).

    ``after_id`` and ``listed`` restrict the read to the links of records with an id above
    ``after_id`` or listed (a partial read); all links otherwise.
    """
    postgres = engine.dialect.name == "postgresql"
    if after_id is None and listed is None:
        where = ""
    else:
        parts = [] if after_id is None else [f"incident_id > {int(after_id)}"]
        if listed is not None and len(listed):
            parts.append(f"incident_id IN ({','.join(str(int(i)) for i in listed)})")
        where = " WHERE " + (" OR ".join(parts) or "1 = 0")
    out = {}
    with engine.connect() as conn:
        for kind in CODE_PARAMS:
            sql = _link_sql(kind, taxonomy, where)
            if postgres:
                parts = [batch.column(0).to_numpy(zero_copy_only=False) for batch in
                         _copy_batches(conn, sql, {"packed": pa.int64()})]
                out[kind] = np.concatenate(parts) if parts else np.array([], dtype=np.int64)
                continue
            cursor = conn.exec_driver_sql(sql).cursor
            chunks = []
            while rows := cursor.fetchmany(CHUNK):
                chunks.append(np.fromiter((r[0] for r in rows), dtype=np.int64,
                                          count=len(rows)))
            out[kind] = np.concatenate(chunks) if chunks else np.array([], dtype=np.int64)
    return out


def aggregate_links(packed: dict[str, np.ndarray], ids: np.ndarray) -> dict[str, LinkColumns]:
    """Per kind, the links of :func:`read_packed_links` as bits and primary codes of ``ids``.

    Links of records not in ``ids`` (ascending) are dropped.
    """
    return {kind: _aggregate(values, ids, "is_primary" in CODE_TABLES[kind].c)
            for kind, values in packed.items()}


def read_links(engine: Engine, taxonomy: Taxonomy, ids: np.ndarray, *,
               after_id: int | None = None, listed: np.ndarray | None = None
               ) -> dict[str, LinkColumns]:
    """The code links of the records ``ids`` (ascending), per kind.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    taxonomy : Taxonomy
    ids : numpy.ndarray
        Ascending ids the result is aligned with; links of other records are dropped.
    after_id, listed : optional
        As :func:`read_packed_links`.

    Returns
    -------
    dict of str to LinkColumns
        Per kind of :data:`data.filters.CODE_PARAMS`.
    """
    return aggregate_links(read_packed_links(engine, taxonomy, after_id=after_id,
                                             listed=listed), ids)


def _aggregate(packed: np.ndarray, ids: np.ndarray, has_primary: bool) -> LinkColumns:
    incident = packed >> 10
    code = ((packed >> 1) & 511).astype(np.uint16)
    at = np.searchsorted(ids, incident)
    known = (at < len(ids)) & (code < 64)
    known[known] &= ids[at[known]] == incident[known]
    at, code, flag = at[known], code[known], (packed[known] & 1).astype(bool)
    bits = np.zeros(len(ids), dtype=np.uint64)
    np.bitwise_or.at(bits, at, np.left_shift(np.uint64(1), code.astype(np.uint64)))
    primary = None
    if has_primary:
        primary = np.full(len(ids), UNKNOWN, dtype=np.uint8)
        primary[at[flag]] = code[flag]
    return LinkColumns(bits, primary)


def now_us() -> int:
    """The time now in microseconds since 1970 (UTC): when a read of the store starts."""
    return int(dt.datetime.now(dt.UTC).timestamp() * 1_000_000)


def source_slugs(engine: Engine) -> dict[int, str]:
    """Every source's slug, by source id."""
    with engine.connect() as conn:
        return {int(r.id): r.slug for r in conn.execute(select(sources.c.id, sources.c.slug))}


def stored_sources(records: RecordColumns, slugs: dict[int, str]) -> pa.DictionaryArray:
    """Each record's source slug, dictionary-coded."""
    known = np.array(sorted(slugs), dtype=np.int64)
    at = np.searchsorted(known, records.source_id)
    at = np.minimum(at, max(len(known) - 1, 0)).astype(np.int32)
    names = pa.array([slugs[int(i)] for i in known], pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(at), names)
