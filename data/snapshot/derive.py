"""The arrays a snapshot answers from, derived from its public records: in full or spliced.

A snapshot (:class:`data.snapshot.model.Snapshot`) counts with codes per record: source and region
codes, link positions, timeline keys. :func:`derive` computes them from every record (a full
build). After an update (:mod:`data.snapshot.update`) only a few records differ from the
previous snapshot's: :func:`derive_spliced` computes the codes of those few and splices them
into the previous arrays with the update's :class:`data.snapshot.splice.Splice`, giving the
same arrays a full derivation would (the link positions in another order, which no count
depends on), or None when it cannot (a new source or region name, an earlier first month).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data.filters import CODE_PARAMS
from data.reference.taxonomy import Taxonomy
from data.reference.vocab import (
    CLASSIFICATIONS,
    DATE_PRECISIONS,
    GEO_PRECISIONS,
    LOCATION_TYPES,
    POLICIES,
)
from data.snapshot.build import (
    PublicData,
    dictionary_codes,
    link_positions,
    organisation_codes,
)
from data.snapshot.project import MEMBER
from data.snapshot.read import RecordColumns
from data.snapshot.splice import Splice

NUTS_LEVELS = ("nuts1", "nuts2", "nuts3")
_DAY, _WEEK, _MONTH, _YEAR = (DATE_PRECISIONS.index(p) for p in ("day", "week", "month", "year"))
_LIMITS = {"year": _YEAR, "month": _MONTH, "week": _WEEK}
_DEMO = POLICIES.index("demo")


@dataclass
class CodeLinks:
    """Record-to-code links of one kind, as parallel arrays (position in snapshot, code).

    Where the kind has a primary code, ``extra_rows``/``extra_codes`` are the links other than
    each record's primary one (a minority), so counting needs no pass over every link.
    """

    rows: np.ndarray
    codes: np.ndarray
    bits: np.ndarray
    primary: np.ndarray | None
    extra_rows: np.ndarray | None = None
    extra_codes: np.ndarray | None = None


@dataclass
class TimelineIndex:
    """Per granularity (year, month, week): the bincount key of each record.

    Attributes
    ----------
    month : numpy.ndarray
        Month number (months since 1970-01) of each record's start (int32).
    month_known : numpy.ndarray
        Whether the record is known to that month (day, week or month precision).
    keys : dict of str to numpy.ndarray
        Per granularity, ``(period - first) * width + primary bias + 1`` of each record the
        granularity can place, 0 for the others (int32; ``width`` is the number of bias
        codes plus one): one bincount gives the grid and the records it cannot place.
    first : dict of str to int
        Per granularity, the first period.
    """

    month: np.ndarray
    month_known: np.ndarray
    keys: dict[str, np.ndarray]
    first: dict[str, int]


def _periods(start: np.ndarray) -> dict[str, np.ndarray]:
    """Period numbers since 1970 of each start day (int64), per granularity.

    Computed for each distinct day once (a calendar conversion per day of the range, then a
    lookup per record).
    """
    if not start.size:
        return {g: np.zeros(0, dtype=np.int64) for g in _LIMITS}
    low = int(start.min())
    days = np.arange(low, int(start.max()) + 1, dtype=np.int64)
    as_days = days.astype("datetime64[D]")
    tables = {"year": as_days.astype("datetime64[Y]").astype(np.int64),
              "month": as_days.astype("datetime64[M]").astype(np.int64),
              "week": (days + 3) // 7}  # 1970-01-01 was a Thursday
    offset = start.astype(np.int64) - low
    return {g: table[offset] for g, table in tables.items()}


def timeline_index(start: np.ndarray, precision: np.ndarray, bias_primary: np.ndarray,
                   width: int, first: dict[str, int] | None = None) -> TimelineIndex:
    """The :class:`TimelineIndex` of records.

    Parameters
    ----------
    start, precision : numpy.ndarray
        Start day numbers and date precision codes.
    bias_primary : numpy.ndarray
        Position of each record's primary bias motivation (255 when none).
    width : int
        Number of bias codes plus one (the column of records without a primary one).
    first : dict, optional
        The first period per granularity; by default the first of these records.
    """
    periods = _periods(start)
    primary = np.minimum(bias_primary, width - 1).astype(np.int64) + 1
    if first is None:
        first = {g: int(p.min()) if p.size else 0 for g, p in periods.items()}
    keys = {g: np.where(precision <= limit, (periods[g] - first[g]) * width + primary, 0
                        ).astype(np.int32) for g, limit in _LIMITS.items()}
    return TimelineIndex(periods["month"].astype(np.int32), precision <= _MONTH, keys, first)


@dataclass
class Derived:
    """The per-record codes a snapshot counts with, beside its records' own columns."""

    source: np.ndarray
    sources: tuple[str, ...]
    is_demo: np.ndarray
    organisation: np.ndarray
    nuts: dict[str, tuple[np.ndarray, tuple[str, ...]]]
    links: dict[str, CodeLinks]
    timelines: TimelineIndex


def derive(data: PublicData, taxonomy: Taxonomy) -> Derived:
    """The codes of every record of ``data`` (a full derivation)."""
    records = data.records
    source, sources = dictionary_codes(data.source)
    links = {kind: CodeLinks(*link_positions(data.links[kind].bits, data.links[kind].primary,
                                             len(taxonomy.codes(kind))))
             for kind in CODE_PARAMS}
    return Derived(
        source, sources, records.policy == _DEMO, organisation_codes(records),
        {level: dictionary_codes(pc.fill_null(getattr(records, level), ""))
         for level in NUTS_LEVELS}, links,
        timeline_index(records.start, records.precision, links["bias"].primary,
                       len(taxonomy.codes("bias")) + 1))


def _spliced_codes(splice: Splice, codes: np.ndarray, names: tuple[str, ...], fresh: list
                   ) -> tuple[np.ndarray, tuple[str, ...]] | None:
    """Codes into the sorted names in use, spliced; None when the names in use change."""
    index = {name: i for i, name in enumerate(names)}
    if any(value not in index for value in fresh):
        return None
    out = splice.numpy(codes, np.array([index[v] for v in fresh], dtype=codes.dtype))
    if len(splice.removed) and not np.all(np.bincount(out, minlength=len(names))):
        return None  # the last record of some name left
    return out, names


def _spliced_links(splice: Splice, old: CodeLinks, bits: np.ndarray,
                   primary: np.ndarray | None, count: int) -> CodeLinks:
    """``old`` with the links of the fresh records (``bits``/``primary``: the new columns)."""
    at = splice.fresh_at
    fresh = link_positions(bits[at], None if primary is None else primary[at], count)
    if splice.keeps_positions:
        gone = np.zeros(splice.old_size, dtype=bool)
        gone[splice.removed] = True
        moved = None
    else:
        moved = splice.new_positions()

    def join(rows, codes, fresh_rows, fresh_codes):
        if moved is None:
            keep = ~gone[rows] if len(splice.removed) else slice(None)
            kept_rows = rows[keep]
        else:
            new = moved[rows]
            keep = new >= 0
            kept_rows = new[keep].astype(np.int32)
        return (np.concatenate([kept_rows, at[fresh_rows].astype(np.int32)]),
                np.concatenate([codes[keep], fresh_codes]))

    rows, codes = join(old.rows, old.codes, fresh[0], fresh[1])
    extra = (None, None) if old.extra_rows is None else \
        join(old.extra_rows, old.extra_codes, fresh[4], fresh[5])
    return CodeLinks(rows, codes, bits, primary, *extra)


def derive_spliced(previous, data: PublicData, taxonomy: Taxonomy) -> Derived | None:
    """The codes of ``data`` from those of ``previous``, the snapshot ``data`` updates.

    Parameters
    ----------
    previous : data.snapshot.model.Snapshot
        Made from the data :attr:`PublicData.changes` derives from.
    data : PublicData
        Made by :func:`data.snapshot.update.update_public_data`.
    taxonomy : Taxonomy

    Returns
    -------
    Derived or None
        None when a full derivation is needed.
    """
    splice, records = data.changes, data.records
    if not len(records.ids):
        return None
    at = splice.fresh_at
    picked = pa.array(at)
    fresh = records.take(at)
    source = _spliced_codes(splice, previous.source, previous.sources,
                            data.source.take(picked).cast(pa.string()).to_pylist())
    if source is None:
        return None
    nuts = {}
    for level in NUTS_LEVELS:
        codes, names = previous.nuts[level]
        nuts[level] = _spliced_codes(splice, codes, names,
                                     [v or "" for v in getattr(fresh, level).to_pylist()]) \
            or dictionary_codes(pc.fill_null(getattr(records, level), ""))
    members_changed = (fresh.policy == MEMBER).any() or \
        (previous.organisation[splice.removed] >= 0).any()
    organisation = organisation_codes(records) if members_changed else splice.numpy(
        previous.organisation, np.full(len(at), -1, dtype=previous.organisation.dtype))
    links = {kind: _spliced_links(splice, previous.links[kind], data.links[kind].bits,
                                  data.links[kind].primary, len(taxonomy.codes(kind)))
             for kind in CODE_PARAMS}
    width = len(taxonomy.codes("bias")) + 1
    old = previous.timelines
    first_day = records.start.min(keepdims=True)
    if {g: int(p[0]) for g, p in _periods(first_day).items()} != old.first:
        timelines = timeline_index(records.start, records.precision, links["bias"].primary,
                                   width)
    else:
        new = timeline_index(fresh.start, fresh.precision, links["bias"].primary[at], width,
                             old.first)
        timelines = TimelineIndex(
            splice.numpy(old.month, new.month), splice.numpy(old.month_known, new.month_known),
            {g: splice.numpy(old.keys[g], new.keys[g]) for g in _LIMITS}, old.first)
    return Derived(source[0], source[1], records.policy == _DEMO, organisation, nuts, links,
                   timelines)


def record_detail(records: RecordColumns) -> pa.Table:
    """The snapshot's copy of the public columns it does not aggregate on (arrays shared).

    Parameters
    ----------
    records : RecordColumns
        Projected public records.

    Returns
    -------
    pyarrow.Table
        :data:`data.public.selects.DETAIL_COLUMNS` plus ``geo_precision`` and ``policy``,
        aligned with ``records``; :mod:`data.public.rows` takes download rows from it.
    """
    def coded(codes: np.ndarray, vocab: tuple[str, ...]) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)),
                                              pa.array(vocab, pa.string()))

    return pa.table({
        "public_id": records.public_id,
        "lat": pa.array(records.lat, pa.float64(), from_pandas=True),
        "lon": pa.array(records.lon, pa.float64(), from_pandas=True),
        "place_name": records.place_name,
        "is_online": pa.array(records.is_online, pa.bool_()),
        "location_type": coded(records.location_type, LOCATION_TYPES),
        "classification": coded(records.classification, CLASSIFICATIONS),
        "public_summary": records.public_summary,
        "geo_precision": coded(records.geo_precision, GEO_PRECISIONS),
        "policy": coded(records.policy, POLICIES),
    })
