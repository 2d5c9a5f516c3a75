"""The coverage panel's pure rendering: numbers, withheld organisation counts, no names."""

from __future__ import annotations

import json

import pytest
from plotly.utils import PlotlyJSONEncoder

from dashboard.pages.overview.coverage import CAVEAT, WITHHELD, panel, section
from data.filters import IncidentFilter
from data.public.coverage import coverage
from data.reference.taxonomy import load_taxonomy
from tests.data.public.test_coverage import _frame
from tests.factories import MIN_CELL
from tests.oracles import snapshot_of_frame

NAMES = {"DE": "Germany", "FR": "France", "GR": "Greece"}


@pytest.fixture(scope="module")
def snapshot():
    frame, links = _frame()
    return snapshot_of_frame(frame, links, load_taxonomy())


def _json(components) -> str:
    return json.dumps(components, cls=PlotlyJSONEncoder, ensure_ascii=False)


def _table(components):
    return next(c for c in components if getattr(c, "className", "") == "coverage-scroll").children


def test_cells_show_datasets_plus_organisations_and_mark_withheld_ones(snapshot):
    result = coverage(snapshot, snapshot.mask(IncidentFilter()), min_cell=MIN_CELL)
    out = panel(result, NAMES, {"arvig": "ARVIG (open)"})
    rows = {tr.to_plotly_json()["props"]["data-country"]: tr.children
            for tr in _table(out).children[2].children}
    germany = [td.children for td in rows["DE"][1:]]
    assert germany == ["4", "1+", "4"]  # 2016: 2 datasets + 2 orgs; 2017: 1 + withheld; all
    assert "ARVIG (open)" in rows["DE"][1].title
    text = _json(out)
    assert WITHHELD.format(min_cell=5) in text
    assert "synthetic demo dataset" in text


def test_no_withheld_note_and_no_demo_note_when_not_needed(snapshot):
    result = coverage(snapshot, snapshot.mask(IncidentFilter(country=("FR",))),
                      min_cell=MIN_CELL)
    text = _json(panel(result, NAMES, {}))
    assert "+ means" not in text and "synthetic" not in text
    assert "1 open datasets and 0 member organisations" in text


def test_empty_selection_and_caveat(snapshot):
    result = coverage(snapshot, snapshot.mask(IncidentFilter(country=("MT",))),
                      min_cell=MIN_CELL)
    assert "No incidents match" in _json(panel(result, NAMES, {}))
    assert CAVEAT in _json(section())
