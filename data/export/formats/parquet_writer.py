"""Parquet downloads: typed columns (dates as dates), zstd, row groups of 100,000 rows."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from data.export.fields import Field, arrow_schema
from data.export.formats.spool import Spool
from data.export.info import ExportInfo

ROW_GROUP = 100_000
#: Key of the schema metadata that holds :meth:`ExportInfo.as_dict` as JSON.
METADATA_KEY = b"incidentmap"


def parquet_chunks(tables: Iterable[pa.Table], info: ExportInfo,
                   columns: tuple[Field, ...]) -> Iterator[bytes]:
    """Stream typed row tables as a Parquet file, one row group at a time.

    Parameters
    ----------
    tables : iterable of pyarrow.Table
        Batches from :func:`data.export.table.to_table`, in output order.
    info : ExportInfo
        Stored as JSON in the schema metadata under ``incidentmap``.
    columns : tuple of Field
        The download schema (descriptions are field metadata).

    Yields
    ------
    bytes
    """
    schema = arrow_schema(columns).with_metadata(
        {METADATA_KEY: json.dumps(info.as_dict(), ensure_ascii=False).encode()})
    spool = Spool()
    writer = pq.ParquetWriter(spool, schema, compression="zstd")
    yield spool.drain()  # the magic number: the response starts before the first row group
    pending: list[pa.Table] = []
    rows = 0
    for table in tables:
        pending.append(table)
        rows += table.num_rows
        if rows >= ROW_GROUP:
            writer.write_table(pa.concat_tables(pending), row_group_size=ROW_GROUP)
            pending, rows = [], 0
            yield spool.drain()
    if rows:
        writer.write_table(pa.concat_tables(pending), row_group_size=ROW_GROUP)
    writer.close()
    yield spool.drain()
