"""Source ``xlsx``: the first worksheet of an Excel workbook, read like a CSV table."""

from __future__ import annotations

from pathlib import Path

from ingest.sources.base import ReadOptions, Source
from ingest.sources.table import raw_rows
from ingest.sources.table_files import read_xlsx_table


def read(path: Path, options: ReadOptions):
    """Yield raw rows of the first worksheet; date cells become ISO dates."""
    headers, rows = read_xlsx_table(path)
    yield from raw_rows(headers, rows, options)


SOURCE = Source(
    name="xlsx",
    title="generic Excel workbook (first sheet; same headers as csv)",
    policy="member",
    read=read,
)
