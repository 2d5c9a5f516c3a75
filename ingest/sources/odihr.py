"""Source ``odihr``: the OSCE/ODIHR Hate Crime Reporting civil-society incident export.

Columns: ``Date`` (YYYY-MM, or YYYY), ``Country`` (English OSCE name), ``Bias motivations``
(comma-separated ODIHR category names), ``Type of incident`` (ODIHR top types),
``Source`` (the reporting organisations) and ``Description`` (an anonymised sentence that
ODIHR publishes). The export repeats identical rows for incidents it received as
statistics: each is its own incident, so rows are never merged (ids count occurrences).
"""

from __future__ import annotations

from ingest.sources.base import Dataset, Source
from ingest.sources.table import text_table_reader

COLUMNS = {
    "date": "Date",
    "country": "Country",
    "bias": "Bias motivations",
    "type": "Type of incident",
    "organisation": "Source",
    "summary": "Description",
}


read = text_table_reader(COLUMNS)


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
