"""Runtime access to the shipped country boundaries (``geo/reference/*.geojson``).

The files are produced by :mod:`geo.build_boundaries`; see ``geo/reference/PROVENANCE.md``.
Nothing is read at import time.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import geopandas

__all__ = ["context_geojson_path", "eu27_geojson_path", "load_eu27", "reference_dir"]


def reference_dir() -> Path:
    """Return the folder holding the shipped country boundaries and their provenance.

    Returns
    -------
    pathlib.Path
        ``<repository>/geo/reference``.
    """
    return Path(__file__).resolve().parent / "reference"


def eu27_geojson_path() -> Path:
    """Return the path of the EU-27 member-state boundaries.

    Returns
    -------
    pathlib.Path
        ``geo/reference/eu27.geojson``: 27 features, ``id`` = ISO alpha-2 (Greece ``GR``),
        properties ``iso2``, ``iso3``, ``name``; EPSG:4326.
    """
    return reference_dir() / "eu27.geojson"


def context_geojson_path() -> Path:
    """Return the path of the grey context shapes (non-EU countries around the EU).

    Returns
    -------
    pathlib.Path
        ``geo/reference/context.geojson``: features with property ``name`` (and ``note``
        for Northern Cyprus); EPSG:4326.
    """
    return reference_dir() / "context.geojson"


@functools.lru_cache(maxsize=1)
def load_eu27() -> geopandas.GeoDataFrame:
    """Load the EU-27 member-state boundaries.

    The result is cached: treat it as read-only (``.copy()`` it before changing it).

    Returns
    -------
    geopandas.GeoDataFrame
        27 rows in protocol order, index ``iso2`` (ISO 3166-1 alpha-2, Greece ``GR``),
        columns ``iso3``, ``name`` and ``geometry``; CRS EPSG:4326.
    """
    import geopandas

    frame = geopandas.read_file(eu27_geojson_path())
    frame = frame.set_index("iso2", drop=True)[["iso3", "name", "geometry"]]
    if frame.crs is None:
        frame = frame.set_crs("EPSG:4326")
    return frame.to_crs("EPSG:4326")
