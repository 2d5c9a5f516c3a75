"""Tests for point assignment to member states and NUTS regions (geo.assign, geo.nuts)."""

import dataclasses
import json
import os
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # the repository is not installed in every environment

from geo import assign, nuts  # noqa: E402
from geo.boundaries import load_eu27  # noqa: E402
from tests.conftest import LAENDER  # noqa: E402

NUTS_DIR = Path(__file__).resolve().parents[2].parent / "shared/data/geo/nuts2024"
ARVIG_CSV = REPO.parent / "shared" / "data" / "incidents" / "arvig" / "arvig.csv"
NUTS_SKIP = f"NUTS 2024 files not found in {NUTS_DIR} (../shared/data/geo/nuts2024)"

# (place, lon, lat, iso2), inside the shipped (simplified) country polygons
PLACES = [
    ("Berlin", 13.405, 52.520, "DE"),
    ("Valletta", 14.514, 35.899, "MT"),
    ("Luxembourg city", 6.130, 49.611, "LU"),
    ("Nicosia (south)", 33.360, 35.160, "CY"),
    ("Las Palmas de Gran Canaria", -15.430, 28.120, "ES"),
    ("Ajaccio", 8.738, 41.927, "FR"),
]
ZURICH = (8.541, 47.377)
GENEVA = (6.143, 46.204)  # about 3 km from France: non-member land, so never "nearest"
ATLANTIC = (-30.0, 45.0)
GUBEN = (14.695565, 51.951486)  # ARVIG's Guben (DE); in Poland's polygon at 1:20 million


@pytest.fixture(scope="module")
def countries() -> assign.Boundaries:
    return assign.load_boundaries()


@pytest.fixture(scope="module")
def with_nuts() -> assign.Boundaries:
    if not NUTS_DIR.is_dir():
        pytest.skip(NUTS_SKIP)
    return assign.load_boundaries(NUTS_DIR)


def _one(boundaries: assign.Boundaries, lon: float, lat: float, **kwargs) -> dict:
    return boundaries.assign(np.array([lon]), np.array([lat]), **kwargs).iloc[0].to_dict()


def _off_the_west_coast(iso2: str, km: float) -> tuple[float, float]:
    """A point ``km`` west of the westernmost vertex of the country's largest polygon."""
    largest = max(shapely.get_parts(load_eu27().geometry[iso2]), key=lambda p: p.area)
    xy = shapely.get_coordinates(largest)
    lon, lat = xy[np.argmin(xy[:, 0])]
    return lon - km / (assign.KM_PER_DEGREE * np.cos(np.radians(lat))), lat


# ------------------------------------------------------------------ country level (no NUTS)


@pytest.mark.parametrize(("place", "lon", "lat", "iso2"), PLACES, ids=[p[0] for p in PLACES])
def test_known_places_without_nuts(countries, place, lon, lat, iso2) -> None:
    row = _one(countries, lon, lat)
    assert row == {"country": iso2, "nuts1": None, "nuts2": None, "nuts3": None,
                   "method": "inside", "distance_km": 0.0}, place


def test_result_frame_shape_and_types(countries) -> None:
    lon = np.array([13.405, np.nan, ATLANTIC[0]])
    lat = np.array([52.52, 10.0, ATLANTIC[1]])
    frame = countries.assign(lon, lat)
    assert list(frame.columns) == ["country", "nuts1", "nuts2", "nuts3", "method", "distance_km"]
    assert isinstance(frame.index, pd.RangeIndex) and len(frame) == 3
    assert all(frame[c].dtype == object for c in ["country", "nuts1", "nuts2", "nuts3", "method"])
    assert frame["distance_km"].dtype == np.float64
    assert frame["country"].tolist() == ["DE", None, None]  # None, not NaN
    assert countries.assign([], []).empty


def test_point_in_the_sea_one_km_off_the_coast_goes_to_the_nearest_country(countries) -> None:
    lon, lat = _off_the_west_coast("PT", 1.0)
    row = _one(countries, lon, lat)
    assert (row["country"], row["method"]) == ("PT", "nearest")
    assert row["distance_km"] == pytest.approx(1.0, abs=0.01)
    assert _one(countries, lon, lat, tolerance_km=0.5)["method"] == "outside"
    assert _one(countries, lon, lat, tolerance_km=0)["method"] == "outside"


def test_far_atlantic_is_outside(countries) -> None:
    row = _one(countries, *ATLANTIC)
    assert (row["country"], row["nuts3"], row["method"]) == (None, None, "outside")
    assert 500 < row["distance_km"] < 700  # Flores (Azores) is about 600 km away


def test_zurich_is_outside_switzerland_is_not_a_member(countries) -> None:
    row = _one(countries, *ZURICH)
    assert (row["country"], row["method"]) == (None, "outside")
    assert row["distance_km"] > assign.DEFAULT_TOLERANCE_KM


def test_non_member_land_is_never_nearest(countries) -> None:
    row = _one(countries, *GENEVA)
    assert (row["country"], row["method"]) == (None, "outside")
    assert row["distance_km"] < assign.DEFAULT_TOLERANCE_KM  # France is close, yet outside
    bare = assign.Boundaries(load_eu27())  # without non-member land: France, as "nearest"
    assert (_one(bare, *GENEVA)["country"], _one(bare, *GENEVA)["method"]) == ("FR", "nearest")


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(np.nan, 50.0), (10.0, np.nan), (np.inf, 50.0), (10.0, -np.inf), (10.0, 90.5),
     (10.0, -91.0), (180.5, 50.0), (-181.0, 50.0)],
)
def test_invalid_coordinates(countries, lon, lat) -> None:
    row = _one(countries, lon, lat)
    assert row["method"] == "invalid" and row["country"] is None
    assert np.isnan(row["distance_km"])


def test_bad_arguments(countries) -> None:
    with pytest.raises(ValueError, match="1-D"):
        countries.assign(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="tolerance_km"):
        countries.assign([13.4], [52.5], tolerance_km=-1)
    with pytest.raises(ValueError, match="stated countries"):
        countries.assign([13.4], [52.5], stated_iso2=["DE", "FR"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        countries.nuts = {}


def test_load_boundaries_is_cached(countries) -> None:
    assert assign.load_boundaries(None) is countries
    if NUTS_DIR.is_dir():
        other_spelling = NUTS_DIR / ".." / NUTS_DIR.name
        assert assign.load_boundaries(NUTS_DIR) is assign.load_boundaries(other_spelling)


def test_swapped_coordinates_without_nuts(countries) -> None:
    lon, lat = np.array([13.405, 52.520, 14.514]), np.array([52.520, 13.405, 35.899])
    stated = np.array(["DE", "DE", "MT"], dtype=object)
    flagged = assign.check_against_country(countries.assign(lon, lat), stated)
    assert flagged.tolist() == [False, True, False]
    assert assign.swapped_would_match(countries, lon, lat, stated).tolist() == [False, True, False]


def test_check_against_country_rules(countries) -> None:
    lon = np.array([13.405, 13.405, 13.405, np.nan, ATLANTIC[0], 13.405])
    lat = np.array([52.520, 52.520, 52.520, 52.52, ATLANTIC[1], 52.520])
    stated = [" de", "FR", None, "DE", "PT", np.nan]
    flagged = assign.check_against_country(countries.assign(lon, lat), stated)
    assert flagged.tolist() == [False, True, False, False, True, False]
    assert assign.check_against_country(countries.assign(lon, lat), "DE").sum() == 1


# ------------------------------------------------------------------ properties (hypothesis)

EUROPE = st.tuples(st.floats(-25, 45), st.floats(34, 72))


@settings(max_examples=25, deadline=None)
@given(st.lists(EUROPE, min_size=1, max_size=40), st.floats(0, 30))
def test_invariants_and_order_independence(countries, points, tolerance) -> None:
    lon, lat = np.array(points).T
    frame = countries.assign(lon, lat, tolerance_km=tolerance)
    inside = frame["method"] == "inside"
    nearest = frame["method"] == "nearest"
    outside = frame["method"] == "outside"
    assert (inside | nearest | outside).all()
    assert (frame.loc[inside, "distance_km"] == 0).all()
    assert ((frame.loc[nearest, "distance_km"] > 0)
            & (frame.loc[nearest, "distance_km"] <= tolerance)).all()
    assert frame.loc[outside, "country"].isna().all()
    assert frame.loc[~outside, "country"].notna().all()
    order = np.arange(len(lon))[::-1]
    again = countries.assign(lon[order], lat[order], tolerance_km=tolerance)
    pd.testing.assert_frame_equal(again, frame.iloc[order].reset_index(drop=True))


# ------------------------------------------------------------------ NUTS files


def test_eurostat_iso_conversion() -> None:
    assert nuts.eurostat_to_iso("EL") == "GR" and nuts.iso_to_eurostat("GR") == "EL"
    assert nuts.eurostat_to_iso("DE") == "DE" and nuts.iso_to_eurostat("DE") == "DE"
    assert len(nuts.EU27_EUROSTAT) == 27 and "EL" in nuts.EU27_EUROSTAT
    assert nuts.NUTS_VERSION == "2024"


def _touch(folder: Path, *names: str) -> None:
    for name in names:
        (folder / name).write_text("{}", encoding="utf-8")


def test_find_nuts_files_prefers_the_finest_complete_scale(tmp_path) -> None:
    levels = [f"NUTS_RG_60M_2024_4326_LEVL_{n}.geojson" for n in (0, 1, 2, 3)]
    _touch(tmp_path, *levels, "NUTS_RG_10M_2024_4326_LEVL_3.geojson", "notes.txt",
           "NUTS_RG_20M_2021_4326_LEVL_1.geojson", "NUTS_RG_60M_2024_4326_LEVL_0_derived.geojson")
    found = nuts.find_nuts_files(tmp_path)
    assert found == {n: tmp_path / levels[n] for n in (1, 2, 3)}  # 10M lacks levels 1 and 2
    _touch(tmp_path, "NUTS_RG_10M_2024_4326.geojson")  # the all-levels file completes 10M
    found = nuts.find_nuts_files(tmp_path)
    assert found[3].name == "NUTS_RG_10M_2024_4326_LEVL_3.geojson"
    assert found[1] == found[2] == tmp_path / "NUTS_RG_10M_2024_4326.geojson"
    _touch(tmp_path, *(f"NUTS_RG_01M_2024_4326_LEVL_{n}.geojson" for n in (1, 2, 3)))
    assert {p.name[8:11] for p in nuts.find_nuts_files(tmp_path).values()} == {"01M"}


def test_find_nuts_files_errors_name_the_folder_and_the_files(tmp_path) -> None:
    with pytest.raises(nuts.NutsError, match="does not exist") as missing:
        nuts.find_nuts_files(tmp_path / "absent")
    assert str(tmp_path / "absent") in str(missing.value)
    _touch(tmp_path, "NUTS_RG_20M_2024_4326_LEVL_3.geojson")
    with pytest.raises(nuts.NutsError) as partial:
        nuts.find_nuts_files(tmp_path)
    message = str(partial.value)
    assert str(tmp_path) in message and "NUTS_RG_<scale>_2024_4326_LEVL_<1|2|3>.geojson" in message
    assert "found only NUTS_RG_20M_2024_4326_LEVL_3.geojson" in message
    with pytest.raises(nuts.NutsError):
        assign.load_boundaries(tmp_path)


def test_load_nuts_rejects_a_file_without_the_columns(tmp_path) -> None:
    feature = {"type": "Feature", "properties": {"NUTS_ID": "DE3", "LEVL_CODE": 1},
               "geometry": {"type": "Point", "coordinates": [13.4, 52.5]}}
    text = json.dumps({"type": "FeatureCollection", "features": [feature]})
    (tmp_path / "NUTS_RG_60M_2024_4326.geojson").write_text(text, encoding="utf-8")
    with pytest.raises(nuts.NutsError, match="CNTR_CODE, NAME_LATN"):
        nuts.load_nuts(tmp_path)


def test_load_nuts_members_only_and_cached() -> None:
    if not NUTS_DIR.is_dir():
        pytest.skip(NUTS_SKIP)
    regions = nuts.load_nuts(NUTS_DIR)
    assert sorted(regions) == [1, 2, 3]
    for level, frame in regions.items():
        assert list(frame.columns) == ["NUTS_ID", "CNTR_CODE", "NAME_LATN", "geometry"]
        assert set(frame["CNTR_CODE"]) == nuts.EU27_EUROSTAT
        assert (frame["NUTS_ID"].str.len() == 2 + level).all()
        assert frame["NUTS_ID"].is_monotonic_increasing and frame.crs.to_epsg() == 4326
    assert (regions[3]["NUTS_ID"].str[:2] == regions[3]["CNTR_CODE"]).all()
    # NUTS 3 codes extend NUTS 2 codes, which extend NUTS 1 codes
    assert set(regions[3]["NUTS_ID"].str[:4]) == set(regions[2]["NUTS_ID"])
    assert set(regions[2]["NUTS_ID"].str[:3]) == set(regions[1]["NUTS_ID"])
    assert nuts.load_nuts(NUTS_DIR)[3] is regions[3]
    assert "CH" in set(nuts.load_nuts(NUTS_DIR, members_only=False)[3]["CNTR_CODE"])


def test_all_levels_file_gives_the_same_regions(tmp_path) -> None:
    source = NUTS_DIR / "NUTS_RG_20M_2024_4326.geojson"
    if not source.is_file():
        pytest.skip(NUTS_SKIP)
    (tmp_path / source.name).symlink_to(source)
    single, split = nuts.load_nuts(tmp_path), nuts.load_nuts(NUTS_DIR)
    for level in (1, 2, 3):
        assert single[level]["NUTS_ID"].tolist() == split[level]["NUTS_ID"].tolist()


@pytest.mark.parametrize(
    ("place", "lon", "lat", "country", "codes"),
    [("Berlin", 13.405, 52.520, "DE", ("DE3", "DE30", "DE300")),
     ("Paris", 2.3522, 48.8566, "FR", ("FR1", "FR10", "FR101")),
     ("Athens", 23.7275, 37.9838, "GR", ("EL3", "EL30", "EL303")),
     ("Valletta", 14.514, 35.899, "MT", ("MT0", "MT00", "MT001"))],
)
def test_known_places_with_nuts(with_nuts, place, lon, lat, country, codes) -> None:
    row = _one(with_nuts, lon, lat)
    assert (row["country"], row["method"]) == (country, "inside"), place
    assert (row["nuts1"], row["nuts2"], row["nuts3"]) == codes, place


def test_swapped_berlin_with_nuts(with_nuts) -> None:
    lon, lat = np.array([52.520, 13.405]), np.array([13.405, 52.520])
    frame = with_nuts.assign(lon, lat)
    assert frame["method"].tolist() == ["outside", "inside"]
    assert assign.check_against_country(frame, ["DE", "DE"]).tolist() == [True, False]
    assert assign.swapped_would_match(with_nuts, lon, lat, ["DE", "DE"]).tolist() == [True, False]


def test_border_town_and_stated_country(with_nuts) -> None:
    plain = _one(with_nuts, *GUBEN)
    assert (plain["country"], plain["method"]) == ("PL", "inside")  # generalised border
    stated = _one(with_nuts, *GUBEN, stated_iso2="DE")
    assert (stated["country"], stated["nuts1"], stated["method"]) == ("DE", "DE4", "nearest")
    assert 0 < stated["distance_km"] < 2
    far = _one(with_nuts, 21.012, 52.230, stated_iso2="DE")  # Warsaw stays in Poland
    assert (far["country"], far["method"]) == ("PL", "inside")


def test_nearest_distance_matches_a_brute_force_great_circle_distance(with_nuts) -> None:
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(-10, 30, 20_000), rng.uniform(36, 70, 20_000)
    frame = with_nuts.assign(lon, lat)
    regions = nuts.load_nuts(NUTS_DIR)[3].set_index("NUTS_ID").geometry
    rows = np.flatnonzero((frame["method"] == "nearest") & frame["nuts3"].notna())[:150]
    assert rows.size >= 50
    for i in rows:
        edge = shapely.get_coordinates(shapely.segmentize(regions[frame.nuts3[i]].boundary, 3e-4))
        true = assign._haversine_km(lon[i], lat[i], edge[:, 0], edge[:, 1]).min()
        assert frame.distance_km[i] == pytest.approx(true, rel=0.01, abs=0.03)


# ------------------------------------------------------------------ real data: ARVIG


def test_arvig_points_land_in_germany_and_their_land(with_nuts, record_property) -> None:
    if not ARVIG_CSV.is_file():
        pytest.skip(f"ARVIG data not found at {ARVIG_CSV}")
    arvig = pd.read_csv(ARVIG_CSV, dtype={"community_id": str})
    states = arvig["state"].map(lambda s: unicodedata.normalize("NFC", s))
    assert len(arvig) == 6918 and set(states) == set(LAENDER.values())
    names = nuts.load_nuts(NUTS_DIR)[1].set_index("NUTS_ID")["NAME_LATN"]
    assert {code: names[code] for code in LAENDER} == LAENDER
    lon, lat = arvig["longitude"].to_numpy(), arvig["latitude"].to_numpy()

    start = time.perf_counter()
    frame = with_nuts.assign(lon, lat, stated_iso2="DE")
    seconds = time.perf_counter() - start
    plain = with_nuts.assign(lon, lat)  # polygons only, no stated country

    assert (frame["country"] == "DE").all()
    assert frame["method"].isin(["inside", "nearest"]).all()
    assert (frame["distance_km"] <= assign.DEFAULT_TOLERANCE_KM).all()
    inside_de = int(((plain["method"] == "inside") & (plain["country"] == "DE")).sum())
    assert inside_de >= 6850  # PROVENANCE.md: 6,863 inside a DE NUTS 3 polygon at 20M
    agreement = float((frame["nuts1"].map(LAENDER) == states).mean())
    assert agreement >= 0.99
    stats = {
        "agreement": round(agreement, 4),
        "nearest": int((frame["method"] == "nearest").sum()),
        "nearest_without_stated": int((plain["method"] == "nearest").sum()),
        "elsewhere_without_stated": int((plain["country"] != "DE").sum()),
        "seconds": round(seconds, 4),
    }
    for key, value in stats.items():
        record_property(f"arvig_{key}", value)
    print("ARVIG:", stats)


@pytest.mark.skipif(not os.environ.get("INCIDENTMAP_GEO_TIMING"),
                    reason="timing check; set INCIDENTMAP_GEO_TIMING=1 to run it")
def test_timing_one_million_random_points(with_nuts, countries, record_property) -> None:
    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(-25, 45, 1_000_000), rng.uniform(34, 72, 1_000_000)
    for name, boundaries in (("countries", countries), ("nuts", with_nuts)):
        start = time.perf_counter()
        frame = boundaries.assign(lon, lat)
        seconds = time.perf_counter() - start
        record_property(f"million_{name}_seconds", round(seconds, 2))
        print(name, f"{seconds:.1f} s", frame["method"].value_counts().to_dict())
