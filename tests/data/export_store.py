"""A small store for the download tests: demo rows plus records seeded with canaries.

- ``open-monitor`` (open, CC0): one published record with a point and a formula summary;
- ``secret-org-source`` (member): one published record whose point, place, region, day,
  narrative and ids are canaries that no public output may contain;
- ``secret-drafts`` (member): one submitted record (never public at all).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert

from data.records.demo import load_demo
from data.store import db
from data.store.schema import incident_bias_motivations, incident_types, incidents, sources

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
FORMULA = '=HYPERLINK("http://evil.example","x")'
#: Text that must never appear in any public output.
CANARIES = ("CANARY", "48.1234567", "11.7654321", "DE212", "2020-05-17", "secret-org",
            "secret-drafts")


def add_record(engine, *, slug: str, policy: str, status: str, public_id: str,
               summary: str = "A public summary", lat=None, lon=None, place=None,
               nuts=(None, None, None), day=dt.date(2016, 2, 3), precision="day",
               geo="municipality", country="DE", bias="bm.racism_xenophobia.anti_refugee",
               licence="", attribution="") -> None:
    """Insert one record (creating its source when needed) and bump the data version."""
    with engine.begin() as conn:
        src = conn.execute(sources.select().where(sources.c.slug == slug)).first()
        src_id = src.id if src else conn.execute(insert(sources).values(
            slug=slug, name=slug.replace("-", " ").title(), kind="dataset", policy=policy,
            licence=licence, attribution=attribution,
            url=f"https://example.org/{slug}")).inserted_primary_key[0]
        row = conn.execute(insert(incidents).values(
            uuid=f"CANARY-UUID-{public_id}", public_id=public_id, source_id=src_id,
            source_record_id=f"CANARY-SRID-{public_id}", policy=policy, status=status,
            date_start=day, date_end=day, date_precision=precision, country=country,
            nuts1=nuts[0], nuts2=nuts[1], nuts3=nuts[2], geo_precision=geo, lat=lat, lon=lon,
            place_name=place, is_online=False, location_type="street_public_space",
            classification="hate_crime", public_summary=summary,
            narrative="CANARY-NARRATIVE restricted text", raw_labels={"x": "CANARY-RAW"},
            taxonomy_version="0.2.0", created_at=NOW, updated_at=NOW)).inserted_primary_key[0]
        conn.execute(insert(incident_bias_motivations).values(
            incident_id=row, code=bias, is_primary=True))
        conn.execute(insert(incident_types).values(
            incident_id=row, code="it.attack_property.arson", is_primary=True))
        db.bump_version(conn)


def build_store(url: str, demo_rows: int = 300):
    """A migrated store at ``url`` with demo rows and the canary records; returns the engine."""
    engine = db.make_engine(url)
    db.upgrade(engine)
    load_demo(engine, rows=demo_rows, seed=11)
    add_record(engine, slug="open-monitor", policy="open", status="published",
               public_id="openrec1", summary=FORMULA, lat=52.52, lon=-13.4, place="Berlin",
               licence="CC0-1.0", attribution="Open Monitor e.V.")
    add_record(engine, slug="secret-org-source", policy="member", status="published",
               public_id="memberrec1", lat=48.1234567, lon=11.7654321,
               place="CANARY-PLACE", nuts=("DE2", "DE21", "DE212"), day=dt.date(2020, 5, 17),
               geo="exact", summary="Reviewed public summary of a member record")
    add_record(engine, slug="secret-drafts", policy="member", status="submitted",
               public_id="draftrec1", summary="CANARY draft summary")
    return engine


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
