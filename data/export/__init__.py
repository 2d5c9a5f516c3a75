"""Downloads: format name -> streaming writer (DESIGN §3), and the export pipeline.

Every format is written from the same typed batches (:mod:`data.export.table`) described by
one schema (:mod:`data.export.fields`), selected from the public snapshot like the API's
answers (:mod:`data.export.selection`), so all formats hold the same rows and columns. A
writer takes ``(tables, info, columns)`` and yields bytes; nothing holds a whole file.

Importing this package is cheap (the command line lists the formats): writers and their
libraries (pyarrow, pyogrio, ...) load on first use.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from data.export.info import ExportInfo
    from data.export.selection import Selection
    from data.reference.taxonomy import Taxonomy


@dataclass(frozen=True)
class Format:
    """A download format: file extension, media type and its writer in :mod:`data.export.formats`.

    The writer, ``write(tables, info, columns)``, yields the file's bytes.
    """

    name: str
    extension: str
    media_type: str
    title: str
    module: str
    function: str

    @property
    def write(self) -> Callable[..., Iterator[bytes]]:
        """The writer function (imported on first use)."""
        return getattr(importlib.import_module(f"data.export.formats.{self.module}"), self.function)


EXPORTERS: dict[str, Format] = {f.name: f for f in (
    Format("csv", ".csv", "text/csv; charset=utf-8", "CSV", "csv_writer", "csv_chunks"),
    Format("xlsx", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "Excel (XLSX)", "xlsx_writer", "xlsx_chunks"),
    Format("geojson", ".geojson", "application/geo+json", "GeoJSON", "geojson_writer",
           "geojson_chunks"),
    Format("gpkg", ".gpkg", "application/geopackage+sqlite3", "GeoPackage", "gpkg_writer",
           "gpkg_chunks"),
    Format("parquet", ".parquet", "application/vnd.apache.parquet", "Parquet",
           "parquet_writer", "parquet_chunks"),
    Format("datapackage", ".zip", "application/zip", "Data package (zip)",
           "datapackage_writer", "datapackage_chunks"),
)}
FORMATS = tuple(EXPORTERS)


def select(engine: Engine, snapshot, flt, **kwargs) -> Selection:
    """Rows and information of a download; see :func:`data.export.selection.select`."""
    from data.export.selection import select as _select

    return _select(engine, snapshot, flt, **kwargs)


def stream(fmt: str, engine: Engine, taxonomy: Taxonomy, selection: Selection, *,
           batch: int | None = None,
           progress: Callable[[int, int], None] | None = None,
           projection: str = "public") -> Iterator[bytes]:
    """The bytes of ``selection`` in format ``fmt``, produced batch by batch.

    Parameters
    ----------
    fmt : str
        One of :data:`FORMATS`.
    engine : sqlalchemy.Engine
    taxonomy : Taxonomy
    selection : Selection
        From :func:`select`.
    batch : int, optional
        Rows per batch (:data:`data.export.selection.BATCH` by default).
    progress : callable, optional
        Called with (rows done, rows in all) after each batch is read.
    projection : {"public", "researcher"}
        The caller's projection (:mod:`data.privacy.publication`).

    Returns
    -------
    iterator of bytes
    """
    from data.export.fields import fields
    from data.export.selection import BATCH, row_batches
    from data.export.table import to_table

    columns = fields(taxonomy)
    batches = row_batches(engine, selection, batch=batch or BATCH, progress=progress,
                          projection=projection)
    tables = (to_table(rows, columns, selection.info.data_release) for rows in batches)
    return EXPORTERS[fmt].write(tables, selection.info, columns)


def filename(fmt: str, info: ExportInfo) -> str:
    """A download's file name: release (or frozen name), synthetic marker and time."""
    ext = EXPORTERS[fmt].extension
    if info.release_name:
        return f"incidentmap-{info.release_name}{ext}"
    demo = "synthetic-demo-" if info.has_demo else ""
    stamp = info.retrieved_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"incidentmap-{demo}{info.data_release}-{stamp}{ext}"


__all__ = ["EXPORTERS", "FORMATS", "Format", "filename", "select", "stream"]
