"""The ``--mapping`` YAML file: how a steward describes a table the readers cannot guess.

Example::

    columns:            # canonical field: column header in the file
      date: Datum des Vorfalls
      place: Ort
      type: Art
    date_order: DMY     # how to read 03/04/2016 (DMY, MDY or YMD)
    point_precision: municipality   # points are town centroids, not exact places
    policy: open        # the publisher already released these records openly
    defaults:
      country: AT
    labels:             # the file's own categories -> taxonomy codes
      type:
        Sachbeschädigung mit Hakenkreuz: [it.attack_property.vandalism]
    dataset:
      slug: zara-2019
      name: ZARA Rassismus Report 2019
      licence: CC BY 4.0
      attribution: ZARA - Zivilcourage und Anti-Rassismus-Arbeit
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from data.reference.taxonomy import KINDS, Taxonomy
from ingest.normalise.dates import DATE_ORDERS
from ingest.sources.base import Dataset, ReadOptions
from ingest.sources.fields import FIELDS

KEYS = ("columns", "date_order", "point_precision", "policy", "defaults", "labels", "dataset")
POINT_PRECISIONS = ("exact", "municipality")


class MappingError(ValueError):
    """The mapping file cannot be used; the message lists every problem."""


@dataclass(frozen=True)
class Mapping:
    """A parsed mapping file."""

    options: ReadOptions
    policy: str | None = None
    point_precision: str | None = None


def load_mapping(path: Path, taxonomy: Taxonomy) -> Mapping:
    """Read and check a mapping file.

    Raises
    ------
    MappingError
        Naming the file and every unknown key, field, code or value.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(f"cannot read mapping file {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise MappingError(f"{path}: expected a YAML mapping with keys {', '.join(KEYS)}")
    problems = [f"unknown key {k!r} (allowed: {', '.join(KEYS)})" for k in data
                if k not in KEYS]
    columns = dict(data.get("columns") or {})
    problems += [f"columns: unknown field {f!r} (fields: {', '.join(FIELDS)})"
                 for f in columns if f not in FIELDS]
    defaults = {k: str(v) for k, v in (data.get("defaults") or {}).items()}
    problems += [f"defaults: unknown field {f!r}" for f in defaults if f not in FIELDS]
    order = data.get("date_order")
    if order is not None and order not in DATE_ORDERS:
        problems.append(f"date_order: {order!r} is not one of {', '.join(DATE_ORDERS)}")
    policy = data.get("policy")
    if policy is not None and policy not in ("open", "member"):
        problems.append(f"policy: {policy!r} is not open or member")
    precision = data.get("point_precision")
    if precision is not None and precision not in POINT_PRECISIONS:
        problems.append(f"point_precision: {precision!r} is not exact or municipality")
    labels: dict[str, dict[str, list[str]]] = {}
    for kind, table in (data.get("labels") or {}).items():
        if kind not in KINDS:
            problems.append(f"labels: unknown kind {kind!r} (kinds: {', '.join(KINDS)})")
            continue
        labels[kind] = {}
        for raw, codes in (table or {}).items():
            codes = [codes] if isinstance(codes, str) else list(codes or [])
            unknown = [c for c in codes if c not in taxonomy.codes(kind)]
            if unknown or not codes:
                problems.append(f"labels.{kind}.{raw!r}: unknown codes {unknown or codes}")
            labels[kind][str(raw)] = codes
    dataset = None
    if data.get("dataset"):
        info = dict(data["dataset"])
        if not info.get("slug") or not info.get("name"):
            problems.append("dataset: needs at least slug and name")
        else:
            dataset = Dataset(slug=str(info["slug"]), name=str(info["name"]),
                              licence=str(info.get("licence", "")),
                              attribution=str(info.get("attribution", "")),
                              url=str(info.get("url", "")))
    if problems:
        listed = "\n".join(f"  - {p}" for p in problems)
        raise MappingError(f"mapping file {path} has {len(problems)} problem(s):\n{listed}")
    options = ReadOptions(columns=columns, date_order=order, defaults=defaults, labels=labels,
                          dataset=dataset)
    return Mapping(options, policy, precision)
