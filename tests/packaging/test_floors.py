"""The constraints file of the lowest-versions CI step pins exactly the floors of pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
CONSTRAINTS = ROOT / "tests" / "packaging" / "lowest-constraints.txt"


def _floors() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    floors = {}
    for text in project["dependencies"]:
        requirement = Requirement(text)
        lowest = [s.version for s in requirement.specifier if s.operator == ">="]
        assert len(lowest) == 1, f"{text}: every dependency needs one floor (>=)"
        floors[canonicalize_name(requirement.name)] = lowest[0]
        for extra in requirement.extras:  # psycopg[binary]: psycopg-binary of the same version
            floors[canonicalize_name(f"{requirement.name}-{extra}")] = lowest[0]
    return floors


def _pins() -> dict[str, str]:
    pins = {}
    for line in CONSTRAINTS.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def _same(floor: str, pin: str) -> bool:
    """``>=3.1`` is pinned as ``3.1.0``, ``>=2.2.2`` as ``2.2.2``."""
    def parts(v):
        return [int(p) for p in re.findall(r"\d+", v)]
    a, b = parts(floor), parts(pin)
    width = max(len(a), len(b))
    return a + [0] * (width - len(a)) == b + [0] * (width - len(b))


def test_every_floor_is_pinned_and_nothing_else():
    floors, pins = _floors(), _pins()
    assert set(floors) == set(pins)
    wrong = {n: (floors[n], pins[n]) for n in floors if not _same(floors[n], pins[n])}
    assert not wrong, wrong


def test_the_floors_the_code_needs():
    floors = _floors()
    assert _same(floors["shapely"], "2.1")  # shapely.coverage_simplify
    assert int(floors["cryptography"].split(".")[0]) >= 50  # CVE-2026-69247 below 50
    assert "platformdirs" in floors
