"""Counts per map area (member state or NUTS 1/2/3 region) from the analytic snapshot.

The snapshot holds, per record, compact integer codes of its member state and of its NUTS
regions at each level, taken from the public projection (:mod:`data.privacy.publication`): a record
of a member organisation has only the regions it is shown at there
(:mod:`data.privacy.generalise`), so it is counted no finer than that. A record placed only at a
coarser level than the map shows (a NUTS 2 record on a NUTS 3 map, a country-level record on any
regional map) is not spread over regions: it is counted in :attr:`AreaCounts.not_shown`, by the
finest level it is known at.

Every function is a few numpy operations on the snapshot's arrays (milliseconds at a million
records).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.snapshot.model import Snapshot

AREA_LEVELS = ("country", "nuts1", "nuts2", "nuts3")
NUTS_LEVELS = AREA_LEVELS[1:]


@dataclass(frozen=True)
class AreaCounts:
    """Incidents per area of one level, and those the level cannot show.

    Attributes
    ----------
    level : str
        One of :data:`AREA_LEVELS`.
    counts : pandas.Series
        Incidents per area code (ISO alpha-2 or NUTS code) that has any.
    total : int
        Incidents selected (each once).
    not_shown : dict of str to int
        Selected incidents without an area at ``level``, by the finest level they are known
        at: ``"nuts2"``, ``"nuts1"`` (only coarser than ``level``) and ``"country"`` (placed
        only to the member state, or a member organisation's record shown at country level
        only). Empty for the country level.
    """

    level: str
    counts: pd.Series
    total: int
    not_shown: dict[str, int]

    @property
    def not_shown_total(self) -> int:
        """Selected incidents the map of this level cannot show."""
        return sum(self.not_shown.values())


def area_codes(snapshot: Snapshot, level: str) -> tuple[np.ndarray, tuple[str, ...], int]:
    """Per record, the integer code of its area at ``level``, the names, and the "none" code.

    Parameters
    ----------
    snapshot : Snapshot
    level : str
        One of :data:`AREA_LEVELS`.

    Returns
    -------
    (numpy.ndarray, tuple of str, int)
        Codes (indices into the names), the area names (ISO alpha-2 or NUTS codes) and the
        code meaning "no area at this level" (-1 when every record has one).
    """
    if level == "country":
        return snapshot.country, snapshot.countries, 255
    if level not in NUTS_LEVELS:
        raise ValueError(f"unknown area level {level!r}; allowed: {', '.join(AREA_LEVELS)}")
    codes, names = snapshot.nuts[level]
    return codes, names, names.index("") if "" in names else -1


def _series(counts: np.ndarray, names: tuple[str, ...], missing: int) -> pd.Series:
    nonzero = np.flatnonzero(counts[: len(names)])
    nonzero = nonzero[nonzero != missing]
    return pd.Series(counts[nonzero], index=[names[i] for i in nonzero], name="count",
                     dtype=np.int64)


def by_area(snapshot: Snapshot, mask: np.ndarray, level: str) -> AreaCounts:
    """Incidents per area of ``level`` among the records in ``mask``.

    Parameters
    ----------
    snapshot : Snapshot
    mask : numpy.ndarray of bool
        Selected records (:meth:`Snapshot.mask`).
    level : str
        One of :data:`AREA_LEVELS`.

    Returns
    -------
    AreaCounts
    """
    codes, names, missing = area_codes(snapshot, level)
    selected = codes[mask]
    counts = np.bincount(selected, minlength=max(len(names), missing + 1))
    total = int(selected.size)
    return AreaCounts(level, _series(counts, names, missing), total,
                      _not_shown(snapshot, mask, level))


def _not_shown(snapshot: Snapshot, mask: np.ndarray, level: str) -> dict[str, int]:
    """Selected records without an area at ``level``, by the finest level they are known at."""
    if level == "country":
        return {}
    out: dict[str, int] = {}
    remaining = mask
    for coarser in reversed(AREA_LEVELS[: AREA_LEVELS.index(level) + 1]):
        codes, _, missing = area_codes(snapshot, coarser)
        if coarser == "country":
            out["country"] = int(np.count_nonzero(remaining))
            break
        lacking = remaining & (codes == missing)
        if coarser != level:
            out[coarser] = int(np.count_nonzero(remaining) - np.count_nonzero(lacking))
        remaining = lacking
    return out


@dataclass(frozen=True)
class MonthFrame:
    """One month of a playback over areas, with the scale that fits every month.

    Attributes
    ----------
    month : int
        Month number (months since 1970-01).
    counts : pandas.Series
        Incidents per area code in that month (areas with any).
    peak : pandas.Series
        Per area code, its highest monthly count over the playback's months: a colour scale
        that fits it stays the same while the months play.
    not_in_months : int
        Selected incidents known only to the year, which no month can show.
    """

    month: int
    counts: pd.Series
    peak: pd.Series
    not_in_months: int


def month_frame(snapshot: Snapshot, mask: np.ndarray, level: str, month: int) -> MonthFrame:
    """Incidents per area of ``level`` that started in ``month``, among those in ``mask``.

    A record counts in the month its (public) date interval starts in when it is known to
    the month or finer; records known only to the year are counted in ``not_in_months``.

    Parameters
    ----------
    snapshot : Snapshot
    mask : numpy.ndarray of bool
    level : str
        One of :data:`AREA_LEVELS`.
    month : int
        Month number (months since 1970-01, e.g. ``(2016 - 1970) * 12 + 2`` for March 2016).

    Returns
    -------
    MonthFrame
    """
    codes, names, missing = area_codes(snapshot, level)
    width = max(len(names), missing + 1)
    known = mask & snapshot.month_known
    not_in_months = int(np.count_nonzero(mask) - np.count_nonzero(known))
    months = snapshot.month[known]
    empty = pd.Series(dtype=np.int64, name="count")
    if months.size == 0:
        return MonthFrame(month, empty, empty, not_in_months)
    first = int(months.min())
    keys = (months - first).astype(np.int64) * width + codes[known]
    grid = np.bincount(keys, minlength=(int(months.max()) - first + 1) * width)
    grid = grid.reshape(-1, width)
    row = grid[month - first] if 0 <= month - first < grid.shape[0] else np.zeros(width, int)
    return MonthFrame(month, _series(row, names, missing),
                      _series(grid.max(axis=0), names, missing), not_in_months)


def month_range(snapshot: Snapshot, mask: np.ndarray) -> tuple[int, int] | None:
    """First and last month number of the selected records known to the month, or None."""
    months = snapshot.month[mask & snapshot.month_known]
    if months.size == 0:
        return None
    return int(months.min()), int(months.max())
