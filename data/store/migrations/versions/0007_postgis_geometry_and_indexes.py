"""PostgreSQL only: PostGIS point geometry of incidents (GiST index) and filter indexes

On PostgreSQL this revision

- creates the ``postgis`` extension when it is missing (in schema ``public``, or wherever the
  database already has it), under an advisory lock so that concurrent upgrades of several
  schemas of one database do not race;
- adds ``incidents.geom geometry(Point, 4326)``, a STORED generated column computed from
  ``lon``/``lat`` (NULL when the record has no point), so every writer keeps it equal to
  the coordinates without knowing about it, with a GiST index ``ix_incidents_geom``
  (adding it to a filled table rewrites ``incidents`` once, under an exclusive lock: 10.6 s
  with its indexes at 1,000,000 incidents on the 2-core benchmark machine);
- adds the foreign-key indexes PostgreSQL's plans need (see :data:`POSTGRES_ONLY_INDEXES`).

On SQLite it does nothing: ``lat``/``lon`` stay plain numbers, SpatiaLite is not required, and
point-in-polygon work is done in Python by ``geo/``. The table definitions in
``data/store/schema.py`` do not list these PostgreSQL-only objects; ``data.store.schema.include_object``
leaves them out of the model/migration comparison.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 12:00:00
"""

from alembic import op
from sqlalchemy import text

from data.store.db import StoreError
from data.store.failures import first_line

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

#: Name -> (table, columns) of the B-tree indexes added for PostgreSQL's plans (listed in
#: ``data.store.schema.POSTGRES_ONLY_INDEXES`` too). PostgreSQL does not index the referencing
#: side of a foreign key; without these, undoing an ingest run (``DELETE ... WHERE
#: ingest_run_id = ?``, also read by dedupe) scans every incident, and each deleted incident
#: scans label_issues and duplicate_links for its ON DELETE CASCADE. The filters of
#: data/public/selects.py (status + dates, country, code of a link table, id, public_id) are served
#: by indexes every backend already has (EXPLAIN in the tests of migration 0007).
POSTGRES_ONLY_INDEXES: dict[str, tuple[str, tuple[str, ...]]] = {
    "ix_incidents_ingest_run_id": ("incidents", ("ingest_run_id",)),
    "ix_label_issues_incident_id": ("label_issues", ("incident_id",)),
    "ix_duplicate_links_other_id": ("duplicate_links", ("other_id",)),
}
#: The Debian package that provides the extension on the project's PostgreSQL 15.
POSTGIS_PACKAGE = "postgresql-15-postgis-3"
#: Any fixed number: the advisory lock that serialises CREATE EXTENSION between upgrades.
_LOCK_KEY = 7_470_007


def _postgis_schema(conn) -> str | None:
    """The schema the ``postgis`` extension lives in, or None when it is not installed."""
    return conn.execute(text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'postgis'")).scalar()


def ensure_postgis(conn) -> str:
    """Create the ``postgis`` extension when missing; return the schema holding it.

    Raises
    ------
    StoreError
        The server has no PostGIS files (names the Debian package), or the user may not
        create the extension.
    """
    schema = _postgis_schema(conn)
    if schema is not None:
        return schema
    available = conn.execute(text(
        "SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'")).scalar()
    if not available:
        raise StoreError(
            "the PostgreSQL server has no PostGIS extension: install the Debian package "
            f"{POSTGIS_PACKAGE} on the database server (apt-get install {POSTGIS_PACKAGE}), "
            "then run `incidentmap db upgrade` again")
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    try:
        with conn.begin_nested():
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public"))
    except Exception as exc:  # noqa: BLE001 - re-raised with the remedy
        raise StoreError(
            "cannot create the PostGIS extension (PostGIS is not a trusted extension: "
            "CREATE EXTENSION postgis needs a superuser): ask an administrator to run "
            f"`CREATE EXTENSION postgis SCHEMA public;` in this database. ({first_line(exc)})"
        ) from exc
    return _postgis_schema(conn)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    gis = '"' + ensure_postgis(conn).replace('"', '""') + '"'
    op.execute(
        f"ALTER TABLE incidents ADD COLUMN geom {gis}.geometry(Point, 4326) "
        f"GENERATED ALWAYS AS ({gis}.st_setsrid({gis}.st_makepoint(lon, lat), 4326)) STORED")
    op.execute("COMMENT ON COLUMN incidents.geom IS 'PostGIS point of lon/lat (EPSG:4326), "
               "generated; PostgreSQL only'")
    op.execute("CREATE INDEX ix_incidents_geom ON incidents USING gist (geom)")
    for name, (table, columns) in POSTGRES_ONLY_INDEXES.items():
        op.create_index(name, table, list(columns))


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    for name, (table, _columns) in POSTGRES_ONLY_INDEXES.items():
        op.drop_index(name, table_name=table)
    op.execute("DROP INDEX IF EXISTS ix_incidents_geom")
    op.execute("ALTER TABLE incidents DROP COLUMN IF EXISTS geom")
    # the extension stays: other schemas of the database may use it
