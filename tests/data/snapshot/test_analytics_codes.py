"""Counting per code: the fast path (primary codes plus the other links) equals every link."""

from __future__ import annotations

import numpy as np
import pytest

from data.filters import IncidentFilter
from data.reference.taxonomy import load_taxonomy
from data.snapshot.model import build
from tests import factories
from tests.factories import MIN_CELL

TAX = load_taxonomy()


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    with factories.store(tmp_path_factory.mktemp("codes"), demo_rows=3000, seed=11) as built:
        yield build(built.engine, TAX, MIN_CELL)


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
