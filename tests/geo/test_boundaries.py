"""Tests for the shipped country boundaries, their build script and the TopoJSON decoder."""

import itertools
import json
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, box, shape

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # the repository is not installed in every environment

from geo import boundaries, build_boundaries, topojson  # noqa: E402

WORLD_ATLAS_50M = (
    REPO.parent / "shared" / "data" / "geo" / "countries_world_atlas" / "countries-50m.json"
)
# fmt: off
PROTOCOL_ORDER = [
    "BE", "BG", "CZ", "DK", "DE", "EE", "IE", "GR", "ES", "FR", "HR", "IT", "CY", "LV",
    "LT", "LU", "HU", "MT", "NL", "AT", "PL", "PT", "RO", "SI", "SK", "FI", "SE",
]
# fmt: on
OVERLAP_MAX = 1e-6  # square degrees, about 0.01 km2 at these latitudes

# (place, lon, lat, iso2). Lisbon's centre (-9.137, 38.711) lies in the Tagus estuary even in
# the unsimplified Natural Earth 50m polygon, so the Lisbon point is in Benfica (still Lisbon).
PLACES = [
    ("Berlin", 13.405, 52.520, "DE"),
    ("Valletta", 14.514, 35.899, "MT"),
    ("Luxembourg city", 6.130, 49.611, "LU"),
    ("Nicosia (south)", 33.360, 35.160, "CY"),
    ("Lisbon (Benfica)", -9.200, 38.750, "PT"),
    ("Las Palmas de Gran Canaria", -15.430, 28.120, "ES"),
    ("Ajaccio", 8.738, 41.927, "FR"),
    ("Helsinki", 24.938, 60.170, "FI"),
    ("Mariehamn (Åland)", 19.940, 60.100, "FI"),
    ("São Miguel (Azores)", -25.450, 37.780, "PT"),
    ("Funchal (Madeira)", -16.910, 32.660, "PT"),
]


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def eu27() -> dict:
    return _load(boundaries.eu27_geojson_path())


@pytest.fixture(scope="module")
def shapes(eu27: dict) -> dict:
    return {f["id"]: shape(f["geometry"]) for f in eu27["features"]}


@pytest.fixture(scope="module")
def context() -> dict:
    return _load(boundaries.context_geojson_path())


# ---------------------------------------------------------------- (a) shipped eu27.geojson


def test_eu27_has_the_27_members_in_protocol_order(eu27: dict) -> None:
    features = eu27["features"]
    assert eu27["type"] == "FeatureCollection"
    assert [f["id"] for f in features] == PROTOCOL_ORDER
    assert [f["properties"]["iso2"] for f in features] == PROTOCOL_ORDER
    assert "EL" not in {f["id"] for f in features}
    props = {f["id"]: f["properties"] for f in features}
    assert props["GR"] == {"iso2": "GR", "iso3": "GRC", "name": "Greece"}
    assert props["CZ"]["name"] == "Czechia"
    assert all(len(p["iso3"]) == 3 for p in props.values())


def test_eu27_geometries_are_valid_and_not_empty(shapes: dict) -> None:
    for iso2, geom in shapes.items():
        assert geom.geom_type in {"Polygon", "MultiPolygon"}, iso2
        assert geom.is_valid, iso2
        assert not geom.is_empty and geom.area > 0, iso2


@pytest.mark.parametrize("iso2", ["MT", "LU", "CY"])
def test_small_members_are_drawn(shapes: dict, iso2: str) -> None:
    assert shapes[iso2].area > 0


def test_coordinates_stay_in_the_clip_box(eu27: dict, context: dict) -> None:
    xmin, ymin, xmax, ymax = build_boundaries.CLIP_BOX
    for feature in eu27["features"] + context["features"]:
        xy = shapely.get_coordinates(shape(feature["geometry"]))
        assert xy[:, 0].min() >= xmin and xy[:, 0].max() <= xmax, feature["properties"]
        assert xy[:, 1].min() >= ymin and xy[:, 1].max() <= ymax, feature["properties"]


def test_coordinates_have_three_decimals_and_rings_follow_rfc7946(eu27: dict) -> None:
    for feature in eu27["features"]:
        xy = shapely.get_coordinates(shape(feature["geometry"]))
        assert np.allclose(xy, np.round(xy, 3), rtol=0, atol=1e-9), feature["id"]
        for poly in shapely.get_parts(shape(feature["geometry"])):
            assert poly.exterior.is_ccw, feature["id"]
            assert not any(ring.is_ccw for ring in poly.interiors), feature["id"]


def test_file_sizes() -> None:
    assert boundaries.eu27_geojson_path().stat().st_size < 150_000
    assert boundaries.context_geojson_path().stat().st_size < 250_000


def test_no_french_guiana_but_atlantic_islands_are_kept(shapes: dict) -> None:
    assert not shapes["FR"].intersects(box(-55, 2, -51, 6))  # French Guiana
    assert shapes["PT"].bounds[0] < -31  # Flores, Azores
    assert shapes["ES"].bounds[1] < 28  # El Hierro, Canary Islands


def test_context_layer(context: dict) -> None:
    names = [f["properties"]["name"] for f in context["features"]]
    assert names == sorted(names) and len(names) == len(set(names))
    for name in ("United Kingdom", "Norway", "Switzerland", "Serbia", "Ukraine", "Türkiye"):
        assert name in names
    assert {"France", "Cyprus", "Åland", "Finland"}.isdisjoint(names)
    north = [f for f in context["features"] if f["properties"]["name"] == "Northern Cyprus"]
    assert len(north) == 1
    assert north[0]["properties"]["note"] == (
        "Area not under the effective control of the Republic of Cyprus; drawn without data."
    )
    for feature in context["features"]:
        assert set(feature["properties"]) <= {"name", "note"}
        assert shape(feature["geometry"]).is_valid, feature["properties"]


def test_load_eu27() -> None:
    frame = boundaries.load_eu27()
    assert frame is boundaries.load_eu27()  # cached
    assert list(frame.index) == PROTOCOL_ORDER and frame.index.name == "iso2"
    assert frame.crs.to_epsg() == 4326
    assert frame.loc["GR", "iso3"] == "GRC" and frame.loc["CZ", "name"] == "Czechia"


def test_reference_dir() -> None:
    assert boundaries.reference_dir() == REPO / "geo" / "reference"


# ---------------------------------------------------------------- (b) overlaps and gaps


def test_members_do_not_overlap(shapes: dict) -> None:
    for (a, ga), (b, gb) in itertools.combinations(shapes.items(), 2):
        if ga.intersects(gb):
            assert ga.intersection(gb).area < OVERLAP_MAX, (a, b)


@pytest.mark.parametrize("pair", [("DE", "PL"), ("FR", "ES"), ("BE", "LU"), ("CY", None)])
def test_shared_borders_have_no_gap(shapes: dict, context: dict, pair: tuple) -> None:
    a, b = pair
    if b is None:  # Cyprus and the shape drawn for the north share the Green Line
        other = next(
            shape(f["geometry"])
            for f in context["features"]
            if f["properties"]["name"] == "Northern Cyprus"
        )
    else:
        other = shapes[b]
    border = shapes[a].intersection(other)
    assert border.length > 0.1 and border.area < OVERLAP_MAX
    union = shapely.union_all([shapes[a], other])
    assert all(
        shapely.Polygon(r).area > 0.01 for p in shapely.get_parts(union) for r in p.interiors
    )


def test_members_and_context_do_not_overlap(shapes: dict, context: dict) -> None:
    tree = shapely.STRtree(list(shapes.values()))
    for feature in context["features"]:
        geom = shape(feature["geometry"])
        for index in tree.query(geom):
            overlap = geom.intersection(tree.geometries[index]).area
            assert overlap < OVERLAP_MAX, feature["properties"]["name"]


# ---------------------------------------------------------------- (c) well-known points


@pytest.mark.parametrize(("place", "lon", "lat", "iso2"), PLACES)
def test_place_falls_in_its_country(
    shapes: dict, place: str, lon: float, lat: float, iso2: str
) -> None:
    hits = [code for code, geom in shapes.items() if geom.covers(Point(lon, lat))]
    assert hits == [iso2], place


def test_lisbon_centre_is_close_to_portugal(shapes: dict) -> None:
    centre = Point(-9.137, 38.711)
    nearest = min(shapes, key=lambda code: shapes[code].distance(centre))
    assert nearest == "PT" and shapes["PT"].distance(centre) < 0.05


# ---------------------------------------------------------------- (d) regeneration


@pytest.mark.skipif(
    not WORLD_ATLAS_50M.is_file(),
    reason=f"shared Natural Earth file not found at {WORLD_ATLAS_50M}",
)
def test_regeneration_is_byte_identical(tmp_path: Path) -> None:
    argv = ["--world-atlas", str(WORLD_ATLAS_50M), "--out-dir", str(tmp_path)]
    assert build_boundaries.main(argv) == 0
    for name in ("eu27.geojson", "context.geojson"):
        shipped = boundaries.reference_dir() / name
        assert (tmp_path / name).read_bytes() == shipped.read_bytes(), name


# ---------------------------------------------------------------- (e) TopoJSON decoder


def _tiny_topology() -> dict:
    # Quantized 0..4 grid, scale 0.5 and translate (10, 20): a 2 x 2 degree square made of
    # two arcs, the second used backwards (~1). Arc 2 is a closed hole ring.
    return {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
        "arcs": [
            [[0, 0], [4, 0], [0, 4]],  # (0,0) -> (4,0) -> (4,4)
            [[0, 0], [0, 4], [4, 0]],  # (0,0) -> (0,4) -> (4,4)
            [[1, 1], [0, 1], [1, 0], [0, -1], [-1, 0]],  # closed ring around (1..2, 1..2)
        ],
        "objects": {
            "shapes": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, ~1]], "id": "1", "properties": {"n": 1}},
                    {"type": "MultiPolygon", "arcs": [[[0, ~1], [2]]], "id": 2},
                    {"type": None, "id": "3"},
                ],
            }
        },
    }


def test_decoder_resolves_quantization_deltas_and_reversed_arcs() -> None:
    topology = _tiny_topology()
    arcs = topojson.decode_arcs(topology)
    np.testing.assert_allclose(arcs[0], [[10, 20], [12, 20], [12, 22]])
    np.testing.assert_allclose(topojson.arc_coords(arcs, ~1), [[12, 22], [10, 22], [10, 20]])
    decoded = list(topojson.iter_geometries(topology, "shapes"))
    assert [gid for gid, _, _ in decoded] == ["1", "2", "3"]
    assert decoded[0][1] == {"n": 1}
    square = decoded[0][2]
    assert square.geom_type == "Polygon" and square.equals(box(10, 20, 12, 22))
    assert list(square.exterior.coords) == [(10, 20), (12, 20), (12, 22), (10, 22), (10, 20)]
    holed = decoded[1][2]
    assert holed.geom_type == "MultiPolygon" and holed.is_valid
    assert holed.area == pytest.approx(4 - 0.25)
    assert decoded[2][2].is_empty


def test_decoder_without_transform() -> None:
    topology = {"arcs": [[[0, 0], [1, 0], [1, 1], [0, 0]]], "objects": {}}
    np.testing.assert_allclose(topojson.decode_arcs(topology)[0][2], [1, 1])
    polygon = topojson.geometry_to_shape(
        {"type": "Polygon", "arcs": [[0]]}, [np.array(topology["arcs"][0], dtype=float)]
    )
    assert polygon.area == pytest.approx(0.5)
    with pytest.raises(ValueError, match="LineString"):
        topojson.geometry_to_shape({"type": "LineString", "arcs": [0]}, [])


def test_douglas_peucker_keeps_end_points_and_closed_rings() -> None:
    line = np.array([[0, 0], [1, 0.05], [2, 0], [3, 1], [4, 0]], dtype=float)
    np.testing.assert_array_equal(topojson.douglas_peucker(line[:3], 0.1), [[0, 0], [2, 0]])
    np.testing.assert_array_equal(topojson.douglas_peucker(line[:3], 0.01), line[:3])
    np.testing.assert_array_equal(topojson.douglas_peucker(line[2:], 0.1), line[2:])
    ring = np.array([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]], dtype=float)
    kept = topojson.douglas_peucker(ring, 0.1)
    assert len(kept) >= 4 and topojson.ring_area(kept) > 0
    np.testing.assert_array_equal(kept[[0, -1]], ring[[0, -1]])


def test_unwrap_ring_across_the_antimeridian() -> None:
    ring = np.array([[170, 0], [179, 0], [-179, 1], [179, 2], [170, 2], [170, 0]], dtype=float)
    unwrapped = topojson.unwrap_ring(ring)
    assert unwrapped[2, 0] == 181 and shapely.Polygon(unwrapped).is_valid
    np.testing.assert_array_equal(np.delete(unwrapped, 2, axis=0), np.delete(ring, 2, axis=0))
