"""Counting per code: the fast path (primary codes plus the other links) equals every link."""

from __future__ import annotations

import numpy as np
import pytest

from data.filters import IncidentFilter
from data.records.demo import load_demo
from data.reference.taxonomy import load_taxonomy
from data.snapshot.model import build
from data.store import db

TAX = load_taxonomy()


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('codes') / 's.sqlite'}")
    db.upgrade(engine)
    load_demo(engine, rows=3000, seed=11)
    yield build(engine, TAX)
    engine.dispose()


@pytest.mark.parametrize("kind", ["bias", "type", "indicator"])
@pytest.mark.parametrize("flt", [IncidentFilter(), IncidentFilter(country=("DE", "GR")),
                                 IncidentFilter(bias=("bm.anti_muslim",))])
def test_by_code_counts_every_link_of_the_selected_records(snapshot, kind, flt):
    mask = snapshot.mask(flt)
    link = snapshot.links[kind]
    naive = np.bincount(link.codes[mask[link.rows]], minlength=len(TAX.codes(kind)))
    counts = snapshot.by_code(mask, kind)
    assert counts.tolist() == naive[: len(TAX.codes(kind))].tolist()
    if kind == "bias":  # several motivations: the breakdown adds up to more than the total
        assert counts.sum() > snapshot.count(mask)
