"""The snapshot read in compact chunks equals the frame reader's, and updates equal rebuilds.

``build`` reads the store through :mod:`data.snapshot.read`; the reference is a snapshot made
from :func:`tests.oracles.load_public_frame` (the pandas reader it replaced). An update after a
write (:func:`data.snapshot.update.update_public_data`) must give exactly what a full build of
the new state gives: the same arrays, names, detail columns and data release.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import delete, insert, update

from data.reference.taxonomy import load_taxonomy
from data.snapshot.cache import SnapshotCache, next_snapshot
from data.snapshot.model import Snapshot, build
from data.snapshot.project import project_member_records
from data.snapshot.update import update_public_data
from data.store import db
from data.store.schema import incident_bias_indicators, incident_bias_motivations, incidents
from tests import factories
from tests.conftest import BACKENDS
from tests.data.export.export_store import CANARY_RECORDS
from tests.factories import MIN_CELL, add_record
from tests.oracles import load_public_frame, snapshot_of_frame

TAX = load_taxonomy()
LATER = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    second_member = {"slug": "secret-org-source", "policy": "member", "status": "published",
                     "public_id": "memberrec2", "nuts": ("FR1", "FR10", "FR101"),
                     "country": "FR", "day": dt.date(2019, 3, 9),
                     "summary": "Another reviewed summary"}
    with factories.store(tmp_path, request.param, demo_rows=300,
                         records=(*CANARY_RECORDS, second_member)) as built:
        yield built.engine


def _state(snapshot: Snapshot) -> dict:
    """Everything a snapshot answers from, as comparable plain values."""
    out = {"ids": snapshot.ids, "country": snapshot.country, "start": snapshot.start,
           "end": snapshot.end, "precision": snapshot.precision, "source": snapshot.source,
           "sources": snapshot.sources, "is_demo": snapshot.is_demo,
           "organisation": snapshot.organisation, "fingerprint": snapshot.fingerprint,
           "last_change": snapshot.last_change, "month": snapshot.month}
    for level, (idx, names) in snapshot.nuts.items():
        out[level] = (idx, names)
    for kind, link in snapshot.links.items():
        out[kind] = (link.bits, link.primary,
                     sorted(zip(link.rows.tolist(), link.codes.tolist(), strict=True)),
                     None if link.extra_rows is None else sorted(zip(
                         link.extra_rows.tolist(), link.extra_codes.tolist(), strict=True)))
    out["detail"] = snapshot.detail.to_pylist()
    return out


def _assert_same(a: Snapshot, b: Snapshot) -> None:
    left, right = _state(a), _state(b)
    assert left.keys() == right.keys()
    for key in left:
        x, y = left[key], right[key]
        if key == "detail":
            for row_x, row_y in zip(x, y, strict=True):
                assert {k: (None if isinstance(v, float) and np.isnan(v) else v)
                        for k, v in row_x.items()} == \
                    {k: (None if isinstance(v, float) and np.isnan(v) else v)
                     for k, v in row_y.items()}
        elif isinstance(x, np.ndarray):
            assert np.array_equal(x, y), key
        else:
            assert repr(x) == repr(y), key


def test_the_chunked_reader_gives_the_frame_readers_snapshot(store):
    frame, links = load_public_frame(store, MIN_CELL)
    reference = snapshot_of_frame(frame, links, TAX)
    snapshot = build(store, TAX, MIN_CELL)
    _assert_same(snapshot, reference)
    member = snapshot.sources.index("member")
    assert (snapshot.source == member).sum() == 2  # both member records, projected
    idx, names = snapshot.nuts["nuts3"]
    assert "DE212" not in names and "FR101" not in names


def test_project_member_records_leaves_other_records_as_stored():
    """The snapshot projects only member records: the policy must not change the others."""
    frame = pd.DataFrame({
        "id": [1, 2], "policy": ["open", "demo"], "date_start": pd.to_datetime(["2020-01-05"] * 2),
        "date_end": pd.to_datetime(["2020-01-05"] * 2), "date_precision": ["day", "day"],
        "country": ["DE", "FR"], "nuts1": ["DE2", None], "nuts2": ["DE21", None],
        "nuts3": ["DE212", None], "geo_precision": ["exact", "country"], "lat": [48.1, None],
        "lon": [11.7, None], "place_name": ["Munich", None], "is_online": [False, True],
        "location_type": ["street_public_space", "online"],
        "classification": ["hate_crime", "hate_speech_noncriminal"], "public_id": ["a", "b"],
        "public_summary": ["x", "y"], "source": ["arvig", "demo"]})
    out = project_member_records(frame, pd.DataFrame({"bias_bits": [1, 1]}), MIN_CELL)
    for column in out.columns:
        assert out[column].tolist() == frame[column].tolist() or column in ("lat", "lon")


def _after(store, old: Snapshot, write, previous_only: bool = False) -> Snapshot:
    write()
    data = update_public_data(store, TAX, old.data, MIN_CELL)
    assert data is not None, "a small write is applied as an update"
    assert data.changes is not None and data.changes.derives_from(old.data)
    version = db.data_version(store)
    rebuilt = build(store, TAX, MIN_CELL)
    if not previous_only:  # the update's data, its codes derived in full
        _assert_same(Snapshot.from_data(data, TAX, version), rebuilt)
    updated = Snapshot.from_data(data, TAX, version, previous=old)  # codes spliced
    _assert_same(updated, rebuilt)
    return updated


def _ids(store, public_id: str) -> int:
    with store.connect() as conn:
        return conn.execute(incidents.select().where(incidents.c.public_id == public_id)
                            ).first().id


def _edit(store, public_id: str, **values) -> None:
    with store.begin() as conn:
        conn.execute(update(incidents).where(incidents.c.public_id == public_id)
                     .values(updated_at=dt.datetime.now(dt.UTC), **values))
        db.bump_version(conn)


def test_updates_after_small_writes_equal_a_full_build(store):
    snapshot = build(store, TAX, MIN_CELL)
    demo_id = int(snapshot.ids[5])
    with store.connect() as conn:
        demo_public_id = conn.execute(incidents.select().where(incidents.c.id == demo_id)
                                      ).first().public_id
    steps = [
        lambda: add_record(store, slug="open-monitor", policy="open", status="published",
                           public_id="openrec9", country="MT", bias="bm.anti_muslim"),
        lambda: _edit(store, demo_public_id, status="submitted"),  # withdrawn
        lambda: _edit(store, demo_public_id, status="published"),  # back
        lambda: _edit(store, "openrec1", public_summary="A corrected public summary"),
        lambda: _edit(store, "draftrec1", status="published"),  # a member record published
        lambda: _edit(store, "memberrec1", status="verified"),  # and one withdrawn
        lambda: add_record(store, slug="brand-new-source", policy="open", status="published",
                           public_id="newsrc1", nuts=("AT1", "AT11", "AT111")),
    ]
    for step in steps:
        snapshot = _after(store, snapshot, step, previous_only=True)
    assert "brand-new-source" in snapshot.sources


def test_code_changes_without_a_status_change_are_seen(store):
    snapshot = build(store, TAX, MIN_CELL)
    target = _ids(store, "openrec1")

    def relabel():
        with store.begin() as conn:
            conn.execute(insert(incident_bias_indicators).values(
                incident_id=target, code=TAX.codes("indicator")[0]))
            conn.execute(update(incident_bias_motivations)
                         .where(incident_bias_motivations.c.incident_id == target)
                         .values(code="bm.anti_muslim"))
            conn.execute(update(incidents).where(incidents.c.id == target)
                         .values(updated_at=dt.datetime.now(dt.UTC)))
            db.bump_version(conn)

    _after(store, snapshot, relabel)


def test_a_deletion_makes_the_update_give_way_to_a_rebuild(store):
    snapshot = build(store, TAX, MIN_CELL)
    target = int(snapshot.ids[0])
    with store.begin() as conn:
        for table in (incident_bias_motivations,):
            conn.execute(delete(table).where(table.c.incident_id == target))
        conn.execute(delete(incidents).where(incidents.c.id == target))
        db.bump_version(conn)
    assert update_public_data(store, TAX, snapshot.data, MIN_CELL) is None
    rebuilt = next_snapshot(store, TAX, snapshot, MIN_CELL)
    assert target not in rebuilt.ids and rebuilt.size == snapshot.size - 1


def _slow_updates(monkeypatch, delay) -> None:
    """Make every next snapshot wait for ``delay()`` first (the real work still runs)."""
    import data.snapshot.cache as module

    real = module.next_snapshot

    def slow(*args):
        delay()
        return real(*args)

    monkeypatch.setattr(module, "next_snapshot", slow)


def test_the_cache_answers_from_the_old_snapshot_while_a_slow_one_is_made(store, monkeypatch):
    cache = SnapshotCache(store, TAX, MIN_CELL, wait=0.2)
    first = cache.get()
    release = threading.Event()
    _slow_updates(monkeypatch, lambda: release.wait(10))
    add_record(store, slug="open-monitor", policy="open", status="published",
               public_id="openrec7", country="LU")
    started = time.monotonic()
    assert cache.get() is first  # waited 0.2 s, then answered from the old one
    assert time.monotonic() - started < 2
    release.set()
    deadline = time.monotonic() + 30
    while cache.get() is first and time.monotonic() < deadline:
        time.sleep(0.05)
    fresh = cache.get()
    assert fresh.version == db.data_version(store) and fresh.size == first.size + 1


def test_the_cache_never_answers_from_a_snapshot_older_than_a_withdrawal(store, monkeypatch):
    cache = SnapshotCache(store, TAX, MIN_CELL, wait=0.2)
    first = cache.get()
    _slow_updates(monkeypatch, lambda: time.sleep(1.0))
    withdrawn = int(first.ids[0])
    with store.begin() as conn:
        conn.execute(update(incidents).where(incidents.c.id == withdrawn)
                     .values(status="verified", updated_at=dt.datetime.now(dt.UTC)))
        db.bump_version(conn, private=True)
    started = time.monotonic()
    fresh = cache.get()  # waits past the 0.2 s for the snapshot without the record
    assert time.monotonic() - started >= 0.8
    assert fresh is not first and fresh.version == db.data_version(store)
    assert withdrawn not in fresh.ids and fresh.size == first.size - 1


def test_a_publish_and_an_edit_reuse_the_previous_snapshots_codes(store, monkeypatch):
    """The common writes splice the previous codes in: no full derivation at all."""
    import data.snapshot.model as analytics

    snapshot = build(store, TAX, MIN_CELL)
    full = analytics.derive

    def refuse(data, taxonomy):
        assert data.changes is None, "a full derivation after a small write"
        return full(data, taxonomy)

    monkeypatch.setattr(analytics, "derive", refuse)
    steps = [  # an existing source and an existing region, so no name is new
        lambda: add_record(store, slug="open-monitor", policy="open", status="published",
                           public_id="openrec8", country="MT"),
        lambda: _edit(store, "openrec1", public_summary="Corrected again", date_start=LATER,
                      date_end=LATER),
    ]
    for step in steps:
        snapshot = _after(store, snapshot, step, previous_only=True)
