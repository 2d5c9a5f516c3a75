"""NUTS regions for the synthetic demo data, when NUTS boundary files are available.

The demo records' points are assigned to NUTS 1/2/3 regions with the same point-in-polygon
rules as ingested data (:mod:`geo.assign`). A few records are then made coarser, placed only
to a NUTS 3, NUTS 2 or NUTS 1 region (no point), so the regional maps have records they
cannot show at a finer level, as real data does. A separate random stream is used, so every
other value of the demo data stays as :func:`data.records.demo.generate` made it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

NUTS_VERSION = "2024"
#: Share of the demo's municipality-level records made coarser, per level.
COARSER_SHARE = {"nuts3": 0.12, "nuts2": 0.08, "nuts1": 0.05}
_LEVEL_COLUMNS = ("nuts1", "nuts2", "nuts3")


def place_in_regions(frame: pd.DataFrame, nuts_dir: Path, seed: int) -> pd.DataFrame:
    """Add ``nuts1``, ``nuts2``, ``nuts3`` and ``nuts_version`` to demo incidents.

    Parameters
    ----------
    frame : pandas.DataFrame
        Demo incidents (``country``, ``lat``, ``lon``, ``geo_precision``, ``place_name``) as
        :func:`data.records.demo.generate` returns them.
    nuts_dir : pathlib.Path
        Folder with the GISCO NUTS 2024 files.
    seed : int
        The demo's seed (the coarsening uses its own stream derived from it).

    Returns
    -------
    pandas.DataFrame
        A copy with the NUTS columns; points outside their own country's regions get none.
        Some municipality-level records become ``nuts3``, ``nuts2`` or ``nuts1`` records
        without a point (:data:`COARSER_SHARE`).
    """
    from geo.assign import load_boundaries

    out = frame.copy()
    lat = out["lat"].to_numpy(float)
    lon = out["lon"].to_numpy(float)
    located = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon))
    codes = {c: np.full(len(out), None, dtype=object) for c in _LEVEL_COLUMNS}
    if located.size:
        country = out["country"].to_numpy(object)[located]
        assigned = load_boundaries(nuts_dir).assign(lon[located], lat[located],
                                                    stated_iso2=country)
        own = (assigned["country"].to_numpy(object) == country) \
            & assigned["nuts3"].notna().to_numpy()
        for column in _LEVEL_COLUMNS:
            codes[column][located[own]] = assigned[column].to_numpy(object)[own]
    rng = np.random.default_rng([seed, 2024])
    draw = rng.random(len(out))
    municipal = (out["geo_precision"].to_numpy(object) == "municipality") \
        & (codes["nuts3"] != None)  # noqa: E711 - elementwise on an object array
    precision = out["geo_precision"].to_numpy(object).copy()
    low = 0.0
    for level, share in COARSER_SHARE.items():
        chosen = municipal & (draw >= low) & (draw < low + share)
        low += share
        precision[chosen] = level
        for column in _LEVEL_COLUMNS[int(level[-1]):]:
            codes[column][chosen] = None
    coarser = np.isin(precision, list(COARSER_SHARE))
    out["geo_precision"] = precision
    out.loc[coarser, ["lat", "lon"]] = np.nan
    out.loc[coarser, "place_name"] = None
    for column in _LEVEL_COLUMNS:
        out[column] = codes[column]
    out["nuts_version"] = np.where(codes["nuts1"] != None, NUTS_VERSION, None)  # noqa: E711
    return out
