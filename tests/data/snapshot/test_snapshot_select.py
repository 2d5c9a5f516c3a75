"""Masks and the positions they select: the shared positions give the plain counts.

The aggregates gather selected values by position, found once per read-only mask
(:mod:`data.snapshot.select`); they must count exactly what boolean indexing counts,
whatever masks came before, and never reuse the positions of a mask that may have changed.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from data.filters import IncidentFilter
from data.reference.taxonomy import load_taxonomy
from data.snapshot.model import build
from tests import factories
from tests.data.export.export_store import CANARY_RECORDS
from tests.factories import MIN_CELL

TAX = load_taxonomy()


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    with factories.store(tmp_path_factory.mktemp("select"), demo_rows=2000,
                         records=CANARY_RECORDS) as built:
        yield build(built.engine, TAX, MIN_CELL)


def _filters():
    bias = TAX.codes("bias")
    yield IncidentFilter()
    yield IncidentFilter(country=("DE",))
    yield IncidentFilter(country=("DE", "FR", "IT", "ES", "PL", "AT"))  # a lookup table
    yield IncidentFilter(date_from=dt.date(2016, 1, 1), date_to=dt.date(2019, 12, 31))
    for i in range(12):  # more code masks than are remembered
        yield IncidentFilter(bias=(bias[i % len(bias)],), country=("DE",) if i % 2 else ())
    yield IncidentFilter(type=(TAX.codes("type")[0],))


def _reference(snapshot, mask):
    country = np.bincount(snapshot.country[mask], minlength=256)[: len(snapshot.countries)]
    link = snapshot.links["type"]
    types = np.bincount(link.primary[mask], minlength=256)[: len(TAX.codes("type"))]
    types += np.bincount(link.extra_codes[mask[link.extra_rows]],
                         minlength=len(TAX.codes("type")))[: len(TAX.codes("type"))]
    return country, types


def test_aggregates_count_what_boolean_indexing_counts(snapshot):
    for flt in [*_filters(), *_filters()]:  # twice: remembered masks too
        mask = snapshot.mask(flt)
        assert not mask.flags.writeable
        country, types = _reference(snapshot, mask)
        assert snapshot.by_country(mask).tolist() == country.tolist(), flt
        assert snapshot.by_code(mask, "type").tolist() == types.tolist(), flt
        timeline = snapshot.timeline(mask, "month")
        placed = mask & (snapshot.precision <= 2)
        assert int(timeline.counts["count"].sum()) == int(placed.sum())
        assert timeline.unplaced == int(mask.sum() - placed.sum())


def test_a_mask_that_can_change_is_never_remembered(snapshot):
    mask = np.ones(snapshot.size, dtype=bool)
    assert int(snapshot.by_country(mask).sum()) == snapshot.size
    mask[: snapshot.size // 2] = False  # the caller's own array, edited in place
    assert int(snapshot.by_country(mask).sum()) == snapshot.size - snapshot.size // 2
    view = snapshot.mask(IncidentFilter())[:]  # a view: its base could change
    assert int(snapshot.by_country(view).sum()) == snapshot.size


def test_masks_cannot_be_edited(snapshot):
    mask = snapshot.mask(IncidentFilter(country=("DE",)))
    with pytest.raises(ValueError):
        mask[0] = True
