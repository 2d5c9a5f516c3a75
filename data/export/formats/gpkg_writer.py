"""GeoPackage downloads: one point layer ``incidents`` (EPSG:4326), built in a temporary file.

GeoPackage is a SQLite database, so it cannot be produced as a stream: the rows are written
into a temporary file batch by batch (pyogrio/GDAL pulls them from a record batch reader, so
only one batch is in memory), and the finished file is then streamed and deleted. Rows without
a public point get an empty (null) geometry.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

import numpy as np
import pyarrow as pa
import pyogrio
import shapely

from data.export.fields import Field, arrow_schema
from data.export.formats.spool import file_chunks, temporary_path
from data.export.info import ExportInfo

LAYER = "incidents"
GEOMETRY = "geometry"


def _with_geometry(table: pa.Table) -> list[pa.RecordBatch]:
    lat = table.column("lat").to_numpy()
    lon = table.column("lon").to_numpy()
    known = ~(np.isnan(lat) | np.isnan(lon))  # null -> NaN: no public point, null geometry
    points = np.full(table.num_rows, None, dtype=object)
    points[known] = shapely.points(lon[known], lat[known])
    wkb = pa.array(shapely.to_wkb(points), type=pa.binary())
    return table.append_column(GEOMETRY, wkb).combine_chunks().to_batches()


def _batches(tables: Iterable[pa.Table]) -> Iterator[pa.RecordBatch]:
    for table in tables:
        if table.num_rows:
            yield from _with_geometry(table)


def gpkg_chunks(tables: Iterable[pa.Table], info: ExportInfo,
                columns: tuple[Field, ...]) -> Iterator[bytes]:
    """Write typed row tables into a GeoPackage, then stream the file.

    Parameters
    ----------
    tables : iterable of pyarrow.Table
        Batches from :func:`data.export.table.to_table`, in output order.
    info : ExportInfo
        Stored as layer metadata (release, filter, citation, notice, sources as JSON).
    columns : tuple of Field
        The download schema.

    Yields
    ------
    bytes
    """
    schema = arrow_schema(columns).append(pa.field(GEOMETRY, pa.binary()))
    path = temporary_path(".gpkg")
    metadata = {key: value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                for key, value in info.as_dict().items() if value is not None}
    try:
        reader = pa.RecordBatchReader.from_batches(schema, _batches(tables))
        pyogrio.write_arrow(reader, str(path), layer=LAYER, driver="GPKG",
                            geometry_name=GEOMETRY, geometry_type="Point", crs="EPSG:4326",
                            layer_metadata=metadata)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    yield from file_chunks(path, remove=True)
