"""What a download says about itself: release, filter, sources, citation, retrieval time.

:class:`ExportInfo` is built once per download (:func:`data.export.selection.select`) and
handed to every writer, which puts it where its format has room: the XLSX "about" sheet,
GeoJSON foreign members, Parquet and GeoPackage metadata, the data package's
``datapackage.json`` and README.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from data.reference.vocab import DEMO_NOTICE

TITLE = "Anti-migrant hate incidents in the EU-27 (incidentmap)"
#: How records of member organisations appear as a source.
MEMBER_SOURCE_NOTE = (
    "Records logged by member organisations of the network, published by a moderator and "
    "coarsened to the month and the country; organisations are not named."
)


@dataclass(frozen=True)
class SourceInfo:
    """One source of the records in a download, as the public may see it."""

    slug: str
    name: str
    licence: str = ""
    attribution: str = ""
    url: str = ""

    def as_dict(self) -> dict:
        """The source as plain JSON-ready data."""
        return {"slug": self.slug, "name": self.name, "licence": self.licence,
                "attribution": self.attribution, "url": self.url}


@dataclass(frozen=True)
class ExportInfo:
    """Everything a download states about where its rows came from.

    Attributes
    ----------
    data_release : str
        Fingerprint of the published data the rows were selected from.
    query : dict of str to str
        The filter as query parameters (``IncidentFilter.to_query``).
    description : str
        The filter in plain words.
    total : int
        Rows selected.
    has_demo : bool
        True when any selected row is synthetic demo data.
    taxonomy_version : str
        Version of the taxonomy the codes come from.
    retrieved_at : datetime.datetime
        When the rows were selected (UTC).
    sources : tuple of SourceInfo
        The sources of the selected rows.
    release_name : str or None
        Name of the frozen release, when the download is one.
    """

    data_release: str
    query: dict
    description: str
    total: int
    has_demo: bool
    taxonomy_version: str
    retrieved_at: dt.datetime
    sources: tuple[SourceInfo, ...] = field(default=())
    release_name: str | None = None

    @property
    def notice(self) -> str | None:
        """The synthetic-data notice when the download contains demo rows."""
        return DEMO_NOTICE if self.has_demo else None

    @property
    def query_string(self) -> str:
        """The filter as a URL query string (``country=DE&bias=...``)."""
        return urlencode(self.query, safe=",")

    @property
    def retrieved_text(self) -> str:
        """Retrieval time as ``YYYY-MM-DDTHH:MM:SSZ``."""
        return self.retrieved_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def citation(self) -> str:
        """A suggested citation naming the release, the filter and the retrieval time."""
        release = f"data release {self.data_release}"
        if self.release_name:
            release = f"frozen release \"{self.release_name}\" ({release})"
        query = self.query_string or "no filter"
        text = (f"incidentmap contributors. {TITLE}, {release}, filter: {query}. "
                f"Retrieved {self.retrieved_at.astimezone(dt.UTC):%Y-%m-%d}.")
        if any(s.attribution for s in self.sources):
            text += " Please also credit the sources named in the attribution list."
        return text

    def as_dict(self) -> dict:
        """The information as plain JSON-ready data."""
        return {
            "title": TITLE,
            "data_release": self.data_release,
            "release_name": self.release_name,
            "notice": self.notice,
            "filter": self.query,
            "description": self.description,
            "total": self.total,
            "taxonomy_version": self.taxonomy_version,
            "retrieved_at": self.retrieved_text,
            "citation": self.citation(),
            "sources": [s.as_dict() for s in self.sources],
        }

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) pairs for human-readable notes (XLSX sheet, README)."""
        out = [("Title", TITLE)]
        if self.notice:
            out.append(("Notice", self.notice))
        out += [
            ("Data release", self.data_release),
            *([("Frozen release", self.release_name)] if self.release_name else []),
            ("Retrieved", self.retrieved_text),
            ("Filter", self.query_string or "(none)"),
            ("Filter in words", self.description),
            ("Rows", f"{self.total}"),
            ("Taxonomy version", self.taxonomy_version),
            ("Suggested citation", self.citation()),
        ]
        for src in self.sources:
            parts = [src.name, f"licence: {src.licence}" if src.licence else "",
                     src.attribution, src.url]
            out.append((f"Source {src.slug}", "; ".join(p for p in parts if p)))
        return out
