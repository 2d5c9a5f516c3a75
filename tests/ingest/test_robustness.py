"""Hostile input: random text, encodings, delimiters, empty and header-only files, huge cells.

Every outcome must be a loaded record or a reported issue: never a crash, never a silent drop.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.reference.taxonomy import load_taxonomy
from ingest.normalise.labels import LabelMatcher
from ingest.normalise.record import Context, normalise_batch
from ingest.pipeline import run_ingest
from ingest.sources.base import RawRow
from ingest.sources.table_files import TableError, read_text_table
from tests import factories
from tests.ingest.conftest import TODAY

TAX = load_taxonomy()
CTX = Context(taxonomy=TAX, policy="member", today=TODAY,
              matchers={k: LabelMatcher(TAX, k) for k in ("bias", "indicator", "type")})
FIELD_NAMES = ("date", "date_end", "country", "place", "lat", "lon", "bias", "indicator",
               "type", "summary", "narrative", "region", "nuts")


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    with factories.store(tmp_path_factory.mktemp("rob")) as built:
        yield built.engine


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(FIELD_NAMES), st.text(max_size=40)),
                min_size=1, max_size=8))
def test_normaliser_never_crashes_and_never_drops(rows):
    raw = [RawRow(i + 2, {k: v for k, v in r.items()}, r) for i, r in enumerate(rows)]
    for result in normalise_batch(raw, CTX):
        if result.rejected:
            assert any(p.rejects for p in result.issues)
        else:
            values = result.values
            assert values["date_start"] <= values["date_end"]
            assert values["country"] in {c.iso2 for c in TAX.countries()}


header = "date,country,type,bias,description\n"
lines = st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
                 max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(body=lines, encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "cp1252"]),
       delimiter=st.sampled_from([",", ";", "\t", "|"]))
def test_random_files_reconcile(engine, tmp_path, body, encoding, delimiter):
    text = header.replace(",", delimiter) + "\n".join(body)
    path = tmp_path / "random.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    try:
        report = run_ingest(engine, "csv", str(path), dry_run=True, today=TODAY)
    except TableError:
        return  # a file that is not a table at all is refused as a whole, with the reason
    assert report.reconciles


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"   \n\n", "is empty"),
])
def test_empty_files_are_refused_with_the_reason(tmp_path, content, message):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(TableError, match=message):
        read_text_table(path)


def test_header_only_file_reads_nothing(engine, tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("date;country;type\n", encoding="utf-8")
    report = run_ingest(engine, "csv", str(path), dry_run=True, today=TODAY)
    assert (report.read, report.loaded, report.rejected) == (0, 0, 0)


@pytest.mark.parametrize("encoding, sample", [
    ("utf-8-sig", "Zürich, Łódź, Θεσσαλονίκη"),
    ("latin-1", "Düsseldorf, Besançon"),
    ("cp1252", "Köln – “Gewalt”"),
])
def test_encodings_are_detected(tmp_path, encoding, sample):
    path = tmp_path / "enc.csv"
    path.write_bytes(f"place,date\n{sample},2019-01-01\n".encode(encoding))
    headers, rows = read_text_table(path)
    assert headers == ["place", "date"]
    (number, row), = list(rows)
    assert row["place"] == sample.split(",")[0] and number == 2


def test_huge_cells_and_ragged_rows(engine, tmp_path):
    path = tmp_path / "huge.csv"
    huge = "x" * 2_000_000
    path.write_text(f"date,country,description\n2019-01-01,AT,\"{huge}\"\n"
                    "2019-01-02,AT\n2019-01-03,AT,a,extra,cells\n", encoding="utf-8")
    report = run_ingest(engine, "csv", str(path), dry_run=True, today=TODAY)
    assert report.read == 3 and report.loaded == 3 and report.reconciles
