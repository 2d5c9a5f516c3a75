"""Every reader on real ARVIG rows converted by the test, plus hand-made Ushahidi exports."""

from __future__ import annotations

import json
from xml.sax.saxutils import escape

import pytest
from sqlalchemy import select

from data.store.schema import incidents, sources
from ingest.pipeline import run_ingest
from tests.ingest.conftest import TODAY, write_csv

SAMPLE = 60


@pytest.fixture
def store(make_store):
    return make_store().engine


@pytest.fixture(scope="module")
def sample(arvig_rows):
    return arvig_rows[:: len(arvig_rows) // SAMPLE][:SAMPLE]


def _stored(engine):
    with engine.connect() as conn:
        return conn.execute(select(incidents.c.country, incidents.c.lat, incidents.c.lon,
                                   incidents.c.date_start, incidents.c.status,
                                   incidents.c.policy)).fetchall()


def _check_like_arvig(engine, report, sample):
    assert report.reconciles and report.rejected == 0
    assert report.loaded == len(sample)
    rows = _stored(engine)
    assert {r.country for r in rows} == {"DE"}
    assert {r.status for r in rows} == {"submitted"}  # generic sources default to member
    assert {str(r.date_start) for r in rows} == {s["date"] for s in sample}


def test_xlsx(store, tmp_path, sample, boundaries):
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Datum", "Ort", "Bundesland", "Breite", "Länge", "Art", "Beschreibung"])
    for row in sample:  # real date cells, German headers
        sheet.append([dt.date.fromisoformat(row["date"]), row["location"], row["state"],
                      float(row["latitude"]), float(row["longitude"]), row["category_de"],
                      row["description"]])
    path = tmp_path / "arvig.xlsx"
    book.save(path)
    report = run_ingest(store, "xlsx", str(path), boundaries=boundaries, today=TODAY)
    _check_like_arvig(store, report, sample)


def test_geojson(store, tmp_path, sample, boundaries):
    features = [{"type": "Feature", "id": i,
                 "geometry": {"type": "Point", "coordinates": [float(r["longitude"]),
                                                               float(r["latitude"])]},
                 "properties": {"date": r["date"], "place": r["location"],
                                "region": r["state"], "type": r["category_en"],
                                "description": r["description"]}}
                for i, r in enumerate(sample)]
    path = tmp_path / "arvig.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    report = run_ingest(store, "geojson", str(path), boundaries=boundaries, today=TODAY)
    _check_like_arvig(store, report, sample)
    assert all(r.lat is not None for r in _stored(store))


def test_kml(store, tmp_path, sample, boundaries):
    marks = "".join(
        f"<Placemark><name>{escape(r['location'])}</name>"
        f"<description>{escape(r['description'])}</description>"
        f"<ExtendedData><Data name=\"Kategorie\"><value>{escape(r['category_de'])}</value>"
        f"</Data><Data name=\"Bundesland\"><value>{escape(r['state'])}</value></Data>"
        f"</ExtendedData><TimeStamp><when>{r['date']}</when></TimeStamp>"
        f"<Point><coordinates>{r['longitude']},{r['latitude']},0</coordinates></Point>"
        "</Placemark>" for r in sample)
    path = tmp_path / "arvig.kml"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?><kml xmlns='
                    f'"http://www.opengis.net/kml/2.2"><Document>{marks}</Document></kml>')
    report = run_ingest(store, "kml", str(path), boundaries=boundaries, today=TODAY)
    _check_like_arvig(store, report, sample)


def test_csv_semicolon_windows_1252_french_headers(store, tmp_path, sample, boundaries):
    rows = [{"Date des faits": ".".join(reversed(r["date"].split("-"))), "Pays": "Allemagne",
             "Ville": r["location"], "Latitude": r["latitude"], "Longitude": r["longitude"],
             "Catégorie": r["category_de"], "Motif": "xénophobie"} for r in sample]
    path = write_csv(tmp_path / "fr.csv", rows, delimiter=";", encoding="cp1252")
    report = run_ingest(store, "csv", str(path), boundaries=boundaries, today=TODAY)
    _check_like_arvig(store, report, sample)


USHAHIDI_V3 = """Post ID,Survey,Post Status,Created (UTC),Updated (UTC),Post Date (UTC),Title,\
Description,Categories,Location.lat,Location.lon
#meta +id,,,,,#date,#meta +title,#meta +description,#meta +tags,#geo +lat,#geo +lon
101,Incidents,published,2021-03-04 10:00:00,,2021-03-03 21:15:00,Attack on shop,\
"Shop owned by a migrant family damaged, racist graffiti","Vandalism, Anti-migrant",\
48.2082,16.3738
102,Incidents,draft,2021-05-01 09:00:00,,2021-04-30 00:00:00,Insults at tram stop,\
"Woman in headscarf insulted","Verbal abuse, Anti-Muslim hatred",48.1951,16.3600
103,Incidents,published,2021-06-10 12:00:00,,2021-06-09 00:00:00,Leaflets,\
Leaflets against asylum home,"Hate speech, Anti-refugee",47.0707,15.4395
"""

USHAHIDI_V2 = """#,INCIDENT TITLE,INCIDENT DATE,LOCATION,DESCRIPTION,CATEGORY,LATITUDE,\
LONGITUDE,APPROVED,VERIFIED
1,Stones thrown at reception centre,2015-10-12 22:00:00,Thessaloniki,Stones thrown,\
"Attack on property, anti-refugee",40.6401,22.9444,YES,NO
2,Threats against a family,2015-11-02 18:30:00,Athens,Threatening letter,\
"Threats, Xenophobia",37.9838,23.7275,YES,YES
"""


@pytest.mark.parametrize("text, country, count", [(USHAHIDI_V3, "AT", 3),
                                                   (USHAHIDI_V2, "GR", 2)])
def test_ushahidi_exports(store, tmp_path, boundaries, text, country, count):
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    report = run_ingest(store, "ushahidi", str(path), boundaries=boundaries, today=TODAY)
    assert report.reconciles and report.loaded == count, report.summary()
    rows = _stored(store)
    assert {r.country for r in rows} == {country}  # country from the point
    with store.connect() as conn:
        narratives = conn.execute(select(incidents.c.narrative,
                                         incidents.c.public_summary)).fetchall()
    assert all(n.public_summary is None and n.narrative for n in narratives)  # member data


def test_unknown_source_lists_valid_ones(store, tmp_path):
    from ingest.sources import UnknownSource

    with pytest.raises(UnknownSource, match="valid sources: arvig, csv"):
        run_ingest(store, "acled", str(tmp_path / "x.csv"))


def test_dataset_row_for_generic_file(store, tmp_path, sample, boundaries):
    rows = [{"date": r["date"], "country": "DE", "type": r["category_en"]} for r in sample]
    path = write_csv(tmp_path / "Verein Opferberatung 2016.csv", rows)
    run_ingest(store, "csv", str(path), boundaries=boundaries, today=TODAY)
    with store.connect() as conn:
        slug, policy = conn.execute(select(sources.c.slug, sources.c.policy)).one()
    assert slug == "verein-opferberatung-2016-csv" and policy == "member"
