"""Vectorised assignment of points to EU member states and NUTS 1/2/3 regions.

Build a :class:`Boundaries` once (:func:`load_boundaries` caches it) and call
:meth:`Boundaries.assign` with arrays of longitudes and latitudes (EPSG:4326): shapely 2
STRtree queries on whole arrays, in batches, with no Python loop per point. Rules, in order:

1. inside a NUTS 3 polygon (without NUTS files: a country polygon): ``"inside"``;
2. inside non-member land (``Boundaries.non_member_land``; Geneva, Basel, Belfast):
   ``"outside"``, even when a member polygon lies within the tolerance;
3. a NUTS 3 polygon within ``tolerance_km``: ``"nearest"`` (the closest);
4. with NUTS files only, the country polygons: ``"inside"``, else ``"nearest"`` within the
   tolerance, without NUTS codes;
5. otherwise ``"outside"``, country ``None``;
6. with ``stated_iso2``: a point not assigned to its stated country but within the tolerance
   of it goes to that country's nearest polygon (``"nearest"``).

Distances within the tolerance are taken in a local equirectangular frame centred on each
point P (``x = dlon * cos(lat_P) * K``, ``y = dlat * K``, ``K`` = 111.195 km per degree): an
affine map, so edges stay straight; error about ``tan(lat) * tolerance / R`` (0.3 % at 65°N
for 10 km), valid in the outermost regions too, where EPSG:3035 is distorted by tens of
percent. Candidates come from a box of half-size ``tolerance_km`` in that metric (widened to
the box's worst latitude); ``query_nearest`` in degrees would pick wrong polygons where a
degree of longitude is much shorter than one of latitude. For ``"outside"`` points the
distance is informative: great-circle km to the point of the nearest primary polygon in
degree space (``STRtree.query_nearest``), an upper bound.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import geopandas
    import pandas

__all__ = ["DEFAULT_TOLERANCE_KM", "Boundaries", "check_against_country", "load_boundaries",
           "swapped_would_match"]

DEFAULT_TOLERANCE_KM = 10.0
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = EARTH_RADIUS_KM * np.pi / 180.0
CODE_COLUMNS = ("country", "nuts1", "nuts2", "nuts3")
BATCH_POINTS = 250_000  # points per batch: bounds the memory of the geometry arrays
BATCH_COORDS = 2_000_000  # polygon coordinates moved at once in the nearest search
TILE_DEGREES = 1.0  # polygons are cut into pieces of at most one such grid cell


@dataclass(frozen=True, eq=False)
class _Layer:
    """Polygons cut along a ``TILE_DEGREES`` grid, in an STRtree, with their codes."""

    parts: np.ndarray
    codes: np.ndarray  # (len(parts), 4) object array
    tree: object = field(repr=False)

    @classmethod
    def build(cls, geometries, codes: np.ndarray) -> _Layer:
        import shapely

        parts, owner = shapely.get_parts(np.asarray(geometries, dtype=object), return_index=True)
        parts, owner = _tiles(parts, owner, TILE_DEGREES)
        return cls(parts, np.asarray(codes, dtype=object)[owner], shapely.STRtree(parts))

    def inside(self, points: np.ndarray) -> np.ndarray:
        """Index of the first piece intersecting each point (lowest index wins), else -1."""
        query, part = self.tree.query(points, predicate="intersects")
        return _first(len(points), query, part, part, np.zeros(part.size))[0]

    def nearest_within(self, lon, lat, tolerance_km: float, country=None):
        """Closest piece within the tolerance (or -1) and its km; ``country`` restricts it."""
        import shapely

        dlat = tolerance_km / KM_PER_DEGREE * (1 + 1e-9)
        worst = np.radians(np.minimum(np.abs(lat) + dlat, 90.0))
        dlon = np.minimum(dlat / np.maximum(np.cos(worst), 1e-12), 360.0)
        query, part = self.tree.query(shapely.box(lon - dlon, lat - dlat, lon + dlon, lat + dlat))
        if country is not None:
            keep = self.codes[part, 0] == country[query]
            query, part = query[keep], part[keep]
        chunk = np.cumsum(shapely.get_num_coordinates(self.parts[part])) // BATCH_COORDS
        distance = np.empty(query.size)
        for number in np.unique(chunk):
            sel = np.flatnonzero(chunk == number)
            distance[sel] = _local_km(self.parts[part[sel]], lon[query[sel]], lat[query[sel]])
        keep = (distance <= tolerance_km) & (tolerance_km > 0)
        return _first(lon.size, query[keep], distance[keep], part[keep], distance[keep])

    def approximate_distance(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Great-circle km to the point of the nearest piece in degree space (upper bound)."""
        import shapely

        points = shapely.points(lon, lat)
        query, part = self.tree.query_nearest(points, all_matches=False)
        line = shapely.shortest_line(points[query], self.parts[part])
        ends = shapely.get_coordinates(shapely.get_point(line, 1))
        distance = np.full(lon.size, np.inf)
        distance[query] = _haversine_km(lon[query], lat[query], ends[:, 0], ends[:, 1])
        return distance


def _first(count: int, query, key, part, km) -> tuple[np.ndarray, np.ndarray]:
    """Per point, the pair with the smallest ``(key, part)``: (part or -1, km or inf)."""
    found, best = np.full(count, -1, dtype=np.int64), np.full(count, np.inf)
    if query.size:
        order = np.lexsort((part, key, query))
        query, part, km = query[order], part[order], km[order]
        first = np.r_[True, query[1:] != query[:-1]]
        found[query[first]], best[query[first]] = part[first], km[first]
    return found, best


def _tiles(parts: np.ndarray, owner: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray]:
    """Cut the polygons spanning several ``size``-degree grid cells into one piece per cell."""
    import shapely

    bounds = shapely.bounds(parts)
    x0, y0 = np.floor(bounds[:, 0] / size), np.floor(bounds[:, 1] / size)
    nx = (np.floor(bounds[:, 2] / size) - x0 + 1).astype(np.int64)
    ny = (np.floor(bounds[:, 3] / size) - y0 + 1).astype(np.int64)
    cells = nx * ny
    rep = np.repeat(np.arange(parts.size), cells)
    k = np.arange(rep.size) - np.repeat(np.cumsum(cells) - cells, cells)
    cx, cy = (x0[rep] + k % nx[rep]) * size, (y0[rep] + k // nx[rep]) * size
    pieces, cut = parts[rep], cells[rep] > 1
    box = shapely.box(cx[cut], cy[cut], cx[cut] + size, cy[cut] + size)
    pieces[cut] = shapely.intersection(pieces[cut], box)
    pieces, index = shapely.get_parts(pieces, return_index=True)
    polygon = shapely.get_type_id(pieces) == shapely.GeometryType.POLYGON
    return pieces[polygon], owner[rep[index[polygon]]]


def _local_km(parts: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Km from each point to its piece, in an equirectangular frame centred on the point."""
    import shapely

    coords, owner = shapely.get_coordinates(parts, return_index=True)
    scale = np.c_[np.cos(np.radians(lat[owner])), np.ones(owner.size)] * KM_PER_DEGREE
    local = (coords - np.c_[lon[owner], lat[owner]]) * scale
    moved = shapely.set_coordinates(np.array(parts, dtype=object), local)
    distance = shapely.distance(moved, shapely.points(0.0, 0.0))
    return np.where(np.isnan(distance), np.inf, distance)


def _haversine_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in km on the mean-radius sphere."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi, dlam = phi2 - phi1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


class _Result:
    """Output arrays of :meth:`Boundaries.assign`, filled batch by batch."""

    def __init__(self, count: int) -> None:
        self.codes, self.distance = np.full((count, 4), None, object), np.full(count, np.nan)
        self.method = np.full(count, "invalid", dtype=object)

    def store(self, rows, piece, layer: _Layer, method: str, km) -> None:
        """Record ``piece`` of ``layer`` for the ``rows`` where ``piece >= 0``."""
        found = piece >= 0
        self.codes[rows[found]], self.method[rows[found]] = layer.codes[piece[found]], method
        self.distance[rows[found]] = km[found]


@dataclass(frozen=True, eq=False)
class Boundaries:
    """Polygons and search trees for assigning points; build once, reuse for many batches.

    Parameters
    ----------
    countries : geopandas.GeoDataFrame
        Member-state polygons indexed by ISO alpha-2 (Greece ``GR``), EPSG:4326, as returned
        by :func:`geo.boundaries.load_eu27`.
    nuts : dict of int to geopandas.GeoDataFrame or None, default None
        NUTS regions as returned by :func:`geo.nuts.load_nuts` (at least level 3, columns
        ``NUTS_ID`` and ``CNTR_CODE`` in Eurostat codes); ``None``: country level only.
    non_member_land : geopandas.GeoSeries or None, default None
        Polygons of non-member countries (EPSG:4326): a point inside one of them and in no
        member polygon is ``"outside"``, never ``"nearest"``. :func:`load_boundaries` fills it.
    """

    countries: geopandas.GeoDataFrame
    nuts: dict[int, geopandas.GeoDataFrame] | None = None
    non_member_land: geopandas.GeoSeries | None = None
    _layers: tuple[_Layer, ...] = field(init=False, repr=False)
    _blocker: _Layer | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        from geo.nuts import eurostat_to_iso

        iso = np.asarray(self.countries.index, dtype=object)[:, None]
        codes = np.c_[iso, np.full((iso.size, 3), None, dtype=object)]
        layers = (_Layer.build(self.countries.geometry.values, codes),)
        if self.nuts is not None:
            if 3 not in self.nuts:
                raise ValueError("nuts must hold the level-3 regions (key 3)")
            level3 = self.nuts[3]
            nuts3 = np.asarray(level3["NUTS_ID"], dtype=str)
            country = np.array([eurostat_to_iso(code) for code in level3["CNTR_CODE"]], object)
            codes = np.c_[country, nuts3.astype("<U3"), nuts3.astype("<U4"), nuts3].astype(object)
            layers = (_Layer.build(level3.geometry.values, codes), *layers)
        blocker = None
        if self.non_member_land is not None and len(self.non_member_land):
            land = np.asarray(self.non_member_land.values, dtype=object)
            blocker = _Layer.build(land, np.full((land.size, 4), None, dtype=object))
        object.__setattr__(self, "_layers", layers)
        object.__setattr__(self, "_blocker", blocker)

    def assign(
        self, lon, lat, *, tolerance_km: float = DEFAULT_TOLERANCE_KM, stated_iso2=None
    ) -> pandas.DataFrame:
        """Assign points to a member state and, with NUTS loaded, to NUTS 1/2/3 regions.

        Parameters
        ----------
        lon, lat : array_like of float
            Longitudes and latitudes in degrees (EPSG:4326), one point each.
        tolerance_km : float, default DEFAULT_TOLERANCE_KM
            Points in no polygon go to the nearest polygon within this distance.
        stated_iso2 : str or array_like of str, optional
            Country stated by the records (ISO alpha-2, one for all or one per point;
            ``None``/empty: not stated). Enables rule 6 of the module docstring: at 1:20
            million, the border town Guben (DE) lies inside Poland's polygon.

        Returns
        -------
        pandas.DataFrame
            One row per point in input order (``RangeIndex``): ``country`` (ISO alpha-2 or
            ``None``), ``nuts1``, ``nuts2``, ``nuts3`` (codes or ``None``; NUTS codes keep
            Eurostat's ``EL`` for Greece), ``method`` (``"inside"``, ``"nearest"``,
            ``"outside"`` or ``"invalid"``) and ``distance_km`` (0 inside, distance to the
            nearest polygon for ``"nearest"`` and ``"outside"``, NaN for ``"invalid"``: NaN
            or infinite coordinates, ``lat`` outside [-90, 90] or ``lon`` outside [-180, 180]).

        Raises
        ------
        ValueError
            Arrays of other shapes or lengths, or a negative or non-finite ``tolerance_km``.
        """
        import pandas

        lon, lat = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
        if lon.ndim != 1 or lon.shape != lat.shape:
            raise ValueError(f"lon and lat must be 1-D of one length, got {lon.shape}, {lat.shape}")
        tolerance = float(tolerance_km)
        if not np.isfinite(tolerance) or tolerance < 0:
            raise ValueError(f"tolerance_km must be a finite number >= 0, got {tolerance_km!r}")
        stated = None if stated_iso2 is None else _normalise_iso(stated_iso2, lon.size)
        out = _Result(lon.size)
        valid = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
        todo = np.flatnonzero(valid)
        for start in range(0, todo.size, BATCH_POINTS):
            rows = todo[start:start + BATCH_POINTS]
            self._assign_batch(rows, lon, lat, tolerance, out)
            if stated is not None:
                self._prefer_stated(rows, lon, lat, tolerance, stated, out)
        frame = pandas.DataFrame(out.codes, columns=list(CODE_COLUMNS), dtype=object)
        frame["method"] = pandas.Series(out.method, dtype=object)
        frame["distance_km"] = out.distance
        return frame

    def _assign_batch(self, todo, lon, lat, tolerance: float, out: _Result) -> None:
        """Apply rules 1-5 (module docstring) to the points ``todo``."""
        import shapely

        points = shapely.points(lon[todo], lat[todo])
        outside = []
        for number, layer in enumerate(self._layers):
            hit = layer.inside(points)
            out.store(todo, hit, layer, "inside", np.zeros(hit.size))
            todo, points = todo[hit < 0], points[hit < 0]
            if number == 0 and self._blocker is not None and todo.size:
                blocked = self._blocker.inside(points) >= 0
                outside.append(todo[blocked])
                todo, points = todo[~blocked], points[~blocked]
            near, km = layer.nearest_within(lon[todo], lat[todo], tolerance)
            out.store(todo, near, layer, "nearest", km)
            todo, points = todo[near < 0], points[near < 0]
        rows = np.concatenate([*outside, todo])
        out.method[rows] = "outside"
        out.distance[rows] = self._layers[0].approximate_distance(lon[rows], lat[rows])

    def _prefer_stated(self, rows, lon, lat, tolerance: float, stated, out: _Result) -> None:
        """Apply rule 6: move points within ``tolerance`` of their stated country to it."""
        todo = rows[(stated[rows] != "") & (out.codes[rows, 0] != stated[rows])]
        for layer in self._layers:
            near, km = layer.nearest_within(lon[todo], lat[todo], tolerance, stated[todo])
            out.store(todo, near, layer, "nearest", km)
            todo = todo[near < 0]


def load_boundaries(nuts_dir: Path | None = None) -> Boundaries:
    """Build, once per folder, the boundaries for assigning points.

    Parameters
    ----------
    nuts_dir : pathlib.Path or None, default None
        Folder with the GISCO NUTS 2024 files (see :func:`geo.nuts.find_nuts_files`);
        ``None``: the shipped country polygons only.

    Returns
    -------
    Boundaries
        Cached per resolved folder. ``non_member_land``: the files' non-member NUTS 3 regions
        (EFTA, candidates) and the shipped context shapes (``context.geojson``) of countries
        without NUTS regions (UK, Belarus, Russia, ...); without NUTS, all context shapes.

    Raises
    ------
    geo.nuts.NutsError
        The folder holds no usable NUTS files.
    """
    key = None if nuts_dir is None else Path(nuts_dir).expanduser().resolve()
    return _load_boundaries(key)


@functools.lru_cache(maxsize=4)
def _load_boundaries(folder: Path | None) -> Boundaries:
    import geopandas
    import shapely

    from geo.boundaries import context_geojson_path, load_eu27
    from geo.nuts import EU27_EUROSTAT, load_nuts

    context = np.asarray(geopandas.read_file(context_geojson_path()).to_crs(4326).geometry.values)
    if folder is None:
        return Boundaries(load_eu27(), None, geopandas.GeoSeries(context, crs=4326))
    every = load_nuts(folder, members_only=False)[3]
    geometry = np.asarray(every.geometry.values)
    covered = shapely.STRtree(geometry).query(shapely.point_on_surface(context), "intersects")[0]
    others = geometry[~every["CNTR_CODE"].isin(EU27_EUROSTAT).to_numpy()]
    land = geopandas.GeoSeries(np.r_[others, np.delete(context, covered)], crs=4326)
    return Boundaries(load_eu27(), load_nuts(folder), land)


def check_against_country(assigned: pandas.DataFrame, stated_iso2) -> np.ndarray:
    """Flag points that contradict the country stated in their record.

    Parameters
    ----------
    assigned : pandas.DataFrame
        Result of :meth:`Boundaries.assign`.
    stated_iso2 : str or array_like of str
        Stated country per row (ISO alpha-2, Greece ``GR``), or one for all rows;
        ``None``/NaN/empty: not stated.

    Returns
    -------
    numpy.ndarray of bool
        True where a country is stated and the valid point is ``"outside"`` or assigned to
        another country (e.g. latitude and longitude swapped). Invalid points and rows without
        a stated country are False.
    """
    stated = _normalise_iso(stated_iso2, len(assigned))
    method, country = assigned["method"].to_numpy(object), assigned["country"].to_numpy(object)
    return (stated != "") & (method != "invalid") & ((method == "outside") | (country != stated))


def swapped_would_match(boundaries: Boundaries, lon, lat, stated_iso2) -> np.ndarray:
    """Tell where swapping latitude and longitude puts a point inside its stated country.

    Parameters
    ----------
    boundaries : Boundaries
        The boundaries to assign with.
    lon, lat : array_like of float
        The coordinates as received.
    stated_iso2 : str or array_like of str
        Stated country per point (ISO alpha-2), or one for all; ``None``/empty: not stated.

    Returns
    -------
    numpy.ndarray of bool
        True where the point ``(lon=lat, lat=lon)`` lies inside a polygon of the stated
        country (no tolerance): the hint "latitude and longitude look swapped" for rows
        flagged by :func:`check_against_country`.
    """
    swapped = boundaries.assign(lat, lon, tolerance_km=0.0)
    stated = _normalise_iso(stated_iso2, len(swapped))
    inside = swapped["method"].to_numpy(dtype=object) == "inside"
    return (stated != "") & inside & (swapped["country"].to_numpy(dtype=object) == stated)


def _normalise_iso(values, count: int) -> np.ndarray:
    """Upper-case stripped codes as an object array (a scalar is repeated); missing: ``""``."""
    import pandas

    array = np.asarray(values, dtype=object)
    array = np.full(count, array.item(), object) if array.ndim == 0 else array.ravel()
    if array.size != count:
        raise ValueError(f"expected {count} stated countries, got {array.size}")
    series = pandas.Series(array, dtype=object)
    return series.where(series.notna(), "").astype(str).str.strip().str.upper().to_numpy(object)
