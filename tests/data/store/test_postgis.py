"""Migration 0007: the PostGIS point of incidents and PostgreSQL's indexes; a no-op on SQLite."""

from __future__ import annotations

import datetime as dt
import importlib.util

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, insert, inspect, text, update

from data.filters import IncidentFilter
from data.public.selects import public_select
from data.records.demo import load_demo
from data.reference.taxonomy import load_taxonomy
from data.store import db
from data.store.schema import (
    POSTGRES_ONLY_COLUMNS,
    POSTGRES_ONLY_INDEXES,
    incidents,
    include_object,
    metadata,
    sources,
)
from tests import factories
from tests.oracles import where_clauses

MIGRATION = db.MIGRATIONS_DIR / "versions" / "0007_postgis_geometry_and_indexes.py"
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
TAX = load_taxonomy()
#: (name, lon, lat) of the hand-made incidents; None: a record without a point.
PLACES = [("wien", 16.37, 48.21), ("graz", 15.44, 47.07), ("berlin", 13.40, 52.52),
          ("paris", 2.35, 48.86), ("nowhere", None, None)]


def _migration_module():
    spec = importlib.util.spec_from_file_location("migration_0007", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def pg(tmp_path):
    """A migrated, empty PostgreSQL store in a fresh schema, and the PostGIS schema name."""
    with factories.store(tmp_path, "postgresql") as built:
        with built.engine.connect() as conn:
            gis = conn.execute(text(
                "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                "ON n.oid = e.extnamespace WHERE e.extname = 'postgis'")).scalar()
        yield built.engine, gis


def _add_places(engine) -> dict[str, int]:
    ids = {}
    with engine.begin() as conn:
        src = conn.execute(insert(sources).values(
            slug="s", name="s", kind="dataset", policy="open")).inserted_primary_key[0]
        for n, (name, lon, lat) in enumerate(PLACES):
            ids[name] = conn.execute(insert(incidents).values(
                uuid=f"00000000-0000-4000-8000-{n:012d}", public_id=f"p{n}", source_id=src,
                source_record_id=name, policy="open", status="published",
                date_start=dt.date(2020, 5, 17), date_end=dt.date(2020, 5, 17),
                date_precision="day", country="AT", lat=lat, lon=lon,
                geo_precision="country" if lat is None else "exact",
                taxonomy_version=TAX.version, created_at=NOW, updated_at=NOW,
            )).inserted_primary_key[0]
    return ids


def _plan(conn, sql: str) -> str:
    return "\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + sql))


@pytest.mark.postgres
def test_geom_is_a_point_in_epsg_4326_with_a_gist_index(pg):
    engine, gis = pg
    with engine.connect() as conn:
        kind, srid, dims = conn.execute(text(
            f'SELECT type, srid, coord_dimension FROM "{gis}".geometry_columns '
            "WHERE f_table_schema = current_schema() AND f_table_name = 'incidents' "
            "AND f_geometry_column = 'geom'")).one()
        method = conn.execute(text(
            "SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam "
            "WHERE c.relname = 'ix_incidents_geom' "
            "AND c.relnamespace = current_schema()::regnamespace")).scalar()
    assert (kind, srid, dims) == ("POINT", 4326, 2)
    assert method == "gist"


@pytest.mark.postgres
def test_geom_equals_lat_lon_after_a_demo_load_and_is_null_without_a_point(pg):
    engine, gis = pg
    load_demo(engine, rows=600, seed=3)
    with engine.connect() as conn:
        counts = conn.execute(text(
            f'SELECT count(*) FILTER (WHERE lat IS NOT NULL), '
            f'count(*) FILTER (WHERE lat IS NULL), '
            f'count(*) FILTER (WHERE lat IS NOT NULL AND "{gis}".st_x(geom) = lon '
            f'AND "{gis}".st_y(geom) = lat AND "{gis}".st_srid(geom) = 4326), '
            f'count(*) FILTER (WHERE lat IS NULL AND geom IS NULL) FROM incidents')).one()
    with_point, without, equal, null_geom = counts
    assert with_point > 0 and without > 0  # the demo has both kinds
    assert equal == with_point
    assert null_geom == without


@pytest.mark.postgres
def test_geom_follows_every_write_of_lat_lon(pg):
    engine, gis = pg
    ids = _add_places(engine)
    point = f'"{gis}".st_astext(geom)'
    with engine.begin() as conn:
        conn.execute(update(incidents).where(incidents.c.id == ids["wien"])
                     .values(lat=48.0, lon=16.0))
        conn.execute(update(incidents).where(incidents.c.id == ids["graz"])
                     .values(lat=None, lon=None, geo_precision="country"))
        conn.execute(update(incidents).where(incidents.c.id == ids["nowhere"])
                     .values(lat=47.5, lon=9.7, geo_precision="exact"))
    with engine.connect() as conn:
        got = dict(conn.execute(text(f"SELECT source_record_id, {point} FROM incidents")).all())
    assert got == {"wien": "POINT(16 48)", "graz": None, "berlin": "POINT(13.4 52.52)",
                   "paris": "POINT(2.35 48.86)", "nowhere": "POINT(9.7 47.5)"}


@pytest.mark.postgres
@pytest.mark.parametrize(("where", "expected"), [
    # within 2 degrees of Vienna: Vienna and Graz, not Berlin, Paris or the record without point
    ("{g}.st_dwithin(geom, {g}.st_setsrid({g}.st_makepoint(16.37, 48.21), 4326), 2)",
     {"wien", "graz"}),
    # a box around Germany
    ("{g}.st_intersects(geom, {g}.st_makeenvelope(5.8, 47.2, 15.1, 55.1, 4326))", {"berlin"}),
])
def test_spatial_queries_find_the_right_incidents_through_the_gist_index(pg, where, expected):
    engine, gis = pg
    _add_places(engine)
    load_demo(engine, rows=300, seed=5)  # other records around, from another source
    condition = where.format(g=f'"{gis}"')
    sql = f"SELECT source_record_id FROM incidents WHERE source_id = 1 AND {condition}"
    with engine.begin() as conn:
        found = {row[0] for row in conn.exec_driver_sql(sql)}
        # on a small table the planner rightly prefers a scan; forbid it to see that the
        # condition can use the index at all (at scale the planner picks it by itself)
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = _plan(conn, sql)
    assert found == expected
    assert "ix_incidents_geom" in plan


@pytest.mark.postgres
def test_filter_indexes_serve_the_store_queries(pg):
    engine, _gis = pg
    load_demo(engine, rows=3000, seed=11)
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        run = _plan(conn, "DELETE FROM incidents WHERE ingest_run_id = 42")
        issues = _plan(conn, "SELECT 1 FROM label_issues WHERE incident_id = 7")
        others = _plan(conn, "SELECT 1 FROM duplicate_links WHERE other_id = 7")
        # count_matching_sql's statement for a month: both bounds reach the index
        stmt = public_select([func.count()])
        for clause in where_clauses(IncidentFilter(date_from=dt.date(2020, 1, 1),
                                                   date_to=dt.date(2020, 1, 31)), TAX):
            stmt = stmt.where(clause)
        dates = _plan(conn, str(stmt.compile(dialect=conn.dialect,
                                             compile_kwargs={"literal_binds": True})))
    assert "ix_incidents_ingest_run_id" in run
    assert "ix_label_issues_incident_id" in issues
    assert "ix_duplicate_links_other_id" in others
    index_cond = next(line for line in dates.splitlines() if "Index Cond" in line)
    assert "ix_incidents_status_date" in dates
    assert "date_start >=" in index_cond and "date_start <=" in index_cond


@pytest.mark.postgres
@pytest.mark.filterwarnings("ignore:Did not recognize type:sqlalchemy.exc.SAWarning")
def test_the_comparison_hook_hides_exactly_the_postgres_only_objects(pg):
    engine, _gis = pg
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
        hidden = compare_metadata(MigrationContext.configure(
            conn, opts={"include_object": include_object}), metadata)
    removed_columns = {(d[2], d[3].name) for d in diff if d[0] == "remove_column"}
    removed_indexes = {d[1].name for d in diff if d[0] == "remove_index"}
    assert removed_columns == set(POSTGRES_ONLY_COLUMNS)
    assert removed_indexes == set(POSTGRES_ONLY_INDEXES)
    assert len(diff) == len(removed_columns) + len(removed_indexes)
    assert hidden == []


@pytest.mark.postgres
def test_downgrade_removes_the_postgres_objects_and_upgrade_restores_them(pg):
    engine, _gis = pg
    _add_places(engine)
    db.downgrade(engine, "0006")
    insp = inspect(engine)
    assert "geom" not in {c["name"] for c in insp.get_columns("incidents")}
    db.upgrade(engine)
    with engine.connect() as conn:
        restored = conn.execute(text(
            "SELECT count(*) FROM incidents WHERE geom IS NOT NULL")).scalar()
    assert restored == 4  # the generated column is computed for the rows already there


def test_on_sqlite_the_migration_adds_nothing(tmp_path):
    with factories.store(tmp_path, revision="0006") as built:
        engine = built.engine
        before = inspect(engine)
        tables = {t: ({c["name"] for c in before.get_columns(t)},
                      {i["name"] for i in before.get_indexes(t)})
                  for t in ("incidents", "label_issues", "duplicate_links")}
        db.upgrade(engine, "0007")
        after = inspect(engine)
        for table, (columns, indexes) in tables.items():
            assert {c["name"] for c in after.get_columns(table)} == columns
            assert {i["name"] for i in after.get_indexes(table)} == indexes


class _Result:
    def __init__(self, value):
        self.value = value

    def scalar(self):
        return self.value


class _NoPostgis:
    """A connection to a server without PostGIS files: every query answers None or 0."""

    def execute(self, statement, params=None):
        return _Result(0 if "pg_available_extensions" in str(statement) else None)


def test_a_server_without_postgis_gets_an_error_naming_the_debian_package():
    with pytest.raises(RuntimeError, match="postgresql-15-postgis-3"):
        _migration_module().ensure_postgis(_NoPostgis())
