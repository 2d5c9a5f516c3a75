"""Named administrative units -> NUTS codes (a German Land, a region name, a NUTS code)."""

from __future__ import annotations

import re

from data.reference.taxonomy import normalise_label
from geo.nuts import eurostat_to_iso

_NUTS = re.compile(r"^[A-Z]{2}[0-9A-Z]{1,3}$")


class RegionIndex:
    """Look up NUTS regions by code or by name within a country.

    Parameters
    ----------
    nuts : dict of int to GeoDataFrame
        NUTS levels 1-3 with columns ``NUTS_ID``, ``CNTR_CODE`` and ``NAME_LATN``
        (and optionally ``NUTS_NAME``), as loaded by :func:`geo.nuts.load_nuts`.
    """

    def __init__(self, nuts: dict):
        self.codes: dict[str, int] = {}
        self.names: dict[tuple[str, str], list[str]] = {}
        for level in (1, 2, 3):
            frame = nuts.get(level)
            if frame is None:
                continue
            for row in frame.itertuples():
                self.codes[row.NUTS_ID] = level
                country = eurostat_to_iso(row.CNTR_CODE)
                for name in {getattr(row, "NAME_LATN", ""), getattr(row, "NUTS_NAME", "")}:
                    key = normalise_label(name or "")
                    if key:
                        self.names.setdefault((country, key), []).append(row.NUTS_ID)

    def resolve(self, text: str, iso2: str | None) -> str | None:
        """The NUTS code a region cell names, or None.

        A NUTS code (``DE3``, ``EL30``) is taken as is when it exists; a name is looked up
        within ``iso2`` and the coarsest level that has it wins (``Berlin`` -> ``DE3``).
        """
        value = (text or "").strip()
        code = value.upper().replace(" ", "")
        if _NUTS.match(code) and code in self.codes:
            return code
        if not iso2:
            return None
        found = self.names.get((iso2, normalise_label(value)))
        if not found:
            return None
        return min(found, key=lambda c: (self.codes[c], c))


def nuts_levels(code: str) -> dict[str, str | None]:
    """``{"nuts1": .., "nuts2": .., "nuts3": ..}`` implied by one NUTS code."""
    return {
        "nuts1": code[:3] if len(code) >= 3 else None,
        "nuts2": code[:4] if len(code) >= 4 else None,
        "nuts3": code[:5] if len(code) >= 5 else None,
    }


def country_of_nuts(code: str) -> str:
    """ISO alpha-2 country of a NUTS code (``EL`` -> ``GR``)."""
    return eurostat_to_iso(code[:2])
