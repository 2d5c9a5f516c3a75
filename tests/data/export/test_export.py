"""Every download format, opened with its real reader, against a real store.

Checks row counts against the snapshot (what the API counts), columns against the schema,
the public projection (no restricted field, no hidden point), spreadsheet safety and the
release id every file names.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from data.export import FORMATS, filename, select, stream
from data.export.fields import fields
from data.filters import IncidentFilter
from data.privacy.publication import RESTRICTED_COLUMNS
from data.reference.taxonomy import load_taxonomy
from data.reference.vocab import DEMO_NOTICE
from data.snapshot.model import build
from tests import factories
from tests.data.export.export_store import CANARIES, CANARY_RECORDS, read_download, text_of
from tests.factories import MIN_CELL

TAX = load_taxonomy()
NAMES = [f.name for f in fields(TAX)]
FIXED = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with factories.store(tmp_path_factory.mktemp("export"), demo_rows=300,
                         records=CANARY_RECORDS) as built:
        yield built.engine, build(built.engine, TAX, MIN_CELL)


def _blank(value) -> bool:
    return value is None or value == "" or value != value  # None, empty text or NaN


def _export(store, fmt, flt=None, **kwargs):
    engine, snapshot = store
    selection = select(engine, snapshot, flt or IncidentFilter(), now=FIXED)
    return selection, b"".join(stream(fmt, engine, TAX, selection, **kwargs))


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_holds_the_filtered_rows_and_schema_columns(store, fmt, tmp_path):
    flt = IncidentFilter(country=("DE",), date_from=dt.date(2014, 1, 1),
                         date_to=dt.date(2021, 12, 31))
    selection, data = _export(store, fmt, flt, batch=37)  # several batches
    columns, rows, _ = read_download(fmt, data, tmp_path)
    engine, snapshot = store
    assert len(rows) == selection.info.total == snapshot.count(snapshot.mask(flt)) > 40
    assert len({r["public_id"] for r in rows}) == len(rows)
    assert all(r["country"] == "DE" for r in rows)
    expected = {"geojson": [n for n in NAMES if n not in ("lat", "lon")] + ["_geometry"],
                "gpkg": [*NAMES, "geometry"]}.get(fmt, NAMES)
    assert columns == expected


@pytest.mark.parametrize("fmt", FORMATS)
def test_restricted_fields_and_hidden_points_never_appear(store, fmt, tmp_path):
    _, data = _export(store, fmt)
    columns, rows, meta = read_download(fmt, data, tmp_path)
    assert not set(columns) & set(RESTRICTED_COLUMNS)
    text = text_of(rows, meta)
    for canary in CANARIES:
        assert canary not in text, canary
    if fmt in ("csv", "geojson"):
        for canary in CANARIES:
            assert canary.encode() not in data
    member = next(r for r in rows if r["public_id"] == "memberrec1")
    assert member["source"] == "member"
    assert str(member["date_start"]).startswith("2020-05-01")
    assert str(member["date_end"]).startswith("2020-05-31")
    assert member["date_precision"] == "month" and member["geo_precision"] == "country"
    assert all(_blank(member.get(c)) for c in ("lat", "lon", "place_name", "nuts1", "nuts3"))
    assert member.get("_geometry") is None
    assert not any(r["public_id"] == "draftrec1" for r in rows)


@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_points_only_where_the_projection_keeps_them(store, fmt, tmp_path):
    _, data = _export(store, fmt, IncidentFilter(source=("open-monitor", "member")))
    _, rows, meta = read_download(fmt, data, tmp_path)
    by_id = {r["public_id"]: r["_geometry"] for r in rows}
    assert by_id["memberrec1"] is None
    if fmt == "geojson":
        assert by_id["openrec1"] == {"type": "Point", "coordinates": [-13.4, 52.52]}
    else:
        assert by_id["openrec1"] == pytest.approx((-13.4, 52.52))
        assert "4326" in meta["crs"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "datapackage"])
def test_spreadsheet_formats_neutralise_formulas_but_keep_numbers(store, fmt, tmp_path):
    _, data = _export(store, fmt, IncidentFilter(source=("open-monitor",)))
    _, rows, _ = read_download(fmt, data, tmp_path)
    assert rows[0]["public_summary"] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert float(rows[0]["lon"]) == -13.4
    if fmt == "xlsx":
        assert rows[0]["lon"] == -13.4 and rows[0]["is_online"] is False  # typed cells


#: Summaries starting like a formula (every prefix a spreadsheet may run) and harmless ones.
FORMULA_CASES = {
    "fplus": ("+SUM(A1:A9)", "'+SUM(A1:A9)"),
    "fminus": ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    "fat": ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
    "ftab": ("\t=1+1", "'\t=1+1"),
    "fcr": ("\r=1+1", "'\r=1+1"),
    "fplain": ("Leaflets left at a school: -2 degrees, +1 witness", None),
}


@pytest.fixture(scope="module")
def formula_store(tmp_path_factory):
    formulas = [{"slug": "formula-monitor", "policy": "open", "status": "published",
                 "public_id": public_id, "summary": summary, "lat": 48.2, "lon": -16.4}
                for public_id, (summary, _) in FORMULA_CASES.items()]
    with factories.store(tmp_path_factory.mktemp("formulas"), demo_rows=20,
                         records=(*CANARY_RECORDS, *formulas)) as built:
        yield built.engine, build(built.engine, TAX, MIN_CELL)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "datapackage"])
def test_every_formula_prefix_is_neutralised(formula_store, fmt, tmp_path):
    _, data = _export(formula_store, fmt, IncidentFilter(source=("formula-monitor",)))
    _, rows, _ = read_download(fmt, data, tmp_path)
    summaries = {r["public_id"]: r["public_summary"] for r in rows}
    assert set(summaries) == set(FORMULA_CASES)
    for public_id, (summary, guarded) in FORMULA_CASES.items():
        expected = guarded or summary
        if fmt == "xlsx":  # XML text reads a lone carriage return back as a line feed
            expected = expected.replace("\r", "\n")
        assert summaries[public_id] == expected, public_id
    assert all(float(r["lon"]) == -16.4 for r in rows)  # a negative number is not text


@pytest.mark.parametrize("fmt", ["geojson", "parquet", "gpkg"])
def test_data_formats_keep_text_as_published(store, fmt, tmp_path):
    _, data = _export(store, fmt, IncidentFilter(source=("open-monitor",)))
    _, rows, _ = read_download(fmt, data, tmp_path)
    assert rows[0]["public_summary"].startswith("=HYPERLINK")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_download_names_its_data_release(store, fmt, tmp_path):
    selection, data = _export(store, fmt, IncidentFilter(country=("FR",)))
    _, rows, meta = read_download(fmt, data, tmp_path)
    release = store[1].fingerprint
    assert selection.info.data_release == release
    assert {r["data_release"] for r in rows} == {release}
    if fmt == "xlsx":
        assert meta["Data release"] == release and meta["Filter"] == "country=FR"
        assert meta["Notice"] == DEMO_NOTICE
    elif fmt == "datapackage":
        assert meta["package"]["incidentmap"]["data_release"] == release
    elif fmt != "csv":
        assert meta["data_release"] == release and DEMO_NOTICE in meta["notice"]
    assert release in filename(fmt, selection.info)
    assert "synthetic-demo" in filename(fmt, selection.info)
    assert all(r["data_notice"] == DEMO_NOTICE for r in rows)  # every row here is demo


def test_data_package_is_valid_and_self_describing(store, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    flt = IncidentFilter(country=("DE",), bias=("bm.racism_xenophobia",))
    selection, data = _export(store, "datapackage", flt)
    _, rows, meta = read_download("datapackage", data, tmp_path)
    assert meta["names"] == ["data/incidents.csv", "datapackage.json", "README.md"]
    report = frictionless.validate(str(meta["descriptor"]))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])[:5]
    package = meta["package"]
    resource = package["resources"][0]
    schema = {f["name"]: f for f in resource["schema"]["fields"]}
    assert list(schema) == NAMES
    assert all(f["description"] for f in schema.values())
    assert "bm.anti_muslim" in schema["primary_bias_motivation"]["constraints"]["enum"]
    assert schema["date_precision"]["constraints"]["enum"] == ["day", "week", "month", "year"]
    assert schema["date_start"]["type"] == "date" and schema["lat"]["type"] == "number"
    assert package["incidentmap"]["total"] == len(rows) == selection.info.total
    readme = meta["readme"]
    for expected in (flt.describe(TAX), TAX.version, store[1].fingerprint, "2026-03-01T12:00:00Z",
                     "How to cite", "country=DE&bias=bm.racism_xenophobia", "CC0-1.0"):
        assert expected in readme, expected
    attribution = ("- **Open Monitor** (`open-monitor`), licence: CC0-1.0. Attribution: "
                   "Open Monitor e.V. <https://example.org/open-monitor>")
    assert attribution in readme.splitlines()
    citation = ("incidentmap contributors. Anti-migrant hate incidents in the EU-27 (incidentmap), "
                f"data release {store[1].fingerprint}, filter: "
                "country=DE&bias=bm.racism_xenophobia. Retrieved 2026-03-01. Please also credit "
                "the sources named in the attribution list.")
    cite_section = readme.split("## How to cite", 1)[1].split("\n## ", 1)[0]
    assert cite_section.strip() == citation
    assert package["incidentmap"]["citation"] == citation


def test_sources_list_licences_and_never_names_member_organisations(store, tmp_path):
    selection, data = _export(store, "datapackage")
    slugs = [s.slug for s in selection.info.sources]
    assert slugs == ["open-monitor", "demo", "member"]  # datasets by name, then members
    open_monitor = selection.info.sources[0]
    assert open_monitor.licence == "CC0-1.0" and open_monitor.attribution == "Open Monitor e.V."
    _, _, meta = read_download("datapackage", data, tmp_path)
    described = repr(meta["package"]) + meta["readme"]
    assert "Member organisations" in described and "secret" not in described.lower()


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_selection_is_a_valid_empty_file(store, fmt, tmp_path):
    selection, data = _export(store, fmt, IncidentFilter(country=("MT",),
                                                         date_from=dt.date(1999, 1, 1),
                                                         date_to=dt.date(1999, 1, 31)))
    columns, rows, _ = read_download(fmt, data, tmp_path)
    assert rows == [] and selection.info.total == 0
    if fmt not in ("geojson",):
        assert columns[: len(NAMES)] == NAMES


def test_xlsx_continues_on_new_sheets_when_one_is_full(store, tmp_path, monkeypatch):
    from data.export.formats import xlsx_writer

    monkeypatch.setattr(xlsx_writer, "MAX_ROWS", 120)
    selection, data = _export(store, "xlsx")
    _, rows, meta = read_download("xlsx", data, tmp_path)
    assert meta["sheets"] == ["incidents", "incidents_2", "incidents_3", "about"]
    assert len(rows) == selection.info.total


def test_the_same_selection_gives_the_same_bytes(store):
    for fmt in ("csv", "xlsx", "parquet", "datapackage", "geojson"):
        first = _export(store, fmt)[1]
        assert _export(store, fmt)[1] == first, fmt


def test_export_reads_only_selected_ids(store):
    engine, snapshot = store
    selection = select(engine, snapshot, IncidentFilter(source=("open-monitor",)), now=FIXED)
    bigger = dataclasses.replace(selection, ids=selection.ids[:0])
    assert b"".join(stream("csv", engine, TAX, bigger)).count(b"\n") == 1  # header only


def test_xlsx_keeps_markup_and_drops_characters_xml_cannot_hold(tmp_path):
    import pyarrow as pa

    from data.export.formats.xlsx_writer import xlsx_chunks
    from data.export.table import to_table

    row = {"public_id": "x1", "date_start": "2020-01-02", "date_end": "2020-01-02",
           "date_precision": "day", "country": "AT", "nuts1": None, "nuts2": None,
           "nuts3": None, "geo_precision": "country", "lat": None, "lon": None,
           "place_name": "Graz & <Umgebung>", "is_online": True, "location_type": "online",
           "classification": "unclear", "public_summary": "tab\there, \x0bvertical\x00",
           "source": "s", "policy": "open", "bias_motivations": "bm.anti_roma",
           "bias_indicators": "", "incident_types": "it.threat",
           "primary_bias_motivation": "bm.anti_roma", "primary_incident_type": "it.threat"}
    columns = fields(TAX)
    table = to_table(pa.Table.from_pylist([row]), columns, "0123456789abcdef")
    from data.export.info import ExportInfo

    info = ExportInfo("0123456789abcdef", {}, "All incidents.", 1, False, TAX.version, FIXED)
    data = b"".join(xlsx_chunks([table], info, columns))
    _, rows, meta = read_download("xlsx", data, tmp_path)
    assert rows[0]["place_name"] == "Graz & <Umgebung>"
    assert rows[0]["public_summary"] == "tab\there, vertical"
    assert rows[0]["is_online"] is True and rows[0]["lat"] is None
    assert meta["Filter"] == "(none)"
