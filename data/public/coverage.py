"""Who reports: distinct reporting sources per member state and period, from the snapshot.

Counts of incidents follow reporting: a member state where more organisations and datasets
record incidents shows more incidents. This module counts, for the records a filter selects,
how many *open datasets* (sources released openly, and the synthetic demo dataset) and how
many *member organisations* contributed published records, per member state and per year
(or month).

Privacy (DESIGN §5): member organisations are never named, only counted, and only at member
state level (their records carry no public region). An organisation count is withheld
(``<NA>``) where the cell holds fewer than ``min_cell`` member records, since a small count
of organisations next to a small count of records would tell how much one organisation
logged. Open datasets may be named.

Every function is a few numpy operations on the snapshot's arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.privacy.publication import MEMBER_SOURCE
from data.snapshot.model import Snapshot

GRANULARITIES = ("year", "month")
#: Cells x members above which distinct counts sort instead of using a dense grid.
_DENSE_LIMIT = 20_000_000
CELL_COLUMNS = ("country", "period", "incidents", "datasets", "organisations",
                "member_incidents", "dataset_slugs")


@dataclass(frozen=True)
class Coverage:
    """Reporting sources per member state and period for one selection of records.

    Attributes
    ----------
    granularity : str
        ``"year"`` or ``"month"``.
    periods : tuple of str
        Period labels (``2016`` or ``2016-03``) from the first to the last period with a
        selected record, gaps included.
    countries : tuple of str
        ISO alpha-2 codes of the member states with any selected record, in snapshot order.
    cells : pandas.DataFrame
        One row per (country, period) with records: ``country``, ``period``, ``incidents``,
        ``datasets`` (distinct open datasets), ``organisations`` (distinct member
        organisations, ``<NA>`` when withheld), ``member_incidents`` and ``dataset_slugs``
        (tuple of the open datasets' slugs).
    totals : pandas.DataFrame
        The same columns but ``period``, one row per member state, distinct over every period.
    min_cell : int
        The threshold applied.
    datasets : tuple of str
        Slugs of every open dataset in the selection.
    organisations : int or None
        Distinct member organisations in the whole selection (None when withheld).
    withheld : int
        Cells (and totals) whose organisation count is withheld.
    unplaced : int
        Selected records the granularity cannot place (known only to the year, in a monthly
        view); they count in ``totals`` but in no period.
    contains_demo : bool
        The selection includes synthetic demo records.
    """

    granularity: str
    periods: tuple[str, ...]
    countries: tuple[str, ...]
    cells: pd.DataFrame
    totals: pd.DataFrame
    min_cell: int
    datasets: tuple[str, ...] = ()
    organisations: int | None = 0
    withheld: int = 0
    unplaced: int = 0
    contains_demo: bool = False

    @property
    def empty(self) -> bool:
        """True when no record is selected."""
        return self.totals.empty


def _distinct_per_cell(cell: np.ndarray, member: np.ndarray, n_cells: int,
                       n_members: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Distinct ``member`` values per ``cell`` (both non-negative int arrays, same length).

    Returns the count per cell and, when the grid is dense, the cell x member presence grid.
    """
    if cell.size == 0 or n_members == 0:
        return np.zeros(n_cells, dtype=np.int64), None
    if n_cells * n_members <= _DENSE_LIMIT:
        keys = cell.astype(np.int64) * n_members + member
        grid = np.bincount(keys, minlength=n_cells * n_members).reshape(n_cells, n_members) > 0
        return grid.sum(axis=1), grid
    pairs = np.unique(cell.astype(np.int64) * n_members + member)
    return np.bincount(pairs // n_members, minlength=n_cells), None


def _periods(snapshot: Snapshot, granularity: str) -> tuple[np.ndarray, np.ndarray]:
    """Period number of each record's start, and whether the granularity can place it."""
    if granularity == "year":
        return snapshot.month // 12, np.ones(snapshot.size, dtype=bool)
    if granularity == "month":
        return snapshot.month.astype(np.int64), snapshot.month_known
    raise ValueError(f"unknown granularity {granularity!r}; allowed: {', '.join(GRANULARITIES)}")


def _label(period: int, granularity: str) -> str:
    if granularity == "year":
        return f"{1970 + period:04d}"
    return f"{1970 + period // 12:04d}-{period % 12 + 1:02d}"


def _count_cells(snapshot: Snapshot, rows: np.ndarray, cell: np.ndarray, n_cells: int,
                 min_cell: int) -> pd.DataFrame:
    """Per cell: incidents, distinct datasets and organisations, member incidents, slugs."""
    sources = snapshot.sources
    member_slug = sources.index(MEMBER_SOURCE) if MEMBER_SOURCE in sources else -1
    source = snapshot.source[rows]
    organisation = snapshot.organisation[rows]
    is_member = (source == member_slug) | (organisation >= 0)
    incidents = np.bincount(cell, minlength=n_cells)
    members = np.bincount(cell[is_member], minlength=n_cells)
    open_rows = ~is_member
    datasets, grid = _distinct_per_cell(cell[open_rows], source[open_rows], n_cells,
                                        len(sources))
    # member records without an organisation code (hand-built snapshots) count as one
    org_codes = np.where(organisation[is_member] >= 0, organisation[is_member] + 1, 0)
    n_orgs = int(org_codes.max()) + 1 if org_codes.size else 0
    organisations, _ = _distinct_per_cell(cell[is_member], org_codes, n_cells, n_orgs)
    if grid is None and open_rows.any():  # sparse path: slugs from the distinct pairs
        pairs = np.unique(cell[open_rows].astype(np.int64) * len(sources) + source[open_rows])
        slugs = {}
        for pair in pairs:
            slugs.setdefault(int(pair // len(sources)), []).append(sources[pair % len(sources)])
    else:
        slugs = None
    used = np.flatnonzero(incidents)
    withheld = (members[used] > 0) & (members[used] < min_cell)
    orgs = pd.array(organisations[used], dtype="Int64")
    orgs[withheld] = pd.NA
    if grid is not None:
        names = [tuple(sources[j] for j in np.flatnonzero(grid[i])) for i in used]
    else:
        names = [tuple(sorted((slugs or {}).get(int(i), ()))) for i in used]
    return pd.DataFrame({
        "cell": used, "incidents": incidents[used].astype(np.int64),
        "datasets": datasets[used].astype(np.int64), "organisations": orgs,
        "member_incidents": members[used].astype(np.int64), "dataset_slugs": names,
    })


def coverage(snapshot: Snapshot, mask: np.ndarray, granularity: str = "year", *,
             min_cell: int) -> Coverage:
    """Distinct open datasets and member organisations per member state and period.

    Parameters
    ----------
    snapshot : Snapshot
    mask : numpy.ndarray of bool
        Selected records (:meth:`Snapshot.mask` of the page's filter), demo records included
        like in every other view.
    granularity : {"year", "month"}
        Period of a record's (public) start date. A monthly view cannot place records known
        only to the year: they count in the totals and in ``unplaced``.
    min_cell : int
        Member-record threshold (``Settings.min_cell``) below which a cell's organisation
        count is withheld.

    Returns
    -------
    Coverage
    """
    periods_of, placeable = _periods(snapshot, granularity)
    known = mask & (snapshot.country < len(snapshot.countries))
    rows = np.flatnonzero(known)
    n_countries = len(snapshot.countries)
    country = snapshot.country[rows].astype(np.int64)
    totals = _count_cells(snapshot, rows, country, n_countries, min_cell)
    totals.insert(0, "country", [snapshot.countries[i] for i in totals.pop("cell")])
    in_period = placeable[rows]
    placed = rows[in_period]
    period = periods_of[placed].astype(np.int64)
    first = int(period.min()) if period.size else 0
    width = int(period.max()) - first + 1 if period.size else 0
    cells = _count_cells(snapshot, placed, country[in_period] * width + (period - first),
                         n_countries * width, min_cell)
    cell = cells.pop("cell").to_numpy()
    cells.insert(0, "period", [_label(first + int(c % width), granularity) for c in cell])
    cells.insert(0, "country", [snapshot.countries[int(c // width)] for c in cell])
    overall = _count_cells(snapshot, rows, np.zeros(rows.size, dtype=np.int64), 1, min_cell)
    datasets = tuple(sorted(overall["dataset_slugs"].iloc[0])) if len(overall) else ()
    orgs = overall["organisations"].iloc[0] if len(overall) else 0
    withheld = int(cells["organisations"].isna().sum() + totals["organisations"].isna().sum())
    return Coverage(
        granularity=granularity,
        periods=tuple(_label(first + i, granularity) for i in range(width)),
        countries=tuple(totals["country"]),
        cells=cells.loc[:, list(CELL_COLUMNS)],
        totals=totals,
        datasets=datasets,
        organisations=None if pd.isna(orgs) else int(orgs),
        withheld=withheld,
        unplaced=int(rows.size - placed.size),
        contains_demo=snapshot.contains_demo(known),
        min_cell=min_cell,
    )
