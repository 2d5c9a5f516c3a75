"""Counts per NUTS region from the snapshot: coarser records, playback months, member privacy.

The store holds open records placed at every precision and published member-organisation
records that carry NUTS codes internally, too few per region to be shown by region (3 and 1,
below MIN_CELL 5; tests/security/test_differencing.py covers member records that are). Public
outputs must count them at country level only, whatever is combined (region maps, region
filters, the API's groupings, the member source filter), so no sub-national cell of member
records can be computed.
"""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest
from sqlalchemy import insert

from data.filters import IncidentFilter
from data.public.area_stats import by_area, month_frame, month_range
from data.reference.taxonomy import load_taxonomy
from data.snapshot.model import build
from data.store import db
from data.store.schema import incident_bias_motivations, incidents, sources
from tests import factories
from tests.factories import MIN_CELL

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
TAX = load_taxonomy()
#: (policy, geo_precision, nuts3 or shorter code, day, how many)
RECORDS = [
    ("open", "exact", "DE300", dt.date(2016, 3, 5), 4),       # Berlin, to the point
    ("open", "municipality", "DE212", dt.date(2016, 3, 20), 3),  # Munich
    ("open", "nuts3", "DE212", dt.date(2016, 4, 2), 2),
    ("open", "nuts2", "DE21", dt.date(2016, 4, 9), 2),        # Upper Bavaria, no NUTS 3
    ("open", "nuts1", "DE2", dt.date(2016, 5, 1), 1),         # Bavaria only
    ("open", "country", None, dt.date(2016, 5, 3), 2),
    ("member", "municipality", "DE300", dt.date(2016, 3, 7), 3),  # never public by region
    ("member", "nuts3", "DE212", dt.date(2016, 4, 11), 1),
]
YEAR_ONLY = 1  # one more open Berlin record known only to the year


def _insert(conn, source_id, policy, precision, code, day, index, year_only=False):
    nuts = {f"nuts{n}": (code[: n + 2] if code and len(code) >= n + 2 else None)
            for n in (1, 2, 3)}
    start, end = (dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)) if year_only \
        else (day, day)
    row = conn.execute(insert(incidents).values(
        uuid=f"{policy}-{index}", public_id=f"{policy[:3]}{index:05d}", source_id=source_id,
        source_record_id=str(index), policy=policy, status="published", date_start=start,
        date_end=end, date_precision="year" if year_only else "day", country="DE",
        geo_precision=precision, is_online=False, location_type="unknown",
        classification="unclear", taxonomy_version="0.2.0", created_at=NOW, updated_at=NOW,
        nuts_version="2024" if code else None, **nuts)).inserted_primary_key[0]
    conn.execute(insert(incident_bias_motivations).values(
        incident_id=row, code="bm.racism_xenophobia.anti_refugee", is_primary=True))


def _fill(engine) -> None:
    counter = itertools.count()
    with engine.begin() as conn:
        ids = {}
        for policy in ("open", "member"):
            ids[policy] = conn.execute(insert(sources).values(
                slug=f"{policy}-src", name=policy, kind="dataset", policy=policy, licence="",
                attribution="", url="")).inserted_primary_key[0]
        for policy, precision, code, day, n in RECORDS:
            for _ in range(n):
                _insert(conn, ids[policy], policy, precision, code, day, next(counter))
        _insert(conn, ids["open"], "open", "exact", "DE300", dt.date(2016, 6, 1),
                next(counter), year_only=True)
        db.bump_version(conn)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with factories.store(tmp_path_factory.mktemp("areas"), fill=_fill) as built:
        yield built


@pytest.fixture(scope="module")
def snapshot(store):
    return build(store.engine, TAX, MIN_CELL)


def _everything(snapshot):
    return snapshot.mask(IncidentFilter(country=("DE",)))


def test_member_records_have_no_region_in_the_snapshot(snapshot):
    member = np.array([s == "member" for s in np.array(snapshot.sources)[snapshot.source]])
    assert member.sum() == 4
    for level in ("nuts1", "nuts2", "nuts3"):
        codes, names = snapshot.nuts[level]
        assert {names[c] for c in codes[member]} == {""}


def test_counts_at_each_level_and_what_they_cannot_show(snapshot):
    mask = _everything(snapshot)
    nuts3 = by_area(snapshot, mask, "nuts3")
    assert nuts3.total == 18 + YEAR_ONLY
    assert nuts3.counts.to_dict() == {"DE300": 5, "DE212": 5}  # 4+1 Berlin, 3+2 Munich
    # not shown: 2 at NUTS 2 only, 1 at NUTS 1 only, 2 open + 4 member at country level
    assert nuts3.not_shown == {"nuts2": 2, "nuts1": 1, "country": 6}
    assert nuts3.total == nuts3.counts.sum() + nuts3.not_shown_total

    nuts2 = by_area(snapshot, mask, "nuts2")
    assert nuts2.counts.to_dict() == {"DE30": 5, "DE21": 7}
    assert nuts2.not_shown == {"nuts1": 1, "country": 6}
    nuts1 = by_area(snapshot, mask, "nuts1")
    assert nuts1.counts.to_dict() == {"DE3": 5, "DE2": 8}
    assert nuts1.not_shown == {"country": 6}
    country = by_area(snapshot, mask, "country")
    assert country.counts.to_dict() == {"DE": 19} and country.not_shown == {}


def test_region_filters_never_select_member_records(snapshot):
    for region in ("DE3", "DE30", "DE300", "DE2", "DE21", "DE212"):
        mask = snapshot.mask(IncidentFilter(region=(region,)))
        sources = {snapshot.sources[i] for i in snapshot.source[mask]}
        assert sources <= {"open-src"}, region


def test_playback_months(snapshot):
    mask = _everything(snapshot)
    march = (2016 - 1970) * 12 + 2
    frame = month_frame(snapshot, mask, "nuts3", march)
    assert frame.counts.to_dict() == {"DE300": 4, "DE212": 3}
    assert frame.not_in_months == YEAR_ONLY
    assert frame.peak.to_dict() == {"DE300": 4, "DE212": 3}  # April's DE212 has 2
    april = month_frame(snapshot, mask, "country", march + 1)
    assert april.counts.to_dict() == {"DE": 5} and april.peak.to_dict() == {"DE": 10}
    assert month_frame(snapshot, mask, "nuts1", march - 12).counts.empty
    assert month_range(snapshot, mask) == (march, march + 2)


@pytest.fixture(scope="module")
def client(store, tmp_path_factory):
    return factories.build_site(store, tmp_path_factory.mktemp("areas-app")).client()


@pytest.mark.parametrize("group_by", ["nuts1", "nuts2", "nuts3"])
def test_no_public_combination_reveals_a_member_region(client, group_by):
    """Differencing: every regional figure is the same with and without the member records."""
    def stats(query):
        body = client.get(f"/api/v1/stats?group_by={group_by}&{query}").get_json()
        return body["total"], body["unplaced"], {d["key"]: d["count"] for d in body["data"]}

    total, unplaced, cells = stats("country=DE")
    open_total, open_unplaced, open_cells = stats("country=DE&source=open-src")
    member_total, member_unplaced, member_cells = stats("country=DE&source=member")
    assert member_total == member_unplaced == 4 and not any(member_cells.values())
    assert cells == open_cells and unplaced - open_unplaced == 4
    for region in open_cells:
        with_region = client.get(f"/api/v1/stats?group_by=source&region={region}").get_json()
        assert "member" not in {d["key"] for d in with_region["data"] if d["count"]}
    rows = client.get("/api/v1/incidents?source=member&per_page=50").get_json()
    text = str(rows)
    assert "DE300" not in text and "DE212" not in text
