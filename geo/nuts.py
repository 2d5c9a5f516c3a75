"""Eurostat GISCO NUTS 2024 regions (levels 1-3) read from a local folder.

The files are the GISCO GeoJSON downloads in EPSG:4326, e.g.
``NUTS_RG_20M_2024_4326_LEVL_3.geojson`` (one level per file) or
``NUTS_RG_20M_2024_4326.geojson`` (all levels in one file). The folder is given by the
``INCIDENTMAP_NUTS_DIR`` setting; tests use ``../shared/data/geo/nuts2024``.

Eurostat writes Greece as ``EL``; the project's canonical country code is ISO alpha-2 (``GR``).
:func:`eurostat_to_iso` and :func:`iso_to_eurostat` convert at this boundary and nowhere else.
NUTS codes themselves keep the Eurostat prefix (Athens is ``EL303``).

Nothing is read at import time.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import geopandas

__all__ = [
    "EU27_EUROSTAT",
    "LEVELS",
    "NUTS_VERSION",
    "SCALES",
    "NutsError",
    "eurostat_to_iso",
    "find_nuts_files",
    "iso_to_eurostat",
    "load_nuts",
    "usable_nuts_dir",
]

NUTS_VERSION = "2024"
LEVELS = (1, 2, 3)
#: GISCO scales, finest (most detailed) first: 1:1 million ... 1:60 million.
SCALES = ("01M", "03M", "10M", "20M", "60M")
#: The 27 member states as Eurostat writes them (Greece ``EL``).
# fmt: off
EU27_EUROSTAT = frozenset([
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
])
# fmt: on
COLUMNS = ["NUTS_ID", "CNTR_CODE", "NAME_LATN", "geometry"]

_EUROSTAT_TO_ISO = {"EL": "GR"}
_ISO_TO_EUROSTAT = {iso: eurostat for eurostat, iso in _EUROSTAT_TO_ISO.items()}
_FILE_RE = re.compile(
    rf"^NUTS_RG_(?P<scale>{'|'.join(SCALES)})_{NUTS_VERSION}_4326(?:_LEVL_(?P<level>[0-3]))?"
    r"\.geojson$"
)


class NutsError(RuntimeError):
    """The NUTS folder or one of its files cannot be used; the message says why."""


def eurostat_to_iso(code: str) -> str:
    """Convert a Eurostat country code to ISO 3166-1 alpha-2.

    Parameters
    ----------
    code : str
        Eurostat country code, e.g. ``"EL"`` or ``"DE"``.

    Returns
    -------
    str
        ``"GR"`` for ``"EL"``; any other code unchanged.
    """
    return _EUROSTAT_TO_ISO.get(code, code)


def iso_to_eurostat(code: str) -> str:
    """Convert an ISO 3166-1 alpha-2 country code to the Eurostat code.

    Parameters
    ----------
    code : str
        ISO alpha-2 code, e.g. ``"GR"`` or ``"DE"``.

    Returns
    -------
    str
        ``"EL"`` for ``"GR"``; any other code unchanged.
    """
    return _ISO_TO_EUROSTAT.get(code, code)


def _expected_names() -> str:
    scales = "/".join(SCALES)
    return (
        f"NUTS_RG_<scale>_{NUTS_VERSION}_4326_LEVL_<1|2|3>.geojson for each level, or the "
        f"all-levels file NUTS_RG_<scale>_{NUTS_VERSION}_4326.geojson (scale one of {scales})"
    )


def find_nuts_files(nuts_dir: Path) -> dict[int, Path]:
    """Pick the GISCO NUTS 2024 files to use for levels 1, 2 and 3.

    All three levels come from one scale, so that a NUTS 3 region and its NUTS 2 and NUTS 1
    parents share the same generalised borders. The finest (most detailed) scale for which all
    three levels are present wins, in the order of :data:`SCALES` (``01M``, ``03M``, ``10M``,
    ``20M``, ``60M``): finer borders put fewer coastal and border points outside every polygon.
    At one scale, the per-level file ``..._LEVL_<n>.geojson`` is preferred to the all-levels file
    (it is smaller); the all-levels file fills any level missing at that scale. Other files
    (level 0, ``_derived`` files, other years or projections) are ignored.

    Parameters
    ----------
    nuts_dir : pathlib.Path
        Folder holding the GISCO GeoJSON files (EPSG:4326).

    Returns
    -------
    dict of int to pathlib.Path
        ``{1: path, 2: path, 3: path}``; with an all-levels file, several levels may map to the
        same path.

    Raises
    ------
    NutsError
        The folder does not exist, or no scale has all three levels; the message names the folder
        and the expected file names.
    """
    folder = Path(nuts_dir)
    if not folder.is_dir():
        raise NutsError(
            f"NUTS folder {folder} does not exist or is not a folder; expected {_expected_names()}"
        )
    per_level: dict[str, dict[int, Path]] = {}
    all_levels: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        match = _FILE_RE.match(path.name)
        if match is None or not path.is_file():
            continue
        scale, level = match["scale"], match["level"]
        if level is None:
            all_levels[scale] = path
        elif int(level) in LEVELS:
            per_level.setdefault(scale, {})[int(level)] = path
    for scale in SCALES:
        found = dict(per_level.get(scale, {}))
        if scale in all_levels:
            for level in LEVELS:
                found.setdefault(level, all_levels[scale])
        if all(level in found for level in LEVELS):
            return {level: found[level] for level in LEVELS}
    partial = sorted(p.name for files in per_level.values() for p in files.values())
    detail = f" (found only {', '.join(partial)})" if partial else ""
    raise NutsError(
        f"no usable NUTS {NUTS_VERSION} files in {folder}{detail}; expected {_expected_names()}"
    )


def usable_nuts_dir(nuts_dir: Path | None) -> Path | None:
    """Return ``nuts_dir`` when it holds usable NUTS files (:func:`find_nuts_files`), else None.

    Parameters
    ----------
    nuts_dir : pathlib.Path or None
        Folder to check (a missing folder is fine: the answer is None).

    Returns
    -------
    pathlib.Path or None
    """
    if nuts_dir is None:
        return None
    try:
        find_nuts_files(Path(nuts_dir))
    except NutsError:
        return None
    return Path(nuts_dir)


def load_nuts(
    nuts_dir: Path, *, members_only: bool = True
) -> dict[int, geopandas.GeoDataFrame]:
    """Load NUTS 2024 regions of levels 1, 2 and 3.

    The files are chosen by :func:`find_nuts_files`. Results are cached per resolved folder:
    treat the frames as read-only (``.copy()`` them before changing them).

    Parameters
    ----------
    nuts_dir : pathlib.Path
        Folder holding the GISCO GeoJSON files (EPSG:4326).
    members_only : bool, default True
        Keep only the 27 EU member states (``CNTR_CODE`` in :data:`EU27_EUROSTAT`, Greece
        ``EL``). ``False`` keeps every country in the files (EFTA and candidate countries too),
        which :mod:`geo.assign` uses to recognise points in non-member countries.

    Returns
    -------
    dict of int to geopandas.GeoDataFrame
        ``{1: frame, 2: frame, 3: frame}``; each frame has columns ``NUTS_ID``, ``CNTR_CODE``
        (Eurostat code), ``NAME_LATN`` and ``geometry`` (CRS EPSG:4326, valid), sorted by
        ``NUTS_ID`` with a fresh ``RangeIndex``.

    Raises
    ------
    NutsError
        No usable files (see :func:`find_nuts_files`), a file cannot be read, lacks a column, or
        holds codes of the wrong level.
    """
    resolved = Path(nuts_dir).expanduser().resolve()
    return dict(_load_cached(resolved, bool(members_only)))


@functools.lru_cache(maxsize=8)
def _load_cached(folder: Path, members_only: bool) -> dict[int, geopandas.GeoDataFrame]:
    if members_only:
        everything = _load_cached(folder, False)
        return {
            level: frame[frame["CNTR_CODE"].isin(EU27_EUROSTAT)].reset_index(drop=True)
            for level, frame in everything.items()
        }
    files = find_nuts_files(folder)
    raw: dict[Path, geopandas.GeoDataFrame] = {}
    for path in dict.fromkeys(files.values()):
        raw[path] = _read(path)
    return {level: _select_level(raw[path], level, path) for level, path in files.items()}


def _read(path: Path) -> geopandas.GeoDataFrame:
    import geopandas

    try:
        frame = geopandas.read_file(path)
    except Exception as exc:  # pyogrio raises several error types for unreadable files
        raise NutsError(f"cannot read NUTS file {path}: {exc}") from exc
    missing = [c for c in [*COLUMNS, "LEVL_CODE"] if c not in frame.columns]
    if missing:
        raise NutsError(f"NUTS file {path} lacks the column(s) {', '.join(missing)}")
    if frame.crs is None:
        frame = frame.set_crs("EPSG:4326")
    elif frame.crs.to_epsg() != 4326:
        frame = frame.to_crs("EPSG:4326")
    return frame


def _select_level(
    frame: geopandas.GeoDataFrame, level: int, path: Path
) -> geopandas.GeoDataFrame:
    import shapely

    levels = frame["LEVL_CODE"].astype("int64")
    part = frame.loc[levels == level, COLUMNS].copy()
    if part.empty:
        raise NutsError(f"NUTS file {path} has no regions of level {level}")
    codes = part["NUTS_ID"].astype(str)
    bad = codes[codes.str.len() != 2 + level]
    if not bad.empty:
        raise NutsError(f"NUTS file {path}: {bad.iloc[0]!r} is not a level-{level} NUTS code")
    part["NUTS_ID"] = codes.astype(object)
    part["CNTR_CODE"] = part["CNTR_CODE"].astype(str).astype(object)
    part["NAME_LATN"] = part["NAME_LATN"].astype(str).astype(object)
    geometry = part.geometry.values
    invalid = ~shapely.is_valid(geometry)
    if invalid.any():
        part.loc[invalid, "geometry"] = shapely.make_valid(geometry[invalid])
    return part.sort_values("NUTS_ID", kind="stable").reset_index(drop=True)
