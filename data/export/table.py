"""Public row batches as Arrow tables typed by the download schema, and spreadsheet safety.

Every writer starts from :func:`to_table`, so the columns, their order and their types are the
same in every format. :func:`spreadsheet_safe` is applied to the formats people open in
spreadsheet programs (CSV, XLSX, the data package's CSV).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data.export.fields import NOTICE_COLUMN, RELEASE_COLUMN, Field, arrow_schema
from data.vocab import DEMO_NOTICE

#: Leading characters that make spreadsheet programs evaluate a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _column(frame: pd.DataFrame, spec: Field, release: str) -> pa.Array:
    rows = len(frame)
    if spec.name == NOTICE_COLUMN:
        demo = (frame["policy"] == "demo").to_numpy(bool) if rows else np.zeros(0, bool)
        return pa.array(np.where(demo, DEMO_NOTICE, None), type=pa.string())
    if spec.name == RELEASE_COLUMN:
        return pa.array([release] * rows, type=pa.string())
    values = frame[spec.name]
    if spec.type == "date":
        days = pd.to_datetime(values).to_numpy("datetime64[D]")
        return pa.array(days, type=pa.date32())
    if spec.type == "number":
        return pa.array(pd.to_numeric(values).to_numpy(float), type=pa.float64(),
                        from_pandas=True)
    if spec.type == "boolean":
        return pa.array(values.astype(bool).to_numpy(), type=pa.bool_())
    text = values.astype(object).where(values.notna(), None)
    return pa.array(text.to_numpy(), type=pa.string(), from_pandas=True)


def to_table(frame: pd.DataFrame, columns: tuple[Field, ...], release: str) -> pa.Table:
    """Public rows (from :func:`data.queries.fetch_public_rows`) as a typed Arrow table.

    Parameters
    ----------
    frame : pandas.DataFrame
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
    arrays = [_column(frame, spec, release) for spec in columns]
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
    risky = None
    for prefix in FORMULA_PREFIXES:
        starts = pc.starts_with(values, prefix)
        risky = starts if risky is None else pc.or_(risky, starts)
    guarded = pc.binary_join_element_wise("'", values, "")
    return pc.if_else(pc.fill_null(risky, False), guarded, values)


def spreadsheet_safe(table: pa.Table) -> pa.Table:
    """``table`` with every text column passed through :func:`neutralise`.

    Numbers stay numbers: a negative longitude is not text and is left alone.
    """
    for i, spec in enumerate(table.schema):
        if pa.types.is_string(spec.type):
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
