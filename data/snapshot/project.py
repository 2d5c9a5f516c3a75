"""Member records projected in the snapshot's arrays: where the publication policy meets them.

Records of ``open`` and ``demo`` sources are public as stored. Records of ``member`` sources
are projected by :func:`project_member_records`, always over *every* published member record
at once (on a full build and on every update that touches any member record), so a rule that
looks at member records together (small-cell generalisation of regions) has them all.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data.privacy.publication import project_public
from data.reference.vocab import (
    CLASSIFICATIONS,
    DATE_PRECISIONS,
    GEO_PRECISIONS,
    LOCATION_TYPES,
    POLICIES,
)
from data.snapshot.read import UNKNOWN, LinkColumns, RecordColumns

MEMBER = POLICIES.index("member")
_EPOCH = np.datetime64("1970-01-01", "D")


def project_member_records(frame: pd.DataFrame, codes: pd.DataFrame,
                           min_cell: int) -> pd.DataFrame:
    """The public projection of member records: the one place it is applied to the snapshot.

    Parameters
    ----------
    frame : pandas.DataFrame
        *Every* published member record (stored values), one row each: ``id``, ``policy``,
        ``date_start``, ``date_end`` (datetime64), ``date_precision``, ``country``,
        ``nuts1``..``nuts3``, ``geo_precision``, ``lat``, ``lon``, ``place_name``,
        ``source`` (slug) and the other public columns.
    codes : pandas.DataFrame
        Their code sets, row for row (:func:`member_code_sets`): records alike in every
        column have the same codes.
    min_cell : int
        The small-cell threshold (``Settings.min_cell``).

    Returns
    -------
    pandas.DataFrame
        The same rows in the same order, projected
        (:func:`data.privacy.publication.project_public`): shown at the regions the records
        together allow (:mod:`data.privacy.generalise`).
    """
    projected = project_public(frame, min_cell=min_cell, codes=codes)
    projected.index = frame.index
    return projected


def member_code_sets(links: dict[str, LinkColumns], rows: np.ndarray) -> pd.DataFrame:
    """The code sets of the records at ``rows``: per kind, its code bits and primary code."""
    columns = {}
    for kind, link in links.items():
        columns[f"{kind}_bits"] = link.bits[rows]
        if link.primary is not None:
            columns[f"{kind}_primary"] = link.primary[rows]
    return pd.DataFrame(columns, index=pd.RangeIndex(len(rows)))


def _member_frame(records: RecordColumns, source: pa.Array, countries: tuple[str, ...]
                  ) -> pd.DataFrame:
    """Stored values of (few) records as the frame :func:`project_member_records` takes."""
    def named(codes: np.ndarray, vocab: tuple[str, ...]) -> list:
        return [vocab[c] if c < len(vocab) else None for c in codes.tolist()]

    return pd.DataFrame({
        "id": records.ids,
        "policy": named(records.policy, POLICIES),
        "date_start": (_EPOCH + records.start.astype("timedelta64[D]")).astype("datetime64[ns]"),
        "date_end": (_EPOCH + records.end.astype("timedelta64[D]")).astype("datetime64[ns]"),
        "date_precision": named(records.precision, DATE_PRECISIONS),
        "country": named(records.country, countries),
        **{level: getattr(records, level).to_pylist() for level in ("nuts1", "nuts2", "nuts3")},
        "geo_precision": named(records.geo_precision, GEO_PRECISIONS),
        "public_id": records.public_id.to_pylist(),
        "lat": records.lat, "lon": records.lon,
        "place_name": records.place_name.to_pylist(),
        "is_online": records.is_online,
        "location_type": named(records.location_type, LOCATION_TYPES),
        "classification": named(records.classification, CLASSIFICATIONS),
        "public_summary": records.public_summary.to_pylist(),
        "source": source.to_pylist(),
    })


def _coded(values, vocab: tuple[str, ...]) -> np.ndarray:
    index = {v: i for i, v in enumerate(vocab)}
    return np.array([index.get(v, UNKNOWN) for v in values], dtype=np.uint8)


def _days(values: pd.Series) -> np.ndarray:
    days = pd.to_datetime(values).to_numpy("datetime64[D]") - _EPOCH
    return days.astype(np.int64).astype(np.int32)


def project_members(records: RecordColumns, source: pa.DictionaryArray,
                     countries: tuple[str, ...], links: dict[str, LinkColumns],
                     min_cell: int) -> tuple[RecordColumns, pa.Array]:
    """``records`` with every member record replaced by its projection (and its source).

    A full build passes every record; an update passes the changed records and, when any of
    them is a member record, every other published member record too.

    ``links`` are aligned with ``records``; ``min_cell`` is the small-cell threshold.
    """
    member = records.policy == MEMBER
    if not member.any():
        return records, source
    rows = np.flatnonzero(member)
    stored = records.take(rows)
    out = project_member_records(_member_frame(stored, source.take(pa.array(rows)), countries),
                                 member_code_sets(links, rows), min_cell)
    numeric = {"start": _days(out["date_start"]), "end": _days(out["date_end"]),
               "precision": _coded(out["date_precision"], DATE_PRECISIONS),
               "country": _coded(out["country"], countries),
               "geo_precision": _coded(out["geo_precision"], GEO_PRECISIONS),
               "lat": pd.to_numeric(out["lat"]).to_numpy(np.float64),
               "lon": pd.to_numeric(out["lon"]).to_numpy(np.float64),
               "is_online": out["is_online"].to_numpy(bool),
               "location_type": _coded(out["location_type"], LOCATION_TYPES),
               "classification": _coded(out["classification"], CLASSIFICATIONS)}
    changes = {}
    for name, values in numeric.items():
        column = getattr(records, name).copy()
        column[rows] = values
        changes[name] = column
    mask = pa.array(member)
    for name in ("nuts1", "nuts2", "nuts3", "place_name", "public_id", "public_summary"):
        values = out[name].astype(object).where(out[name].notna(), None).tolist()
        changes[name] = pc.replace_with_mask(getattr(records, name), mask,
                                             pa.array(values, pa.string()))
    names = source.dictionary.to_pylist()
    for name in out["source"].unique():
        if name not in names:
            names.append(name)
    index = source.indices.to_numpy(zero_copy_only=False).astype(np.int32).copy()
    position = {name: at for at, name in enumerate(names)}
    index[rows] = [position[n] for n in out["source"]]
    return replace(records, **changes), pa.DictionaryArray.from_arrays(
        pa.array(index), pa.array(names, pa.string()))
