"""Column-wise bulk inserts on both backends: defaults, constants, memoised and raw values."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import insert, select

from data.store import db
from data.store.schema import incident_bias_motivations, incidents, sources
from ingest.load.write import _public_ids, _uuids

NOW = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def _columns(count: int) -> dict:
    days = [dt.date(2020, 1, 1 + i % 3) for i in range(count)]
    return {
        "uuid": _uuids(count), "public_id": _public_ids(count),
        "source_record_id": [f"r{i}" for i in range(count)],
        "policy": ["open"] * count, "status": ["published"] * count,
        "date_start": days, "date_end": days, "date_precision": ["day"] * count,
        "country": ["DE", "FR"] * (count // 2), "geo_precision": ["country"] * count,
        "is_online": [i % 2 == 0 for i in range(count)],
        "raw_labels": [db.json_text({"bias": [{"label": "xénophobie", "n": i}]})
                       for i in range(count)],
        "quality_notes": [None if i % 2 else [{"code": "x", "value": i}] for i in range(count)],
    }


def test_insert_with_ids_round_trips_every_kind_of_value(engine):
    with engine.begin() as conn:
        source_id = conn.execute(insert(sources).values(
            slug="s", name="s", kind="dataset", policy="open")).inserted_primary_key[0]
        first = db.insert_with_ids(conn, incidents, _columns(4), {
            "source_id": source_id, "taxonomy_version": "t", "created_at": NOW,
            "updated_at": NOW}, serialised=("raw_labels",))
        second = db.insert_with_ids(conn, incidents, _columns(2) | {
            "source_record_id": ["x0", "x1"]}, {
            "source_id": source_id, "taxonomy_version": "t", "created_at": NOW,
            "updated_at": NOW}, serialised=("raw_labels",))
        db.insert_columns(conn, incident_bias_motivations, {
            "incident_id": first, "code": ["bm.a"] * 4})
    assert len(set(first + second)) == 6
    with engine.connect() as conn:
        rows = conn.execute(select(incidents).order_by(incidents.c.id)).mappings().all()
        links = conn.execute(select(incident_bias_motivations)).mappings().all()
    assert [r["id"] for r in rows] == first + second
    assert [r["date_start"] for r in rows[:4]] == [dt.date(2020, 1, d) for d in (1, 2, 3, 1)]
    assert [r["is_online"] for r in rows[:4]] == [True, False, True, False]
    assert rows[1]["raw_labels"] == {"bias": [{"label": "xénophobie", "n": 1}]}
    assert rows[0]["quality_notes"] == [{"code": "x", "value": 0}]
    assert rows[1]["quality_notes"] is None
    assert rows[0]["created_at"].replace(tzinfo=dt.UTC) == NOW
    assert rows[0]["location_type"] == "unknown"  # Python-side default of an absent column
    assert {link["is_primary"] for link in links} == {False}  # default of an absent column


def test_random_identifiers_are_well_formed_and_distinct():
    ids = _uuids(2000)
    assert len(set(ids)) == 2000
    for text in ids[:200]:
        parsed = uuid.UUID(text)
        assert (str(parsed), parsed.version, parsed.variant) == (text, 4, uuid.RFC_4122)
    public = _public_ids(2000)
    assert len(set(public)) == 2000
    assert all(len(p) == 16 and set(p) <= set("abcdefghijklmnopqrstuvwxyz234567")
               for p in public)


def test_a_load_gets_a_large_page_cache_and_gives_it_back(tmp_path):
    from data.store.db import LOAD_CACHE_KIB, load_cache, make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'c.sqlite'}")
    with engine.connect() as conn:
        before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        with load_cache(conn):
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -LOAD_CACHE_KIB
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == before != -LOAD_CACHE_KIB
