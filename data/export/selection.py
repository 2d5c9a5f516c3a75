"""Which rows a download holds and what it says about them, and the rows themselves in batches.

The rows come from the public snapshot's mask (:mod:`data.analytics`), exactly as the API's
JSON pages and counts do, so a download of a filter always holds the API's ``total`` for that
filter. Rows are read by id in batches through :func:`data.queries.fetch_public_rows`, which
applies the public projection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from data.analytics import Snapshot
from data.export.info import MEMBER_SOURCE_NOTE, ExportInfo, SourceInfo
from data.filters import IncidentFilter
from data.privacy import MEMBER_SOURCE
from data.queries import fetch_public_rows, public_datasets
from data.taxonomy import Taxonomy

#: Rows read per query (about the fastest batch size on SQLite, see benchmarks/).
BATCH = 10_000


@dataclass(frozen=True)
class Selection:
    """The incident ids of a download, in output order, and its :class:`ExportInfo`."""

    ids: np.ndarray
    info: ExportInfo


def source_infos(engine: Engine, slugs: list[str]) -> tuple[SourceInfo, ...]:
    """What the public may know about the sources ``slugs`` (member sources unnamed).

    Parameters
    ----------
    engine : sqlalchemy.Engine
    slugs : list of str
        Public source names as the snapshot knows them (``member`` for member records).

    Returns
    -------
    tuple of SourceInfo
        Open and demo datasets with name, licence, attribution and link, then one entry for
        member organisations when ``slugs`` has it.
    """
    found = public_datasets(engine, [s for s in slugs if s != MEMBER_SOURCE])
    out = [SourceInfo(r.slug, r.name, r.licence or "", r.attribution or "", r.url or "")
           for r in found.itertuples(index=False)]
    if MEMBER_SOURCE in slugs:
        out.append(SourceInfo(MEMBER_SOURCE, "Member organisations", "", MEMBER_SOURCE_NOTE))
    return tuple(out)


def select(engine: Engine, snapshot: Snapshot, flt: IncidentFilter, *,
           release_name: str | None = None, now: dt.datetime | None = None) -> Selection:
    """The rows of ``flt`` in ``snapshot`` and the information a download states about them.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    snapshot : Snapshot
        The public snapshot the API answers from.
    flt : IncidentFilter
        Applied as given (``bias=None`` means no bias filter, as in the API).
    release_name : str, optional
        Name of the frozen release being written.
    now : datetime.datetime, optional
        Retrieval time (UTC now by default).

    Returns
    -------
    Selection
    """
    mask = snapshot.mask(flt)
    ids = snapshot.select_ids(mask)
    present = np.unique(snapshot.source[mask])
    slugs = [snapshot.sources[i] for i in present if 0 <= i < len(snapshot.sources)]
    info = ExportInfo(
        data_release=snapshot.fingerprint,
        query=flt.to_query(),
        description=flt.describe(snapshot.taxonomy),
        total=len(ids),
        has_demo=snapshot.contains_demo(mask),
        taxonomy_version=snapshot.taxonomy.version,
        retrieved_at=(now or dt.datetime.now(dt.UTC)).replace(microsecond=0),
        sources=source_infos(engine, slugs),
        release_name=release_name,
    )
    return Selection(ids, info)


def row_batches(engine: Engine, ids: np.ndarray, taxonomy: Taxonomy, *, batch: int = BATCH,
                progress: Callable[[int, int], None] | None = None) -> Iterator[pd.DataFrame]:
    """Public rows of ``ids``, in that order, ``batch`` at a time.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    ids : numpy.ndarray
        Incident ids in output order (:attr:`Selection.ids`).
    taxonomy : Taxonomy
    batch : int
        Rows per query.
    progress : callable, optional
        Called with (rows done, rows in all) after each batch.

    Yields
    ------
    pandas.DataFrame
        Rows in the public projection (:func:`data.queries.fetch_public_rows`).
    """
    total = len(ids)
    for offset in range(0, total, batch):
        frame = fetch_public_rows(engine, ids[offset: offset + batch], taxonomy)
        if progress is not None:
            progress(min(offset + batch, total), total)
        yield frame
