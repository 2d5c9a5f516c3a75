"""Source ``odihr``: the OSCE/ODIHR Hate Crime Reporting civil-society incident export.

Columns: ``Date`` (YYYY-MM, or YYYY), ``Country`` (English OSCE name), ``Bias motivations``
(comma-separated ODIHR category names), ``Type of incident`` (ODIHR top types),
``Source`` (the reporting organisations) and ``Description`` (an anonymised sentence that
ODIHR publishes). The export repeats identical rows for incidents it received as
statistics: each is its own incident, so rows are never merged (ids count occurrences).
"""

from __future__ import annotations

from pathlib import Path

from ingest.sources.base import Dataset, ReadOptions, Source
from ingest.sources.table import raw_rows
from ingest.tables import read_text_table

COLUMNS = {
    "date": "Date",
    "country": "Country",
    "bias": "Bias motivations",
    "type": "Type of incident",
    "organisation": "Source",
    "summary": "Description",
}


def read(path: Path, options: ReadOptions):
    """Yield raw rows of the ODIHR export (its own columns; a mapping file may add more)."""
    headers, rows = read_text_table(path)
    columns = {**COLUMNS, **options.columns}
    yield from raw_rows(headers, rows, ReadOptions(columns=columns))


SOURCE = Source(
    name="odihr",
    title="OSCE/ODIHR civil-society hate-incident export (month + country, open)",
    policy="open",
    read=read,
    dataset=Dataset(
        slug="odihr",
        name="OSCE/ODIHR Hate Crime Reporting: incidents reported by civil society",
        licence="Published openly by OSCE/ODIHR at hatecrime.osce.org (no explicit licence)",
        attribution="OSCE/ODIHR Hate Crime Reporting, hatecrime.osce.org",
        url="https://hatecrime.osce.org/",
    ),
    date_order="YMD",
    classification="hate_crime",
)
