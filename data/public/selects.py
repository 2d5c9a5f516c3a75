"""Row selections and SQL reads for every consumer; the only SQL outside migrations.

Public aggregates are computed by :mod:`data.snapshot.model` from the snapshot that
:mod:`data.snapshot.read` and :mod:`data.snapshot.build` read; public rows are fetched by id
with :func:`data.public.record.fetch_public_rows`, built on the selections here (or, for
downloads, taken from the snapshot by :mod:`data.public.rows`). Both pass through
:func:`data.privacy.publication.project_public`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import Engine, bindparam, select

from data.privacy.publication import PUBLIC_COLUMNS, PUBLIC_STATUS, public_scope
from data.reference.vocab import STATUSES
from data.store.schema import incidents, sources

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


#: Further public columns the snapshot keeps for the rows of downloads (a download reads
#: nothing by id: it checks only which selected records stopped being public,
#: :func:`not_public_ids`).
DETAIL_COLUMNS = ("public_id", "lat", "lon", "place_name", "is_online", "location_type",
                  "classification", "public_summary")


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
