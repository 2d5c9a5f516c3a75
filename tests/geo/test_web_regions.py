"""Per-country NUTS geometry for the web: small, valid, gap-free, cached once."""

from __future__ import annotations

import gzip
import json

import pytest
import shapely
from shapely.geometry import shape

from geo import web_regions
from geo.nuts import load_nuts
from geo.web_regions import WebRegions, file_name


@pytest.fixture(scope="module")
def nuts_dir(shared_data):
    return shared_data / "geo" / "nuts2024"


@pytest.fixture(scope="module")
def built(nuts_dir, tmp_path_factory):
    regions = WebRegions(nuts_dir, tmp_path_factory.mktemp("cache"))
    regions.layers()
    return regions


def _features(regions: WebRegions, iso: str, level: int) -> list[dict]:
    return json.loads(regions.path(file_name(iso, level)).read_bytes())["features"]


def test_every_member_state_has_three_levels(built):
    layers = built.layers()
    assert len(layers) == 27 * 3
    assert {layer.country for layer in layers} >= {"DE", "GR", "FR", "MT", "CY"}
    greece = built.layer("GR", 3)
    assert greece is not None and all(code.startswith("EL") for code in greece.codes)
    assert built.layer("UK", 1) is None and built.layer("DE", 0) is None


def test_files_are_small(built):
    """Measured: Germany's 400 NUTS 3 regions, the largest file, ~110 KB (~21 KB gzipped)."""
    sizes = {(layer.country, layer.level): layer.size for layer in built.layers()}
    largest = max(sizes.values())
    assert largest == sizes[("DE", 3)] and largest < 150_000
    gz = built.path(file_name("DE", 3)).with_suffix(".geojson.gz").read_bytes()
    assert len(gz) < 30_000
    assert gzip.decompress(gz) == built.path(file_name("DE", 3)).read_bytes()
    assert sum(sizes.values()) < 1_000_000
    assert sizes[("MT", 1)] < 2_000


@pytest.mark.parametrize("iso, level", [("DE", 3), ("FR", 2), ("GR", 3), ("PT", 1)])
def test_regions_are_valid_and_cover_the_country_without_gaps(built, nuts_dir, iso, level):
    features = _features(built, iso, level)
    layer = built.layer(iso, level)
    assert [f["id"] for f in features] == list(layer.codes)
    shapes = [shape(f["geometry"]) for f in features]
    assert all(s.is_valid and not s.is_empty for s in shapes)
    for s in shapes:  # GeoJSON orientation: exterior rings counter-clockwise
        for part in shapely.get_parts(s):
            assert part.exterior.is_ccw
    eurostat = "EL" if iso == "GR" else iso
    source = load_nuts(nuts_dir)[level]
    original = shapely.union_all(source[source["CNTR_CODE"] == eurostat].geometry.values)
    simplified = shapely.union_all(shapes)
    # The same territory: what one loses at its borders is a sliver of the area.
    assert simplified.symmetric_difference(original).area < 0.02 * original.area
    # Neighbours still meet: summed areas equal the union's (no overlaps, no gaps inside).
    assert sum(s.area for s in shapes) == pytest.approx(simplified.area, rel=1e-3)


def test_views_frame_the_main_territory(built):
    france = built.layer("FR", 2)
    assert -5 < france.center["lon"] < 9 and 41 < france.center["lat"] < 51
    assert 4 < france.zoom < 6
    assert "FRY1" in france.codes  # the outermost regions are drawn, not framed
    assert built.layer("MT", 3).zoom > built.layer("DE", 3).zoom


def test_the_cache_is_reused_and_keyed_by_the_source_files(nuts_dir, tmp_path, monkeypatch):
    first = WebRegions(nuts_dir, tmp_path)
    first.layers()
    folders = [p for p in tmp_path.iterdir()]
    assert [p.name for p in folders] == [first.key]

    def no_build(*_args):
        raise AssertionError("the cached files should have been read")

    monkeypatch.setattr(web_regions, "build_layers", no_build)
    again = WebRegions(nuts_dir, tmp_path)
    assert again.layer("DE", 2) == first.layer("DE", 2)
    assert again.path("DE-nuts2.geojson").is_file()
    assert again.path("../manifest.json") is None and again.path("manifest.json") is None
