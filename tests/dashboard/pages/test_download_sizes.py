"""The page's download estimate: rows equal the download's total, sizes, wording, languages."""

from __future__ import annotations

import csv
import io

import pytest

from dashboard import i18n
from dashboard.pages.overview import download_sizes
from dashboard.pages.overview import page as overview
from data.reference.taxonomy import load_taxonomy
from tests import factories
from tests.data.export.export_store import CANARY_RECORDS

TAX = load_taxonomy()
QUERIES = ("", "country=DE,FR&bias=bm.racism_xenophobia&date_from=2015-01&date_to=2020-12",
           "type=it.attack_property", "country=MT&date_from=2030-01")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with factories.site(tmp_path_factory.mktemp("sizes"), demo_rows=400,
                        records=CANARY_RECORDS) as site:
        yield site.server


def _text(children) -> str:
    if isinstance(children, str):
        return children
    if isinstance(children, list):
        return "".join(_text(c) for c in children)
    return _text(getattr(children, "children", "") or "")


@pytest.mark.parametrize("query", QUERIES)
def test_estimate_counts_the_rows_the_download_holds(served, query):
    href = f"/api/v1/incidents?{query}&format=csv".replace("?&", "?")
    client = served.test_client()
    response = client.get(href)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    total = int(response.headers["X-Incidentmap-Total"])
    with served.test_request_context("/"):
        rows = download_sizes.rows_for(href)
        shown = _text(download_sizes.update(href, ""))
    assert rows == total == len(list(csv.DictReader(io.StringIO(body))))
    assert f"Rows in the download: {total:,}." in shown


def test_page_shows_the_estimate_beside_the_links_and_keeps_it_on_the_filter(served):
    layout = overview.layout(_ctx(served))
    ids_found = []

    def walk(node):
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if hasattr(node, "id"):
            ids_found.append(getattr(node, "id", None))
        children = getattr(node, "children", None)
        if children is not None and not isinstance(children, str):
            walk(children)

    walk(layout)
    assert download_sizes.ESTIMATE in ids_found
    assert ids_found.index("download-csv") < ids_found.index(download_sizes.ESTIMATE)
    deps = served.test_client().get("/_dash-dependencies").get_json()
    estimate = [d for d in deps if d["output"] == f"{download_sizes.ESTIMATE}.children"]
    assert len(estimate) == 1
    assert estimate[0]["inputs"] == [{"id": "download-csv", "property": "href"}]


def _ctx(server):
    from dashboard.context import EXTENSION_KEY

    return server.extensions[EXTENSION_KEY]


def test_sizes_scale_with_rows_and_read_in_each_language():
    sizes = download_sizes.sizes(1_000_000)
    assert sizes["parquet"] < sizes["datapackage"] < sizes["xlsx"] < sizes["csv"] \
        < sizes["gpkg"] < sizes["geojson"]
    # the benchmark's 1M CSV was 423 MB (binary) for 949,984 rows
    assert 400 * 1024 ** 2 < download_sizes.sizes(949_984)["csv"] < 450 * 1024 ** 2
    assert download_sizes.size_text(5_000_000) == "4.8 MB"
    assert download_sizes.size_text(0) == "1 KB"
    assert download_sizes.size_text(2.5 * 1024 ** 3, "de") == "2,5 GB"
    assert download_sizes.size_text(300 * 1024 ** 2, "fr") == "300 Mo"


def test_estimate_says_large_files_take_a_while_in_every_language():
    for lang in i18n.LANGUAGES:
        small = _text(download_sizes.estimate_children(1234, lang))
        large = _text(download_sizes.estimate_children(950_000, lang))
        assert i18n.number(1234, lang) in small and "GeoPackage" in small
        assert "Parquet" in large and len(large) > len(small)
    assert "take a while" in _text(download_sizes.estimate_children(10, "en"))
    assert "prennent du temps" in _text(download_sizes.estimate_children(10, "fr"))
    assert "brauchen eine Weile" in _text(download_sizes.estimate_children(10, "de"))
    assert "large download" not in _text(download_sizes.estimate_children(99_999, "en"))
    assert "large download" in _text(download_sizes.estimate_children(100_000, "en"))


def test_a_filter_that_does_not_parse_shows_no_estimate(served):
    with served.test_request_context("/"):
        assert download_sizes.rows_for("/api/v1/incidents?country=XX&format=csv") is None
        assert download_sizes.update("/api/v1/incidents?country=XX&format=csv", "") == []
