"""Figure builders are pure functions: data in, figure out, no database or browser."""

from __future__ import annotations

import pandas as pd

from dashboard import figures

NAMES = {"DE": "Germany", "MT": "Malta"}
POP = {"DE": 83_445_000, "MT": 563_400}


def test_choropleth_values_count_and_rate():
    counts = pd.Series({"DE": 834, "MT": 0})
    values = figures.choropleth_values(counts, "count", POP, NAMES)
    assert values["z"] == [834.0, 0.0]
    assert values["locations"] == ["DE", "MT"]
    assert "Germany" in values["text"][0] and "834" in values["text"][0]
    rate = figures.choropleth_values(counts, "per_million", POP, NAMES)
    assert round(rate["z"][0], 2) == round(834 / 83.445, 2)
    assert rate["title"].startswith("Incidents per million")
    assert figures.choropleth_values(pd.Series({"DE": 0}), "count", POP, NAMES)["zmax"] == 1.0


def test_choropleth_references_geometry_by_url():
    values = figures.choropleth_values(pd.Series({"DE": 3}), "count", POP, NAMES)
    fig = figures.choropleth(values, "/geo/eu27.geojson", "/geo/context.geojson")
    assert fig.data[1].geojson == "/geo/eu27.geojson"
    assert fig.layout.map.style == "white-bg"  # no tiles: renders offline
    assert list(fig.data[1].z) == [3.0]


def test_timeline_stacks_by_primary_motivation():
    counts = pd.DataFrame({
        "period": ["2016-01", "2016-01", "2016-02"],
        "bias": ["bm.anti_muslim", "bm.anti_roma", "bm.anti_muslim"],
        "count": [3, 2, 5],
    })
    fig = figures.timeline(counts, "month", {"bm.anti_muslim": "Anti-Muslim"},
                           ("bm.anti_roma", "bm.anti_muslim"))
    assert fig.layout.barmode == "stack"
    assert [t.name for t in fig.data] == ["bm.anti_roma", "Anti-Muslim"]
    muslim = fig.data[1]
    assert list(muslim.x) == ["2016-01-01", "2016-02-01"] and list(muslim.y) == [3, 5]
    assert "each incident once" in fig.layout.legend.title.text


def test_empty_inputs_give_an_explaining_figure():
    empty = figures.timeline(pd.DataFrame(columns=["period", "bias", "count"]), "month", {}, ())
    assert "No incidents" in empty.layout.annotations[0].text
    assert "No incidents" in figures.breakdown(pd.Series(dtype=int), {}, "x").layout \
        .annotations[0].text


def test_breakdown_sorted_and_labelled():
    fig = figures.breakdown(pd.Series({"it.threat": 5, "it.other": 9, "it.discrimination": 0}),
                            {"it.threat": "Threats"}, "Incidents")
    assert list(fig.data[0].y) == ["Threats", "it.other"]
    assert list(fig.data[0].customdata) == ["it.threat", "it.other"]


def test_period_labels_become_dates():
    assert figures.period_start("2016", "year") == "2016-01-01"
    assert figures.period_start("2016-03", "month") == "2016-03-01"
    assert figures.period_start("2016-W09", "week") == "2016-02-29"
