"""Download rows from the snapshot's arrays agree with the SQL reader, value for value."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from data.privacy.publication import MEMBER_SOURCE
from data.public.record import fetch_public_rows
from data.public.rows import positions_of, public_rows_table
from data.reference.taxonomy import load_taxonomy
from data.snapshot.model import build
from data.store.db import bump_version
from tests import factories
from tests.data.export.export_store import CANARIES, CANARY_RECORDS
from tests.factories import MIN_CELL, add_record

TAX = load_taxonomy()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql",
                                                               marks=pytest.mark.postgres)])
def store(request, tmp_path_factory):
    # a second open record, without a point
    second_open = {"slug": "open-monitor", "policy": "open", "status": "published",
                   "public_id": "openrec2", "bias": "bm.anti_muslim", "lat": None, "lon": None}
    with factories.store(tmp_path_factory.mktemp("rows"), request.param, demo_rows=400,
                         records=(*CANARY_RECORDS, second_open),
                         fill=_add_member_records) as built:
        yield built.engine


#: Published member records with regions (public id -> NUTS 3) and the level each is shown
#: at with MIN_CELL 5: six alike in FR101 (NUTS 3); two in FR102 and three in FR103 (five
#: left over in FR10: NUTS 2); one alone in FR201 (country); four alike in FR104 but with
#: another motivation (country at 5, NUTS 3 at 3).
MEMBERS = {**{f"mfr101-{i}": ("FR101", "nuts3") for i in range(6)},
           **{f"mfr102-{i}": ("FR102", "nuts2") for i in range(2)},
           **{f"mfr103-{i}": ("FR103", "nuts2") for i in range(3)},
           "mfr201-0": ("FR201", "country"),
           **{f"mfr104-{i}": ("FR104", "country") for i in range(4)}}


def _add_member_records(engine) -> None:
    for n, (public_id, (nuts3, _)) in enumerate(MEMBERS.items()):
        add_record(engine, slug="member-network", policy="member", status="published",
                   public_id=public_id, nuts=(nuts3[:3], nuts3[:4], nuts3), country="FR",
                   day=dt.date(2021, 6, 1 + n), geo="municipality", lat=48.8, lon=2.3,
                   place="A member place",
                   bias="bm.anti_muslim" if nuts3 == "FR104" else
                   "bm.racism_xenophobia.anti_refugee")


def _plain(value):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _records_sql(engine, ids) -> list[dict]:
    frame = fetch_public_rows(engine, ids, TAX, min_cell=MIN_CELL)
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _records_arrow(engine, snapshot, ids) -> list[dict]:
    table = public_rows_table(engine, snapshot, positions_of(snapshot, ids))
    return [{k: _plain(v) for k, v in row.items()} for row in table.to_pylist()]


def test_every_public_row_matches_the_sql_reader(store):
    snapshot = build(store, TAX, MIN_CELL)
    ids = snapshot.select_ids(np.ones(snapshot.size, dtype=bool))
    assert len(ids) > 300
    fast, sql = _records_arrow(store, snapshot, ids), _records_sql(store, ids)
    assert [list(r) for r in fast[:1]] == [list(r) for r in sql[:1]]  # same columns, order
    assert fast == sql
    member = [r for r in fast if r["policy"] == "member"]
    assert member and all(r["source"] == MEMBER_SOURCE and r["lat"] is None
                          and r["place_name"] is None for r in member)
    text = repr(fast)
    assert not [c for c in CANARIES if c in text]


@pytest.mark.parametrize("min_cell", [3, 5])
def test_member_regions_agree_between_the_readers_record_by_record(store, min_cell):
    """The detail page reads one record with SQL; it shows the region the snapshot shows."""
    snapshot = build(store, TAX, min_cell)
    public_ids = snapshot.detail.column("public_id").to_pylist()
    wanted = {p: int(snapshot.ids[public_ids.index(p)]) for p in MEMBERS}
    fast = _records_arrow(store, snapshot, list(wanted.values()))
    shown = {r["public_id"]: r["geo_precision"] for r in fast}
    expected = {p: level for p, (_, level) in MEMBERS.items()}
    if min_cell == 3:
        expected.update({p: "nuts3" for p in MEMBERS if p.startswith(("mfr104", "mfr103"))})
        expected.update({p: "country" for p in MEMBERS if p.startswith("mfr102")})
    assert shown == expected
    for row in fast:
        nuts3 = MEMBERS[row["public_id"]][0]
        depth = {"nuts3": 3, "nuts2": 2, "nuts1": 1, "country": 0}[row["geo_precision"]]
        assert [row["nuts1"], row["nuts2"], row["nuts3"]] == [
            nuts3[:3] if depth >= 1 else None, nuts3[:4] if depth >= 2 else None,
            nuts3 if depth == 3 else None]
        assert row["lat"] is None and row["place_name"] is None
        assert row["date_start"] == "2021-06-01" and row["date_precision"] == "month"
    for public_id, incident_id in wanted.items():  # one id at a time, as the detail page
        one = fetch_public_rows(store, [incident_id], TAX, min_cell=min_cell)
        sql = [{k: _plain(v) for k, v in r.items()} for r in one.to_dict("records")]
        assert sql == [r for r in fast if r["public_id"] == public_id]


def test_asking_for_a_record_twice_does_not_count_it_twice(store):
    snapshot = build(store, TAX, MIN_CELL)
    public_ids = snapshot.detail.column("public_id").to_pylist()
    lone = int(snapshot.ids[public_ids.index("mfr104-0")])  # four alike: country at 5
    rows = fetch_public_rows(store, [lone] * 6, TAX, min_cell=MIN_CELL)
    assert len(rows) == 6 and set(rows["geo_precision"]) == {"country"}


def test_rows_come_in_the_order_asked_and_a_subset_is_a_subset(store):
    snapshot = build(store, TAX, MIN_CELL)
    ids = snapshot.select_ids(np.ones(snapshot.size, dtype=bool))[::-7]
    fast = _records_arrow(store, snapshot, ids)
    assert [r["public_id"] for r in fast] == [r["public_id"] for r in _records_sql(store, ids)]


def test_a_record_withdrawn_after_the_snapshot_is_left_out(store, tmp_path):
    snapshot = build(store, TAX, MIN_CELL)
    ids = snapshot.select_ids(np.ones(snapshot.size, dtype=bool))
    target = int(ids[3])
    with store.begin() as conn:  # a withdrawal, which like every write bumps the version
        conn.exec_driver_sql(f"UPDATE incidents SET status = 'submitted' WHERE id = {target}")
        bump_version(conn)
    try:
        # the old snapshot, the new store
        table = public_rows_table(store, snapshot, positions_of(snapshot, ids))
        assert table.num_rows == len(ids) - 1
        assert snapshot.detail.column("public_id")[int(np.searchsorted(snapshot.ids, target))] \
            .as_py() not in table.column("public_id").to_pylist()
    finally:
        with store.begin() as conn:
            conn.exec_driver_sql(f"UPDATE incidents SET status = 'published' WHERE id = {target}")
            bump_version(conn)


def test_ids_outside_the_snapshot_are_an_error(store):
    snapshot = build(store, TAX, MIN_CELL)
    with pytest.raises(KeyError, match="not public records of this snapshot"):
        positions_of(snapshot, np.array([10**9]))


def test_empty_selection_has_the_columns(make_store):
    engine = make_store().engine
    snapshot = build(engine, TAX, MIN_CELL)
    table = public_rows_table(engine, snapshot, np.array([], dtype=np.int64))
    assert table.num_rows == 0
    assert table.column_names == list(fetch_public_rows(engine, [], TAX, min_cell=MIN_CELL).columns)
