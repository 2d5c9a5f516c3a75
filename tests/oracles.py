"""Independent answers that tests compare the product with (test oracles).

They used to live in the product (:mod:`data.public.selects`, :mod:`data.export.files`) though only
tests called them:

- :func:`count_matching_sql` counts public records matching a filter with plain SQL on the
  stored dates (the analytic snapshot must agree);
- :func:`load_public_frame` is the pandas reader the snapshot was once built from
  (:mod:`data.snapshot.read` replaced it; a snapshot of its frame is the reference the
  chunked reader and the incremental updates are checked against);
- :func:`snapshot_of_frame` builds a snapshot from such a frame with pandas (the product
  builds it from arrays read in chunks, :meth:`data.snapshot.model.Snapshot.from_data`);
- :func:`sha256_of` hashes a file again, apart from the writer that recorded its digest.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import Engine, func, or_, select

from data.filters import CODE_PARAMS, IncidentFilter
from data.privacy.publication import is_public, project_public, public_scope
from data.public.selects import DETAIL_COLUMNS, frame_of, link_columns, public_select
from data.reference.taxonomy import Taxonomy
from data.reference.vocab import DATE_PRECISIONS
from data.snapshot.derive import CodeLinks, timeline_index
from data.snapshot.model import Snapshot
from data.store.db import fetch_tuples
from data.store.schema import CODE_TABLES, incidents, sources

#: Columns the analytic snapshot needs (no long free text: it is built from a full scan).
SNAPSHOT_COLUMNS = ("date_start", "date_end", "date_precision", "country", "nuts1", "nuts2",
                    "nuts3", "geo_precision", "policy", "status")


def count_matching_sql(engine: Engine, flt: IncidentFilter, taxonomy: Taxonomy) -> int:
    """Count public incidents matching ``flt`` with plain SQL on the stored dates.

    An independent oracle for the analytic snapshot on records whose public dates equal
    their stored dates (open and demo sources).
    """
    stmt = public_select([func.count()])
    for clause in where_clauses(flt, taxonomy):
        stmt = stmt.where(clause)
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar())


def where_clauses(flt: IncidentFilter, taxonomy: Taxonomy) -> list:
    """Bound-parameter SQL conditions for ``flt`` on the incidents table."""
    clauses = []
    if flt.date_from:
        clauses.append(incidents.c.date_start >= flt.date_from)
    if flt.date_to:
        clauses.append(incidents.c.date_end <= flt.date_to)
        # implied by date_start <= date_end (a CHECK): bounds the (status, date_start) index
        # on both sides, which PostgreSQL then prefers to a full scan
        clauses.append(incidents.c.date_start <= flt.date_to)
    if flt.country:
        clauses.append(incidents.c.country.in_(flt.country))
    if flt.region:
        regional = [incidents.c[f"nuts{len(code) - 2}"] == code for code in flt.region]
        clauses.append(or_(*regional))
    for kind in CODE_PARAMS:
        codes = getattr(flt, kind)
        if codes:
            table = CODE_TABLES[kind]
            wanted = sorted(taxonomy.expand(kind, codes))
            clauses.append(
                incidents.c.id.in_(select(table.c.incident_id).where(table.c.code.in_(wanted)))
            )
    if flt.source:
        clauses.append(
            incidents.c.source_id.in_(select(sources.c.id).where(sources.c.slug.in_(flt.source)))
        )
    return clauses


def load_public_frame(engine: Engine,
                      min_cell: int) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Every publicly visible incident, projected, plus its code links, for a snapshot.

    Reads the store in one scan and keeps the records :func:`data.privacy.publication.is_public`
    allows. Member records are shown at the regions :mod:`data.privacy.generalise` allows for
    ``min_cell``. ``Snapshot(frame, links, taxonomy)`` of the result is what
    :func:`data.snapshot.model.build` must give.

    Returns
    -------
    frame : pandas.DataFrame
        One row per public incident: ``id``, ``source``, the projected
        :data:`SNAPSHOT_COLUMNS` but ``status`` and :data:`data.public.selects.DETAIL_COLUMNS`, and
        ``organisation`` (see :func:`organisation_codes`), ordered by id.
    links : dict of str to pandas.DataFrame
        Per kind (``bias``, ``indicator``, ``type``): columns ``incident_id``, ``code`` and,
        where the kind has one, ``is_primary``.
    """
    columns = [incidents.c.id, *(incidents.c[c] for c in (*SNAPSHOT_COLUMNS, *DETAIL_COLUMNS)),
               sources.c.slug.label("source"), incidents.c.organisation_id]
    stmt = (select(*columns).select_from(incidents.join(sources,
                                                        incidents.c.source_id == sources.c.id))
            .order_by(incidents.c.id))
    with engine.connect() as conn:
        every_record = frame_of(fetch_tuples(conn, stmt), [c.name for c in columns])
        frame = every_record[is_public(every_record)].reset_index(drop=True)
        links = {}
        for kind, table in CODE_TABLES.items():
            link_cols = link_columns(table)
            names = [c.name for c in link_cols]
            # all links, then keep the public ones: far cheaper than joining per row
            every = frame_of(fetch_tuples(conn, select(*link_cols)), names)
            links[kind] = every[every["incident_id"].isin(frame["id"])]
        # every edit of a record sets updated_at: the newest one names the public content's
        # last change (summaries, places, points...) for the snapshot's fingerprint
        last_change = conn.execute(select(func.max(incidents.c.updated_at))
                                   .where(public_scope())).scalar()
    ids = frame["id"].to_numpy()
    organisation = organisation_codes(frame)
    projected = project_public(frame, min_cell=min_cell, links=links)
    projected.insert(0, "id", ids)
    projected["organisation"] = organisation
    projected.attrs["last_change"] = str(last_change or "")
    return projected, links


def organisation_codes(frame: pd.DataFrame) -> pd.Series:
    """An opaque code per member organisation that logged each record; -1 for other records.

    The pandas counterpart of :func:`data.snapshot.build.organisation_codes`: organisations
    numbered in order of first appearance.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows with ``policy``, ``source`` (slug) and ``organisation_id``; a member record
        without an organisation counts by its source.

    Returns
    -------
    pandas.Series of int32
        Aligned with ``frame``.
    """
    member = (frame["policy"] == "member").to_numpy()
    org = frame["organisation_id"].astype("Int64").astype(str)
    keys = np.where(frame["organisation_id"].notna().to_numpy(), "o:" + org,
                    "s:" + frame["source"].astype(str))
    keys = pd.Series(np.where(member, keys, None), index=frame.index, dtype=object)
    codes, _ = pd.factorize(keys)
    return pd.Series(codes.astype(np.int32), index=frame.index, name="organisation")


def sha256_of(path: Path) -> str:
    """Hex SHA-256 digest of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _days(values: pd.Series) -> np.ndarray:
    return (pd.to_datetime(values).to_numpy("datetime64[D]").astype(np.int64)).astype(np.int32)


def _categories(values: pd.Series) -> tuple[np.ndarray, tuple[str, ...]]:
    cat = pd.Categorical(values)
    return cat.codes.astype(np.int32), tuple(str(c) for c in cat.categories)


def detail_table(frame: pd.DataFrame) -> pa.Table | None:
    """The snapshot's copy of the public columns it does not aggregate on, from a frame.

    Parameters
    ----------
    frame : pandas.DataFrame
        A projected public frame (what :class:`data.snapshot.model.Snapshot` is made from).

    Returns
    -------
    pyarrow.Table or None
        :data:`data.public.selects.DETAIL_COLUMNS` plus ``geo_precision`` and ``policy``, aligned
        with the frame; None when the frame lacks some of them (a hand-made test frame).
    """
    names = (*DETAIL_COLUMNS, "geo_precision", "policy")
    if any(name not in frame for name in names):
        return None
    arrays = {}
    for name in names:
        values = frame[name]
        if name in ("lat", "lon"):
            arrays[name] = pa.array(pd.to_numeric(values).to_numpy(float), pa.float64(),
                                    from_pandas=True)
        elif name == "is_online":
            arrays[name] = pa.array(values.astype(bool).to_numpy(), pa.bool_())
        else:
            text = pa.array(values.astype(object).where(values.notna(), None).to_numpy(),
                            pa.string(), from_pandas=True)
            categorical = name in ("location_type", "classification", "geo_precision", "policy")
            arrays[name] = text.dictionary_encode() if categorical else text
    return pa.table(arrays)


def snapshot_of_frame(frame: pd.DataFrame, links: dict[str, pd.DataFrame], taxonomy: Taxonomy,
                      version: int = 0) -> Snapshot:
    """A snapshot of a projected frame, built with pandas (the product reads the store with
    :func:`data.snapshot.model.build`): the reference the chunked reader is checked against.

    Parameters
    ----------
    frame : pandas.DataFrame
        Projected public rows: ``id``, ``country``, ``date_start``, ``date_end``,
        ``date_precision``, ``source``, ``policy``, ``nuts1``..``nuts3`` and optionally
        ``organisation`` and the detail columns (:func:`detail_table`).
    links : dict of str to pandas.DataFrame
        Per kind: ``incident_id``, ``code`` and, where the kind has one, ``is_primary``.
    taxonomy : Taxonomy
    version : int
        The data version it stands for.
    """
    snapshot = Snapshot.__new__(Snapshot)
    snapshot.version = version
    snapshot.taxonomy = taxonomy
    snapshot.last_change = str(frame.attrs.get("last_change", ""))
    snapshot.size = len(frame)
    snapshot.ids = frame["id"].to_numpy(np.int64)
    position = pd.Series(np.arange(snapshot.size, dtype=np.int32), index=snapshot.ids)
    snapshot.countries = tuple(c.iso2 for c in taxonomy.countries())
    country_index = {iso: i for i, iso in enumerate(snapshot.countries)}
    snapshot.country = frame["country"].map(country_index).fillna(255).to_numpy(np.uint8)
    snapshot.start = _days(frame["date_start"])
    snapshot.end = _days(frame["date_end"])
    precision_index = {p: i for i, p in enumerate(DATE_PRECISIONS)}
    snapshot.precision = frame["date_precision"].map(precision_index).to_numpy(np.uint8)
    snapshot.source, snapshot.sources = _categories(frame["source"])
    snapshot.is_demo = (frame["policy"] == "demo").to_numpy()
    #: Opaque code of the member organisation behind each record, -1 for other records
    #: (``data.snapshot.build.organisation_codes``); only ever counted, never shown.
    snapshot.organisation = (frame["organisation"].to_numpy(np.int32) if "organisation" in frame
                         else np.full(snapshot.size, -1, dtype=np.int32))
    snapshot.nuts = {level: _categories(frame[level].fillna("")) for level in
                 ("nuts1", "nuts2", "nuts3")}
    #: The other public columns, for download rows (:mod:`data.public.rows`); None for
    #: a snapshot of a frame without them.
    snapshot.detail = detail_table(frame)
    snapshot.links: dict[str, CodeLinks] = {}
    for kind in CODE_PARAMS:
        codes = taxonomy.codes(kind)
        index = {c: i for i, c in enumerate(codes)}
        link = links[kind]
        known = link["code"].isin(index) & link["incident_id"].isin(position.index)
        link = link[known]
        rows = position.loc[link["incident_id"].to_numpy()].to_numpy(np.int32)
        code_idx = link["code"].map(index).to_numpy(np.uint8)
        bits = np.zeros(snapshot.size, dtype=np.uint64)
        np.bitwise_or.at(bits, rows, np.left_shift(np.uint64(1), code_idx.astype(np.uint64)))
        primary = rest = None
        if "is_primary" in link:
            primary = np.full(snapshot.size, 255, dtype=np.uint8)
            flag = link["is_primary"].to_numpy(bool)
            primary[rows[flag]] = code_idx[flag]
            rest = ~(flag & (primary[rows] == code_idx))
        snapshot.links[kind] = CodeLinks(rows, code_idx, bits, primary, *(
            (None, None) if rest is None else (rows[rest], code_idx[rest])))
    snapshot._set_timelines(timeline_index(snapshot.start, snapshot.precision,
                                       snapshot.links["bias"].primary,
                                       len(taxonomy.codes("bias")) + 1))
    snapshot.fingerprint = snapshot._fingerprint()
    return snapshot
