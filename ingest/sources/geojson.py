"""Source ``geojson``: a FeatureCollection whose feature properties hold the record fields."""

from __future__ import annotations

import json
from pathlib import Path

from ingest.sources.base import ReadOptions, Source
from ingest.sources.table import records_to_rows
from ingest.sources.table_files import TableError


def _point(geometry: dict | None) -> tuple[str, str] | None:
    if not isinstance(geometry, dict):
        return None
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if kind == "MultiPoint" and coords:
        coords, kind = coords[0], "Point"
    if kind == "Point" and isinstance(coords, list) and len(coords) >= 2:
        return str(coords[0]), str(coords[1])
    if kind in ("Polygon", "MultiPolygon", "LineString", "MultiLineString"):
        from shapely.geometry import shape

        point = shape(geometry).representative_point()
        return str(point.x), str(point.y)
    return None


def read(path: Path, options: ReadOptions):
    """Yield one raw row per feature; a point geometry gives ``lon``/``lat``.

    Other geometries are placed at a representative point inside them.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TableError(f"{path.name} is not valid GeoJSON: {exc}") from exc
    features = data.get("features") if isinstance(data, dict) else None
    if isinstance(data, dict) and data.get("type") == "Feature":
        features = [data]
    if not isinstance(features, list):
        raise TableError(f"{path.name}: expected a GeoJSON FeatureCollection with features")
    yield from records_to_rows(
        (_properties(f if isinstance(f, dict) else {}) for f in features), options)


def _properties(feature: dict) -> dict:
    props = feature.get("properties")
    props = dict(props) if isinstance(props, dict) else {}
    if feature.get("id") is not None and "id" not in props:
        props["id"] = feature["id"]
    point = _point(feature.get("geometry"))
    if point:
        props["longitude"], props["latitude"] = point
    return props


SOURCE = Source(
    name="geojson",
    title="GeoJSON FeatureCollection (point geometry + properties as in csv)",
    policy="member",
    read=read,
)
