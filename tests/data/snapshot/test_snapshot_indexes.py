"""Migration 0012: a snapshot update finds what changed by index, not by reading every record.

After every write each worker reads the records added (``id > ?``) or edited
(``updated_at >= ?``) since its last read and checks the count and id sum of the published
records (:mod:`data.snapshot.update`). At a million records a scan for either costs 0.1-0.2 s
per worker per write; these plans keep them index reads.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import inspect

from data.snapshot.read import _where
from data.snapshot.update import public_count
from data.store import db
from tests import factories
from tests.data.export.export_store import CANARY_RECORDS


def _plan(engine, sql: str, params: list) -> str:
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a tiny table otherwise
            rows = conn.exec_driver_sql(f"EXPLAIN {sql}", tuple(params)).fetchall()
        else:
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", tuple(params)).fetchall()
    return "\n".join(str(row[-1]) for row in rows)


def test_the_changed_records_are_found_by_index(database_url):
    engine = factories.build_store(database_url, demo_rows=50, records=CANARY_RECORDS).engine
    since = int((dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)).timestamp() * 1e6)
    postgres = engine.dialect.name == "postgresql"
    where, params = _where(postgres, 40, since, None, None)
    plan = _plan(engine, f"SELECT id FROM incidents{where}", params)
    assert "ix_incidents_updated_at" in plan, plan
    assert "Seq Scan" not in plan and "SCAN incidents" not in plan, plan
    engine.dispose()


def test_the_published_records_are_counted_from_an_index(database_url):
    engine = factories.build_store(database_url, demo_rows=50, records=CANARY_RECORDS).engine
    count, total = public_count(engine)
    assert count > 0 and total > 0
    sql = "SELECT count(*), sum(id) FROM incidents WHERE status = 'published'"
    plan = _plan(engine, sql, [])
    if engine.dialect.name == "postgresql":
        # an index-only scan once vacuumed (the visibility map); a bitmap scan before
        assert "ix_incidents_published_id" in plan and "Seq Scan" not in plan, plan
    else:
        assert "COVERING INDEX ix_incidents_status_date" in plan, plan
    engine.dispose()


def test_downgrade_removes_the_indexes(database_url):
    engine = factories.build_store(database_url, demo_rows=5, records=CANARY_RECORDS).engine
    db.downgrade(engine, "0011")
    with engine.connect() as conn:
        names = {ix["name"] for ix in inspect(conn).get_indexes("incidents")}
    assert not names & {"ix_incidents_updated_at", "ix_incidents_published_id"}
    db.upgrade(engine)
    engine.dispose()
