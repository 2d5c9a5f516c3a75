"""Which region each published member record is shown at in public (DESIGN §5, DOMAIN §8.3).

Member records are public only at a region that keeps every public count of them at 0 or at
least ``min_cell`` (``INCIDENTMAP_MIN_CELL``), whatever filters are combined, and however two
public counts are subtracted. This module decides that region; :mod:`data.privacy.publication`
applies it.

The rule is k-anonymity over everything a public output lets anyone select or see. Two
published member records are *alike* when they agree on the class key: the month of their
start and end and their date precision (as published), their country, their full sets of
bias motivations, bias indicators and incident types with the primary ones, their
classification, location type and whether they happened online. Regions are chosen greedily,
finest first:

1. records that are alike and share the same NUTS 3 region (with its NUTS 2 and NUTS 1) form a
   class; classes of at least ``min_cell`` records are shown at NUTS 3;
2. the records left over, *and only they*, are grouped the same way by NUTS 2; classes of at
   least ``min_cell`` are shown at NUTS 2;
3. the rest likewise by NUTS 1;
4. what is still left is shown at country level only (country totals of member records are
   published without suppression, DOMAIN §8.3 rule 4).

Grouping the leftovers only among themselves is what stops subtraction: a record shown at
NUTS 2 is in a class of at least ``min_cell`` records shown at NUTS 2, so the count of a NUTS 2
region minus the counts of its NUTS 3 regions is again a sum of whole classes. Every public
filter (month range, country, region, codes, source) selects whole classes, so every public
sub-national count of member records, and every difference of two such counts, is 0 or at
least ``min_cell``. ``tests/security/test_differencing.py`` tries it through the real API.

Everything here is pure: frames in, arrays out, no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from data.settings import LOWEST_MIN_CELL

#: Region columns from the coarsest to the finest.
REGION_COLUMNS = ("nuts1", "nuts2", "nuts3")
#: Published columns besides regions and codes that public outputs show or filter on.
KEY_COLUMNS = ("country", "date_start", "date_end", "date_precision", "classification",
               "location_type", "is_online")
COUNTRY = "country"


def code_sets(links: Mapping[str, pd.DataFrame], ids: Sequence[int] | np.ndarray
              ) -> pd.DataFrame:
    """Each record's full set of codes, and of primary codes, per kind, as integer columns.

    Two records get equal values in every column exactly when they have the same codes and
    the same primary codes (sets are stored as bit words, so no two sets can collide).

    Parameters
    ----------
    links : dict of str to pandas.DataFrame
        Per kind (``bias``, ``indicator``, ``type``): ``incident_id``, ``code`` and, where the
        kind has one, ``is_primary``. Links of records not in ``ids`` are ignored.
    ids : sequence of int
        The records, in the order of the result's rows.

    Returns
    -------
    pandas.DataFrame
        One row per id (a fresh ``RangeIndex``), columns ``<kind>_<word>`` and
        ``<kind>_primary_<word>`` of unsigned 64-bit words.
    """
    ids = np.asarray(ids, dtype=np.int64)
    position = pd.Index(ids)
    columns: dict[str, np.ndarray] = {}
    for kind, link in links.items():
        row = position.get_indexer(link["incident_id"].to_numpy(np.int64))
        known = row >= 0
        codes, _ = pd.factorize(link["code"].to_numpy(object)[known], sort=True)
        row = row[known]
        words = max(1, (int(codes.max()) + 64) // 64 if codes.size else 1)
        flags = {"": np.ones(row.size, dtype=bool)}
        if "is_primary" in link:
            flags["primary_"] = link["is_primary"].to_numpy(bool)[known]
        for prefix, chosen in flags.items():
            bits = np.zeros((ids.size, words), dtype=np.uint64)
            code = codes[chosen].astype(np.uint64)
            np.bitwise_or.at(bits, (row[chosen], (code // np.uint64(64)).astype(np.int64)),
                             np.left_shift(np.uint64(1), code % np.uint64(64)))
            for word in range(words):
                columns[f"{kind}_{prefix}{word}"] = bits[:, word]
    return pd.DataFrame(columns, index=pd.RangeIndex(ids.size))


def _group_ids(columns: Sequence[pd.Series | np.ndarray]) -> np.ndarray:
    """One integer per distinct combination of the columns' values (missing is a value).

    Each column is factorised on its own (fast on any dtype), then the codes are combined
    and compacted column by column, so the numbers stay below ``len * (distinct + 1)``.
    """
    ids = np.zeros(len(columns[0]), dtype=np.int64)
    for values in columns:
        codes, uniques = pd.factorize(values)
        ids = ids * (len(uniques) + 1) + (codes.astype(np.int64) + 1)
        ids = pd.factorize(ids)[0].astype(np.int64)
    return ids


def shown_levels(regions: pd.DataFrame, key: np.ndarray, min_cell: int) -> np.ndarray:
    """The level each record is shown at: the greedy generalisation of the module docstring.

    Parameters
    ----------
    regions : pandas.DataFrame
        ``nuts1``, ``nuts2``, ``nuts3`` of each record (missing where not known).
    key : numpy.ndarray of int
        Class key of each record besides its region (:func:`class_keys`); records with equal
        keys are alike.
    min_cell : int
        Smallest class shown below country level (at least :data:`LOWEST_MIN_CELL`).

    Returns
    -------
    numpy.ndarray of object
        ``"nuts3"``, ``"nuts2"``, ``"nuts1"`` or ``"country"`` per record. A record is shown at
        a level only if it knows its region at that level and every coarser one.
    """
    if min_cell < LOWEST_MIN_CELL:
        raise ValueError(f"min_cell must be at least {LOWEST_MIN_CELL}, got {min_cell}")
    size = len(regions)
    key = np.asarray(key)
    if key.shape != (size,):
        raise ValueError("key must hold one value per record")
    levels = np.full(size, COUNTRY, dtype=object)
    remaining = np.ones(size, dtype=bool)
    known = {c: (regions[c].notna() & (regions[c] != "")).to_numpy(bool)
             for c in REGION_COLUMNS}
    codes = {c: pd.factorize(regions[c])[0] for c in REGION_COLUMNS}
    for depth in (3, 2, 1):
        path = REGION_COLUMNS[:depth]
        eligible = remaining.copy()
        for column in path:
            eligible &= known[column]
        if not eligible.any():
            continue
        where = np.flatnonzero(eligible)
        group = _group_ids([*(codes[c][where] for c in path), key[where]])
        large = np.bincount(group)[group] >= min_cell
        levels[where[large]] = f"nuts{depth}"
        remaining[where[large]] = False
    return levels


def class_keys(records: pd.DataFrame, codes: pd.DataFrame) -> np.ndarray:
    """Class key of each record besides its region: equal keys for records that are alike.

    Parameters
    ----------
    records : pandas.DataFrame
        The records as published, with :data:`KEY_COLUMNS`.
    codes : pandas.DataFrame
        :func:`code_sets` of the same records, row for row.

    Returns
    -------
    numpy.ndarray of int
    """
    if len(codes) != len(records):
        raise ValueError("codes must have one row per record")
    return _group_ids([*(records[c] for c in KEY_COLUMNS),
                       *(codes[c].to_numpy() for c in codes.columns)])


def shown_regions(records: pd.DataFrame, links: Mapping[str, pd.DataFrame] | None,
                  min_cell: int, codes: pd.DataFrame | None = None) -> pd.DataFrame:
    """The regions published member records are shown at, and the resulting ``geo_precision``.

    Parameters
    ----------
    records : pandas.DataFrame
        Every published member record that shares a NUTS 1 region with a record whose region
        is wanted (in practice: all of them), as published (month dates), with ``id``,
        :data:`REGION_COLUMNS`, :data:`KEY_COLUMNS` and ``geo_precision``.
    links : dict of str to pandas.DataFrame or None
        Their code links (see :func:`code_sets`); not read when ``codes`` is given.
    min_cell : int
        The small-cell threshold (``Settings.min_cell``).
    codes : pandas.DataFrame, optional
        The records' code sets row for row (``code_sets(links, ids)`` or an equivalent:
        integer columns equal exactly for records with the same codes and primary codes).

    Returns
    -------
    pandas.DataFrame
        Aligned with ``records`` (same index): ``nuts1``, ``nuts2``, ``nuts3`` as shown
        (None below the level shown) and ``geo_precision`` (the level shown; ``unknown``
        stays for records shown at country level that had no known place).
    """
    if records.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in (*REGION_COLUMNS,
                                                                  "geo_precision")},
                            index=records.index)
    if codes is None:
        codes = code_sets(links, records["id"].to_numpy())
    key = class_keys(records, codes)
    levels = shown_levels(records.loc[:, list(REGION_COLUMNS)], key, min_cell)
    out = pd.DataFrame(index=records.index)
    depth = np.zeros(len(levels), dtype=np.int8)
    for i, column in enumerate(REGION_COLUMNS, start=1):
        depth[levels == column] = i
    for i, column in enumerate(REGION_COLUMNS, start=1):
        values = records[column].to_numpy(object).copy()
        values[depth < i] = None
        out[column] = pd.Series(values, index=records.index, dtype=object)
    before = records["geo_precision"].to_numpy(object)
    out["geo_precision"] = pd.Series(np.where((depth == 0) & (before == "unknown"), "unknown",
                                              levels), index=records.index, dtype=object)
    return out
