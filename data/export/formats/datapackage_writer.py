"""Frictionless Data Package downloads: a zip of the rows (CSV), ``datapackage.json``, README.

``datapackage.json`` describes every column (type, description, constraints from the
taxonomy and the vocabularies), the sources with their licences, the filter, the release and
a suggested citation; ``README.md`` says the same in plain words. Both are written after the
data, so they state the rows, bytes and SHA-256 of the CSV actually written.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterable, Iterator

import pyarrow as pa

from data.export.fields import Field
from data.export.formats.csv_writer import csv_chunks
from data.export.formats.spool import Spool
from data.export.formats.zipped import member
from data.export.info import TITLE, ExportInfo

DATA_PATH = "data/incidents.csv"
PRIVACY_NOTE = (
    "Rows are in the public projection: records of member organisations are published only "
    "after moderation, to the month (never the day), with no point and no place name, at the "
    "finest region (NUTS 3, 2 or 1, else the country) in which enough of them are alike that no "
    "regional count of them is small, and with a reviewed summary instead of the narrative; "
    "organisations are not named. Open datasets appear at the precision their publisher "
    "released."
)
SPREADSHEET_NOTE = (
    "Text cells that would start with = + - @ or a tab are prefixed with ' so spreadsheet "
    "programs show them as text instead of running them as formulas."
)


class _Counter:
    """Counts the rows of the tables passing through it."""

    def __init__(self, tables: Iterable[pa.Table]):
        self.tables, self.rows = tables, 0

    def __iter__(self) -> Iterator[pa.Table]:
        for table in self.tables:
            self.rows += table.num_rows
            yield table


def descriptor(info: ExportInfo, columns: tuple[Field, ...], rows: int, size: int,
               sha256: str) -> dict:
    """The ``datapackage.json`` of a download (Frictionless Data Package v1, tabular).

    Parameters
    ----------
    info : ExportInfo
    columns : tuple of Field
    rows, size : int
        Data rows and bytes of the CSV.
    sha256 : str
        Hex digest of the CSV.

    Returns
    -------
    dict
    """
    sources = [{"title": s.name, **({"path": s.url} if s.url else {}),
                "licence": s.licence, "attribution": s.attribution} for s in info.sources]
    description = f"{info.description} Data release {info.data_release}."
    if info.notice:
        description = f"{info.notice} {description}"
    return {
        "profile": "tabular-data-package",
        "name": f"incidentmap-{info.release_name or info.data_release}".lower(),
        "title": TITLE,
        "description": description,
        "created": info.retrieved_text,
        "keywords": ["hate crime", "hate incident", "anti-migrant", "racism", "EU-27"],
        "sources": sources,
        "incidentmap": {**info.as_dict(), "total": rows},
        "resources": [{
            "name": "incidents",
            "path": DATA_PATH,
            "profile": "tabular-data-resource",
            "title": "Incidents",
            "description": PRIVACY_NOTE + " " + SPREADSHEET_NOTE,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": size,
            "hash": f"sha256:{sha256}",
            "dialect": {"delimiter": ",", "quoteChar": '"', "header": True},
            "schema": {"fields": [c.descriptor() for c in columns],
                       "primaryKey": ["public_id"], "missingValues": [""]},
        }],
    }


def readme(info: ExportInfo, columns: tuple[Field, ...], rows: int) -> str:
    """``README.md`` of a data package: the filter in plain words, sources, citation, fields."""
    out = [f"# {TITLE}", ""]
    if info.notice:
        out += [f"**{info.notice}**", ""]
    out += [
        f"This package holds {rows:,} incidents: {info.description}",
        "",
        f"- Filter (API/URL parameters): `{info.query_string or 'none'}`",
        f"- Data release: `{info.data_release}`"
        + (f" (frozen release `{info.release_name}`)" if info.release_name else ""),
        f"- Retrieved: {info.retrieved_text}",
        f"- Taxonomy version: {info.taxonomy_version} (codes in the bias_motivations, "
        "bias_indicators and incident_types columns)",
        "",
        "## How to cite",
        "",
        info.citation(),
        "",
        "## Sources and licences",
        "",
    ]
    for src in info.sources:
        line = f"- **{src.name}** (`{src.slug}`)"
        if src.licence:
            line += f", licence: {src.licence}"
        if src.attribution:
            line += f". Attribution: {src.attribution}"
        if src.url:
            line += f" <{src.url}>"
        out.append(line)
    if not info.sources:
        out.append("- (no rows, no sources)")
    out += [
        "",
        "## What the rows show",
        "",
        PRIVACY_NOTE,
        "Counts show incidents that organisations recorded and published, not how often hate "
        "incidents happen: reporting differs between countries and over time.",
        "",
        SPREADSHEET_NOTE,
        "",
        "## Columns",
        "",
        "| column | type | description |",
        "| --- | --- | --- |",
        *(f"| {c.name} | {c.type} | {c.description} |" for c in columns),
        "",
        f"`datapackage.json` describes `{DATA_PATH}` as a Frictionless Data Package; "
        "`frictionless validate datapackage.json` checks it.",
        "",
    ]
    return "\n".join(out)


def datapackage_chunks(tables: Iterable[pa.Table], info: ExportInfo,
                       columns: tuple[Field, ...]) -> Iterator[bytes]:
    """Stream typed row tables as a Data Package zip.

    Parameters
    ----------
    tables : iterable of pyarrow.Table
        Batches from :func:`data.export.table.to_table`, in output order.
    info : ExportInfo
    columns : tuple of Field

    Yields
    ------
    bytes
    """
    spool = Spool()
    archive = zipfile.ZipFile(spool, "w")  # no ``with``: see xlsx_writer
    counter = _Counter(tables)
    digest, size = hashlib.sha256(), 0
    with archive.open(member(DATA_PATH, info.retrieved_at), "w", force_zip64=True) as out:
        for chunk in csv_chunks(counter, info, columns):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
            if data := spool.drain():
                yield data
    package = descriptor(info, columns, counter.rows, size, digest.hexdigest())
    archive.writestr(member("datapackage.json", info.retrieved_at),
                     json.dumps(package, indent=2, ensure_ascii=False) + "\n")
    archive.writestr(member("README.md", info.retrieved_at), readme(info, columns, counter.rows))
    archive.close()
    yield spool.drain()

