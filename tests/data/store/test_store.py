"""The store on both backends: migrations, constraints, demo load, snapshot vs SQL, privacy."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, inspect, select
from sqlalchemy.exc import IntegrityError

from data.filters import IncidentFilter
from data.privacy.publication import RESTRICTED_COLUMNS
from data.public.record import fetch_public_rows
from data.records.demo import load_demo
from data.reference.taxonomy import load_taxonomy
from data.snapshot.model import build
from data.store import db
from data.store.schema import (
    CODE_TABLES,
    incident_bias_motivations,
    incident_types,
    incidents,
    sources,
)
from tests import factories
from tests.conftest import BACKENDS
from tests.factories import MIN_CELL
from tests.oracles import count_matching_sql

TAX = load_taxonomy()
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module", params=BACKENDS)
def demo_engine(request, tmp_path_factory):
    with factories.store(tmp_path_factory.mktemp("demo"), request.param, demo_rows=1500,
                         seed=7) as store:
        yield store.engine


def test_migrations_create_and_remove_every_table(engine):
    names = set(inspect(engine).get_table_names())
    assert {"incidents", "sources", "ingest_runs", "organisations", "incident_types",
            "incident_bias_motivations", "incident_bias_indicators", "dataset_state"} <= names
    db.downgrade(engine, "base")
    assert "incidents" not in inspect(engine).get_table_names()
    db.upgrade(engine)
    assert "incidents" in inspect(engine).get_table_names()


def _source(conn, slug="org-a", policy="member") -> int:
    return conn.execute(insert(sources).values(
        slug=slug, name=slug, kind="organisation", policy=policy, licence="", attribution="",
        url="")).inserted_primary_key[0]


def _incident(conn, source_id, n, **values) -> int:
    row = dict(
        uuid=f"00000000-0000-4000-8000-{n:012d}", public_id=f"p{n}", source_id=source_id,
        source_record_id=str(n), policy="member", status="published",
        date_start=dt.date(2020, 5, 17), date_end=dt.date(2020, 5, 17), date_precision="day",
        country="AT", geo_precision="exact", lat=48.2, lon=16.37, place_name="Wien",
        is_online=False, location_type="street_public_space", classification="hate_crime",
        public_summary="Reviewed summary.", narrative="CANARY-NARRATIVE restricted text",
        taxonomy_version=TAX.version, created_at=NOW, updated_at=NOW,
    )
    row.update(values)
    return conn.execute(insert(incidents).values(**row)).inserted_primary_key[0]


@pytest.mark.parametrize("bad", [
    {"status": "bogus"},
    {"policy": "secret"},
    {"date_precision": "decade"},
    {"geo_precision": "street"},
    {"location_type": "moon"},
    {"classification": "rumour"},
    {"date_end": dt.date(2020, 5, 1)},
    {"lat": None},
])
def test_constraints_reject_invalid_records(engine, bad):
    with pytest.raises(IntegrityError), engine.begin() as conn:
        _incident(conn, _source(conn), 1, **bad)


def test_checks_rewritten_by_migration_0004_keep_rows_and_still_reject(engine):
    db.downgrade(engine, "0003")
    with engine.begin() as conn:
        _incident(conn, _source(conn), 1)
    db.upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(incidents)).scalar() == 1
    with pytest.raises(IntegrityError), engine.begin() as conn:
        _incident(conn, _source(conn, slug="org-b"), 2, location_type="moon")


def test_migrations_that_rebuild_tables_keep_the_rows_that_refer_to_them(engine):
    """SQLite rebuilds a table to alter it; its code links must survive (no cascade)."""
    load_demo(engine, rows=200, seed=3)

    def links() -> int:
        with engine.connect() as conn:
            return sum(conn.execute(select(func.count()).select_from(t)).scalar()
                       for t in CODE_TABLES.values())

    before = links()
    assert before > 200
    db.downgrade(engine, "0003")  # 0004 rebuilds incidents on the way down and up
    assert links() == before
    db.upgrade(engine)
    assert links() == before and db.incident_count(engine) == 200


def test_source_record_id_is_unique_per_source(engine):
    with pytest.raises(IntegrityError), engine.begin() as conn:
        src = _source(conn)
        _incident(conn, src, 1)
        _incident(conn, src, 2, source_record_id="1")


def test_demo_load_replaces_and_bumps_version(engine):
    load_demo(engine, rows=300, seed=1)
    first = db.data_version(engine)
    load_demo(engine, rows=200, seed=2)
    assert db.incident_count(engine) == 200
    assert db.data_version(engine) > first


def test_snapshot_excludes_unpublished_and_coarsens_member_records(engine):
    with engine.begin() as conn:
        src = _source(conn)
        published = _incident(conn, src, 1)
        _incident(conn, src, 2, status="submitted", public_id="p2")
        for code, primary in (("bm.racism_xenophobia.anti_migrant", True),
                              ("bm.anti_muslim", False)):
            conn.execute(insert(incident_bias_motivations).values(
                incident_id=published, code=code, is_primary=primary))
        conn.execute(insert(incident_types).values(
            incident_id=published, code="it.violent_attack.physical_assault", is_primary=True))
        db.bump_version(conn)
    snap = build(engine, TAX, MIN_CELL)
    assert list(snap.ids) == [published]
    everything = snap.mask(IncidentFilter())
    assert snap.count(everything) == 1
    by_bias = snap.by_code(everything, "bias")
    assert by_bias["bm.racism_xenophobia.anti_migrant"] == 1
    assert by_bias["bm.anti_muslim"] == 1
    # month precision in public: a day-level filter cannot single the record out
    day_only = IncidentFilter(date_from=dt.date(2020, 5, 17), date_to=dt.date(2020, 5, 17))
    assert snap.count(snap.mask(day_only)) == 0
    may = IncidentFilter(date_from=dt.date(2020, 5, 1), date_to=dt.date(2020, 5, 31))
    assert snap.count(snap.mask(may)) == 1
    assert snap.timeline(everything, "week").unplaced == 1
    rows = fetch_public_rows(engine, [published], TAX, min_cell=MIN_CELL)
    record = rows.iloc[0]
    assert str(record["date_start"])[:10] == "2020-05-01"
    assert str(record["date_end"])[:10] == "2020-05-31"
    assert record["date_precision"] == "month"
    assert pd.isna(record["lat"]) and pd.isna(record["lon"])
    assert pd.isna(record["place_name"])
    assert record["geo_precision"] == "country"
    assert record["bias_motivations"] == "bm.racism_xenophobia.anti_migrant;bm.anti_muslim"
    assert not set(RESTRICTED_COLUMNS) & set(rows.columns)
    assert "CANARY" not in rows.to_csv()


def test_demo_counts_are_consistent(demo_engine):
    snap = build(demo_engine, TAX, MIN_CELL)
    with demo_engine.connect() as conn:
        published = conn.execute(select(func.count()).select_from(incidents)
                                 .where(incidents.c.status == "published")).scalar()
    everything = snap.mask(IncidentFilter())
    assert snap.count(everything) == published
    assert snap.by_country(everything).sum() == published
    assert snap.timeline(everything, "year").counts["count"].sum() == published
    month = snap.timeline(everything, "month")
    assert month.counts["count"].sum() + month.unplaced == published


codes = {kind: st.lists(st.sampled_from(TAX.codes(kind)), max_size=2) for kind in
         ("bias", "indicator", "type")}
filters = st.builds(
    lambda countries, bias, indicator, types, start, span: IncidentFilter(
        date_from=start,
        date_to=(start + dt.timedelta(days=span)) if start and span is not None else None,
        country=tuple(sorted(set(countries))), bias=tuple(sorted(set(bias))),
        indicator=tuple(sorted(set(indicator))), type=tuple(sorted(set(types)))),
    st.lists(st.sampled_from([c.iso2 for c in TAX.countries()]), max_size=3),
    codes["bias"], codes["indicator"], codes["type"],
    st.one_of(st.none(), st.dates(dt.date(2013, 6, 1), dt.date(2025, 12, 31))),
    st.one_of(st.none(), st.integers(0, 2000)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flt=filters)
def test_snapshot_counts_equal_sql_counts(demo_engine, flt):
    snap = _snapshot(demo_engine)
    assert snap.count(snap.mask(flt)) == count_matching_sql(demo_engine, flt, TAX)


_SNAPSHOTS: dict = {}


def _snapshot(engine):
    key = id(engine)
    if key not in _SNAPSHOTS:
        _SNAPSHOTS[key] = build(engine, TAX, MIN_CELL)
    return _SNAPSHOTS[key]


def test_upgrade_keeps_rows_written_by_the_previous_schema(engine):
    from sqlalchemy import text

    db.downgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO sources (id, slug, name, kind, policy, licence, "
                          "attribution, url) VALUES (1, 'old', 'Old', 'dataset', 'open', '', "
                          "'', '')"))
        conn.execute(text("INSERT INTO ingest_runs (id, source_id, started_at, location, "
                          "rows_read, rows_loaded, rows_rejected, status) VALUES (1, 1, "
                          "'2020-01-01 00:00:00', 'x.csv', 3, 2, 1, 'done')"))
    db.upgrade(engine)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT rows_merged, rows_linked, policy FROM ingest_runs"
                                )).one()
    assert tuple(row) == (0, 0, "member")


@pytest.mark.filterwarnings("ignore:Did not recognize type:sqlalchemy.exc.SAWarning")
def test_migrations_match_the_table_definitions(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from data.store.schema import include_object, metadata

    # include_object hides the PostgreSQL-only PostGIS column and indexes of migration 0007
    # (tests/data/store/test_postgis.py checks that it hides nothing else)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        assert compare_metadata(context, metadata) == []


def test_data_release_changes_with_any_published_edit_and_only_then(engine):
    with engine.begin() as conn:
        src = _source(conn, policy="open")
        published = _incident(conn, src, 1, policy="open")
        hidden = _incident(conn, src, 2, policy="open", status="submitted", public_id="p2")
    first = build(engine, TAX, MIN_CELL).fingerprint
    later = NOW + dt.timedelta(days=1)
    with engine.begin() as conn:
        conn.execute(incidents.update().where(incidents.c.id == hidden)
                     .values(public_summary="changed behind the scenes", updated_at=later))
    assert build(engine, TAX, MIN_CELL).fingerprint == first
    with engine.begin() as conn:
        conn.execute(incidents.update().where(incidents.c.id == published)
                     .values(public_summary="A corrected public summary.", updated_at=later))
    assert build(engine, TAX, MIN_CELL).fingerprint != first
