"""Reading delimited text and spreadsheet tables robustly: encodings, delimiters, huge cells."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

#: Encodings tried in order; Latin-1 decodes any byte sequence, so it comes last.
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
DELIMITERS = ",;\t|"
MAX_CELL = 10 * 1024 * 1024


class TableError(ValueError):
    """A file that cannot be read as a table at all (the message says why)."""


def detect_encoding(sample: bytes) -> str:
    """First of :data:`ENCODINGS` that decodes ``sample`` (UTF-8 with or without BOM first)."""
    for encoding in ENCODINGS:
        try:
            sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return "latin-1"


def detect_delimiter(text: str) -> str:
    """The delimiter of a CSV sample: the sniffer's guess among , ; tab |, else comma."""
    try:
        return csv.Sniffer().sniff(text, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ""
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def read_text_table(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """Open a delimited text file and return its headers and an iterator of rows.

    The encoding (UTF-8, else Windows-1252, else Latin-1) and the delimiter are detected.
    Each row comes with its line number in the file; short rows are padded, and cells
    beyond the header are kept under ``_extra_N``.

    Raises
    ------
    TableError
        Empty file, or no header row.
    """
    raw = path.read_bytes()
    if not raw.strip():
        raise TableError(f"{path.name} is empty")
    encoding = detect_encoding(raw[: 1 << 20] if len(raw) > 1 << 20 else raw)
    if encoding != "utf-8-sig":
        try:
            raw.decode("utf-8-sig")
            encoding = "utf-8-sig"
        except UnicodeDecodeError:
            pass
    text = raw.decode(encoding, errors="replace")
    csv.field_size_limit(MAX_CELL)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text[:65536]))
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration as exc:
        raise TableError(f"{path.name} has no header row") from exc
    except csv.Error as exc:
        raise TableError(f"{path.name}: cannot read the header row ({exc})") from exc
    if not any(headers):
        raise TableError(f"{path.name}: the first row is empty; it must hold the column names")
    headers = [h or f"column_{i + 1}" for i, h in enumerate(headers)]
    return headers, _rows(reader, headers)


def _rows(reader, headers: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    width = len(headers)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.line_num, {"_error": f"malformed CSV row: {exc}"}
            continue
        if not "".join(cells).strip():
            continue
        if len(cells) == width:
            yield reader.line_num, dict(zip(headers, cells, strict=True))
            continue
        row = dict(zip(headers, cells, strict=False))
        row.update((h, "") for h in headers[len(cells):])
        for i, extra in enumerate(cells[width:]):
            if extra.strip():
                row[f"_extra_{i + 1}"] = extra
        yield reader.line_num, row


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx_table(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """Headers and rows of the first worksheet of an XLSX workbook (dates become ISO text)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise TableError(f"{path.name} is not a readable XLSX workbook: {exc}") from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    for number, cells in enumerate(rows, start=1):
        if cells and any(c not in (None, "") for c in cells):
            headers = [_cell_text(c).strip() or f"column_{i + 1}" for i, c in enumerate(cells)]
            return headers, _xlsx_rows(rows, headers, number, book)
    book.close()
    raise TableError(f"{path.name}: the first worksheet is empty")


def _xlsx_rows(rows, headers, header_line, book) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        for number, cells in enumerate(rows, start=header_line + 1):
            texts = [_cell_text(c) for c in cells]
            if not any(t.strip() for t in texts):
                continue
            yield number, {h: (texts[i] if i < len(texts) else "") for i, h in enumerate(headers)}
    finally:
        book.close()
