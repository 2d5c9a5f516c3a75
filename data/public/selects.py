"""Row selections and SQL counts for every consumer; the only SQL outside migrations.

Public aggregates are computed by :mod:`data.snapshot.model` from the frame that
:func:`load_public_frame` returns; public rows are fetched by id with
:func:`data.public.record.fetch_public_rows`, built on the selections here (or, for
downloads, taken from the snapshot by :mod:`data.public.rows`). Both pass through
:func:`data.privacy.publication.project_public`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import Engine, bindparam, func, or_, select

from data.filters import CODE_PARAMS, IncidentFilter
from data.privacy.publication import (
    PUBLIC_COLUMNS,
    PUBLIC_STATUS,
    is_public,
    project_public,
    public_scope,
)
from data.reference.taxonomy import Taxonomy
from data.reference.vocab import STATUSES
from data.settings import DEFAULT_MIN_CELL
from data.store.db import fetch_tuples
from data.store.schema import CODE_TABLES, incidents, sources

_ROW_COLUMNS = [c for c in PUBLIC_COLUMNS if c != "source"]
#: What :func:`row_columns` selects, in order.
FRAME_COLUMNS = ["id", *_ROW_COLUMNS, "source"]

#: Output names of the code-list columns, per filter kind.
CODE_COLUMNS = {
    "bias": "bias_motivations",
    "indicator": "bias_indicators",
    "type": "incident_types",
}
PRIMARY_COLUMNS = {"bias": "primary_bias_motivation", "type": "primary_incident_type"}


def public_select(columns):
    """``SELECT columns`` over incidents joined to their sources, public records only."""
    return (
        select(*columns)
        .select_from(incidents.join(sources, incidents.c.source_id == sources.c.id))
        .where(public_scope())
    )


def frame_of(result: list[tuple], columns: list[str]) -> pd.DataFrame:
    """A DataFrame of plain row tuples (they build much faster than Row objects)."""
    return pd.DataFrame.from_records(result, columns=columns)


def row_columns() -> list:
    """The columns of a public row as the store holds them (:data:`FRAME_COLUMNS`)."""
    return [incidents.c.id, *(incidents.c[c] for c in _ROW_COLUMNS), sources.c.slug.label("source")]


def link_columns(table) -> list:
    """``incident_id``, ``code`` and, where the link table has one, ``is_primary``."""
    columns = [table.c.incident_id, table.c.code]
    if "is_primary" in table.c:
        columns.append(table.c.is_primary)
    return columns


#: Columns the analytic snapshot needs (no long free text: it is built from a full scan).
SNAPSHOT_COLUMNS = ("date_start", "date_end", "date_precision", "country", "nuts1", "nuts2",
                    "nuts3", "geo_precision", "policy", "status")
#: Further public columns the snapshot keeps for the rows of downloads (a download reads
#: nothing by id: it checks only which selected records stopped being public,
#: :func:`not_public_ids`).
DETAIL_COLUMNS = ("public_id", "lat", "lon", "place_name", "is_online", "location_type",
                  "classification", "public_summary")


def load_public_frame(engine: Engine, min_cell: int = DEFAULT_MIN_CELL
                      ) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Every publicly visible incident, projected, plus its code links, for the snapshot.

    Reads the store in one scan (cheaper than an index lookup per row when most records are
    public) and keeps the records :func:`data.privacy.publication.is_public` allows. Member records
    are shown at the regions :mod:`data.privacy.generalise` allows for ``min_cell``
    (``Settings.min_cell``).

    Returns
    -------
    frame : pandas.DataFrame
        One row per public incident: ``id``, ``source``, the projected
        :data:`SNAPSHOT_COLUMNS` but ``status`` and :data:`DETAIL_COLUMNS`, and
        ``organisation`` (see
        :func:`organisation_codes`), ordered by id.
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

    Lets public aggregates count *how many* organisations report (``data.public.coverage``) without
    carrying organisation ids or names: the codes number organisations in order of first
    appearance and mean nothing outside one snapshot.

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


def not_public_ids(engine: Engine) -> np.ndarray:
    """Ids of the records that are not public now, ascending.

    What a download checks before writing rows from a snapshot: a record withdrawn since the
    snapshot was built is left out. The statuses other than ``published`` are a minority, read
    from the ``(status, date_start)`` index (every index entry holds the id), so this costs
    milliseconds however many rows the download holds and reads no row of the table.

    Returns
    -------
    numpy.ndarray of int64
    """
    hidden = ", ".join(f"'{s}'" for s in STATUSES if s != PUBLIC_STATUS)  # constants
    with engine.connect() as conn:
        cursor = conn.exec_driver_sql(f"SELECT id FROM incidents WHERE status IN ({hidden})"
                                      ).cursor
        found = np.fromiter((row[0] for row in cursor.fetchall()), dtype=np.int64)
    found.sort()
    return found


def member_regions(engine: Engine, ids: np.ndarray) -> dict[int, tuple]:
    """Stored NUTS regions of those ``ids`` that are published member records.

    For the researcher projection only (:mod:`data.privacy.publication`): the public one never shows
    them.

    Returns
    -------
    dict
        id -> (nuts1, nuts2, nuts3).
    """
    out: dict[int, tuple] = {}
    if not len(ids):
        return out
    stmt = (select(incidents.c.id, incidents.c.nuts1, incidents.c.nuts2, incidents.c.nuts3)
            .where(public_scope(), incidents.c.policy == "member",
                   incidents.c.id.in_(bindparam("ids", expanding=True))))
    with engine.connect() as conn:
        for start in range(0, len(ids), 10_000):
            chunk = np.sort(ids[start:start + 10_000]).tolist()
            for row in conn.execute(stmt, {"ids": chunk}):
                out[row.id] = (row.nuts1, row.nuts2, row.nuts3)
    return out


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


def public_datasets(engine: Engine, slugs: Sequence[str]) -> pd.DataFrame:
    """Name, licence, attribution and link of the openly published sources among ``slugs``.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    slugs : sequence of str
        Slugs of sources with public records (``Snapshot.sources``).

    Returns
    -------
    pandas.DataFrame
        Columns ``slug``, ``name``, ``kind``, ``policy``, ``licence``, ``attribution``,
        ``url``, sorted by name. Member organisations' sources are never listed.
    """
    columns = [sources.c.slug, sources.c.name, sources.c.kind, sources.c.policy,
               sources.c.licence, sources.c.attribution, sources.c.url]
    names = [c.name for c in columns]
    wanted = [s for s in slugs if s]
    if not wanted:
        return pd.DataFrame(columns=names)
    stmt = (select(*columns).where(sources.c.slug.in_(wanted), sources.c.policy != "member")
            .order_by(sources.c.name, sources.c.slug))
    with engine.connect() as conn:
        return pd.DataFrame([tuple(r) for r in conn.execute(stmt)], columns=names)
