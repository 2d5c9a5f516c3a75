"""Writers for downloads: format name -> streaming writer (DESIGN §3)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from data.vocab import DEMO_NOTICE

#: Leading characters that make spreadsheet programs evaluate a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NOTICE_COLUMN = "data_notice"


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that start like a formula with ``'`` (CSV injection guard).

    Numeric columns are left alone (a negative longitude stays a number).
    """
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            values = out[column]
            text = values.where(values.isna(), values.astype(str))
            risky = text.str.startswith(FORMULA_PREFIXES, na=False)
            out[column] = text.where(~risky, "'" + text.astype(str))
    return out


def _with_notice(frame: pd.DataFrame) -> pd.DataFrame:
    demo = frame["policy"] == "demo" if "policy" in frame else pd.Series(False, frame.index)
    notice = pd.Series("", index=frame.index, dtype=object)
    notice[demo] = DEMO_NOTICE
    return frame.assign(**{NOTICE_COLUMN: notice})


def _text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in ("date_start", "date_end"):
        if column in out:
            out[column] = pd.to_datetime(out[column]).dt.strftime("%Y-%m-%d")
    return out


def csv_chunks(batches: Iterable[pd.DataFrame]) -> Iterator[bytes]:
    """Stream public rows as UTF-8 CSV, one chunk per batch, header first.

    Parameters
    ----------
    batches : iterable of pandas.DataFrame
        Public rows (already projected by :mod:`data.privacy`), in output order.

    Yields
    ------
    bytes
    """
    header = True
    for frame in batches:
        if frame.empty and not header:
            continue
        table = pa.Table.from_pandas(
            neutralise_formulas(_text_frame(_with_notice(frame))), preserve_index=False
        )
        buffer = io.BytesIO()
        pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=header))
        header = False
        yield buffer.getvalue()


def json_records(frame: pd.DataFrame) -> list[dict]:
    """Public rows as JSON-ready dicts (ISO dates, nulls for missing values)."""
    text = _text_frame(_with_notice(frame))
    return json.loads(text.to_json(orient="records", force_ascii=False))


def geojson_features(frame: pd.DataFrame) -> list[dict]:
    """Public rows as GeoJSON features; rows without a public point get a null geometry."""
    features = []
    for record in json_records(frame):
        lat, lon = record.pop("lat"), record.pop("lon")
        geometry = None
        if lat is not None and lon is not None:
            geometry = {"type": "Point", "coordinates": [lon, lat]}
        features.append({"type": "Feature", "id": record["public_id"], "geometry": geometry,
                         "properties": record})
    return features


EXPORTERS = {"csv": csv_chunks}
