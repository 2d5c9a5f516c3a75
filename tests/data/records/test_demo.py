"""The synthetic demo dataset: deterministic, complete and realistic enough to explore."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data.records.demo import generate
from data.reference.taxonomy import load_taxonomy

TAX = load_taxonomy()


@pytest.fixture(scope="module")
def demo():
    return generate(rows=20_000, seed=42)


def test_same_seed_gives_same_data(demo):
    again = generate(rows=20_000, seed=42)
    pd.testing.assert_frame_equal(demo["incidents"], again["incidents"])
    for kind in ("bias", "indicator", "type"):
        pd.testing.assert_frame_equal(demo[kind], again[kind])
    other = generate(rows=2_000, seed=43)["incidents"]
    assert not other["public_id"].isin(demo["incidents"]["public_id"]).all()


def test_dates_countries_and_codes_cover_the_whole_range(demo):
    frame = demo["incidents"]
    assert len(frame) == 20_000
    assert min(frame["date_start"]) >= dt.date(2014, 1, 1)
    assert max(frame["date_end"]) <= dt.date(2025, 12, 31)
    assert set(frame["country"]) == {c.iso2 for c in TAX.countries()}
    for kind in ("bias", "indicator", "type"):
        assert set(demo[kind]["code"]) == set(TAX.codes(kind))


def test_skew_and_mixed_precision(demo):
    frame = demo["incidents"]
    counts = frame["country"].value_counts()
    assert counts.iloc[0] > 20 * counts.iloc[-1]  # realistic skew, not uniform
    assert set(frame["date_precision"]) == {"day", "week", "month", "year"}
    assert {"exact", "municipality", "country"} <= set(frame["geo_precision"])
    placed = frame["geo_precision"].isin(["exact", "municipality"])
    assert frame.loc[placed, "lat"].notna().all()
    assert frame.loc[~placed, "lat"].isna().all()


def test_intervals_match_their_precision(demo):
    frame = demo["incidents"]
    start = pd.to_datetime(frame["date_start"])
    end = pd.to_datetime(frame["date_end"])
    span = (end - start).dt.days
    precision = frame["date_precision"]
    assert (span[precision == "day"] == 0).all()
    assert (span[precision == "week"] == 6).all()
    assert (start[precision == "month"].dt.day == 1).all()
    assert (start[precision == "year"].dt.day_of_year == 1).all()
    assert (span >= 0).all()


def test_every_incident_has_one_primary_motivation_and_type(demo):
    for kind in ("bias", "type"):
        primaries = demo[kind].groupby("row")["is_primary"].sum()
        assert len(primaries) == 20_000
        assert (primaries == 1).all()
    assert demo["bias"].groupby("row").size().max() >= 2  # several motivations occur
