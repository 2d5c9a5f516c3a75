"""Turning any table (CSV, XLSX, properties of GeoJSON/KML features) into raw rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ingest.sources.base import RawRow, ReadOptions
from ingest.sources.fields import map_headers
from ingest.sources.table_files import read_text_table


def raw_rows(headers: list[str], rows: Iterable[tuple[int, dict[str, str]]],
             options: ReadOptions) -> Iterator[RawRow]:
    """Map each row's columns to canonical fields (recognised headers or the mapping file).

    Parameters
    ----------
    headers : list of str
    rows : iterable of (row number, {header: text})
        Every cell is text (the readers turn empty cells into ``""``); the dict becomes the
        row's ``original`` as it is.
    options : ReadOptions

    Yields
    ------
    RawRow
    """
    mapping = list(map_headers(headers, options.columns).items())
    for number, row in rows:
        fields = {}
        for header, field_name in mapping:
            value = row.get(header)
            if value and (value := value.strip()):
                fields[field_name] = value
        if "_error" in row:
            fields["_error"] = row["_error"]
        yield RawRow(number, fields, row)


def records_to_rows(records: Iterable[dict], options: ReadOptions) -> Iterator[RawRow]:
    """Raw rows from records that each carry their own keys (features, placemarks).

    The headers are the union of the keys, in order of first appearance; records are
    numbered from 1.
    """
    rows, headers = [], []
    for number, record in enumerate(records, start=1):
        row = {str(k): "" if v is None else str(v) for k, v in record.items()}
        headers.extend(k for k in row if k not in headers)
        rows.append((number, row))
    yield from raw_rows(headers, rows, options)


def text_table_reader(columns: dict[str, str]):
    """A reader for a delimited text file with known columns (a mapping file may add more).

    Parameters
    ----------
    columns : dict
        Canonical field -> column header of the source's own format.
    """
    def read(path, options: ReadOptions):
        headers, rows = read_text_table(path)
        yield from raw_rows(headers, rows, ReadOptions(columns={**columns, **options.columns}))

    read.__doc__ = "Yield raw rows of the source's delimited text file."
    return read
