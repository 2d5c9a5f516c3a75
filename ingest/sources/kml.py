"""Source ``kml``: Placemarks of a KML file (Google Earth, uMap, My Maps exports)."""

from __future__ import annotations

from pathlib import Path

from defusedxml import ElementTree as ET

from ingest.sources.base import ReadOptions, Source
from ingest.sources.table import records_to_rows
from ingest.sources.table_files import TableError


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _placemark_row(placemark) -> dict[str, str]:
    row: dict[str, str] = {"id": placemark.get("id")} if placemark.get("id") else {}
    for child in placemark.iter():
        name = _local(child.tag)
        if name in ("name", "description") and child.text:
            row.setdefault("title" if name == "name" else "description", child.text.strip())
        elif name == "Data" and child.get("name"):
            value = next((c.text for c in child if _local(c.tag) == "value"), "")
            row[child.get("name")] = (value or "").strip()
        elif name == "SimpleData" and child.get("name"):
            row[child.get("name")] = (child.text or "").strip()
        elif name in ("when", "begin") and child.text:
            row.setdefault("date", child.text.strip())
        elif name == "end" and child.text:
            row.setdefault("end date", child.text.strip())
        elif name == "coordinates" and child.text and "longitude" not in row:
            first = child.text.split()[0].split(",")
            if len(first) >= 2:
                row["longitude"], row["latitude"] = first[0], first[1]
    return row


def read(path: Path, options: ReadOptions):
    """Yield one raw row per Placemark: name, description, ExtendedData, point, time."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, ValueError) as exc:  # defusedxml raises ValueError subclasses
        raise TableError(f"{path.name} is not valid KML/XML: {exc}") from exc
    placemarks = [el for el in root.iter() if _local(el.tag) == "Placemark"]
    yield from records_to_rows((_placemark_row(p) for p in placemarks), options)


SOURCE = Source(
    name="kml",
    title="KML Placemarks (name, description, ExtendedData, Point, TimeStamp/TimeSpan)",
    policy="member",
    read=read,
)
