"""Source ``ushahidi``: CSV exports of the Ushahidi platform (v3+ posts, and v2 reports).

v3+ exports have one column per survey field, labelled by the field's label; point fields
become ``<label>.lat`` and ``<label>.lon``; categories are comma-separated in one column;
a second row of HXL hashtags (``#meta +id`` ...) may follow the header. Native columns
include ``Post ID``, ``Post Status``, ``Created (UTC)``, ``Post Date (UTC)``, ``Title`` and
``Description``. v2 "download reports" exports use ``#``, ``INCIDENT TITLE``,
``INCIDENT DATE``, ``LOCATION``, ``DESCRIPTION``, ``CATEGORY``, ``LATITUDE``, ``LONGITUDE``,
``APPROVED`` and ``VERIFIED``. Categories may name bias motivations or incident types: each
is matched in both taxonomies.
"""

from __future__ import annotations

from pathlib import Path

from ingest.sources.base import ReadOptions, Source
from ingest.sources.table import raw_rows
from ingest.sources.table_files import read_text_table

V3_COLUMNS = {"record_id": "Post ID", "summary": "Title", "narrative": "Description"}
V2_COLUMNS = {"record_id": "#", "summary": "INCIDENT TITLE", "date": "INCIDENT DATE",
              "place": "LOCATION", "narrative": "DESCRIPTION", "type": "CATEGORY",
              "lat": "LATITUDE", "lon": "LONGITUDE"}
DATE_COLUMNS = ("Post Date (UTC)", "Post Date", "Created (UTC)")


def _is_hxl(row: dict[str, str]) -> bool:
    cells = [v.strip() for v in row.values() if v and v.strip()]
    return bool(cells) and all(c.startswith("#") for c in cells)


def read(path: Path, options: ReadOptions):
    """Yield raw rows of an Ushahidi CSV export (v3+ or v2), skipping the HXL tag row."""
    headers, rows = read_text_table(path)
    columns = dict(V2_COLUMNS if "INCIDENT TITLE" in headers else V3_COLUMNS)
    if "INCIDENT TITLE" not in headers:
        date = next((h for h in DATE_COLUMNS if h in headers), None)
        if date:
            columns["date"] = date
        for header in headers:
            if header.endswith(".lat") and "lat" not in columns:
                columns["lat"] = header
                columns["lon"] = header[:-4] + ".lon"
        category = next((h for h in headers if h.lower() in ("categories", "category")), None)
        if category:
            columns["type"] = category
    columns.update(options.columns)
    kept = ((n, row) for n, row in rows if not _is_hxl(row))
    yield from raw_rows(headers, kept, ReadOptions(columns=columns))


SOURCE = Source(
    name="ushahidi",
    title="Ushahidi platform CSV export (v3+ posts or v2 reports)",
    policy="member",
    read=read,
    date_order="YMD",
)
