"""Fixtures for ingest tests: real shared data, boundaries, and small files built from it."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA

TODAY = dt.date(2026, 11, 24)
ARVIG = SHARED_DATA / "incidents" / "arvig" / "arvig.csv"
ODIHR = SHARED_DATA / "incidents" / "odihr_civil_society" / "hate_crime_europe.csv"
NUTS = SHARED_DATA / "geo" / "nuts2024"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared data {path} is absent")
    return path


@pytest.fixture(scope="session")
def arvig_path() -> Path:
    return need(ARVIG)


@pytest.fixture(scope="session")
def odihr_path() -> Path:
    return need(ODIHR)


@pytest.fixture(scope="session")
def boundaries():
    from geo.assign import load_boundaries

    return load_boundaries(need(NUTS))


@pytest.fixture(scope="session")
def arvig_rows(arvig_path) -> list[dict]:
    with arvig_path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, rows: list[dict], delimiter: str = ",", encoding: str = "utf-8"):
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path
