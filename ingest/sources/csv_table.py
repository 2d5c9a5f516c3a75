"""Source ``csv``: any delimited text table (UTF-8, Windows-1252 or Latin-1; , ; tab |)."""

from __future__ import annotations

from ingest.sources.base import Source
from ingest.sources.table import text_table_reader

SOURCE = Source(
    name="csv",
    title="generic CSV table (headers recognised in EN/FR/DE/IT/ES; --mapping overrides)",
    policy="member",
    read=text_table_reader({}),
)
