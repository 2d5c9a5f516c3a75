"""CSV downloads: UTF-8, header first, spreadsheet-safe text, one chunk per batch."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

import pyarrow as pa
import pyarrow.csv as pacsv

from data.export.fields import Field, arrow_schema
from data.export.info import ExportInfo
from data.export.table import as_text, spreadsheet_safe


def csv_chunks(tables: Iterable[pa.Table], info: ExportInfo,
               columns: tuple[Field, ...]) -> Iterator[bytes]:
    """Stream typed row tables as CSV (header even when there are no rows).

    Parameters
    ----------
    tables : iterable of pyarrow.Table
        Batches from :func:`data.export.table.to_table`, in output order.
    info : ExportInfo
        Unused by CSV itself (the rows carry ``data_release``); kept for the writer interface.
    columns : tuple of Field
        The download schema.

    Yields
    ------
    bytes
    """
    del info  # the file's rows name their release in the data_release column
    header = True
    for table in tables:
        if table.num_rows == 0 and not header:
            continue
        buffer = io.BytesIO()
        pacsv.write_csv(spreadsheet_safe(as_text(table), columns), buffer,
                        pacsv.WriteOptions(include_header=header))
        header = False
        yield buffer.getvalue()
    if header:
        buffer = io.BytesIO()
        pacsv.write_csv(as_text(arrow_schema(columns).empty_table()), buffer)
        yield buffer.getvalue()
