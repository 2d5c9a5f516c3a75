"""Source ``csv``: any delimited text table (UTF-8, Windows-1252 or Latin-1; , ; tab |)."""

from __future__ import annotations

from pathlib import Path

from ingest.sources.base import ReadOptions, Source
from ingest.sources.table import raw_rows
from ingest.tables import read_text_table


def read(path: Path, options: ReadOptions):
    """Yield raw rows of a delimited text file, headers recognised in several languages."""
    headers, rows = read_text_table(path)
    yield from raw_rows(headers, rows, options)


SOURCE = Source(
    name="csv",
    title="generic CSV table (headers recognised in EN/FR/DE/IT/ES; --mapping overrides)",
    policy="member",
    read=read,
)
