"""Public row batches as Arrow tables typed by the download schema, and spreadsheet safety.

Every writer starts from :func:`to_table`, so the columns, their order and their types are the
same in every format. :func:`spreadsheet_safe` is applied to the formats people open in
spreadsheet programs (CSV, XLSX, the data package's CSV).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from data.export.fields import NOTICE_COLUMN, RELEASE_COLUMN, Field, arrow_schema
from data.reference.vocab import DEMO_NOTICE

#: Leading characters that make spreadsheet programs evaluate a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = "^[" + "".join("\\" + c if c in "-\\]^" else c for c in FORMULA_PREFIXES) + "]"


def to_table(rows: pa.Table, columns: tuple[Field, ...], release: str) -> pa.Table:
    """Public rows (from :func:`data.public.rows.public_rows_table`) typed by the schema.

    Parameters
    ----------
    rows : pyarrow.Table
        Rows already in the public projection; columns that ``columns`` does not name are
        dropped, so nothing else can reach a download.
    columns : tuple of Field
        The download schema (:func:`data.export.fields.fields`).
    release : str
        The data release id written into the ``data_release`` column.

    Returns
    -------
    pyarrow.Table
        One column per field, in schema order; ``data_notice`` set on demo rows.
    """
    arrays = []
    for spec in columns:
        if spec.name == NOTICE_COLUMN:
            demo = pc.equal(rows.column("policy"), "demo")
            arrays.append(pc.if_else(demo, pa.scalar(DEMO_NOTICE),
                                     pa.scalar(None, pa.string())))
        elif spec.name == RELEASE_COLUMN:
            arrays.append(pa.array([release] * rows.num_rows, pa.string()))
        else:
            arrays.append(rows.column(spec.name).cast(spec.arrow_type))
    return pa.Table.from_arrays(arrays, schema=arrow_schema(columns))


def neutralise(values: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Prefix text that starts like a formula with ``'`` (CSV/XLSX injection guard).

    Parameters
    ----------
    values : pyarrow string array

    Returns
    -------
    pyarrow string array
        Same length; nulls stay null.
    """
    risky = pc.fill_null(pc.match_substring_regex(values, _FORMULA_START), False)
    if not pc.any(risky).as_py():
        return values  # the usual case: nothing to copy
    guarded = pc.binary_join_element_wise("'", values, "")
    return pc.if_else(risky, guarded, values)


def spreadsheet_safe(table: pa.Table, columns: tuple[Field, ...]) -> pa.Table:
    """``table`` with every free-text column passed through :func:`neutralise`.

    Text fields whose values come from a vocabulary or a code pattern (an ``enum`` or
    ``pattern`` constraint in the schema: codes, countries, regions, precisions) cannot start
    like a formula and are left as they are; numbers stay numbers (a negative longitude is not
    text).

    Parameters
    ----------
    table : pyarrow.Table
    columns : tuple of Field
        The download schema the table follows.
    """
    free_text = {spec.name for spec in columns if spec.type == "string"
                 and not {"enum", "pattern"} & set(spec.constraints)}
    for i, spec in enumerate(table.schema):
        if spec.name in free_text and pa.types.is_string(spec.type):
            table = table.set_column(i, spec, neutralise(table.column(i)))
    return table


def as_text(table: pa.Table) -> pa.Table:
    """``table`` with date columns as ISO 8601 text (``YYYY-MM-DD``), for text formats."""
    for i, spec in enumerate(table.schema):
        if pa.types.is_date(spec.type):
            text = table.column(i).cast(pa.string())
            table = table.set_column(i, pa.field(spec.name, pa.string(),
                                                  metadata=spec.metadata), text)
    return table
