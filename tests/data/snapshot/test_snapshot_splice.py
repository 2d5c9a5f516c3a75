"""A splice (records kept, fresh ones inserted by id) equals merging the records by id."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

import data.snapshot.splice as splice_module
from data.snapshot.splice import Splice


def _case(rng, size: int, removed: int, replaced: int, added: int):
    old_ids = np.sort(rng.choice(np.arange(1, 10 * size), size, replace=False)).astype(np.int64)
    gone = np.sort(rng.choice(size, removed, replace=False))
    back = rng.choice(gone, min(replaced, removed), replace=False)  # edited, still public
    unused = np.setdiff1d(np.arange(1, 12 * size + 20), old_ids)
    new = rng.choice(unused, added, replace=False)
    fresh_ids = np.sort(np.concatenate([old_ids[back], new])).astype(np.int64)
    return old_ids, gone, fresh_ids


def _expected(old_ids, gone, fresh_ids, old, fresh):
    kept = np.ones(len(old_ids), dtype=bool)
    kept[gone] = False
    ids = np.concatenate([old_ids[kept], fresh_ids])
    order = np.argsort(ids, kind="stable")
    return ids[order], np.concatenate([old[kept], fresh])[order]


@pytest.mark.parametrize("max_runs", [4096, 3])  # copying runs, and gathering by index
@pytest.mark.parametrize("shape", [(50, 0, 0, 3), (50, 4, 4, 0), (50, 6, 2, 5), (1, 1, 0, 0),
                                   (0, 0, 0, 4), (200, 30, 10, 40)])
def test_a_splice_merges_by_id(monkeypatch, max_runs, shape):
    monkeypatch.setattr(splice_module, "MAX_RUNS", max_runs)
    rng = np.random.default_rng(sum(shape) * 7 + max_runs)
    old_ids, gone, fresh_ids = _case(rng, *shape)
    plan = Splice(old_ids, gone, fresh_ids)
    ids, values = _expected(old_ids, gone, fresh_ids, old_ids * 10, fresh_ids * 10)
    assert plan.size == len(ids)
    assert np.array_equal(plan.numpy(old_ids, fresh_ids), ids)
    assert np.array_equal(plan.numpy(old_ids * 10, fresh_ids * 10), values)
    assert np.array_equal(plan.fresh_at, np.flatnonzero(np.isin(ids, fresh_ids)))
    text = plan.arrow(pa.array([f"o{i}" for i in old_ids], pa.string()),
                      pa.array([f"f{i}" for i in fresh_ids], pa.string()))
    _, expected = _expected(old_ids, gone, fresh_ids,
                            np.array([f"o{i}" for i in old_ids], dtype=object),
                            np.array([f"f{i}" for i in fresh_ids], dtype=object))
    assert text.to_pylist() == list(expected)
    moved = plan.new_positions()
    kept = np.setdiff1d(np.arange(len(old_ids)), gone)
    assert np.array_equal(ids[moved[kept]], old_ids[kept]) and (moved[gone] == -1).all()
    if plan.keeps_positions:
        assert np.array_equal(moved[kept], kept)


def test_appends_and_replacements_keep_positions():
    old_ids = np.array([2, 4, 6, 8], dtype=np.int64)
    assert Splice(old_ids, np.array([1]), np.array([4, 9, 10])).keeps_positions
    assert not Splice(old_ids, np.array([1]), np.array([9])).keeps_positions
    assert not Splice(old_ids, np.array([], dtype=np.int64), np.array([5])).keeps_positions


def test_a_splice_knows_its_base_without_keeping_it_alive():
    class Base:
        pass

    base = Base()
    plan = Splice(np.array([1], dtype=np.int64), np.array([], dtype=np.int64),
                  np.array([2], dtype=np.int64), base=base)
    assert plan.derives_from(base) and not plan.derives_from(Base())
    del base
    assert not plan.derives_from(None)
