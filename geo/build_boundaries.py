"""Regenerate ``geo/reference/eu27.geojson`` and ``context.geojson`` from Natural Earth.

Run ``python -m geo.build_boundaries [--world-atlas countries-50m.json] [--out-dir DIR]``.
Without ``--world-atlas`` the npm package ``world-atlas@2.0.2`` is downloaded from the npm
registry and ``package/countries-50m.json`` is read from its tarball (its SHA-256 is checked).

Processing, in this order (the output is byte-identical for the same input):

1. Decode the TopoJSON arcs (:mod:`geo.topojson`). Rings that cross the antimeridian
   (Russia's Chukotka) are unwrapped past 180 degrees so that they stay valid in the plane.
2. Simplify every *shared arc* once (Douglas-Peucker, ``--tolerance`` degrees, arc end
   points kept) before any polygon is assembled, so a border is the same line in both
   neighbours: no gaps, no slivers.
3. Assemble the polygons. A ring left without area is dropped, except the largest ring of a
   member state: its arcs are simplified again with a smaller tolerance until it has an area
   (this keeps Malta, Luxembourg and Cyprus whatever the tolerance). Åland (a separate
   shape in Natural Earth) is part of Finland and of the EU, so it is merged into ``FI``.
4. Make each shape valid, clip it to :data:`CLIP_BOX`, snap it to a 0.001-degree grid
   (coordinates rounded to 3 decimals, result valid) and orient exterior rings
   counter-clockwise (RFC 7946).

Clip box decision: the map shows Europe only. ``CLIP_BOX`` (lon -32..45, lat 27..72) keeps
the Azores, Madeira and the Canary Islands, which are part of the EU map, and removes
France's outermost regions (French Guiana, Guadeloupe, Martinique, Réunion, Mayotte), which
Natural Earth puts in France's polygon; a map of Europe cannot show them at a readable size.
Incidents there still belong to ``FR``; only the drawing leaves them out.

Context shapes: every non-EU country that intersects the box is written, greyed out, to
``context.geojson`` (property ``name`` only). Natural Earth's code-less "N. Cyprus" shape
goes there as "Northern Cyprus" with a ``note``: the Republic of Cyprus (``CY``) is drawn as
Natural Earth draws it, without the north, and the north is drawn without data.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from geo.boundaries import reference_dir
from geo.download import download
from geo.topojson import (
    decode_arcs,
    douglas_peucker,
    ring_area,
    ring_coords,
    simplify_arcs,
    unwrap_ring,
)

WORLD_ATLAS_URL = "https://registry.npmjs.org/world-atlas/-/world-atlas-2.0.2.tgz"
WORLD_ATLAS_MEMBER = "package/countries-50m.json"
#: SHA-256 of ``countries-50m.json`` in world-atlas 2.0.2 (checked after a download).
WORLD_ATLAS_SHA256 = "04342cdc1e3016bcd7db1630de95684d67b79fe3c8c460321e87aef469502394"

#: Europe box (min lon, min lat, max lon, max lat), see the module docstring.
CLIP_BOX: tuple[float, float, float, float] = (-32.0, 27.0, 45.0, 72.0)
DEFAULT_TOLERANCE = 0.02
DECIMALS = 3
DOC = "Regenerate geo/reference/eu27.geojson and context.geojson from Natural Earth."
TOL_HELP = "Douglas-Peucker tolerance in degrees, applied to shared arcs (default %(default)s)"

#: The 27 member states in protocol order: (ISO alpha-2, alpha-3, numeric codes, name).
#: Extra numeric codes are Natural Earth shapes merged into the member (Åland -> FI).
EU27: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("BE", "BEL", ("056",), "Belgium"),
    ("BG", "BGR", ("100",), "Bulgaria"),
    ("CZ", "CZE", ("203",), "Czechia"),
    ("DK", "DNK", ("208",), "Denmark"),
    ("DE", "DEU", ("276",), "Germany"),
    ("EE", "EST", ("233",), "Estonia"),
    ("IE", "IRL", ("372",), "Ireland"),
    ("GR", "GRC", ("300",), "Greece"),
    ("ES", "ESP", ("724",), "Spain"),
    ("FR", "FRA", ("250",), "France"),
    ("HR", "HRV", ("191",), "Croatia"),
    ("IT", "ITA", ("380",), "Italy"),
    ("CY", "CYP", ("196",), "Cyprus"),
    ("LV", "LVA", ("428",), "Latvia"),
    ("LT", "LTU", ("440",), "Lithuania"),
    ("LU", "LUX", ("442",), "Luxembourg"),
    ("HU", "HUN", ("348",), "Hungary"),
    ("MT", "MLT", ("470",), "Malta"),
    ("NL", "NLD", ("528",), "Netherlands"),
    ("AT", "AUT", ("040",), "Austria"),
    ("PL", "POL", ("616",), "Poland"),
    ("PT", "PRT", ("620",), "Portugal"),
    ("RO", "ROU", ("642",), "Romania"),
    ("SI", "SVN", ("705",), "Slovenia"),
    ("SK", "SVK", ("703",), "Slovakia"),
    ("FI", "FIN", ("246", "248"), "Finland"),
    ("SE", "SWE", ("752",), "Sweden"),
)

NORTHERN_CYPRUS = "N. Cyprus"
NORTHERN_CYPRUS_NOTE = (
    "Area not under the effective control of the Republic of Cyprus; drawn without data."
)
#: Natural Earth's abbreviated or outdated names, spelt out for the context layer.
CONTEXT_NAMES = {
    "Bosnia and Herz.": "Bosnia and Herzegovina",
    "Faeroe Is.": "Faroe Islands",
    "Macedonia": "North Macedonia",
    NORTHERN_CYPRUS: "Northern Cyprus",
    "Turkey": "Türkiye",
    "W. Sahara": "Western Sahara",
}


# ---------------------------------------------------------------- rings and polygons


def _rings(arcs: Sequence[np.ndarray], polygon: Sequence[Sequence[int]]) -> list[np.ndarray]:
    return [unwrap_ring(ring_coords(arcs, refs)) for refs in polygon]


def _polygons(geometry: dict[str, Any]) -> list[list[list[int]]]:
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["arcs"]]
    if kind == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def _protect_largest_rings(
    raw: Sequence[np.ndarray], arcs: list[np.ndarray], geometries: Sequence[dict], tolerance: float
) -> list[np.ndarray]:
    """Copy ``arcs``; re-simplify each geometry's largest ring until it has an area.

    ``raw`` are the arcs before simplification at ``tolerance``; the tolerance is halved (down
    to 0) per try. The changed arcs are shared, so the neighbours get the same line.
    """
    arcs = list(arcs)
    for geometry in geometries:
        polygons = _polygons(geometry)
        if not polygons:
            continue
        largest = max(polygons, key=lambda p: ring_area(_rings(raw, p[:1])[0]))[0]
        tol = tolerance
        while ring_area(unwrap_ring(ring_coords(arcs, largest))) <= 0 and tol > 0:
            tol = tol / 2 if tol > tolerance / 64 else 0.0
            for ref in largest:
                index = ref if ref >= 0 else ~ref
                arcs[index] = douglas_peucker(raw[index], tol)
    return arcs


def _assemble(geometry: dict[str, Any], arcs: Sequence[np.ndarray]) -> MultiPolygon:
    """Build a (possibly invalid or empty) MultiPolygon, dropping rings without area."""
    polygons = []
    for polygon in _polygons(geometry):
        rings = _rings(arcs, polygon)
        if not rings or ring_area(rings[0]) <= 0:
            continue
        polygons.append(Polygon(rings[0], [r for r in rings[1:] if ring_area(r) > 0]))
    return MultiPolygon(polygons)


# ---------------------------------------------------------------- shapes and GeoJSON


def finish(shapes: Sequence[BaseGeometry], decimals: int = DECIMALS) -> BaseGeometry:
    """Make shapes valid, merge them, clip to :data:`CLIP_BOX`, snap to the grid, orient.

    Parameters
    ----------
    shapes : sequence of shapely.geometry.base.BaseGeometry
        Polygonal shapes in lon/lat, merged into one.
    decimals : int, default 3
        Decimals kept; the shape is snapped to a ``10**-decimals`` grid (valid output).

    Returns
    -------
    shapely.geometry.base.BaseGeometry
        A valid Polygon or MultiPolygon with counter-clockwise exterior rings (possibly
        empty), parts sorted by decreasing area.
    """
    valid = [s if s.is_valid else shapely.make_valid(s) for s in shapes]
    shape = valid[0] if len(valid) == 1 else shapely.union_all(valid)
    shape = shapely.clip_by_rect(shape, *CLIP_BOX)
    shape = shapely.set_precision(shape, 10.0**-decimals)
    parts = [p for p in shapely.get_parts(shape) if isinstance(p, Polygon) and p.area > 0]
    if not parts:
        return Polygon()
    parts = [orient(p, sign=1.0) for p in parts]
    parts.sort(key=lambda p: (-p.area, p.bounds))
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def _num(value: float, decimals: int) -> float | int:
    value = round(float(value), decimals) + 0.0
    return int(value) if value.is_integer() else value


def geojson_geometry(shape: BaseGeometry, decimals: int = DECIMALS) -> dict[str, Any]:
    """Convert a finished Polygon or MultiPolygon to a GeoJSON geometry mapping.

    Parameters
    ----------
    shape : shapely.geometry.base.BaseGeometry
        Output of :func:`finish`.
    decimals : int, default 3
        Decimals written per coordinate (integral values are written as integers).

    Returns
    -------
    dict
        GeoJSON ``Polygon`` or ``MultiPolygon``.
    """

    def rings(poly: Polygon) -> list[list[list[float | int]]]:
        return [
            [[_num(x, decimals), _num(y, decimals)] for x, y in ring.coords]
            for ring in (poly.exterior, *poly.interiors)
        ]

    if isinstance(shape, Polygon):
        return {"type": "Polygon", "coordinates": rings(shape)}
    return {"type": "MultiPolygon", "coordinates": [rings(p) for p in shape.geoms]}


def dumps_geojson(collection: dict[str, Any]) -> bytes:
    """Serialise a FeatureCollection compactly and deterministically (UTF-8, no spaces).

    Parameters
    ----------
    collection : dict
        GeoJSON FeatureCollection.

    Returns
    -------
    bytes
        The JSON text, ending with a newline.
    """
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")


def build(
    topology: dict[str, Any], tolerance: float = DEFAULT_TOLERANCE
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Build the EU-27 and context FeatureCollections from a world-atlas topology.

    Parameters
    ----------
    topology : dict
        Parsed ``countries-50m.json`` (object ``countries``).
    tolerance : float, default 0.02
        Douglas-Peucker tolerance in degrees, applied to the shared arcs.

    Returns
    -------
    tuple of dict
        ``(eu27, context)`` GeoJSON FeatureCollections.

    Raises
    ------
    ValueError
        If a member state is missing from the topology or ends up empty.
    """
    geometries = topology["objects"]["countries"]["geometries"]
    by_code = {str(g["id"]): g for g in geometries if g.get("id") is not None}
    member_codes = {code for row in EU27 for code in row[2]}
    missing = sorted(member_codes - by_code.keys())
    if missing:
        raise ValueError(f"member state codes missing from the topology: {missing}")
    raw = decode_arcs(topology)
    arcs = _protect_largest_rings(
        raw, simplify_arcs(raw, tolerance), [by_code[row[2][0]] for row in EU27], tolerance
    )

    eu_features = []
    for iso2, iso3, codes, name in EU27:
        shape = finish([_assemble(by_code[c], arcs) for c in codes])
        if shape.is_empty:
            raise ValueError(f"{iso2} has no area left after simplification and clipping")
        props = {"iso2": iso2, "iso3": iso3, "name": name}
        geometry = geojson_geometry(shape)
        eu_features.append(
            {"type": "Feature", "id": iso2, "properties": props, "geometry": geometry}
        )

    context_features = []
    for geometry in geometries:
        if geometry.get("id") is not None and str(geometry["id"]) in member_codes:
            continue
        shape = finish([_assemble(geometry, arcs)])
        if shape.is_empty:
            continue
        name = (geometry.get("properties") or {}).get("name", "")
        properties = {"name": CONTEXT_NAMES.get(name, name)}
        if name == NORTHERN_CYPRUS:
            properties["note"] = NORTHERN_CYPRUS_NOTE
        context_features.append(
            {"type": "Feature", "properties": properties, "geometry": geojson_geometry(shape)}
        )
    context_features.sort(key=lambda f: f["properties"]["name"])
    return (
        {"type": "FeatureCollection", "features": eu_features},
        {"type": "FeatureCollection", "features": context_features},
    )


#: The world-atlas 2.0.2 tarball is about 0.3 MB; anything far larger is not it.
MAX_TARBALL_BYTES = 16 * 1024**2


def download_world_atlas(url: str = WORLD_ATLAS_URL, timeout: float = 120.0) -> bytes:
    """Download the world-atlas npm tarball and return ``countries-50m.json`` from it.

    Parameters
    ----------
    url : str
        Tarball URL on the npm registry.
    timeout : float
        Network timeout in seconds.

    Returns
    -------
    bytes
        The file's content, checked against :data:`WORLD_ATLAS_SHA256`.

    Raises
    ------
    ValueError
        If the file's SHA-256 is not the expected one.
    geo.download.DownloadError
        If the tarball cannot be downloaded.
    """
    with tempfile.TemporaryDirectory(prefix="world-atlas-") as tmp:
        tarball = Path(tmp) / "world-atlas.tgz"
        download(url, tarball, max_bytes=MAX_TARBALL_BYTES, timeout=timeout)
        with tarfile.open(tarball, "r:gz") as tar:
            member = tar.extractfile(WORLD_ATLAS_MEMBER)
            if member is None:
                raise ValueError(f"{WORLD_ATLAS_MEMBER} is not a file in {url}")
            data = member.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != WORLD_ATLAS_SHA256:
        raise ValueError(f"unexpected SHA-256 {digest} for {WORLD_ATLAS_MEMBER} from {url}")
    return data


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: write ``eu27.geojson`` and ``context.geojson``.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status, 0 on success.
    """
    parser = argparse.ArgumentParser(prog="python -m geo.build_boundaries", description=DOC)
    parser.add_argument("--world-atlas", type=Path, help="countries-50m.json (default: download)")
    parser.add_argument("--out-dir", type=Path, help="output folder (default: geo/reference)")
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE, help=TOL_HELP)
    args = parser.parse_args(argv)

    data = args.world_atlas.read_bytes() if args.world_atlas else download_world_atlas()
    eu27, context = build(json.loads(data), tolerance=args.tolerance)
    out_dir = args.out_dir or reference_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    for filename, collection in (("eu27.geojson", eu27), ("context.geojson", context)):
        path = out_dir / filename
        path.write_bytes(dumps_geojson(collection))
        print(f"{path}: {len(collection['features'])} features, {path.stat().st_size} bytes")
    print(f"input sha256 {hashlib.sha256(data).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
