"""Download the GISCO NUTS 2024 boundary files (``incidentmap geo fetch-nuts``).

The files are the ones :func:`geo.nuts.load_nuts` reads: one GeoJSON file per level,
``NUTS_RG_<scale>_2024_4326_LEVL_<1|2|3>.geojson`` (EPSG:4326), from Eurostat GISCO's
distribution folder (``INCIDENTMAP_NUTS_URL``). They are downloaded into a temporary folder
beside the target, checked (GeoJSON with the NUTS columns and codes of the right level), and
only then renamed into place, so a failed or interrupted download never leaves a half-written
file where the app looks for boundaries.

Nothing is downloaded or read at import time.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from geo.download import DownloadError, download
from geo.nuts import LEVELS, NUTS_VERSION, SCALES, find_nuts_files

__all__ = ["DEFAULT_SCALE", "FetchNutsError", "FetchedFile", "fetch_nuts", "nuts_file_names"]

DEFAULT_SCALE = "20M"
TIMEOUT_S = 60.0
MAX_BYTES = 200 * 1024**2  # the 1:1 million NUTS 3 file is about 70 MB
USER_AGENT = "incidentmap-geo-fetch-nuts"
ATTRIBUTION = "© EuroGeographics for the administrative boundaries, © European Union / GISCO"


class FetchNutsError(RuntimeError):
    """The NUTS files could not be downloaded or are not usable; the message says why."""


@dataclass(frozen=True)
class FetchedFile:
    """One downloaded file: its name, size in bytes and number of regions."""

    name: str
    size: int
    regions: int


def nuts_file_names(scale: str = DEFAULT_SCALE) -> list[str]:
    """The GISCO file names of levels 1, 2 and 3 at ``scale``.

    Parameters
    ----------
    scale : str, default "20M"
        One of :data:`geo.nuts.SCALES` (``01M`` ... ``60M``).

    Returns
    -------
    list of str
        E.g. ``NUTS_RG_20M_2024_4326_LEVL_1.geojson`` ... ``_LEVL_3.geojson``.

    Raises
    ------
    FetchNutsError
        An unknown scale.
    """
    if scale not in SCALES:
        raise FetchNutsError(f"unknown scale {scale!r}; use one of {', '.join(SCALES)}")
    return [f"NUTS_RG_{scale}_{NUTS_VERSION}_4326_LEVL_{level}.geojson" for level in LEVELS]


def _download(url: str, target: Path, timeout: float) -> int:
    try:
        return download(url, target, max_bytes=MAX_BYTES, timeout=timeout,
                        user_agent=USER_AGENT)
    except DownloadError as exc:
        hint = (". Is this machine offline? Copy the files from a machine that is online into "
                "a folder and set INCIDENTMAP_NUTS_DIR to it") if exc.offline else ""
        raise FetchNutsError(f"{exc}{hint}") from exc


def _check(path: Path, level: int, url: str) -> int:
    """Number of regions in a downloaded file; raises unless it is a NUTS file of ``level``."""
    try:
        data = json.loads(path.read_bytes())
        features = data["features"]
        codes = [f["properties"]["NUTS_ID"] for f in features]
        levels = {int(f["properties"]["LEVL_CODE"]) for f in features}
    except (ValueError, KeyError, TypeError) as exc:
        raise FetchNutsError(f"{url} is not a GISCO NUTS GeoJSON file ({exc!r})") from exc
    if not codes or levels != {level} or any(len(str(c)) != 2 + level for c in codes):
        raise FetchNutsError(f"{url} does not hold NUTS level-{level} regions")
    return len(codes)


def fetch_nuts(target: Path, base_url: str, *, scale: str = DEFAULT_SCALE,
               timeout: float = TIMEOUT_S,
               progress: Callable[[FetchedFile], None] | None = None) -> list[FetchedFile]:
    """Download the NUTS 2024 files of levels 1-3 into ``target``, atomically.

    Parameters
    ----------
    target : pathlib.Path
        Folder to fill (created when missing). Other files in it are left alone; files of the
        same names are replaced.
    base_url : str
        URL of the folder holding the files (GISCO's ``.../distribution/v2/nuts/geojson/``).
    scale : str, default "20M"
        GISCO scale (see :func:`nuts_file_names`); 20M is detailed enough for the regional
        maps and for placing points, and small (about 2 MB for the three files).
    timeout : float
        Seconds to wait for the server on each request.
    progress : callable, optional
        Called with each :class:`FetchedFile` once it is downloaded and checked.

    Returns
    -------
    list of FetchedFile
        The three files, level 1 first.

    Raises
    ------
    FetchNutsError
        Unreachable server (offline), an HTTP error, or a file that is not what was expected.
        ``target`` is unchanged then.
    """
    names = nuts_file_names(scale)
    base = base_url if base_url.endswith("/") else base_url + "/"
    target = Path(target).expanduser()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        fetched = []
        for level, name in zip(LEVELS, names, strict=True):
            url = urljoin(base, name)
            size = _download(url, staging / name, timeout)
            done = FetchedFile(name, size, _check(staging / name, level, url))
            fetched.append(done)
            if progress:
                progress(done)
        find_nuts_files(staging)  # the app will find them
        if not target.exists():
            staging.chmod(0o755)  # mkdtemp makes it private; the app's user must read it
            staging.rename(target)
        else:
            for name in names:
                (staging / name).replace(target / name)
        return fetched
    finally:
        shutil.rmtree(staging, ignore_errors=True)
