"""GeoJSON downloads: one FeatureCollection, streamed feature batch by feature batch.

A feature has a point only where the public projection kept one (``lat``/``lon``); every
other feature has a null geometry, so no format reveals a point the projection hides. The
collection's foreign members name the release, the filter, the sources and the citation.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

import pyarrow as pa

from data.export.fields import Field
from data.export.info import ExportInfo
from data.export.table import as_text

POINT_COLUMNS = ("lat", "lon")


def features(table: pa.Table) -> list[dict]:
    """GeoJSON features of typed rows; ``lat``/``lon`` become the geometry.

    Parameters
    ----------
    table : pyarrow.Table
        Rows from :func:`data.export.table.to_table`.

    Returns
    -------
    list of dict
    """
    text = as_text(table)
    lats = text.column("lat").to_pylist()
    lons = text.column("lon").to_pylist()
    props = text.drop_columns(list(POINT_COLUMNS)).to_pylist()
    out = []
    for record, lat, lon in zip(props, lats, lons, strict=True):
        geometry = None
        if lat is not None and lon is not None:
            geometry = {"type": "Point", "coordinates": [lon, lat]}
        out.append({"type": "Feature", "id": record["public_id"], "geometry": geometry,
                    "properties": record})
    return out


def geojson_chunks(tables: Iterable[pa.Table], info: ExportInfo,
                   columns: tuple[Field, ...]) -> Iterator[bytes]:
    """Stream typed row tables as one GeoJSON FeatureCollection (RFC 7946, EPSG:4326).

    Parameters
    ----------
    tables : iterable of pyarrow.Table
        Batches from :func:`data.export.table.to_table`, in output order.
    info : ExportInfo
        Written as foreign members of the collection.
    columns : tuple of Field
        The download schema (its descriptions go in ``fields``).

    Yields
    ------
    bytes
    """
    head = {"type": "FeatureCollection", **info.as_dict(),
            "fields": [c.descriptor() for c in columns if c.name not in POINT_COLUMNS]}
    yield (json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [').encode()
    separator = ""
    for table in tables:
        if not table.num_rows:
            continue
        text = json.dumps(features(table), ensure_ascii=False)[1:-1]
        yield (separator + text).encode()
        separator = ", "
    yield b"]}\n"
