"""Per-country NUTS 1/2/3 geometry for the web map, simplified and cached on disk.

The regional map of a member state needs that state's regions at one level: a small GeoJSON
file (``DE-nuts3.geojson``: Germany's 400 NUTS 3 regions are about 110 KB, 21 KB gzipped at
the 1:20 million scale). :class:`WebRegions` writes every member state's files in one pass,
the first time one is asked for, into a cache folder keyed by the source files (names, sizes,
modification times) and this module's :data:`FORMAT_VERSION`; later processes read the
cached manifest only. Shared borders are simplified together
(``shapely.coverage_simplify``), so neighbouring regions keep meeting without gaps or slivers.

Nothing is read or written at import time.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import shutil
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from geo.nuts import EU27_EUROSTAT, LEVELS, eurostat_to_iso, find_nuts_files

__all__ = ["FORMAT_VERSION", "RegionLayer", "WebRegions", "file_name"]

FORMAT_VERSION = 1
TOLERANCE_DEG = 0.01  # about 1 km: invisible at a country's zoom, halves 1:1 million files
DECIMALS = 3
MAP_WIDTH_PX, MAP_HEIGHT_PX = 760, 520  # the map's usual size on a laptop screen
MAIN_PART_DEGREES = 5.0  # parts farther than this from the largest one are not framed


@dataclass(frozen=True)
class RegionLayer:
    """One member state's regions at one NUTS level, as served to the map.

    Attributes
    ----------
    country : str
        ISO 3166-1 alpha-2 code (Greece ``GR``).
    level : int
        NUTS level, 1-3.
    codes, names : tuple of str
        NUTS codes (Eurostat prefixes, Greece ``EL``) and Latin-script names, in code order.
    center : dict
        ``{"lon": ..., "lat": ...}`` of the view that frames the state's main territory
        (overseas regions are drawn but not framed).
    zoom : float
        MapLibre zoom of that view for a map of :data:`MAP_WIDTH_PX` x :data:`MAP_HEIGHT_PX`.
    file : str
        File name in the cache folder (see :func:`file_name`).
    size : int
        The file's size in bytes.
    """

    country: str
    level: int
    codes: tuple[str, ...]
    names: tuple[str, ...]
    center: dict
    zoom: float
    file: str
    size: int


def file_name(iso2: str, level: int) -> str:
    """The geometry file name of a member state at a level, e.g. ``DE-nuts3.geojson``."""
    return f"{iso2}-nuts{level}.geojson"


def _source_key(nuts_dir: Path) -> str:
    digest = hashlib.sha256(f"v{FORMAT_VERSION}:{TOLERANCE_DEG}:{DECIMALS}".encode())
    for level, path in sorted(find_nuts_files(nuts_dir).items()):
        stat = path.stat()
        digest.update(f"|{level}:{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def _mercator_y(lat: float) -> float:
    lat = max(min(lat, 85.0), -85.0)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / (2 * math.pi)


def frame_view(shapes) -> tuple[dict, float]:
    """Centre and zoom that frame the largest part of ``shapes`` and the parts near it.

    Overseas regions (the Canaries, Madeira, the Azores, France's outermost regions) are
    farther than :data:`MAIN_PART_DEGREES` from the main territory: drawn, not framed.

    Parameters
    ----------
    shapes : sequence of shapely geometries
        Polygonal shapes in lon/lat.

    Returns
    -------
    (dict, float)
        ``{"lon", "lat"}`` and a MapLibre zoom (0.5 .. 9) for a
        :data:`MAP_WIDTH_PX` x :data:`MAP_HEIGHT_PX` map with a margin.
    """
    import numpy as np
    import shapely

    shapes = np.asarray(shapes, dtype=object)
    whole = shapely.get_parts(shapely.coverage_union_all(shapes))
    main = whole[int(np.argmax(shapely.area(whole)))]
    near = shapely.distance(whole, main) <= MAIN_PART_DEGREES
    west, south, east, north = shapely.total_bounds(whole[near])
    dx = max(east - west, 0.05) / 360.0
    dy = max(_mercator_y(north) - _mercator_y(south), 0.05 / 360.0)
    fit = min(MAP_WIDTH_PX / (512 * dx), MAP_HEIGHT_PX / (512 * dy)) * 0.85
    zoom = round(min(max(math.log2(fit), 0.5), 9.0), 2)
    mid_y = (_mercator_y(north) + _mercator_y(south)) / 2
    lat = math.degrees(2 * math.atan(math.exp(mid_y * 2 * math.pi)) - math.pi / 2)
    return {"lon": round((west + east) / 2, 4), "lat": round(lat, 4)}, zoom


def _web_geometry(geometries):
    """Simplify a country's regions together, snap to the grid, orient for GeoJSON."""
    import numpy as np
    import shapely
    from shapely.geometry.polygon import orient

    shapes = np.asarray(geometries, dtype=object)
    shapes = shapely.coverage_simplify(shapes, TOLERANCE_DEG)
    shapes = shapely.set_precision(shapes, 10.0**-DECIMALS)
    out = []
    for shape in shapes:
        if not shape.is_valid:
            shape = shapely.make_valid(shape)
        parts = [orient(p, sign=1.0) for p in shapely.get_parts(shape)
                 if p.geom_type == "Polygon" and p.area > 0]
        out.append(shapely.MultiPolygon(parts) if len(parts) != 1 else parts[0])
    return out


def build_layers(nuts_dir: Path, folder: Path) -> list[RegionLayer]:
    """Write every member state's files for levels 1-3 into ``folder``; return their layers.

    Parameters
    ----------
    nuts_dir : pathlib.Path
        Folder with the GISCO NUTS 2024 files (see :func:`geo.nuts.find_nuts_files`).
    folder : pathlib.Path
        An existing, empty folder.

    Returns
    -------
    list of RegionLayer
    """
    from geo.build_boundaries import dumps_geojson, geojson_geometry
    from geo.nuts import load_nuts

    nuts = load_nuts(nuts_dir)
    layers = []
    for level in LEVELS:
        frame = nuts[level]
        for eurostat in sorted(EU27_EUROSTAT):
            part = frame[frame["CNTR_CODE"] == eurostat]
            if part.empty:
                continue
            iso = eurostat_to_iso(eurostat)
            shapes = _web_geometry(part.geometry.values)
            codes = tuple(part["NUTS_ID"])
            names = tuple(part["NAME_LATN"])
            features = [{"type": "Feature", "id": code, "properties": {"name": name},
                         "geometry": geojson_geometry(shape, DECIMALS)}
                        for code, name, shape in zip(codes, names, shapes, strict=True)]
            data = dumps_geojson({"type": "FeatureCollection", "features": features})
            name = file_name(iso, level)
            (folder / name).write_bytes(data)
            (folder / (name + ".gz")).write_bytes(gzip.compress(data, 9, mtime=0))
            center, zoom = frame_view(shapes)
            layers.append(RegionLayer(iso, level, codes, names, center, zoom, name, len(data)))
    return layers


class WebRegions:
    """The web geometry of one NUTS folder, built on first use and cached in ``cache_dir``.

    Parameters
    ----------
    nuts_dir : pathlib.Path
        Folder with usable GISCO NUTS 2024 files.
    cache_dir : pathlib.Path
        Folder for the generated files (e.g. ``INSTANCE_DIR/cache/nuts-web``); one
        sub-folder per source key.
    """

    def __init__(self, nuts_dir: Path, cache_dir: Path):
        self.nuts_dir = Path(nuts_dir)
        self.cache_dir = Path(cache_dir)
        self._layers: dict[tuple[str, int], RegionLayer] | None = None
        self._folder: Path | None = None
        self._key: str | None = None
        self._lock = threading.Lock()

    @property
    def key(self) -> str:
        """Short id of the source files and the output format (used to bust caches)."""
        if self._key is None:
            self._key = _source_key(self.nuts_dir)
        return self._key

    def _load(self) -> dict[tuple[str, int], RegionLayer]:
        layers = self._layers
        if layers is not None:
            return layers
        with self._lock:
            if self._layers is None:
                folder = self.cache_dir / self.key
                manifest = folder / "manifest.json"
                if not manifest.is_file():
                    self._build(folder)
                entries = json.loads(manifest.read_text())["layers"]
                self._layers = {(e["country"], e["level"]): RegionLayer(
                    **{**e, "codes": tuple(e["codes"]), "names": tuple(e["names"])})
                    for e in entries}
                self._folder = folder
            return self._layers

    def _build(self, folder: Path) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".building-", dir=self.cache_dir))
        try:
            layers = build_layers(self.nuts_dir, staging)
            (staging / "manifest.json").write_text(json.dumps(
                {"source": str(self.nuts_dir), "layers": [asdict(x) for x in layers]}))
            staging.chmod(0o755)
            try:
                staging.rename(folder)
            except OSError:  # another process finished first: use its files
                if not (folder / "manifest.json").is_file():
                    raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def layer(self, iso2: str, level: int) -> RegionLayer | None:
        """The regions of member state ``iso2`` at NUTS ``level``, or None when it has none."""
        return self._load().get((iso2, int(level)))

    def path(self, name: str) -> Path | None:
        """The cached file called ``name`` (as in :func:`file_name`), or None.

        Beside it lies ``name + ".gz"``, the same bytes gzip-compressed.
        """
        layers = self._load()
        if not any(layer.file == name for layer in layers.values()):
            return None
        return self._folder / name

    def layers(self) -> list[RegionLayer]:
        """Every layer (27 member states x 3 levels, fewer when files lack some)."""
        return list(self._load().values())
