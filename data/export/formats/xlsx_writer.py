"""XLSX downloads written as a streaming zip: one sheet of rows, one sheet about the data.

The worksheet XML is built with vectorised Arrow string kernels, a batch at a time, and
deflated straight into the response: no temporary file, no per-cell Python objects, and the
first bytes leave at once (a write-only openpyxl workbook takes about 10 minutes for a million
rows here, this about a minute). Text goes in as inline strings (never formulas) and is also
passed through the spreadsheet guard, like CSV. More rows than a sheet holds continue on
``incidents_2``, ``incidents_3``, ...
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

import pyarrow as pa
import pyarrow.compute as pc

from data.export.fields import Field
from data.export.formats.spool import Spool
from data.export.formats.zipped import member
from data.export.info import ExportInfo
from data.export.table import as_text, spreadsheet_safe

#: Data rows per sheet: Excel's 1,048,576 rows less the header.
MAX_ROWS = 1_048_575
#: Start a new sheet before a sheet's XML could pass the plain-zip member limit (2 GiB).
MAX_SHEET_BYTES = 1_800_000_000
#: Excel's limit on the characters of one cell.
MAX_CELL = 32_767
LEVEL = 1  # deflate level: XML compresses well even at 1, and level 6 costs twice the time

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SHEET_HEAD = (XML_HEAD + f'<worksheet xmlns="{MAIN_NS}"><sheetViews><sheetView '
              'workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
              'state="frozen"/></sheetView></sheetViews><sheetData>')
SHEET_TAIL = "</sheetData></worksheet>"
STYLES = (XML_HEAD + f'<styleSheet xmlns="{MAIN_NS}"><fonts count="2"><font><sz val="11"/>'
          '<name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font>'
          '</fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>'
          '<patternFill patternType="gray125"/></fill></fills><borders count="1"><border>'
          '<left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1">'
          '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
          '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
          '</cellStyles></styleSheet>')
_NOT_XML = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{fffe}\x{ffff}]"  # RE2 syntax (Arrow)
_NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def column_letter(index: int) -> str:
    """Spreadsheet column name of a 0-based index (0 -> A, 26 -> AA)."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _xml_text(values: pa.Array) -> pa.Array:
    values = pc.replace_substring_regex(values, _NOT_XML, "")
    values = pc.utf8_slice_codeunits(values, 0, MAX_CELL)
    for raw, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        values = pc.replace_substring(values, raw, entity)
    return values


def _cells(values: pa.Array, letter: str, rows: pa.Array) -> pa.Array:
    """XML of one column's cells (empty text where the value is missing)."""
    kind = values.type
    if pa.types.is_string(kind):
        parts = ('" t="inlineStr"><is><t xml:space="preserve">', _xml_text(values), "</t></is></c>")
    elif pa.types.is_boolean(kind):
        parts = ('" t="b"><v>', pc.if_else(values, "1", "0"), "</v></c>")
    else:
        parts = ('"><v>', values.cast(pa.string()), "</v></c>")
    cells = pc.binary_join_element_wise(f'<c r="{letter}', rows, *parts, "")
    return pc.fill_null(cells, "")


def _row_xml(table: pa.Table, first_row: int, letters: list[str]) -> bytes:
    """XML of the rows of ``table``, numbered from ``first_row``."""
    numbers = pa.array(range(first_row, first_row + table.num_rows)).cast(pa.string())
    cells = [_cells(table.column(i).combine_chunks(), letters[i], numbers)
             for i in range(table.num_columns)]
    rows = pc.binary_join_element_wise('<row r="', numbers, '">', *cells, "</row>", "")
    return "".join(rows.to_pylist()).encode("utf-8")


def _text_row(values: list[str], row: int, style: int = 0) -> str:
    style_attr = f' s="{style}"' if style else ""
    cells = "".join(
        f'<c r="{column_letter(i)}{row}" t="inlineStr"{style_attr}><is>'
        f'<t xml:space="preserve">{escape(_NOT_XML_RE.sub("", str(v))[:MAX_CELL])}</t></is></c>'
        for i, v in enumerate(values))
    return f'<row r="{row}">{cells}</row>'


def _about_sheet(info: ExportInfo, columns: tuple[Field, ...]) -> str:
    lines = [_text_row(["About this file", ""], 1, style=1)]
    for label, value in info.lines():
        lines.append(_text_row([label, value], len(lines) + 1))
    lines.append(_text_row([], len(lines) + 1))
    lines.append(_text_row(["Column", "Type", "Description"], len(lines) + 1, style=1))
    for spec in columns:
        lines.append(_text_row([spec.name, spec.type, spec.description], len(lines) + 1))
    return SHEET_HEAD + "".join(lines) + SHEET_TAIL


def _package_parts(sheets: list[str]) -> dict[str, str]:
    entries = "".join(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, name in enumerate(sheets, start=1))
    workbook = (XML_HEAD + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>{entries}'
                "</sheets></workbook>")
    rels = "".join(f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" '
                   f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
    rels += f'<Relationship Id="rId{len(sheets) + 1}" Type="{REL_NS}/styles" Target="styles.xml"/>'
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                        f'ContentType="{SHEET_TYPE}"/>' for i in range(1, len(sheets) + 1))
    types = (
        XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{overrides}</Types>")
    return {
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": XML_HEAD + f'<Relationships xmlns="{PKG_REL_NS}">{rels}'
                                       "</Relationships>",
        "_rels/.rels": XML_HEAD + f'<Relationships xmlns="{PKG_REL_NS}"><Relationship '
                       f'Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
                       "</Relationships>",
        "[Content_Types].xml": types,
    }


class _SheetWriter:
    """Writes data rows into sheets of a zip, opening a new sheet when one is full."""

    def __init__(self, archive: zipfile.ZipFile, info: ExportInfo, header: list[str]):
        self.archive, self.info, self.header = archive, info, header
        self.letters = [column_letter(i) for i in range(len(header))]
        self.sheets: list[str] = []
        self.handle = None
        self.rows = self.size = 0

    def _open(self) -> None:
        self.close()
        self.sheets.append("incidents" if not self.sheets else f"incidents_{len(self.sheets) + 1}")
        name = f"xl/worksheets/sheet{len(self.sheets)}.xml"
        self.handle = self.archive.open(member(name, self.info.retrieved_at, LEVEL), "w")
        head = (SHEET_HEAD + _text_row(self.header, 1, style=1)).encode()
        self.handle.write(head)
        self.rows, self.size = 0, len(head)

    def write(self, table: pa.Table) -> None:
        if self.handle is None:
            self._open()
        while table.num_rows:
            room = MAX_ROWS - self.rows
            if room <= 0 or self.size > MAX_SHEET_BYTES:
                self._open()
                continue
            part, table = table.slice(0, room), table.slice(room)
            data = _row_xml(part, self.rows + 2, self.letters)
            self.handle.write(data)
            self.rows += part.num_rows
            self.size += len(data)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.write(SHEET_TAIL.encode())
            self.handle.close()
            self.handle = None


def xlsx_chunks(tables: Iterable[pa.Table], info: ExportInfo,
                columns: tuple[Field, ...]) -> Iterator[bytes]:
    """Stream typed row tables as an XLSX workbook.

    Parameters
    ----------
    tables : iterable of pyarrow.Table
        Batches from :func:`data.export.table.to_table`, in output order.
    info : ExportInfo
        Written to the ``about`` sheet (release, filter, sources, citation, notice).
    columns : tuple of Field
        The download schema (also described on the ``about`` sheet).

    Yields
    ------
    bytes
        Pieces of the zip, as they are deflated.
    """
    spool = Spool()
    # no ``with``: a download cut short must not try to finish the zip around an open member
    archive = zipfile.ZipFile(spool, "w")
    sheets = _SheetWriter(archive, info, [c.name for c in columns])
    for table in tables:
        sheets.write(spreadsheet_safe(as_text(table), columns))
        if chunk := spool.drain():
            yield chunk
    if not sheets.sheets:
        sheets.write(pa.table({c.name: pa.array([], pa.string()) for c in columns}))
    sheets.close()
    names = [*sheets.sheets, "about"]
    parts = {f"xl/worksheets/sheet{len(names)}.xml": _about_sheet(info, columns),
             "xl/styles.xml": STYLES, **_package_parts(names)}
    for name, text in parts.items():
        archive.writestr(member(name, info.retrieved_at), text)
    archive.close()
    yield spool.drain()
