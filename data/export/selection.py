"""Which rows a download holds and what it says about them, and the rows themselves in batches.

The rows come from the public snapshot's mask (:mod:`data.snapshot.model`), exactly as the API's
JSON pages and counts do, so a download of a filter always holds the API's ``total`` for that
filter. Rows come in batches from :func:`data.public.rows.public_rows_table`: the snapshot's
projected arrays, less the records withdrawn since it was built.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from sqlalchemy import Engine

from data.export.info import MEMBER_SOURCE_NOTE, ExportInfo, SourceInfo
from data.filters import IncidentFilter
from data.privacy.publication import MEMBER_SOURCE, PUBLIC
from data.public.rows import public_rows_table, withdrawn_ids
from data.public.selects import public_datasets
from data.snapshot.model import Snapshot

#: Rows per batch written (each batch is one Arrow table; memory stays flat).
BATCH = 25_000


@dataclass(frozen=True)
class Selection:
    """What a download holds: ids in output order, what it states, where the rows come from.

    ``snapshot`` is the public snapshot the ids were selected from (it holds their values);
    ``positions`` are the records' positions in it, aligned with ``ids``.
    """

    ids: np.ndarray
    info: ExportInfo
    snapshot: Snapshot
    positions: np.ndarray


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
    positions = snapshot.select_positions(mask)
    ids = snapshot.ids[positions]
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
    return Selection(ids, info, snapshot, positions)


def row_batches(engine: Engine, selection: Selection, *, batch: int = BATCH,
                progress: Callable[[int, int], None] | None = None,
                projection: str = PUBLIC) -> Iterator[pa.Table]:
    """Public rows of ``selection``, in its order, ``batch`` at a time.

    Before each batch, the records withdrawn since the snapshot are asked for
    (:func:`data.public.rows.withdrawn_ids`: the data version, and the records not public now
    when it moved; in a second thread while the caller writes the previous batch), so a
    record withdrawn during a long download stops appearing from the next batch on.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    selection : Selection
        From :func:`select` (its ids and the snapshot they were selected from).
    batch : int
        Rows per batch.
    progress : callable, optional
        Called with (rows done, rows in all) after each batch.
    projection : {"public", "researcher"}
        The caller's projection (:mod:`data.privacy.publication`).

    Yields
    ------
    pyarrow.Table
        Rows in that projection (:func:`data.public.rows.public_rows_table`).
    """
    total = len(selection.ids)
    starts = range(0, total, batch)
    if not starts:
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-read") as reader:
        ahead = reader.submit(withdrawn_ids, engine, selection.snapshot)
        for start in starts:
            withdrawn = ahead.result()
            if start + batch < total:
                ahead = reader.submit(withdrawn_ids, engine, selection.snapshot)
            yield public_rows_table(engine, selection.snapshot,
                                    selection.positions[start:start + batch], withdrawn,
                                    projection)
            if progress is not None:
                progress(min(start + batch, total), total)
