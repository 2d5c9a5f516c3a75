"""Who reports: distinct datasets and member organisations per member state and period.

A hand-built snapshot pins the counts; a small store checks that member records reach the
snapshot with opaque organisation codes (never ids or names) and that small cells of member
records never show an organisation count, whatever the filter.
"""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import insert

from data.filters import IncidentFilter
from data.public.coverage import Coverage, coverage
from data.reference.taxonomy import load_taxonomy
from data.snapshot.model import Snapshot, build
from data.store.schema import incident_bias_motivations, incidents, organisations, sources
from tests import factories
from tests.factories import MIN_CELL
from tests.oracles import snapshot_of_frame

TAX = load_taxonomy()
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
REFUGEE = "bm.racism_xenophobia.anti_refugee"
MUSLIM = "bm.anti_muslim"
#: (country, day, precision, policy, source slug, organisation code, bias, how many)
ROWS = [
    ("DE", "2016-03-05", "day", "open", "arvig", -1, REFUGEE, 3),
    ("DE", "2016-07-01", "month", "open", "odihr", -1, MUSLIM, 1),
    ("DE", "2016-04-01", "month", "member", "member", 0, REFUGEE, 3),  # organisation A
    ("DE", "2016-09-01", "month", "member", "member", 1, REFUGEE, 3),  # organisation B
    ("DE", "2017-02-11", "day", "open", "arvig", -1, REFUGEE, 1),
    ("DE", "2017-05-01", "month", "member", "member", 0, REFUGEE, 2),  # A, a small cell
    ("FR", "2016-06-01", "month", "open", "odihr", -1, MUSLIM, 2),
    ("FR", "2017-01-01", "year", "open", "odihr", -1, MUSLIM, 1),     # known to the year
    ("GR", "2016-08-08", "day", "demo", "demo", -1, REFUGEE, 1),
]


def _frame() -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    records, bias = [], []
    for country, day, precision, policy, slug, org, code, n in ROWS:
        start = pd.Timestamp(day)
        end = start + (pd.offsets.YearEnd(0) if precision == "year" else
                       pd.offsets.MonthEnd(0) if precision == "month" else pd.Timedelta(0))
        for _ in range(n):
            rid = len(records) + 1
            records.append({"id": rid, "date_start": start, "date_end": end,
                            "date_precision": precision, "country": country, "nuts1": None,
                            "nuts2": None, "nuts3": None, "geo_precision": "country",
                            "policy": policy, "source": slug, "organisation": org})
            bias.append({"incident_id": rid, "code": code, "is_primary": True})
    links = {"bias": pd.DataFrame(bias),
             "indicator": pd.DataFrame(columns=["incident_id", "code"]),
             "type": pd.DataFrame(columns=["incident_id", "code", "is_primary"])}
    return pd.DataFrame(records), links


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    frame, links = _frame()
    return snapshot_of_frame(frame, links, TAX)


def _cells(result: Coverage) -> dict[tuple[str, str], tuple]:
    return {(r.country, r.period): (r.incidents, r.datasets,
                                    None if pd.isna(r.organisations) else int(r.organisations),
                                    r.member_incidents, r.dataset_slugs)
            for r in result.cells.itertuples()}


def test_counts_distinct_datasets_and_organisations_per_country_and_year(snapshot):
    result = coverage(snapshot, snapshot.mask(IncidentFilter()), "year", min_cell=5)
    assert result.periods == ("2016", "2017")
    assert result.countries == tuple(c for c in snapshot.countries if c in {"DE", "FR", "GR"})
    assert _cells(result) == {
        ("DE", "2016"): (10, 2, 2, 6, ("arvig", "odihr")),
        ("DE", "2017"): (3, 1, None, 2, ("arvig",)),  # 2 member records < 5: withheld
        ("FR", "2016"): (2, 1, 0, 0, ("odihr",)),
        ("FR", "2017"): (1, 1, 0, 0, ("odihr",)),
        ("GR", "2016"): (1, 1, 0, 0, ("demo",)),
    }
    totals = result.totals.set_index("country")
    assert totals.loc["DE", "datasets"] == 2
    assert totals.loc["DE", "organisations"] == 2  # A and B, each counted once over the years
    assert totals.loc["DE", "member_incidents"] == 8
    assert result.datasets == ("arvig", "demo", "odihr")
    assert result.organisations == 2
    assert result.withheld == 1
    assert result.contains_demo
    assert result.unplaced == 0


def test_filters_are_respected(snapshot):
    only_fr = coverage(snapshot, snapshot.mask(IncidentFilter(country=("FR",))),
                       min_cell=MIN_CELL)
    assert only_fr.countries == ("FR",)
    assert only_fr.datasets == ("odihr",)
    assert only_fr.organisations == 0
    assert not only_fr.contains_demo  # demo rows are flagged only when selected

    muslim = coverage(snapshot, snapshot.mask(IncidentFilter(bias=(MUSLIM,))),
                      min_cell=MIN_CELL)
    assert set(_cells(muslim)) == {("DE", "2016"), ("FR", "2016"), ("FR", "2017")}
    assert _cells(muslim)[("DE", "2016")] == (1, 1, 0, 0, ("odihr",))

    in_2017 = coverage(snapshot, snapshot.mask(IncidentFilter(
        date_from=dt.date(2017, 1, 1), date_to=dt.date(2017, 12, 31))), min_cell=MIN_CELL)
    assert in_2017.periods == ("2017",)
    assert in_2017.organisations is None  # the whole selection holds 2 member records

    members = coverage(snapshot, snapshot.mask(IncidentFilter(source=("member",))),
                       min_cell=MIN_CELL)
    assert members.datasets == ()
    assert _cells(members)[("DE", "2016")] == (6, 0, 2, 6, ())


def test_monthly_periods_leave_year_only_records_unplaced(snapshot):
    result = coverage(snapshot, snapshot.mask(IncidentFilter()), "month", min_cell=MIN_CELL)
    assert result.periods[0] == "2016-03" and result.periods[-1] == "2017-05"
    assert len(result.periods) == 15  # gaps included
    assert result.unplaced == 1  # the FR record known only to 2017
    assert ("FR", "2017-01") not in _cells(result)
    assert result.totals.set_index("country").loc["FR", "incidents"] == 3
    assert _cells(result)[("DE", "2016-04")] == (3, 0, None, 3, ())  # 3 < 5 member records


def test_demo_rows_count_as_a_dataset_like_in_every_view(snapshot):
    mask = snapshot.mask(IncidentFilter(country=("GR",)))
    result = coverage(snapshot, mask, min_cell=MIN_CELL)
    assert result.contains_demo and result.datasets == ("demo",)
    assert int(result.totals["incidents"].sum()) == snapshot.count(mask)


def test_empty_selection(snapshot):
    result = coverage(snapshot, np.zeros(snapshot.size, dtype=bool), min_cell=MIN_CELL)
    assert result.empty and result.periods == () and result.countries == ()
    assert result.cells.empty and result.organisations == 0


def test_unknown_granularity_is_an_error(snapshot):
    with pytest.raises(ValueError, match="granularity"):
        coverage(snapshot, snapshot.mask(IncidentFilter()), "week", min_cell=MIN_CELL)


def test_sparse_path_equals_dense_path(snapshot, monkeypatch):
    mask = snapshot.mask(IncidentFilter())
    dense = coverage(snapshot, mask, "month", min_cell=MIN_CELL)
    monkeypatch.setattr("data.public.coverage._DENSE_LIMIT", 0)
    sparse = coverage(snapshot, mask, "month", min_cell=MIN_CELL)
    pd.testing.assert_frame_equal(dense.cells, sparse.cells)
    pd.testing.assert_frame_equal(dense.totals, sparse.totals)


# --- from the store: organisation codes, and no small member cell shows organisations -----

def _seed_organisations(engine) -> None:
    with engine.begin() as conn:
        def source(slug, policy, kind):
            return conn.execute(insert(sources).values(
                slug=slug, name=slug.upper(), kind=kind, policy=policy, licence="",
                attribution="", url="")).inserted_primary_key[0]

        open_src = source("open-data", "open", "dataset")
        org_src = source("secret-org-source", "member", "organisation")
        other_src = source("another-org-source", "member", "organisation")
        org_ids = [conn.execute(insert(organisations).values(
            slug=f"org-{i}", name=f"SECRET ORG {i}", country="AT",
            public_name_opt_in=False)).inserted_primary_key[0] for i in range(3)]
        plan = [(open_src, None, "AT", 2018, 4), (org_src, org_ids[0], "AT", 2018, 3),
                (org_src, org_ids[1], "AT", 2018, 3), (org_src, org_ids[2], "AT", 2019, 1),
                (other_src, None, "AT", 2019, 2), (org_src, org_ids[0], "SI", 2019, 6),
                (org_src, org_ids[0], "AT", 2020, 1)]
        n = 0
        for src, org, country, year, count in plan:
            for _ in range(count):
                n += 1
                policy = "open" if src == open_src else "member"
                row = conn.execute(insert(incidents).values(
                    uuid=f"u{n}", public_id=f"p{n:05d}", source_id=src,
                    source_record_id=str(n), organisation_id=org, policy=policy,
                    status="published", date_start=dt.date(year, 5, 1 + n % 20),
                    date_end=dt.date(year, 5, 1 + n % 20), date_precision="day",
                    country=country, geo_precision="country", is_online=False,
                    location_type="unknown", classification="unclear",
                    taxonomy_version=TAX.version, created_at=NOW,
                    updated_at=NOW)).inserted_primary_key[0]
                conn.execute(insert(incident_bias_motivations).values(
                    incident_id=row, code=REFUGEE, is_primary=True))


@pytest.fixture(scope="module")
def store_snapshot(tmp_path_factory):
    with factories.store(tmp_path_factory.mktemp("cov"), fill=_seed_organisations) as built:
        yield build(built.engine, TAX, MIN_CELL)


def test_store_snapshot_counts_organisations_without_naming_them(store_snapshot):
    snap = store_snapshot
    assert snap.organisation.dtype == np.int32
    assert set(snap.organisation.tolist()) == {-1, 0, 1, 2, 3}  # 3 orgs + one org's source
    result = coverage(snap, snap.mask(IncidentFilter()), min_cell=5)
    cells = _cells(result)
    assert cells[("AT", "2018")] == (10, 1, 2, 6, ("open-data",))
    assert cells[("AT", "2019")][2] is None  # 3 member records: withheld
    assert cells[("SI", "2019")] == (6, 0, 1, 6, ())
    assert result.totals.set_index("country").loc["AT", "organisations"] == 4
    assert result.organisations == 4  # org 0 reports in AT and SI: counted once
    text = repr(result) + result.cells.to_csv() + result.totals.to_csv()
    assert "SECRET" not in text and "secret-org" not in text and "another-org" not in text


FILTERS = [IncidentFilter(), IncidentFilter(country=("AT",)), IncidentFilter(source=("member",)),
           IncidentFilter(date_from=dt.date(2019, 1, 1)),
           IncidentFilter(date_to=dt.date(2019, 12, 31))]


CASES = list(itertools.product(FILTERS, ["year", "month"]))


@pytest.mark.parametrize(("flt", "granularity"), CASES)
def test_no_small_member_cell_shows_an_organisation_count(store_snapshot, flt, granularity):
    snap = store_snapshot
    result = coverage(snap, snap.mask(flt), granularity, min_cell=5)
    for frame in (result.cells, result.totals):
        small = (frame["member_incidents"] > 0) & (frame["member_incidents"] < 5)
        assert frame.loc[small, "organisations"].isna().all()
        assert frame.loc[~small, "organisations"].notna().all()
    member_total = int(result.totals["member_incidents"].sum())
    assert (result.organisations is None) == (0 < member_total < 5)
