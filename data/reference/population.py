"""Small reference tables shipped in ``data/reference`` (see its PROVENANCE.md)."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def population() -> dict[str, int]:
    """Eurostat population on 1 January 2024 per member state, keyed by ISO alpha-2.

    Returns
    -------
    dict of str to int
    """
    with (REFERENCE_DIR / "population.csv").open(encoding="utf-8") as handle:
        return {row["iso2"]: int(row["population_2024_01_01"]) for row in csv.DictReader(handle)}
