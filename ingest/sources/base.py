"""What a source module declares: how to read it and how its records are published."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ingest.normalise.dates import DATE_ORDERS


@dataclass(frozen=True)
class Dataset:
    """The row of the ``sources`` table a source's records belong to."""

    slug: str
    name: str
    kind: str = "dataset"
    licence: str = ""
    attribution: str = ""
    url: str = ""


@dataclass(frozen=True)
class RawRow:
    """One record as read: canonical fields (text) plus every column as received."""

    row: int
    fields: dict[str, str]
    original: dict[str, str]


@dataclass(frozen=True)
class ReadOptions:
    """What a steward can say about a file (``--mapping`` YAML and CLI flags).

    Attributes
    ----------
    columns : dict
        Canonical field -> column header.
    date_order : str
        Order of day and month in numeric dates (``DMY``, ``MDY`` or ``YMD``).
    defaults : dict
        Canonical field -> value used when a row leaves the field empty (e.g. a country).
    labels : dict
        Kind -> {raw label: [codes]}: a crosswalk for the file's own categories.
    dataset : Dataset or None
        Identity of the dataset (slug, name, licence) for generic sources.
    """

    columns: dict[str, str] = field(default_factory=dict)
    date_order: str | None = None
    defaults: dict[str, str] = field(default_factory=dict)
    labels: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    dataset: Dataset | None = None


Reader = Callable[[Path, ReadOptions], Iterator[RawRow]]


@dataclass(frozen=True)
class Source:
    """A registered source: its reader, default policy and normalisation hints.

    Attributes
    ----------
    name : str
        Registry key used on the command line.
    title : str
        One line for ``--help`` and reports.
    policy : {"open", "member"}
        Publication policy of its records (DESIGN §5); ``--policy`` may override it.
    read : Reader
        Yields :class:`RawRow` objects from a local file.
    dataset : Dataset or None
        Fixed dataset identity (open datasets); ``None`` derives one from the file name.
    date_order : str
        Default order of numeric dates.
    crosswalk : dict
        Kind -> {raw label: codes} for the source's own categories.
    defaults : dict
        Canonical field -> value for every row (e.g. ARVIG's country and bias).
    summary_from_narrative : bool
        For open sources whose only description is the publisher's public text.
    point_precision : {"exact", "municipality"}
        What the source's coordinates stand for (ARVIG: municipality centroids).
    classification : str
        Default hate-crime classification of its records.
    """

    name: str
    title: str
    policy: str
    read: Reader
    dataset: Dataset | None = None
    date_order: str = "DMY"
    crosswalk: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    summary_from_narrative: bool = False
    point_precision: str = "exact"
    classification: str = "unclear"

    def __post_init__(self) -> None:
        if self.date_order not in DATE_ORDERS:
            raise ValueError(f"{self.name}: date_order must be one of {DATE_ORDERS}")
