"""Records seeded with canaries for the download tests, and reading downloads back.

- ``open-monitor`` (open, CC0): one published record with a point and a formula summary;
- ``secret-org-source`` (member): one published record whose point, place, region, day,
  narrative and ids are canaries that no public output may contain;
- ``secret-drafts`` (member): one submitted record (never public at all).
"""

from __future__ import annotations

import datetime as dt

FORMULA = '=HYPERLINK("http://evil.example","x")'
#: Text that must never appear in any public output.
CANARIES = ("CANARY", "48.1234567", "11.7654321", "DE212", "2020-05-17", "secret-org",
            "secret-drafts")
#: The three records above, as ``records`` of :func:`tests.factories.build_store` (they
#: follow the demo rows, seed 11, of the download tests' stores).
CANARY_RECORDS = (
    {"slug": "open-monitor", "policy": "open", "status": "published", "public_id": "openrec1",
     "summary": FORMULA, "lat": 52.52, "lon": -13.4, "place": "Berlin", "licence": "CC0-1.0",
     "attribution": "Open Monitor e.V."},
    {"slug": "secret-org-source", "policy": "member", "status": "published",
     "public_id": "memberrec1", "lat": 48.1234567, "lon": 11.7654321, "place": "CANARY-PLACE",
     "nuts": ("DE2", "DE21", "DE212"), "day": dt.date(2020, 5, 17), "geo": "exact",
     "summary": "Reviewed public summary of a member record"},
    {"slug": "secret-drafts", "policy": "member", "status": "submitted",
     "public_id": "draftrec1", "summary": "CANARY draft summary"},
)


def read_download(fmt: str, data: bytes, folder) -> tuple[list[str], list[dict], dict]:
    """Open a download with the format's real reader.

    Returns
    -------
    (columns, rows, meta)
        Column names, one dict per row (GeoJSON/GPKG rows get ``_geometry``), and what the
        file says about itself (release id and the like; keys differ by format).
    """
    import csv
    import io
    import json
    import zipfile

    path = folder / f"download.{fmt}"
    path.write_bytes(data)
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
        return list(reader.fieldnames or []), list(reader), {}
    if fmt == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        sheets = [s for s in book.sheetnames if s.startswith("incidents")]
        columns, rows = [], []
        for name in sheets:
            values = list(book[name].iter_rows(values_only=True))
            columns = list(values[0])
            rows += [dict(zip(columns, v, strict=False)) for v in values[1:]]
        about = {r[0]: r[1] for r in book["about"].iter_rows(values_only=True) if r}
        return columns, rows, {"sheets": book.sheetnames, **about}
    if fmt == "geojson":
        body = json.loads(data)
        rows = [{**f["properties"], "_geometry": f["geometry"]} for f in body["features"]]
        columns = list(rows[0]) if rows else []
        return columns, rows, {k: v for k, v in body.items() if k != "features"}
    if fmt == "parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        meta = json.loads(table.schema.metadata[b"incidentmap"])
        return table.column_names, table.to_pylist(), meta
    if fmt == "gpkg":
        import pyogrio

        frame = pyogrio.read_dataframe(path)
        info = pyogrio.read_info(path)
        rows = []
        for record, geom in zip(frame.drop(columns="geometry").to_dict("records"),
                                frame.geometry, strict=True):
            rows.append({**record, "_geometry": None if geom is None else (geom.x, geom.y)})
        return list(frame.columns), rows, {**(info.get("layer_metadata") or {}),
                                           "crs": info["crs"]}
    if fmt == "datapackage":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            archive.extractall(folder / "package")
            text = archive.read("data/incidents.csv").decode("utf-8")
            package = json.loads(archive.read("datapackage.json"))
            readme = archive.read("README.md").decode("utf-8")
        reader = csv.DictReader(io.StringIO(text))
        return list(reader.fieldnames or []), list(reader), {
            "names": names, "package": package, "readme": readme,
            "descriptor": folder / "package" / "datapackage.json"}
    raise ValueError(fmt)


def text_of(rows: list[dict], meta: dict) -> str:
    """Every value of ``rows`` and ``meta`` as one string (for canary checks)."""
    return repr(rows) + repr({k: v for k, v in meta.items() if k != "descriptor"})
