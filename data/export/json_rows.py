"""Public rows as JSON-ready records and GeoJSON features, for the API's paged answers."""

from __future__ import annotations

import json

import pandas as pd

from data.export.fields import NOTICE_COLUMN
from data.reference.vocab import DEMO_NOTICE


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
