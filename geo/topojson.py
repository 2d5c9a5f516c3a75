"""A small TopoJSON decoder: topology arcs -> numpy arrays -> shapely geometries.

Only what the boundary files need is supported: quantized (``transform``, delta-encoded)
and non-quantized arcs, negative arc indices (``~i`` = arc ``i`` reversed), and
``Polygon`` / ``MultiPolygon`` geometries (``GeometryCollection`` objects are walked).
Points and lines are not decoded. See https://github.com/topojson/topojson-specification.

The functions are pure: arcs are decoded once with :func:`decode_arcs` and can be changed
(e.g. simplified with :func:`simplify_arcs`, which keeps their end points) before polygons
are assembled with :func:`geometry_to_shape`, so that a border shared by two polygons stays
the same line in both.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

__all__ = [
    "arc_coords",
    "decode_arcs",
    "douglas_peucker",
    "geometry_to_shape",
    "iter_geometries",
    "ring_area",
    "ring_coords",
    "simplify_arcs",
    "unwrap_ring",
]


def decode_arcs(topology: dict[str, Any]) -> list[np.ndarray]:
    """Decode every arc of a topology into absolute coordinates.

    Parameters
    ----------
    topology : dict
        A parsed TopoJSON ``Topology`` object. If it has a ``transform``, arc positions are
        quantized and delta-encoded and are decoded with its ``scale`` and ``translate``.

    Returns
    -------
    list of numpy.ndarray
        One ``(n, 2)`` float64 array of ``(x, y)`` positions per arc, in arc order.
        Extra position dimensions (z, m) are dropped.
    """
    transform = topology.get("transform")
    arcs: list[np.ndarray] = []
    for arc in topology["arcs"]:
        pts = np.asarray([p[:2] for p in arc], dtype=np.float64).reshape(-1, 2)
        if transform is not None:
            pts = np.cumsum(pts, axis=0)
            pts = pts * np.asarray(transform["scale"], dtype=np.float64)
            pts = pts + np.asarray(transform["translate"], dtype=np.float64)
        arcs.append(pts)
    return arcs


def arc_coords(arcs: Sequence[np.ndarray], index: int) -> np.ndarray:
    """Return the coordinates of one arc reference, reversed for a negative index.

    Parameters
    ----------
    arcs : sequence of numpy.ndarray
        Decoded arcs, as returned by :func:`decode_arcs`.
    index : int
        Arc reference from a geometry. ``i >= 0`` is arc ``i``; a negative value ``~i``
        (that is ``-i - 1``) is arc ``i`` traversed backwards.

    Returns
    -------
    numpy.ndarray
        ``(n, 2)`` array of positions.
    """
    if index >= 0:
        return arcs[index]
    return arcs[~index][::-1]


def ring_coords(arcs: Sequence[np.ndarray], refs: Sequence[int]) -> np.ndarray:
    """Stitch the arcs of one ring together.

    Parameters
    ----------
    arcs : sequence of numpy.ndarray
        Decoded arcs.
    refs : sequence of int
        Arc references of the ring, in order. Consecutive arcs share their joining point,
        which is kept once.

    Returns
    -------
    numpy.ndarray
        ``(n, 2)`` array; closed (first point equals last) when the arcs form a ring.
    """
    parts = [
        arc_coords(arcs, ref) if k == 0 else arc_coords(arcs, ref)[1:] for k, ref in enumerate(refs)
    ]
    if not parts:
        return np.empty((0, 2), dtype=np.float64)
    return np.concatenate(parts, axis=0)


def _polygon(arcs: Sequence[np.ndarray], rings: Sequence[Sequence[int]]) -> Polygon:
    coords = [ring_coords(arcs, refs) for refs in rings]
    coords = [c for c in coords if len(c) >= 4]
    if not coords:
        return Polygon()
    return Polygon(coords[0], coords[1:])


def geometry_to_shape(geometry: dict[str, Any], arcs: Sequence[np.ndarray]) -> BaseGeometry:
    """Assemble one TopoJSON geometry object into a shapely geometry.

    Parameters
    ----------
    geometry : dict
        A TopoJSON geometry object with ``type`` ``Polygon``, ``MultiPolygon`` or
        ``GeometryCollection`` (of those), or ``type`` null.
    arcs : sequence of numpy.ndarray
        Decoded (and possibly simplified) arcs, as returned by :func:`decode_arcs`.

    Returns
    -------
    shapely.geometry.base.BaseGeometry
        A ``Polygon`` or ``MultiPolygon`` (empty for a null geometry). The result is not
        made valid here: rings are taken as they are (first ring exterior, others holes),
        and rings crossing the antimeridian are not unwrapped (see :func:`unwrap_ring`).

    Raises
    ------
    ValueError
        For a geometry type this decoder does not handle.
    """
    kind = geometry.get("type")
    if kind is None:
        return Polygon()
    if kind == "Polygon":
        return _polygon(arcs, geometry["arcs"])
    if kind == "MultiPolygon":
        polys = [_polygon(arcs, rings) for rings in geometry["arcs"]]
        return MultiPolygon([p for p in polys if not p.is_empty])
    if kind == "GeometryCollection":
        parts = [geometry_to_shape(g, arcs) for g in geometry["geometries"]]
        polys = [p for part in parts for p in getattr(part, "geoms", [part]) if not p.is_empty]
        return MultiPolygon(polys)
    raise ValueError(f"unsupported TopoJSON geometry type: {kind!r}")


def iter_geometries(
    topology: dict[str, Any], object_name: str, arcs: Sequence[np.ndarray] | None = None
) -> Iterator[tuple[str | None, dict[str, Any], BaseGeometry]]:
    """Yield ``(id, properties, shape)`` for each geometry of a named object.

    Parameters
    ----------
    topology : dict
        A parsed TopoJSON ``Topology``.
    object_name : str
        Key in ``topology["objects"]``, e.g. ``"countries"``.
    arcs : sequence of numpy.ndarray, optional
        Arcs to assemble with; by default ``decode_arcs(topology)``.

    Yields
    ------
    tuple
        ``(id, properties, shape)``: the geometry's ``id`` as a string (None if absent),
        its ``properties`` (empty dict if absent) and the shapely geometry.
    """
    if arcs is None:
        arcs = decode_arcs(topology)
    obj = topology["objects"][object_name]
    members = obj["geometries"] if obj.get("type") == "GeometryCollection" else [obj]
    for geom in members:
        gid = None if geom.get("id") is None else str(geom["id"])
        yield gid, dict(geom.get("properties") or {}), geometry_to_shape(geom, arcs)


def douglas_peucker(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Simplify a line with Douglas-Peucker, keeping both end points.

    Parameters
    ----------
    points : numpy.ndarray
        ``(n, 2)`` positions.
    tolerance : float
        Largest distance (in coordinate units) a dropped point may lie from the result.
        ``0`` keeps every point.

    Returns
    -------
    numpy.ndarray
        The kept positions, in order. A closed line (first point = last) is split at the
        point farthest from its start, which is always kept; a closed line narrower than
        ``tolerance`` therefore collapses to a ring without area.
    """
    n = len(points)
    if n <= 2 or tolerance <= 0:
        return points.copy()
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    if np.array_equal(points[0], points[-1]):
        far = int(np.argmax(np.hypot(*(points - points[0]).T)))
        if far == 0:
            return points[[0, -1]].copy()
        keep[far] = True
        stack = [(0, far), (far, n - 1)]
    while stack:
        i, j = stack.pop()
        if j - i < 2:
            continue
        a, b, seg = points[i], points[j], points[i + 1 : j]
        ab = b - a
        length2 = float(ab @ ab)
        t = np.zeros(len(seg)) if length2 == 0 else np.clip((seg - a) @ ab / length2, 0, 1)
        dist = np.hypot(*(seg - (a + t[:, None] * ab)).T)
        k = int(np.argmax(dist))
        if dist[k] > tolerance:
            keep[i + 1 + k] = True
            stack.extend([(i, i + 1 + k), (i + 1 + k, j)])
    return points[keep]


def simplify_arcs(arcs: Sequence[np.ndarray], tolerance: float) -> list[np.ndarray]:
    """Simplify every arc of a topology independently (shared borders stay shared).

    Parameters
    ----------
    arcs : sequence of numpy.ndarray
        Decoded arcs.
    tolerance : float
        Douglas-Peucker tolerance in degrees.

    Returns
    -------
    list of numpy.ndarray
        The simplified arcs, same order; end points are unchanged.
    """
    return [douglas_peucker(arc, tolerance) for arc in arcs]


def unwrap_ring(coords: np.ndarray) -> np.ndarray:
    """Undo antimeridian jumps in a ring so it is a valid planar ring.

    Parameters
    ----------
    coords : numpy.ndarray
        ``(n, 2)`` lon/lat ring.

    Returns
    -------
    numpy.ndarray
        The ring with longitudes shifted by multiples of 360 after each jump of more than
        180 degrees; the stretch holding most points is left exactly as it was.
    """
    if len(coords) < 2:
        return coords
    dx = np.diff(coords[:, 0])
    steps = np.concatenate([[0], np.cumsum((dx < -180).astype(int) - (dx > 180))])
    if not steps.any():
        return coords
    values, counts = np.unique(steps, return_counts=True)
    steps = steps - values[int(np.argmax(counts))]
    out = coords.copy()
    out[:, 0] = np.where(steps != 0, coords[:, 0] + 360.0 * steps, coords[:, 0])
    return out


def ring_area(coords: np.ndarray) -> float:
    """Return the unsigned planar (shoelace) area of a closed ring.

    Parameters
    ----------
    coords : numpy.ndarray
        ``(n, 2)`` closed ring.

    Returns
    -------
    float
        Area in squared coordinate units; ``0`` for fewer than four positions.
    """
    if len(coords) < 4:
        return 0.0
    x, y = coords[:, 0], coords[:, 1]
    return abs(float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))) / 2.0
