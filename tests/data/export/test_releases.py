"""Frozen releases on both backends: recorded, listed, never rewritten, files intact."""

from __future__ import annotations

import datetime as dt

import pytest

from data.export.releases import (
    ReleaseError,
    check_name,
    freeze,
    get_release,
    list_releases,
    release_file,
)
from data.records.demo import load_demo
from data.reference.taxonomy import load_taxonomy
from tests.factories import MIN_CELL
from tests.oracles import sha256_of

TAX = load_taxonomy()
WHEN = dt.datetime(2026, 4, 1, 8, 30, tzinfo=dt.UTC)


def test_freeze_records_the_release_and_its_files(engine, tmp_path):
    load_demo(engine, rows=120, seed=5)
    seen = []
    rel = freeze(engine, TAX, tmp_path, "2026-q1", now=WHEN,
                 progress=lambda done, total: seen.append((done, total)), min_cell=MIN_CELL)
    assert rel.name == "2026-q1" and rel.synthetic and 100 < rel.row_count <= 120
    assert rel.as_dict()["created_at"] == "2026-04-01T08:30:00Z"
    assert seen[-1] == (2 * rel.row_count, 2 * rel.row_count)
    for fmt in ("parquet", "datapackage"):
        path = release_file(tmp_path, rel, fmt)
        assert path.parent == tmp_path / "releases" / "2026-q1"
        assert sha256_of(path) == rel.files[fmt]["sha256"]
        assert path.stat().st_size == rel.files[fmt]["bytes"]
    assert [r.name for r in list_releases(engine)] == ["2026-q1"]
    assert get_release(engine, "2026-q1") == rel
    with pytest.raises(ReleaseError, match="exists already"):
        freeze(engine, TAX, tmp_path, "2026-q1", min_cell=MIN_CELL)
    with pytest.raises(ReleaseError, match="no xlsx file"):
        release_file(tmp_path, rel, "xlsx")
    assert not [p for p in (tmp_path / "releases").iterdir() if p.name.startswith(".")]


def test_a_leftover_folder_is_not_overwritten(engine, tmp_path):
    (tmp_path / "releases" / "v1").mkdir(parents=True)
    with pytest.raises(ReleaseError, match="interrupted run"):
        freeze(engine, TAX, tmp_path, "v1", min_cell=MIN_CELL)
    assert get_release(engine, "v1") is None


@pytest.mark.parametrize("name", ["", "../x", "a/b", ".hidden", "x" * 65, "spaces here"])
def test_release_names_are_safe_path_parts(name):
    with pytest.raises(ReleaseError):
        check_name(name)
