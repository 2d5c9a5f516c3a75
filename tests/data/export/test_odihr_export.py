"""The ODIHR submission export: an organisation's own published records, in ODIHR's shape."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import insert

from data.export.odihr import HEADER, OdihrExportError, odihr_rows
from data.people.accounts import add_user, organisation_id
from data.reference.taxonomy import load_taxonomy
from data.store.schema import incident_bias_motivations, incident_types, incidents, sources
from ingest.pipeline import run_ingest
from tests import factories
from tests.security.web import log_in_as

TAX = load_taxonomy()
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
CLI = Path(sys.executable).parent / "incidentmap"


def _record(engine, org: str, n: int, *, biases=("bm.racism_xenophobia.anti_refugee",),
            kinds=("it.attack_property.arson",), status="published", day=dt.date(2025, 3, 9),
            precision="day", summary="Windows of a shelter were smashed.") -> None:
    with engine.begin() as conn:
        src = conn.execute(sources.select().where(sources.c.slug == "member-forms")).first()
        src_id = src.id if src else conn.execute(insert(sources).values(
            slug="member-forms", name="Member forms", kind="form", policy="member",
            licence="", attribution="", url="")).inserted_primary_key[0]
        row = conn.execute(insert(incidents).values(
            uuid=f"u-{org}-{n}", public_id=f"{org[:4]}{n:04d}", source_id=src_id,
            source_record_id=f"{org}-{n}", organisation_id=organisation_id(engine, org),
            policy="member", status=status, date_start=day,
            date_end=day if precision == "day" else dt.date(day.year, 12, 31),
            date_precision=precision, country="AT", geo_precision="municipality",
            is_online=False, location_type="street_public_space", classification="hate_crime",
            public_summary=summary, narrative="CANARY-NARRATIVE the victim told us",
            taxonomy_version=TAX.version, created_at=NOW, updated_at=NOW)).inserted_primary_key[0]
        for i, code in enumerate(biases):
            conn.execute(insert(incident_bias_motivations).values(
                incident_id=row, code=code, is_primary=i == 0))
        for i, code in enumerate(kinds):
            conn.execute(insert(incident_types).values(
                incident_id=row, code=code, is_primary=i == 0))


def _fill(engine) -> None:
    _record(engine, "ngo-graz", 1)
    _record(engine, "ngo-graz", 2, biases=("bm.anti_muslim", "bm.racism_xenophobia.afrophobia"),
            kinds=("it.violent_attack.physical_assault",), day=dt.date(2025, 6, 2),
            summary='=HYPERLINK("http://x","y") two men were beaten')
    _record(engine, "ngo-graz", 3, precision="year", day=dt.date(2025, 1, 1))
    _record(engine, "ngo-graz", 4, biases=("bm.unknown",))
    _record(engine, "ngo-graz", 5, kinds=("it.hate_speech_online",))
    _record(engine, "ngo-graz", 6, status="submitted", summary="CANARY not yet published")
    _record(engine, "other-org", 7, summary="CANARY another organisation's record")
    _record(engine, "ngo-graz", 8, day=dt.date(2024, 11, 30))


@pytest.fixture(scope="module")
def odihr_store(tmp_path_factory):
    with factories.store(tmp_path_factory.mktemp("odihr"),
                         organisations=(("ngo-graz", "Beratungsstelle Graz", "AT"),
                                        ("other-org", "Another NGO", "AT")),
                         fill=_fill) as built:
        yield built


@pytest.fixture(scope="module")
def store(odihr_store):
    return odihr_store.url, odihr_store.engine, odihr_store.folder


def test_rows_are_the_organisations_published_records_in_odihr_terms(store):
    _url, engine, _ = store
    export = odihr_rows(engine, "ngo-graz", TAX)
    assert export.rows == [
        ("2024-11", "Austria", "Racist and xenophobic hate crime", "Attacks against property",
         "Beratungsstelle Graz", "Windows of a shelter were smashed."),
        ("2025-03", "Austria", "Racist and xenophobic hate crime", "Attacks against property",
         "Beratungsstelle Graz", "Windows of a shelter were smashed."),
        ("2025-06", "Austria", "Anti-Muslim hate crime, Racist and xenophobic hate crime",
         "Violent attacks against people", "Beratungsstelle Graz",
         '=HYPERLINK("http://x","y") two men were beaten'),
    ]
    assert dict(export.skipped) == {"no_month": 1, "no_odihr_bias": 1, "no_odihr_type": 1}
    text = export.csv_text()
    assert "CANARY" not in text
    assert text.splitlines()[0] == ",".join(HEADER)
    assert "'=HYPERLINK" in text  # spreadsheet-safe
    assert "3 incident(s) of ngo-graz" in export.summary()


def test_months_limit_the_period_and_bad_input_is_an_error(store):
    _url, engine, _ = store
    assert [r[0] for r in odihr_rows(engine, "ngo-graz", TAX, month_from="2025-01",
                                     month_to="2025-03").rows] == ["2025-03"]
    with pytest.raises(OdihrExportError, match="no organisation"):
        odihr_rows(engine, "nobody", TAX)
    with pytest.raises(OdihrExportError, match="YYYY-MM"):
        odihr_rows(engine, "ngo-graz", TAX, month_from="2025-13")


def test_the_file_reads_back_with_the_odihr_source(store, tmp_path, make_store):
    _url, engine, _ = store
    path = tmp_path / "odihr-ngo-graz.csv"
    path.write_text(odihr_rows(engine, "ngo-graz", TAX).csv_text(), encoding="utf-8")
    other = make_store().engine
    report = run_ingest(other, "odihr", str(path), today=dt.date(2026, 1, 1))
    assert (report.read, report.loaded, report.rejected) == (3, 3, 0)
    assert report.loaded_by_country == {"AT": 3}


def test_command_line_writes_the_file_and_reports_what_it_left_out(store, tmp_path):
    url, _engine, folder = store
    env = {"INCIDENTMAP_DATABASE_URL": url, "INCIDENTMAP_INSTANCE_DIR": str(folder / "inst"),
           "PATH": "/usr/bin:/bin"}
    out = tmp_path / "file.csv"
    done = subprocess.run([str(CLI), "odihr-export", "--organisation", "ngo-graz", "-o",
                           str(out)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(list(csv.reader(io.StringIO(out.read_text())))) == 4
    assert "1 left out: the date is known only to the year" in done.stderr
    bad = subprocess.run([str(CLI), "odihr-export", "--organisation", "nobody", "-o", "-"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "no organisation 'nobody'" in bad.stderr


def test_page_download_is_for_the_callers_own_organisation(store, odihr_store):
    url, engine, folder = store
    for email, role, org in (("rep@graz.example", "reporter", "ngo-graz"),
                             ("res@example.org", "researcher", None),
                             ("adm@example.org", "admin", None)):
        add_user(engine, email, role, org)
    server = factories.build_site(odihr_store).server

    def client(email):
        c = server.test_client()
        if email:
            log_in_as(c, engine, email)
        return c

    assert client(None).get("/account/odihr.csv").status_code == 401
    assert client("res@example.org").get("/account/odihr.csv").status_code == 403
    own = client("rep@graz.example").get("/account/odihr.csv?organisation=other-org")
    assert own.status_code == 200 and "Another NGO" not in own.get_data(as_text=True)
    assert own.get_data(as_text=True).count("Beratungsstelle Graz") == 3
    assert client("adm@example.org").get("/account/odihr.csv").status_code == 400
    other = client("adm@example.org").get("/account/odihr.csv?organisation=other-org")
    assert other.status_code == 200
    line = other.get_data(as_text=True).splitlines()[1]
    assert line.endswith("Another NGO,CANARY another organisation's record")
    assert client("rep@graz.example").get("/account/odihr.csv?from=2025-99").status_code == 400
