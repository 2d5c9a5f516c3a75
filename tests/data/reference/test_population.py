"""``data/reference/population.csv``: the 27 member states, and the map's per-million rate."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

from dashboard import figures
from dashboard.pages.overview import map_view
from data.reference.population import REFERENCE_DIR, population
from data.reference.taxonomy import load_taxonomy

EU27 = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}


def _rows() -> list[dict]:
    with (REFERENCE_DIR / "population.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_population_has_the_27_member_states_with_positive_populations():
    rows = _rows()
    assert len(rows) == 27 and {r["iso2"] for r in rows} == EU27
    assert {c.iso2 for c in load_taxonomy().countries()} == EU27
    counts = {r["iso2"]: int(r["population_2024_01_01"]) for r in rows}
    assert all(n > 0 for n in counts.values())
    assert 440_000_000 < sum(counts.values()) < 460_000_000  # EU-27, 1 January 2024
    assert max(counts, key=counts.get) == "DE" and min(counts, key=counts.get) == "MT"
    greece = next(r for r in rows if r["iso2"] == "GR")
    assert greece["nuts0"] == "EL" and greece["iso3"] == "GRC"  # EL only at the NUTS boundary
    assert population() == counts


class _Snapshot:
    """Just what the EU map reads: incidents per member state."""

    def __init__(self, counts: dict[str, int]):
        self.counts = counts

    def by_country(self, mask):
        return pd.Series(self.counts, name="count").reindex(sorted(EU27), fill_value=0)


def _map_values(counts: dict[str, int], metric: str) -> dict:
    names = {iso: iso for iso in sorted(EU27)}
    patch = map_view.map_output(_Snapshot(counts), np.ones(1, bool), metric, names, None)
    values = {}
    for op in patch.patch.to_plotly_json()["operations"]:
        if op["location"][:2] == ["data", 1] and op["location"][2] in ("locations", "z"):
            values[op["location"][2]] = op["params"]["value"]
    return dict(zip(values["locations"], values["z"], strict=True))


def test_the_map_rate_per_million_uses_the_reference_population():
    malta = int(next(r for r in _rows() if r["iso2"] == "MT")["population_2024_01_01"])
    assert malta == 563_000
    rates = _map_values({"MT": 563, "DE": 834}, "per_million")
    assert rates["MT"] == pytest.approx(563 / malta * 1e6, abs=0.005) == 1000.0
    assert rates["DE"] == pytest.approx(834 / 83_445_000 * 1e6, abs=0.005)
    assert rates["FR"] == 0.0
    assert _map_values({"MT": 563}, "count")["MT"] == 563.0
    text = figures.choropleth_values(pd.Series({"MT": 563}), "per_million", population(),
                                     {"MT": "Malta"})["text"][0]
    assert "1,000.00 per million residents" in text
