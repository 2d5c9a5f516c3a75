"""Public rows as Arrow tables, taken from the snapshot's arrays.

A download of 100,000 rows must not rebuild 100,000 rows from SQL. The public snapshot
(:mod:`data.snapshot.model`) already holds every public column of every public record, projected
by :func:`data.privacy.publication.project_public` when it was built, the public summary included;
this module takes the selected records' values from those arrays (``take`` on Arrow and numpy
arrays). The only read from the store is its data version and, when that moved since the
snapshot was built, which records are not public now (:func:`withdrawn_ids`): a record that
stopped being public since the snapshot was built is left out, as the SQL reader leaves it
out. The result has the
columns of :func:`data.public.record.fetch_public_rows`, which it replaces for downloads
(``tests/data/public/test_public_rows.py`` checks that both agree value for value).
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Engine

from data.privacy.publication import (
    PUBLIC,
    PUBLIC_COLUMNS,
    RESEARCHER,
    RESEARCHER_MEMBER_COLUMNS,
    researcher_geo_precision,
)
from data.public.selects import (
    CODE_COLUMNS,
    PRIMARY_COLUMNS,
    member_regions,
    not_public_ids,
)
from data.reference.vocab import (
    DATE_PRECISIONS,
)
from data.store.db import data_version

if TYPE_CHECKING:
    from data.snapshot.model import CodeLinks, Snapshot

MEMBER_SOURCE_POLICY = "member"
#: Detail columns kept dictionary-encoded (few distinct values).
_CATEGORICAL = ("location_type", "classification", "geo_precision", "policy")
#: Code lists of one kind fit one 64-bit key with the primary code above this bit.
_PRIMARY_SHIFT = 56
#: Per snapshot, per kind: each record's code-list spelling (computed on first use).
_CODE_LISTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _named(names: tuple[str, ...], index: np.ndarray, missing: np.ndarray | None = None
           ) -> pa.Array:
    """Strings ``names[index]`` (null where ``missing``), built in Arrow."""
    indices = pa.array(index.astype(np.int32), mask=missing)
    return pa.DictionaryArray.from_arrays(indices, pa.array(names, pa.string())).cast(
        pa.string())


def _regions(snapshot: Snapshot, level: str, positions: np.ndarray) -> pa.Array:
    index, names = snapshot.nuts[level]
    picked = index[positions]
    empty = names.index("") if "" in names else -1
    return _named(names, picked, (picked == empty) | (picked < 0))


def _spell_code_lists(link: CodeLinks, codes: tuple[str, ...]
                      ) -> tuple[np.ndarray, pa.Array, pa.Array | None]:
    """Every record's codes joined by ``;`` (primary first, then taxonomy order), and primary.

    Records share few combinations, so each distinct (codes, primary) pair is spelled once.

    Returns
    -------
    index : numpy.ndarray of int32
        Per record, its combination.
    joined, primary : pyarrow.Array
        Per combination, the joined codes and the primary code (None for kinds without one).
    """
    bits, primary = link.bits, link.primary
    if primary is None:
        keys = bits
    elif len(codes) <= _PRIMARY_SHIFT:
        keys = bits | (primary.astype(np.uint64) << np.uint64(_PRIMARY_SHIFT))
    else:
        keys = np.stack([bits, primary.astype(np.uint64)], axis=1)
    if keys.ndim == 1:  # hashing: a few milliseconds per million records
        inverse, unique = pd.factorize(keys)
        first = np.empty(len(unique), dtype=np.int64)
        first[inverse[::-1]] = np.arange(len(inverse) - 1, -1, -1)
    else:
        unique, first, inverse = np.unique(keys, axis=0, return_index=True,
                                           return_inverse=True)
    joined, primaries = [], []
    for row in first:
        present = int(bits[row])
        chosen = 255 if primary is None else int(primary[row])
        order = [chosen] if chosen < len(codes) else []
        order += [i for i in range(len(codes)) if present >> i & 1 and i != chosen]
        joined.append(";".join(codes[i] for i in order))
        primaries.append(codes[chosen] if chosen < len(codes) else "")
    return (inverse.reshape(-1).astype(np.int32), pa.array(joined, pa.string()),
            None if primary is None else pa.array(primaries, pa.string()))


def _code_lists(snapshot: Snapshot, kind: str, positions: np.ndarray
                ) -> tuple[pa.Array, pa.Array | None]:
    """The code lists (and primary codes) of the records at ``positions``."""
    cache = _CODE_LISTS.get(snapshot, {})
    spelled = cache.get(kind)
    if spelled is None:
        spelled = _spell_code_lists(snapshot.links[kind], snapshot.taxonomy.codes(kind))
        with _LOCK:
            _CODE_LISTS.setdefault(snapshot, {}).setdefault(kind, spelled)
    index, joined, primary = spelled
    picked = pa.array(index[positions])
    lists = pa.DictionaryArray.from_arrays(picked, joined).cast(pa.string())
    return lists, (None if primary is None else
                   pa.DictionaryArray.from_arrays(picked, primary).cast(pa.string()))


def positions_of(snapshot: Snapshot, ids: np.ndarray) -> np.ndarray:
    """Positions of ``ids`` in the snapshot (its ids are ascending, as the store reads them).

    Raises
    ------
    KeyError
        When some id is not a public record of the snapshot.
    """
    ids = np.asarray(ids, dtype=np.int64)
    positions = np.searchsorted(snapshot.ids, ids)
    if not (positions < snapshot.size).all() or \
            not np.array_equal(snapshot.ids[positions], ids):
        raise KeyError("some ids are not public records of this snapshot")
    return positions


def _reveal_member_regions(engine: Engine, columns: dict[str, pa.Array],
                           ids: np.ndarray) -> None:
    """Researcher projection: put the stored regions back on published member records."""
    member = np.asarray(pc.equal(columns["policy"], MEMBER_SOURCE_POLICY).to_numpy(
        zero_copy_only=False), dtype=bool)
    if not member.any():
        return
    regions = member_regions(engine, ids[member])
    levels = {name: np.array(columns[name].to_pylist(), dtype=object)
              for name in (*RESEARCHER_MEMBER_COLUMNS, "geo_precision")}
    for row in np.flatnonzero(member):
        found = regions.get(int(ids[row]))
        if found is None:
            continue
        for name, code in zip(RESEARCHER_MEMBER_COLUMNS, found, strict=True):
            levels[name][row] = code
        levels["geo_precision"][row] = researcher_geo_precision(
            *found, levels["geo_precision"][row])
    for name, values in levels.items():
        columns[name] = pa.array(values, pa.string())


def withdrawn_ids(engine: Engine, snapshot: Snapshot) -> np.ndarray:
    """Ids of records that may have stopped being public since ``snapshot`` was built.

    Every write to the store bumps its data version: while the version is the snapshot's,
    nothing was withdrawn and the store is not asked; otherwise every record not public now
    (:func:`data.public.selects.not_public_ids`).

    Returns
    -------
    numpy.ndarray of int64
        Ascending.
    """
    if data_version(engine) == snapshot.version:
        return np.array([], dtype=np.int64)
    return not_public_ids(engine)


def public_rows_table(engine: Engine, snapshot: Snapshot, positions: np.ndarray,
                      withdrawn: np.ndarray | None = None,
                      projection: str = PUBLIC) -> pa.Table:
    """Rows of the records at ``positions`` of the snapshot (in that order), as Arrow.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The store the snapshot was built from (asked which records are not public now).
    snapshot : Snapshot
        Built by :func:`data.snapshot.model.build` (it holds the detail columns).
    positions : numpy.ndarray
        Positions in the snapshot (:meth:`Snapshot.select_positions`, :func:`positions_of`),
        in output order.
    withdrawn : numpy.ndarray, optional
        :func:`withdrawn_ids`, when read ahead; read now when None.
    projection : {"public", "researcher"}
        The caller's projection (:func:`data.privacy.publication.projection_for`): ``researcher``
        adds the NUTS regions of published member records.

    Returns
    -------
    pyarrow.Table
        The columns of :func:`data.public.record.fetch_public_rows`: :data:`PUBLIC_COLUMNS`, then
        the code lists and primary codes; dates as ``date32``, ``lat``/``lon`` as float64,
        ``is_online`` as bool, the rest as strings. Records no longer public are left out.
    """
    if snapshot.detail is None:
        raise ValueError("this snapshot holds no detail columns; build it from the store")
    positions = np.asarray(positions, dtype=np.int64)
    if withdrawn is None:
        withdrawn = withdrawn_ids(engine, snapshot)
    if len(withdrawn) and len(positions):  # withdrawn is ascending
        ids = snapshot.ids[positions]
        at = np.minimum(np.searchsorted(withdrawn, ids), len(withdrawn) - 1)
        still_public = withdrawn[at] != ids
        if not still_public.all():
            positions = positions[still_public]
    detail = snapshot.detail.take(pa.array(positions))
    columns: dict[str, pa.Array] = {
        "public_id": detail.column("public_id"),
        "date_start": pa.array(snapshot.start[positions], pa.int32()).cast(pa.date32()),
        "date_end": pa.array(snapshot.end[positions], pa.int32()).cast(pa.date32()),
        "date_precision": _named(DATE_PRECISIONS, snapshot.precision[positions]),
        "country": _named(snapshot.countries, snapshot.country[positions].astype(np.int32),
                          snapshot.country[positions] >= len(snapshot.countries)),
        **{level: _regions(snapshot, level, positions) for level in ("nuts1", "nuts2", "nuts3")},
        "public_summary": detail.column("public_summary"),
        "source": _named(snapshot.sources, snapshot.source[positions]),
    }
    for name in ("geo_precision", "policy", "location_type", "classification"):
        columns[name] = detail.column(name).cast(pa.string())
    for name in ("lat", "lon", "place_name", "is_online"):
        columns[name] = detail.column(name)
    for kind, name in CODE_COLUMNS.items():
        lists, primary = _code_lists(snapshot, kind, positions)
        columns[name] = lists
        if kind in PRIMARY_COLUMNS:
            columns[PRIMARY_COLUMNS[kind]] = primary
    if projection == RESEARCHER:
        _reveal_member_regions(engine, columns, snapshot.ids[positions])
    elif projection != PUBLIC:
        raise ValueError(f"unknown projection {projection!r}")
    order = [*PUBLIC_COLUMNS, *CODE_COLUMNS.values(), *PRIMARY_COLUMNS.values()]
    return pa.table({name: columns[name] for name in order})
