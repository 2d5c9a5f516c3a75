"""The greedy generalisation of member records' regions (data/privacy/generalise.py, DESIGN §5)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from data.privacy.generalise import REGION_COLUMNS, shown_levels, shown_regions
from data.privacy.publication import project_public

BIAS = "bm.racism_xenophobia.anti_refugee"


def _records(spec: list[tuple[str | None, int]], **overrides) -> pd.DataFrame:
    """Member records: (nuts3 code or None, how many) pairs, alike unless ``overrides``."""
    rows = []
    for nuts3, count in spec:
        for _ in range(count):
            rows.append({
                "nuts1": nuts3[:3] if nuts3 else None, "nuts2": nuts3[:4] if nuts3 else None,
                "nuts3": nuts3, "country": "DE", "date_start": pd.Timestamp("2024-03-01"),
                "date_end": pd.Timestamp("2024-03-31"), "date_precision": "month",
                "classification": "hate_crime", "location_type": "street_public_space",
                "is_online": False, "geo_precision": "exact" if nuts3 else "country",
                "policy": "member", **overrides})
    frame = pd.DataFrame(rows)
    frame.insert(0, "id", np.arange(1, len(frame) + 1) + overrides.get("id_offset", 0))
    return frame.drop(columns=["id_offset"], errors="ignore")


def _links(frame: pd.DataFrame, bias=BIAS, primary=None, types=("it.attack_property.arson",)
           ) -> dict[str, pd.DataFrame]:
    ids = frame["id"].to_numpy()
    bias_codes = (bias,) if isinstance(bias, str) else tuple(bias)
    primary = primary or bias_codes[0]
    return {
        "bias": pd.DataFrame([(i, c, c == primary) for i in ids for c in bias_codes],
                             columns=["incident_id", "code", "is_primary"]),
        "indicator": pd.DataFrame(columns=["incident_id", "code"]),
        "type": pd.DataFrame([(i, c, k == 0) for i in ids for k, c in enumerate(types)],
                             columns=["incident_id", "code", "is_primary"]),
    }


def _merge_links(*parts: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {kind: pd.concat([p[kind] for p in parts], ignore_index=True) for kind in parts[0]}


def _levels(frame: pd.DataFrame, links, min_cell: int = 5) -> list[str]:
    return shown_regions(frame, links, min_cell)["geo_precision"].tolist()


@pytest.mark.parametrize("min_cell", [3, 5])
def test_a_class_of_min_cell_records_is_shown_at_nuts3_one_less_is_not(min_cell):
    enough = _records([("DE212", min_cell)])
    assert set(_levels(enough, _links(enough), min_cell)) == {"nuts3"}
    shown = shown_regions(enough, _links(enough), min_cell)
    assert shown[list(REGION_COLUMNS)].drop_duplicates().values.tolist() == [
        ["DE2", "DE21", "DE212"]]
    fewer = _records([("DE212", min_cell - 1)])
    assert set(_levels(fewer, _links(fewer), min_cell)) == {"country"}
    assert shown_regions(fewer, _links(fewer), min_cell)[list(REGION_COLUMNS)] \
        .isna().all().all()


def test_greedy_goes_up_one_level_at_a_time():
    # DE212: 5 (NUTS 3); DE211 + DE213: 3 + 2 = 5 left over in DE21 (NUTS 2);
    # DE221: 2 and DE231: 3 left over in DE2 (NUTS 1); one in DE3 alone (country)
    frame = _records([("DE212", 5), ("DE211", 3), ("DE213", 2), ("DE221", 2), ("DE231", 3),
                      ("DE300", 1)])
    shown = shown_regions(frame, _links(frame), 5)
    assert shown["geo_precision"].tolist() == ["nuts3"] * 5 + ["nuts2"] * 5 + ["nuts1"] * 5 \
        + ["country"]
    assert shown.loc[5, list(REGION_COLUMNS)].tolist() == ["DE2", "DE21", None]
    assert shown.loc[10, list(REGION_COLUMNS)].tolist() == ["DE2", None, None]
    assert shown.loc[15, list(REGION_COLUMNS)].tolist() == [None, None, None]


def test_leftovers_are_grouped_only_among_themselves():
    # DE211 and DE212 hold 6 records each (NUTS 3). The one record of DE213 must not be
    # shown as DE21: DE21's count (13) minus DE211's and DE212's (12) would reveal it.
    frame = _records([("DE211", 6), ("DE212", 6), ("DE213", 1)])
    levels = _levels(frame, _links(frame))
    assert levels[:12] == ["nuts3"] * 12
    assert levels[12] == "country"


def test_records_that_differ_in_any_shown_attribute_are_not_alike():
    base = _records([("DE212", 3)])
    variants = {
        "month": _records([("DE212", 2)], date_start=pd.Timestamp("2024-04-01"),
                          date_end=pd.Timestamp("2024-04-30"), id_offset=100),
        "precision": _records([("DE212", 2)], date_precision="year", id_offset=100),
        "classification": _records([("DE212", 2)], classification="hate_incident",
                                   id_offset=100),
        "online": _records([("DE212", 2)], is_online=True, id_offset=100),
        "location": _records([("DE212", 2)], location_type="victims_home", id_offset=100),
    }
    for name, other in variants.items():
        frame = pd.concat([base, other], ignore_index=True)
        links = _links(frame)
        assert set(_levels(frame, links)) == {"country"}, name
        same = pd.concat([base, _records([("DE212", 2)], id_offset=100)], ignore_index=True)
        assert set(_levels(same, _links(same))) == {"nuts3"}
    other = _records([("DE212", 2)], id_offset=100)
    frame = pd.concat([base, other], ignore_index=True)
    code_variants = {
        "bias set": _links(other, bias=(BIAS, "bm.anti_muslim")),
        "primary bias": _links(other, bias=(BIAS, "bm.anti_muslim"), primary="bm.anti_muslim"),
        "type": _links(other, types=("it.threat",)),
    }
    base_links = {
        "bias set": _links(base), "primary bias": _links(base, bias=(BIAS, "bm.anti_muslim")),
        "type": _links(base)}
    for name, links in code_variants.items():
        assert set(_levels(frame, _merge_links(base_links[name], links))) == {"country"}, name


def test_a_region_is_shown_only_with_every_coarser_one():
    frame = _records([("DE212", 5)])
    frame.loc[0, "nuts2"] = None  # an inconsistent record: NUTS 3 without NUTS 2
    # it cannot be shown at NUTS 3 or 2, so the other four are too few there; at NUTS 1 all
    # five are alike
    assert _levels(frame, _links(frame)) == ["nuts1"] * 5


def test_unknown_place_stays_unknown_and_min_cell_below_three_is_refused():
    frame = _records([(None, 2)])
    frame.loc[0, "geo_precision"] = "unknown"
    assert _levels(frame, _links(frame)) == ["unknown", "country"]
    with pytest.raises(ValueError, match="at least 3"):
        shown_regions(frame, _links(frame), 2)


def test_project_public_shows_member_regions_and_leaves_open_records_alone():
    members = _records([("DE212", 5), ("DE213", 1)])
    members["date_start"] = pd.Timestamp("2024-03-17")  # a day: published as the month
    members["date_end"] = pd.Timestamp("2024-03-17")
    members["date_precision"] = "day"
    members["lat"], members["lon"], members["place_name"] = 48.1, 11.7, "a place"
    members["source"] = "org-slug"
    opened = _records([("DE213", 1)], policy="open", id_offset=50)
    opened["lat"], opened["lon"], opened["place_name"], opened["source"] = 52.5, 13.4, "X", "o"
    frame = pd.concat([members, opened], ignore_index=True)
    out = project_public(frame, min_cell=5, links=_links(frame))
    assert out["geo_precision"].tolist() == ["nuts3"] * 5 + ["country", "exact"]
    assert out.loc[6, ["nuts3", "lat", "place_name", "source"]].tolist() == [
        "DE213", 52.5, "X", "o"]
    assert out.loc[:5, "lat"].isna().all() and set(out.loc[:5, "source"]) == {"member"}
    assert set(out.loc[:5, "date_precision"]) == {"month"}
    # without links (or without the key columns) member records stay at country level
    bare = project_public(frame, min_cell=5)
    assert bare.loc[:5, "geo_precision"].tolist() == ["country"] * 6
    assert bare.loc[:5, ["nuts1", "nuts2", "nuts3"]].isna().all().all()


def _difference_check(frame: pd.DataFrame, shown: pd.DataFrame, key: np.ndarray,
                      min_cell: int) -> None:
    """Every sub-national count by region and key, and every nested difference, is safe."""
    public = shown.assign(key=key)
    for depth in (1, 2, 3):
        column = REGION_COLUMNS[depth - 1]
        counts = public.dropna(subset=[column]).groupby([column, "key"]).size()
        assert ((counts == 0) | (counts >= min_cell)).all()
        if depth < 3:  # a region's count minus the counts of its subregions
            finer = REGION_COLUMNS[depth]
            inner = public.dropna(subset=[finer]).groupby([column, "key"]).size()
            rest = counts.sub(inner, fill_value=0)
            assert ((rest == 0) | (rest >= min_cell)).all(), (column, rest[rest < min_cell])


@pytest.mark.parametrize("seed, min_cell", list(itertools.product(range(6), (3, 5))))
def test_random_stores_never_leave_a_small_sub_national_count(seed, min_cell):
    rng = np.random.default_rng(seed)
    regions = [f"DE{a}{b}{c}" for a in "12" for b in "12" for c in "123"]
    size = 400
    frame = _records([(regions[i], 1) for i in rng.integers(0, len(regions), size)])
    frame["classification"] = rng.choice(["hate_crime", "hate_incident"], size, p=[0.8, 0.2])
    frame["is_online"] = rng.random(size) < 0.1
    links = _links(frame)
    from data.privacy.generalise import class_keys, code_sets

    key = class_keys(frame, code_sets(links, frame["id"]))
    shown = shown_regions(frame, links, min_cell)
    assert set(shown["geo_precision"]) <= {"nuts3", "nuts2", "nuts1", "country"}
    assert (shown["geo_precision"] != "country").any()
    _difference_check(frame, shown, key, min_cell)
    # and the greedy core on its own agrees
    levels = shown_levels(frame.loc[:, list(REGION_COLUMNS)], key, min_cell)
    assert levels.tolist() == shown["geo_precision"].tolist()
