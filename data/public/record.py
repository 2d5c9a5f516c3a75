"""Public records read from the store by id: the table's page, the detail page.

Downloads take their rows from the snapshot (:mod:`data.public.rows`); the incident table
and the detail page read the few rows they show here, projected by
:func:`data.privacy.publication.project_public` exactly as the snapshot projects them, member
records at the region :mod:`data.privacy.generalise` allows among their peers.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Engine, select

from data.filters import CODE_PARAMS
from data.privacy.publication import PUBLIC_COLUMNS, is_public, project_public
from data.public.selects import (
    CODE_COLUMNS,
    FRAME_COLUMNS,
    PRIMARY_COLUMNS,
    frame_of,
    link_columns,
    public_select,
    row_columns,
)
from data.reference.taxonomy import Taxonomy
from data.store.db import fetch_tuples
from data.store.schema import CODE_TABLES, incidents, organisations, sources


def fetch_public_rows(engine: Engine, ids: Sequence[int], taxonomy: Taxonomy, *,
                      min_cell: int) -> pd.DataFrame:
    """Public rows for ``ids`` (in that order), with their code lists.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    ids : sequence of int
        Incident ids as selected by the analytic snapshot; ids that are not public are
        silently absent from the result.
    taxonomy : Taxonomy
        Orders each record's codes (primary first, then taxonomy order).
    min_cell : int
        The small-cell threshold (``Settings.min_cell``): member records are shown at the
        region :mod:`data.privacy.generalise` allows, counted over every published member record of
        their NUTS 1 region, so a row here shows what the snapshot shows.

    Returns
    -------
    pandas.DataFrame
        :data:`PUBLIC_COLUMNS` plus ``bias_motivations``, ``primary_bias_motivation``,
        ``bias_indicators``, ``incident_types``, ``primary_incident_type`` (codes joined by
        ``;``). The internal ``id`` is not included.
    """
    ids = [int(i) for i in ids]
    columns = [*PUBLIC_COLUMNS, *CODE_COLUMNS.values(), *PRIMARY_COLUMNS.values()]
    if not ids:
        return pd.DataFrame(columns=columns)
    stmt = public_select(row_columns()).where(incidents.c.id.in_(ids))
    with engine.connect() as conn:
        frame = frame_of(fetch_tuples(conn, stmt), FRAME_COLUMNS)
        asked = len(frame)
        peers = _peer_condition(frame)  # member records are shown as counted among these
        if peers is not None:
            found = frame_of(fetch_tuples(conn, select(
                *(incidents.c[c] for c in _PEER_COLUMNS)).where(peers)), list(_PEER_COLUMNS))
            found = found[is_public(found) & ~found["id"].isin(frame["id"])]
            frame = pd.concat([frame, found.drop(columns="status")], ignore_index=True)
        links = {}
        for kind, table in CODE_TABLES.items():
            link_cols = link_columns(table)
            rows = fetch_tuples(conn, select(*link_cols).where(table.c.incident_id.in_(ids)))
            if peers is not None:  # a second statement: with OR, SQLite scans every link
                rows += fetch_tuples(conn, select(*link_cols).where(
                    table.c.incident_id.in_(select(incidents.c.id).where(peers)),
                    table.c.incident_id.not_in(ids)))
            links[kind] = frame_of(rows, [c.name for c in link_cols])
    order = {code: i for kind in CODE_PARAMS for i, code in enumerate(taxonomy.codes(kind))}
    for kind, link in links.items():
        mine = link[link["incident_id"].isin(frame["id"].iloc[:asked])]
        joined, primary = _code_lists(mine.itertuples(index=False, name=None), order)
        frame[CODE_COLUMNS[kind]] = [joined.get(i, "") for i in frame["id"]]
        if kind in PRIMARY_COLUMNS:
            frame[PRIMARY_COLUMNS[kind]] = [primary.get(i, "") for i in frame["id"]]
    out = project_public(frame, min_cell=min_cell, links=links)
    out.index = frame["id"].to_numpy()
    present = [i for i in ids if i in out.index]
    return out.loc[present, columns].reset_index(drop=True)


#: What a member record is counted by (:mod:`data.privacy.generalise`): no free text.
_PEER_COLUMNS = ("id", "policy", "status", "country", "nuts1", "nuts2", "nuts3", "geo_precision",
                 "date_start", "date_end", "date_precision", "classification", "location_type",
                 "is_online")


def _peer_condition(frame: pd.DataFrame):
    """SQL condition for the member records of the NUTS 1 regions of the member rows of ``frame``.

    Which region a member record is shown at depends on the records it is counted with
    (:mod:`data.privacy.generalise`); all of them share its NUTS 1 region. The condition leaves the
    status out, so it runs as one scan of unindexed columns (several times faster than the
    status index when most records are published): keep what
    :func:`data.privacy.publication.is_public` allows afterwards. None when ``frame`` has no member
    record with a region.
    """
    regions = sorted(set(frame.loc[frame["policy"] == "member", "nuts1"].dropna().tolist()))
    if not regions:
        return None
    return (incidents.c.policy == "member") & incidents.c.nuts1.in_(regions)


def _code_lists(rows, order: dict[str, int]) -> tuple[dict[int, str], dict[int, str]]:
    """Per incident id, its codes joined by ``;`` and its primary code.

    Primary codes come first, then taxonomy order.
    """
    ranked = sorted(rows, key=lambda r: (r[0], not (len(r) > 2 and r[2]), order.get(r[1], 999)))
    joined: dict[int, list[str]] = {}
    primary: dict[int, str] = {}
    for row in ranked:
        joined.setdefault(row[0], []).append(row[1])
        if len(row) > 2 and row[2] and row[0] not in primary:
            primary[row[0]] = row[1]
    return {key: ";".join(codes) for key, codes in joined.items()}, primary


def fetch_public_incident(engine: Engine, public_id: str, taxonomy: Taxonomy, *,
                          min_cell: int) -> tuple[dict, dict] | None:
    """One public incident by its public id, projected, with the public view of its source.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    public_id : str
        The record's public id.
    taxonomy : Taxonomy
        Orders the record's codes (primary first, then taxonomy order).
    min_cell : int
        The small-cell threshold (``Settings.min_cell``, see :func:`fetch_public_rows`).

    Returns
    -------
    (dict, dict) or None
        The row (the columns of :func:`fetch_public_rows`) and its source: ``policy``,
        ``name``, ``licence``, ``attribution``, ``url`` and, for member records, ``country``
        of the organisation when known. A member record's source is never named (``name`` is
        None): organisations are not identified in public. None when no published record has
        this id, so an unpublished record cannot be told from a missing one.
    """
    if not isinstance(public_id, str) or not public_id or len(public_id) > 64:
        return None
    stmt = (public_select([incidents.c.id, incidents.c.policy, incidents.c.organisation_id,
                            sources.c.name, sources.c.licence, sources.c.attribution,
                            sources.c.url])
            .where(incidents.c.public_id == public_id))
    with engine.connect() as conn:
        found = conn.execute(stmt).first()
        if found is None:
            return None
        org_country = None
        if found.policy == "member" and found.organisation_id is not None:
            org_country = conn.execute(select(organisations.c.country).where(
                organisations.c.id == found.organisation_id)).scalar()
    rows = fetch_public_rows(engine, [found.id], taxonomy, min_cell=min_cell)
    if rows.empty:
        return None
    if found.policy == "member":
        source = {"policy": "member", "name": None, "licence": "", "attribution": "",
                  "url": "", "country": org_country}
    else:
        source = {"policy": found.policy, "name": found.name, "licence": found.licence,
                  "attribution": found.attribution, "url": found.url, "country": None}
    return rows.iloc[0].to_dict(), source
