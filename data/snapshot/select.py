"""Selecting a snapshot's records: the mask of a filter and the positions it selects.

:class:`Selecting` is the filtering half of :class:`data.snapshot.model.Snapshot`. A mask is a
read-only boolean array over the snapshot's records; the aggregates of one filter change
(map, timeline, breakdowns) gather the selected values by position, found once per mask
(:meth:`Selecting._positions`): gathering by position is two to four times faster than
indexing with a random boolean mask at a million records.
"""

from __future__ import annotations

import datetime as dt
import threading

import numpy as np

from data.filters import CODE_PARAMS, IncidentFilter

EPOCH = dt.date(1970, 1, 1)
#: Up to this many wanted values a filter compares each value (else a lookup table).
_FEW = 4
#: Code masks remembered per snapshot (a megabyte each at a million records).
_CODE_MASKS = 8
_MEMO_LOCK = threading.Lock()


class Selecting:
    """Masks and positions of the records a filter selects (mixed into ``Snapshot``).

    Needs the snapshot's ``size``, ``start``, ``end``, ``country``, ``countries``,
    ``nuts``, ``links``, ``source``, ``sources`` and ``taxonomy``.
    """

    #: The last read-only mask aggregated and the positions of its records (:meth:`_positions`).
    _memo = None

    def _code_bits(self, kind: str, codes: tuple[str, ...]) -> np.uint64:
        all_codes = self.taxonomy.codes(kind)
        wanted = self.taxonomy.expand(kind, codes)
        value = 0
        for i, code in enumerate(all_codes):
            if code in wanted:
                value |= 1 << i
        return np.uint64(value)

    def mask(self, flt: IncidentFilter) -> np.ndarray:
        """Boolean mask of the records matching ``flt`` (``bias=None`` means no bias filter).

        The mask is read-only: the aggregates of one filter change share the positions of
        its records (:meth:`_positions`), which an edited mask would invalidate.
        """
        parts = []
        if flt.date_from:
            parts.append(self.start >= (flt.date_from - EPOCH).days)
        if flt.date_to:
            parts.append(self.end <= (flt.date_to - EPOCH).days)
        if flt.country:
            parts.append(self._one_of(self.country, [self.countries.index(iso) for iso in
                                                     flt.country if iso in self.countries],
                                      256))
        if flt.region:
            region_keep = np.zeros(self.size, dtype=bool)
            for code in flt.region:
                level = f"nuts{len(code) - 2}"
                if level in self.nuts:
                    idx, names = self.nuts[level]
                    if code in names:
                        region_keep |= idx == names.index(code)
            parts.append(region_keep)
        for kind in CODE_PARAMS:
            codes = getattr(flt, kind)
            if codes:
                parts.append(self._code_mask(kind, self._code_bits(kind, codes)))
        if flt.source:
            parts.append(self._one_of(self.source, [self.sources.index(slug) for slug in
                                                    flt.source if slug in self.sources],
                                      len(self.sources) + 1))
        if not parts:
            keep = np.ones(self.size, dtype=bool)
        elif len(parts) == 1 and not parts[0].flags.writeable:
            return parts[0]  # a remembered code mask: read-only already
        else:
            keep = parts[0] & parts[1] if len(parts) > 1 else parts[0]
            for part in parts[2:]:
                keep &= part
        keep.flags.writeable = False
        return keep

    def _code_mask(self, kind: str, value: np.uint64) -> np.ndarray:
        """Records with any of the codes of ``value`` (bits of ``kind``), read-only.

        The last few are remembered per snapshot: most views apply the default bias scope.
        """
        memo = self.__dict__.setdefault("_code_masks", {})
        key = (kind, int(value))
        found = memo.get(key)
        if found is None:
            found = (self.links[kind].bits & value) != 0
            found.flags.writeable = False
            with _MEMO_LOCK:
                while len(memo) >= _CODE_MASKS:
                    memo.pop(next(iter(memo)))
                memo[key] = found
        return found

    @staticmethod
    def _one_of(codes: np.ndarray, wanted: list[int], size: int) -> np.ndarray:
        """Whether each code (below ``size``) is among ``wanted``.

        A comparison per wanted value when there are few (a quarter of a millisecond each
        at a million records), a lookup table otherwise.
        """
        if len(wanted) <= _FEW:
            out = np.zeros(len(codes), dtype=bool)
            for value in wanted:
                out |= codes == value
            return out
        lut = np.zeros(size, dtype=bool)
        lut[wanted] = True
        return lut.take(codes)

    def _positions(self, mask: np.ndarray) -> np.ndarray:
        """Positions of the records in ``mask``, shared by the aggregates of one mask.

        Gathering the selected values by position is two to four times faster than indexing
        with a random boolean mask, and the positions are found once for the map, the
        timeline and both breakdowns. Only read-only masks with their own memory (those of
        :meth:`mask`) are remembered, so a remembered mask cannot have changed since.
        """
        memo = self._memo
        if memo is not None and memo[0] is mask:
            return memo[1]
        positions = np.flatnonzero(mask)
        positions.flags.writeable = False
        if not mask.flags.writeable and mask.base is None:
            self._memo = (mask, positions)  # one assignment: safe between request threads
        return positions
