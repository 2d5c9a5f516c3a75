"""In-memory analytic snapshot of the public records: compact numpy codes, fast aggregates.

A filter change on the dashboard becomes a boolean mask over a few compact arrays plus
``bincount`` calls (milliseconds at a million records) instead of a query per view. The
snapshot is built from the public projection (:mod:`data.privacy.publication`), so every public
count — map, timeline, breakdowns, the API's stats and the rows a download selects — comes from the
same records at the same public precision. It is keyed by the store's data version: any
write bumps the version, and :mod:`data.snapshot.cache` makes the snapshot of the new version
(by updating the previous one when little changed, see :mod:`data.snapshot.build`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from data.filters import CODE_PARAMS
from data.reference.taxonomy import Taxonomy
from data.snapshot.build import PublicData, build_public_data
from data.snapshot.derive import (
    Derived,
    derive,
    derive_spliced,
    record_detail,
)
from data.snapshot.select import Selecting
from data.store.db import data_version

EPOCH = dt.date(1970, 1, 1)
GROUPS = ("country", "nuts1", "nuts2", "nuts3", "year", "month", "week", "bias", "indicator",
          "type", "source")


@dataclass
class Timeline:
    """Counts per period and primary bias motivation, plus records the view cannot place."""

    counts: pd.DataFrame
    unplaced: int
    granularity: str


class Snapshot(Selecting):
    """Public records as compact arrays. Build with :func:`build` or :meth:`from_data`."""

    #: The data it was built from (:class:`data.snapshot.build.PublicData`), kept so that a
    #: later version can be made by updating it.
    data = None

    @classmethod
    def from_data(cls, data: PublicData, taxonomy: Taxonomy, version: int,
                  previous: Snapshot | None = None) -> Snapshot:
        """The snapshot of public records read from the store (:mod:`data.snapshot.build`).

        The arrays of ``data`` are shared, not copied; ``data`` is kept as :attr:`data`.

        Parameters
        ----------
        data : PublicData
        taxonomy : Taxonomy
        version : int
            The data version it stands for.
        previous : Snapshot, optional
            The snapshot of the data ``data`` was updated from
            (:func:`data.snapshot.update.update_public_data`): its codes are reused for the
            records that did not change (:func:`data.snapshot.derive.derive_spliced`).
        """
        self = cls.__new__(cls)
        records = data.records
        self.data = data
        self.version = version
        self.taxonomy = taxonomy
        self.last_change = data.last_change
        self.size = len(records.ids)
        self.ids = records.ids
        self.countries = tuple(c.iso2 for c in taxonomy.countries())
        self.country = records.country
        self.start, self.end, self.precision = records.start, records.end, records.precision
        derived = None
        if previous is not None and data.changes is not None and previous.taxonomy is taxonomy \
                and data.changes.derives_from(previous.data):
            derived = derive_spliced(previous, data, taxonomy)
        self._set_derived(derived or derive(data, taxonomy))
        self.detail = record_detail(records)
        self.fingerprint = self._fingerprint()
        return self

    def _set_derived(self, derived: Derived) -> None:
        self.source, self.sources = derived.source, derived.sources
        self.is_demo = derived.is_demo
        self.organisation = derived.organisation
        self.nuts = derived.nuts
        self.links = derived.links
        self._set_timelines(derived.timelines)

    def _set_timelines(self, timelines) -> None:
        #: Per granularity, which records it can place and their bincount keys.
        self.timelines = timelines
        #: Month number (months since 1970-01) of each record's start, and whether the
        #: record is known to that month (day, week or month precision): for playback.
        self.month, self.month_known = timelines.month, timelines.month_known

    def _fingerprint(self) -> str:
        """A short id of the public content: changes when any published value changes.

        Unlike the store's data version it does not move when unpublished records change,
        so public responses do not reveal activity behind the scenes.
        """
        digest = hashlib.sha256()
        for array in (self.ids, self.country, self.start, self.end, self.precision,
                      self.source, *(link.bits for link in self.links.values()),
                      self.links["bias"].primary, self.links["type"].primary,
                      *(idx for idx, _ in self.nuts.values())):
            digest.update(memoryview(np.ascontiguousarray(array)).cast("B"))
        for names in (self.sources, *(names for _, names in self.nuts.values())):
            digest.update("\x1f".join(names).encode())
        digest.update(self.last_change.encode())  # edits of fields the arrays do not hold
        return digest.hexdigest()[:16]

    # -- aggregates ------------------------------------------------------------------------
    def count(self, mask: np.ndarray) -> int:
        """Number of distinct incidents in ``mask``."""
        return int(np.count_nonzero(mask))

    def contains_demo(self, mask: np.ndarray) -> bool:
        """True when any selected record is synthetic demo data."""
        return bool(np.any(self.is_demo & mask))

    @property
    def has_demo(self) -> bool:
        """True when any public record is synthetic demo data."""
        return bool(self.is_demo.any())

    def by_country(self, mask: np.ndarray) -> pd.Series:
        """Incidents per member state (all 27, zeros included), indexed by ISO alpha-2."""
        counts = np.bincount(self.country[self._positions(mask)],
                             minlength=256)[: len(self.countries)]
        return pd.Series(counts, index=list(self.countries), name="count")

    def by_code(self, mask: np.ndarray, kind: str) -> pd.Series:
        """Incidents per code of ``kind``; a record with several codes counts once for each."""
        link = self.links[kind]
        codes = self.taxonomy.codes(kind)
        if link.primary is None:
            counts = np.bincount(link.codes[mask[link.rows]], minlength=len(codes))
        else:  # primary codes (one array read) plus the few other links
            counts = np.bincount(link.primary[self._positions(mask)], minlength=256
                                 )[: len(codes)] + np.bincount(
                link.extra_codes[mask[link.extra_rows]], minlength=len(codes))[: len(codes)]
        return pd.Series(counts[: len(codes)], index=list(codes), name="count")

    def by_group(self, mask: np.ndarray, group: str) -> tuple[pd.Series, int]:
        """Counts for the API's ``group_by`` values; returns (counts, records not placeable)."""
        if group == "country":
            return self.by_country(mask), 0
        if group in CODE_PARAMS:
            return self.by_code(mask, group), 0
        if group == "source":
            counts = np.bincount(self.source[self._positions(mask)],
                                 minlength=len(self.sources))
            return pd.Series(counts, index=list(self.sources), name="count"), 0
        if group in self.nuts:
            idx, names = self.nuts[group]
            counts = np.bincount(idx[self._positions(mask)], minlength=len(names))
            series = pd.Series(counts, index=list(names), name="count")
            unplaced = int(series.get("", 0))
            return series.drop("", errors="ignore"), unplaced
        if group in ("year", "month", "week"):
            timeline = self.timeline(mask, group)
            totals = timeline.counts.groupby("period")["count"].sum()
            return totals.rename("count"), timeline.unplaced
        raise ValueError(f"unknown group {group!r}; allowed: {', '.join(GROUPS)}")

    def timeline(self, mask: np.ndarray, granularity: str = "month") -> Timeline:
        """Counts per period and primary bias motivation.

        Monthly views count records known to the day, week or month; weekly views only
        records known to the day or week; yearly views every record. Records the view cannot
        place are counted in ``unplaced``, never spread over periods.
        """
        codes = self.taxonomy.codes("bias")
        width = len(codes) + 1  # the last column counts records without a primary motivation
        columns = ["period", "bias", "count"]
        # key 0: records this granularity cannot place; cell k + 1: grid cell k
        grid = np.bincount(self.timelines.keys[granularity][self._positions(mask)])
        unplaced = int(grid[0]) if grid.size else 0
        grid = grid[1:]
        if not grid.any():
            return Timeline(pd.DataFrame(columns=columns), unplaced, granularity)
        cells = np.flatnonzero(grid)
        first = self.timelines.first[granularity]
        labels = np.array([*codes, "unknown"], dtype=object)
        rows = cells // width
        names = {p: _period_label(first + int(p), granularity) for p in np.unique(rows)}
        counts = pd.DataFrame({
            "period": [names[p] for p in rows],
            "bias": labels[cells % width],
            "count": grid[cells],
        })
        return Timeline(counts, unplaced, granularity)

    def select_positions(self, mask: np.ndarray) -> np.ndarray:
        """Snapshot positions of the selected records, newest first (stable for paging).

        Records of the same date are ordered by a scrambled id, not by the order they were
        stored in, which for member records could hint at which came first within a month.
        """
        positions = self._positions(mask)
        scrambled = (self.ids[positions].astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) \
            >> np.uint64(11)
        order = np.lexsort((scrambled, -self.start[positions]))
        return positions[order]

    def select_ids(self, mask: np.ndarray) -> np.ndarray:
        """Incident ids of the selected records, in :meth:`select_positions` order."""
        return self.ids[self.select_positions(mask)]


def _period_label(index: int, granularity: str) -> str:
    """Label of a period number: years, months or Monday-based weeks since 1970."""
    if granularity == "year":
        return f"{1970 + index:04d}"
    if granularity == "month":
        return f"{1970 + index // 12:04d}-{index % 12 + 1:02d}"
    monday = EPOCH + dt.timedelta(days=index * 7 - 3)
    iso = monday.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}"


def build(engine: Engine, taxonomy: Taxonomy, min_cell: int) -> Snapshot:
    """Build a snapshot of the public records currently in the store (a full read).

    ``min_cell`` (``Settings.min_cell``) decides the regions member records are shown at
    (:mod:`data.privacy.generalise`).
    """
    version = data_version(engine)
    return Snapshot.from_data(build_public_data(engine, taxonomy, min_cell), taxonomy, version)
