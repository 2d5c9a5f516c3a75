"""One page of public incident rows for the incident table: filter, sort, page.

The analytic snapshot (:mod:`data.snapshot.model`) selects the matching records with its mask. For
each sort key the whole snapshot is ordered once (lazily, then kept for the snapshot's
lifetime), so a request for any page under any filter is one gather and one boolean compress
over the ordering — a few milliseconds at a million records, the same for page 1 and page
9,000 — instead of a sort per request. The rows of the page are then read by id through
:func:`data.public.rows.public_rows_table`, in the caller's projection.

Sorting uses only snapshot values, which are already projected: member records sort by their
public month and country, never by a day or a region they do not show. Records that tie on the
key are ordered newest first, then by a scrambled id (as
:meth:`data.snapshot.model.Snapshot.select_ids` does), so the order within a month does not hint at
the order records were stored in. Records without a value for the key (no region, no primary
code) come last in both directions.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from data.filters import IncidentFilter
from data.privacy.publication import PUBLIC
from data.public.rows import public_rows_table
from data.snapshot.model import Snapshot

#: Sortable columns, in the order the table shows them.
SORT_KEYS = ("date", "country", "region", "bias", "type", "source")
DEFAULT_SORT = ("date", True)
#: Largest page a caller may ask for.
MAX_LIMIT = 1000

_CHUNK = 1 << 16
_ORDERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


@dataclass(frozen=True)
class RowPage:
    """A page of public rows and the size of the whole selection.

    Attributes
    ----------
    rows : pandas.DataFrame
        Rows in page order, as :func:`data.public.rows.public_rows_table` returns them.
    total : int
        Records matching the filter.
    offset : int
        Position of the first row within the sorted selection.
    """

    rows: pd.DataFrame
    total: int
    offset: int


def _scrambled(snapshot: Snapshot) -> np.ndarray:
    return (snapshot.ids.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(11)


def _rank_of_labels(labels: list[str]) -> np.ndarray:
    """Rank of each label in case-insensitive alphabetical order."""
    order = sorted(range(len(labels)), key=lambda i: (labels[i].casefold(), labels[i]))
    rank = np.empty(len(labels), dtype=np.int64)
    rank[order] = np.arange(len(labels))
    return rank


def _primary_rank(snapshot: Snapshot, kind: str) -> tuple[np.ndarray, np.ndarray]:
    codes = snapshot.taxonomy.codes(kind)
    rank = _rank_of_labels([snapshot.taxonomy.label(c) for c in codes])
    primary = snapshot.links[kind].primary
    missing = primary >= len(codes)
    return np.where(missing, 0, rank[np.minimum(primary, len(codes) - 1)]), missing


def _region_rank(snapshot: Snapshot) -> tuple[np.ndarray, np.ndarray]:
    """Rank of each record's finest public NUTS code; missing where it has none."""
    finest = np.full(snapshot.size, "", dtype=object)
    for level in ("nuts1", "nuts2", "nuts3"):  # coarse to fine: the finest wins
        idx, names = snapshot.nuts[level]
        values = np.asarray(names, dtype=object)[idx] if names else finest
        finest = np.where(values != "", values, finest)
    codes, uniques = pd.factorize(finest, sort=True)
    return codes.astype(np.int64), finest == ""


def sort_values(snapshot: Snapshot, key: str) -> tuple[np.ndarray, np.ndarray]:
    """Per snapshot position, an integer to sort by and whether the value is missing.

    Parameters
    ----------
    snapshot : Snapshot
    key : str
        One of :data:`SORT_KEYS`.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``values`` (int64) and ``missing`` (bool), both of the snapshot's size.
    """
    none = np.zeros(snapshot.size, dtype=bool)
    if key == "date":
        return snapshot.start.astype(np.int64), none
    if key == "country":
        names = [c.names.get("en", c.iso2) for c in snapshot.taxonomy.countries()]
        rank = np.full(256, len(names), dtype=np.int64)
        rank[: len(names)] = _rank_of_labels(names)
        return rank[snapshot.country], snapshot.country >= len(names)
    if key == "region":
        return _region_rank(snapshot)
    if key in ("bias", "type"):
        return _primary_rank(snapshot, key)
    if key == "source":  # categories are sorted slugs, so the code is the rank
        return snapshot.source.astype(np.int64), none
    raise ValueError(f"unknown sort key {key!r}; allowed: {', '.join(SORT_KEYS)}")


def _cached(snapshot: Snapshot, name, compute):
    cache = _ORDERS.get(snapshot)
    if cache is None or name not in cache:
        value = compute()
        with _LOCK:
            cache = _ORDERS.setdefault(snapshot, {})
            cache.setdefault(name, value)
    return cache[name]


def _newest_first(snapshot: Snapshot) -> np.ndarray:
    """Positions by start date, newest first, ties in scrambled-id order (the API's order)."""
    return np.lexsort((_scrambled(snapshot), -snapshot.start.astype(np.int64))).astype(np.int32)


def _small_ranks(values: np.ndarray, missing: np.ndarray, descending: bool) -> np.ndarray:
    """One small non-negative integer per record: missing last, then the value's rank."""
    ranks = values - values.min() if values.size else values
    if descending:
        ranks = ranks.max() - ranks if ranks.size else ranks
    combined = np.where(missing, (ranks.max() + 1) if ranks.size else 0, ranks)
    # numpy sorts 16-bit integers with a stable radix sort: linear time
    return combined.astype(np.uint16) if combined.size and combined.max() < 2**16 else combined


def sort_order(snapshot: Snapshot, key: str, descending: bool) -> np.ndarray:
    """Snapshot positions of every record, sorted by ``key`` (computed once per snapshot).

    The newest-first order (ties in scrambled-id order) is computed once; every other order is
    a stable sort of small integer ranks over it, so ties on the key keep that order and
    records missing the key come last in both directions.

    Returns
    -------
    numpy.ndarray
        int32 positions into the snapshot's arrays.
    """
    if key not in SORT_KEYS:
        raise ValueError(f"unknown sort key {key!r}; allowed: {', '.join(SORT_KEYS)}")
    base = _cached(snapshot, "newest first", lambda: _newest_first(snapshot))
    if key == "date" and descending:
        return base

    def compute() -> np.ndarray:
        values, missing = _cached(snapshot, ("values", key), lambda: sort_values(snapshot, key))
        ranks = _small_ranks(values, missing, descending)
        return base[np.argsort(ranks[base], kind="stable")].astype(np.int32)

    return _cached(snapshot, (key, descending), compute)


def page_ids(snapshot: Snapshot, mask: np.ndarray, key: str, descending: bool, offset: int,
             limit: int) -> tuple[np.ndarray, int]:
    """Ids of one page of the records selected by ``mask``, sorted by ``key``.

    The incident ids of :func:`page_positions`, with the same parameters.
    """
    positions, total = page_positions(snapshot, mask, key, descending, offset, limit)
    return snapshot.ids[positions], total


def page_positions(snapshot: Snapshot, mask: np.ndarray, key: str, descending: bool,
                   offset: int, limit: int) -> tuple[np.ndarray, int]:
    """Snapshot positions of one page of the records selected by ``mask``, sorted by ``key``.

    Parameters
    ----------
    snapshot : Snapshot
    mask : numpy.ndarray
        Boolean selection over the snapshot (:meth:`Snapshot.mask`).
    key : str
        One of :data:`SORT_KEYS`.
    descending : bool
    offset, limit : int
        Position of the first row in the sorted selection, and the page size.

    Returns
    -------
    (numpy.ndarray, int)
        The page's positions in order, and the number of selected records.
    """
    order = sort_order(snapshot, key, descending)
    total = int(np.count_nonzero(mask))
    if total == order.size:
        return order[offset: offset + limit], total
    # Walk the ordering in chunks and stop once the page is complete: a first page reads one
    # chunk, a deep page reads up to its offset, never more.
    need, found, parts = offset + limit, 0, []
    for start in range(0, order.size, _CHUNK):
        chunk = order[start: start + _CHUNK]
        selected = chunk[mask[chunk]]
        if found + selected.size > offset:
            parts.append(selected[max(offset - found, 0): need - found])
        found += selected.size
        if found >= need:
            break
    page = np.concatenate(parts) if parts else order[:0]
    return page, total


def row_page(engine: Engine, snapshot: Snapshot, flt: IncidentFilter, *, sort: str = "date",
             descending: bool = True, offset: int = 0, limit: int = 100,
             projection: str = PUBLIC) -> RowPage:
    """One page of rows matching ``flt``, sorted server-side, in the caller's projection.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    snapshot : Snapshot
        The public snapshot the filter is applied to (one per request).
    flt : IncidentFilter
        Applied as given (a page applies its default bias scope before calling).
    sort : str, default "date"
        One of :data:`SORT_KEYS`.
    descending : bool, default True
    offset : int, default 0
        Rows to skip; an offset past the end gives an empty page.
    limit : int, default 100
        Page size, 1 to :data:`MAX_LIMIT`.
    projection : {"public", "researcher"}
        The caller's projection (:mod:`data.privacy.publication`).

    Returns
    -------
    RowPage

    Raises
    ------
    ValueError
        For an unknown sort key, a negative offset or a page size out of range.
    """
    if offset < 0:
        raise ValueError(f"offset must be 0 or more, got {offset}")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be from 1 to {MAX_LIMIT}, got {limit}")
    if sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}; allowed: {', '.join(SORT_KEYS)}")
    positions, total = page_positions(snapshot, snapshot.mask(flt), sort, descending, offset,
                                      limit)
    rows = public_rows_table(engine, snapshot, positions, projection=projection).to_pandas()
    return RowPage(rows, total, offset)
