"""Every cell agrees: the page's CSV download, ``/api/v1/stats`` and the map's aggregates.

For a few page URLs on a demo store with NUTS regions (plus open and member records), the
CSV the page links to is grouped by country, by NUTS 2 and by month, and every cell is
compared with ``/api/v1/stats?group_by=...`` for the same query and with the snapshot
aggregates the map draws (``Snapshot.by_country``, ``data.public.area_stats.by_area``,
``Snapshot.timeline``). No browser: the page's render callback is called directly.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from urllib.parse import urlsplit

import pytest

from dashboard.context import EXTENSION_KEY
from dashboard.pages.overview import page as overview
from dashboard.url_state import parse_search
from data.public.area_stats import by_area
from data.reference.taxonomy import load_taxonomy
from tests import factories

TAX = load_taxonomy()
#: Page URLs (the query after ``/``): the default view, filters of every kind, a language.
PAGE_URLS = (
    "",
    "?country=DE,FR,IT&date_from=2015-01&date_to=2019-12",
    "?bias=bm.racism_xenophobia&type=it.attack_property",
    "?country=DE&level=nuts2&lang=fr",
    "?region=DE2&date_from=2014-06",
    "?country=MT&date_from=2031-01",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory, shared_data):
    # open records placed to a NUTS 2 region and to the year only; published member records
    # (the month in public, however precisely they were recorded): seven alike in DE212 are
    # shown at NUTS 3, two in DE213 are too few for any region and are shown by country
    records = [
        {"slug": "open-monitor", "policy": "open", "status": "published", "public_id": "openn2",
         "lat": None, "lon": None, "nuts": ("DE2", "DE21", None), "geo": "nuts2"},
        {"slug": "open-monitor", "policy": "open", "status": "published", "public_id": "openyr",
         "day": dt.date(2017, 1, 1), "precision": "year", "country": "FR", "geo": "country"},
        *({"slug": "member-org", "policy": "member", "status": "published",
           "public_id": f"memb{i}", "lat": 48.1, "lon": 11.6, "place": "München",
           "nuts": ("DE2", "DE21", "DE212"), "day": dt.date(2016, 3, 10 + i)} for i in range(7)),
        *({"slug": "member-org", "policy": "member", "status": "published",
           "public_id": f"memc{i}", "nuts": ("DE2", "DE21", "DE213"),
           "day": dt.date(2016, 3, 1)} for i in range(2)),
    ]
    with factories.site(tmp_path_factory.mktemp("cells"), demo_rows=1500, seed=23,
                        nuts_dir=shared_data / "geo" / "nuts2024", records=records) as site:
        yield site.server


def _csv_rows(client, href: str) -> list[dict]:
    response = client.get(href)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == int(response.headers["X-Incidentmap-Total"])
    return rows


def _stats(client, query: str, group: str) -> dict:
    response = client.get(f"/api/v1/stats?{query}&group_by={group}".replace("?&", "?"))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()


def _month_of(row: dict) -> str | None:
    """The month a record counts in: its start's month, when known to the month or finer."""
    if row["date_precision"] == "year":
        return None
    return row["date_start"][:7]


@pytest.mark.parametrize("page", PAGE_URLS)
def test_every_cell_of_the_download_equals_the_api_and_the_map(server, page):
    client = server.test_client()
    context = server.extensions[EXTENSION_KEY]
    with server.test_request_context("/" + page):
        outputs = overview.render(page)
        snapshot = context.snapshot()
        state, problems = parse_search(page, TAX, snapshot.sources)
        mask = snapshot.mask(state.filter.with_default_bias(context.settings.default_bias_scope))
    assert not problems
    href = outputs["download"]["csv_href"]
    query = "&".join(p for p in urlsplit(href).query.split("&")
                     if p and not p.startswith("format="))
    rows = _csv_rows(client, href)
    total = snapshot.count(mask)
    assert len(rows) == total

    # -- country: download = API = the map's country counts (every member state) ----------
    by_country = Counter(r["country"] for r in rows)
    api = _stats(client, query, "country")
    assert api["total"] == total
    api_cells = {d["key"]: d["count"] for d in api["data"]}
    map_cells = snapshot.by_country(mask)
    area = by_area(snapshot, mask, "country")
    assert set(api_cells) == set(map_cells.index) and len(api_cells) == 27
    for iso in api_cells:
        assert by_country.get(iso, 0) == api_cells[iso] == int(map_cells[iso]) \
            == int(area.counts.get(iso, 0)), iso
    assert set(by_country) <= set(api_cells)

    # -- NUTS 2: placed cells and what cannot be shown at that level ----------------------
    by_nuts2 = Counter(r["nuts2"] for r in rows if r["nuts2"])
    api = _stats(client, query, "nuts2")
    api_cells = {d["key"]: d["count"] for d in api["data"] if d["count"]}
    regions = by_area(snapshot, mask, "nuts2")
    assert dict(by_nuts2) == api_cells == {k: int(v) for k, v in regions.counts.items()}
    unplaced = sum(1 for r in rows if not r["nuts2"])
    assert api["unplaced"] == unplaced == regions.not_shown_total

    # -- month: the timeline's cells; year-only records are unplaced, never spread ---------
    by_month = Counter(m for r in rows if (m := _month_of(r)))
    api = _stats(client, query, "month")
    api_cells = {d["key"]: d["count"] for d in api["data"] if d["count"]}
    timeline = snapshot.timeline(mask, "month")
    map_months = timeline.counts.groupby("period")["count"].sum() if len(timeline.counts) \
        else {}
    assert dict(by_month) == api_cells == {k: int(v) for k, v in dict(map_months).items()}
    year_only = sum(1 for r in rows if _month_of(r) is None)
    assert api["unplaced"] == year_only == timeline.unplaced


def test_the_cases_cover_what_they_claim(server):
    """Guard against a vacuous pass: the store has every kind of cell the test compares."""
    client = server.test_client()
    rows = _csv_rows(client, "/api/v1/incidents?format=csv")
    assert len(rows) > 1000
    assert sum(1 for r in rows if r["nuts2"]) > 500
    member = [r for r in rows if r["source"] == "member"]
    assert sum(1 for r in member if r["nuts3"] == "DE212") == 7  # enough alike: NUTS 3
    assert sum(1 for r in member if not r["nuts1"]) == 2  # too few: the country only
    assert any(r["date_precision"] == "year" for r in rows)
    assert any(r["nuts1"] and not r["nuts2"] for r in rows)  # placed only to NUTS 1
    with server.test_request_context("/?country=MT&date_from=2031-01"):
        empty = overview.render("?country=MT&date_from=2031-01")["empty"]
        assert empty["hidden"] is False  # empty view
