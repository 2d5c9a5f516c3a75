"""Bringing the snapshot's public records up to date after a write, reading only what changed.

:func:`update_public_data` reads the records added since the previous read (ids above the largest
one seen) or edited since (``updated_at``, which every writer sets; an index read, migration
0012), drops them from the previous arrays and inserts their fresh values
(:class:`data.snapshot.splice.Splice`: the unchanged runs are copied whole). The count and id
sum of the published records are checked against the store, so that a change an update
cannot see (a deletion, a transaction that committed long after it wrote) makes the caller
rebuild.

When any member record is among the changes, every published member record is read again as
stored and projected together (:func:`data.snapshot.project.project_member_records`): the
public region of one depends on all of them.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from sqlalchemy import Engine, func, select

from data.privacy.publication import PUBLIC_STATUS
from data.reference.taxonomy import Taxonomy
from data.snapshot.build import MARGIN_US, MAX_CHANGED_SHARE, PublicData, newest_edit
from data.snapshot.project import MEMBER, project_members
from data.snapshot.read import (
    LinkColumns,
    RecordColumns,
    now_us,
    read_links,
    read_records,
    source_slugs,
    stored_sources,
)
from data.snapshot.splice import Splice
from data.store.schema import incidents


def public_count(engine: Engine) -> tuple[int, int]:
    """Number of published records and the sum of their ids (one index read).

    On PostgreSQL the scan runs in this connection's backend alone: three workers updating at
    once each starting two parallel helpers would contend for the same cores.
    """
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
        count, total = conn.execute(
            select(func.count(), func.coalesce(func.sum(incidents.c.id), 0))
            .where(incidents.c.status == PUBLIC_STATUS)).one()
    return int(count), int(total)


def _merge(first: RecordColumns, first_links: dict[str, LinkColumns],
           second: RecordColumns, second_links: dict[str, LinkColumns]):
    """Two disjoint sets of records (and their links) as one, ascending by id."""
    order = np.argsort(np.concatenate([first.ids, second.ids]), kind="stable")
    records = RecordColumns.gather([first, second], order)
    links = {kind: LinkColumns(*(None if a is None else np.concatenate([a, b])[order]
                                 for a, b in ((link.bits, second_links[kind].bits),
                                              (link.primary, second_links[kind].primary))))
             for kind, link in first_links.items()}
    return records, links


def _links_at(links: dict[str, LinkColumns], rows: np.ndarray) -> dict[str, LinkColumns]:
    return {kind: LinkColumns(link.bits[rows], None if link.primary is None
                              else link.primary[rows]) for kind, link in links.items()}


def _merged_sources(old: pa.DictionaryArray, fresh: pa.DictionaryArray, splice: Splice
                    ) -> pa.DictionaryArray:
    """The source column of the result: previous codes kept, fresh names added to the end."""
    names = old.dictionary.to_pylist()
    position = {name: i for i, name in enumerate(names)}
    for name in fresh.dictionary.to_pylist():
        if name not in position:
            position[name] = len(names)
            names.append(name)
    remap = np.array([position[n] for n in fresh.dictionary.to_pylist()] or [0], np.int32)
    fresh_codes = remap[fresh.indices.to_numpy(zero_copy_only=False)]
    codes = splice.numpy(old.indices.to_numpy(zero_copy_only=False).astype(np.int32,
                                                                            copy=False),
                         fresh_codes.astype(np.int32))
    return pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(names, pa.string()))


def update_public_data(engine: Engine, taxonomy: Taxonomy, old: PublicData,
                       min_cell: int) -> PublicData | None:
    """``old`` brought up to date with the store by reading only what changed.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    taxonomy : Taxonomy
    old : PublicData
        The previous data (of a full build or an update).
    min_cell : int
        The small-cell threshold member records are generalised with.

    Returns
    -------
    PublicData or None
        With :attr:`PublicData.changes` saying what differs from ``old``; None when much
        changed (above :data:`data.snapshot.build.MAX_CHANGED_SHARE`) or the store holds a
        change an update cannot see (the count or id sum of public records differs):
        rebuild then.
    """
    started = now_us()
    changed, max_id = read_records(engine, taxonomy, public_only=False, after_id=old.max_id,
                                   since_us=old.since_us)
    if len(changed) > MAX_CHANGED_SHARE * max(len(old.records.ids), 1) + 1000:
        return None
    ids = old.records.ids
    at = np.minimum(np.searchsorted(ids, changed.ids), max(len(ids) - 1, 0))
    removed = at[ids[at] == changed.ids] if len(ids) else at[:0]
    fresh = changed.take(changed.public)
    listed = fresh.ids[fresh.ids <= old.max_id]
    fresh_links = read_links(engine, taxonomy, fresh.ids, after_id=old.max_id, listed=listed)
    slugs = source_slugs(engine)
    touched = (old.records.policy[removed] == MEMBER).any() or (changed.policy == MEMBER).any()
    if touched:  # every published member record again, as stored, projected together
        others = np.setdiff1d(np.flatnonzero(old.records.policy == MEMBER), removed)
        stored, _ = read_records(engine, taxonomy, ids=ids[others])
        if not np.array_equal(stored.ids, ids[others]):
            return None  # changed meanwhile
        fresh, fresh_links = _merge(fresh, fresh_links, stored, _links_at(old.links, others))
        removed = np.union1d(removed, others)
        countries = tuple(c.iso2 for c in taxonomy.countries())
        fresh, fresh_source = project_members(fresh, stored_sources(fresh, slugs), countries,
                                               fresh_links, min_cell)
    else:  # member records keep their projection; the fresh records are public as stored
        fresh_source = stored_sources(fresh, slugs)
    count = len(ids) - len(removed) + len(fresh.ids)
    total = int(ids.sum()) - int(ids[removed].sum()) + int(fresh.ids.sum())
    if public_count(engine) != (count, total):
        return None
    splice = Splice(ids, removed, fresh.ids, base=old)
    records = splice.columns(old.records, fresh)
    links = {kind: splice.columns(link, fresh_links[kind]) for kind, link in old.links.items()}
    source = _merged_sources(old.source, fresh_source, splice)
    withdrawn = np.setdiff1d(ids[removed], fresh.ids).size > 0
    if withdrawn:  # the newest edit may have left with it: ask the store
        newest = newest_edit(engine)
    else:  # every edit since is among the fresh records
        newest = max((v for v in (old.newest, newest_edit(engine, fresh.ids, old.max_id))
                      if v is not None), default=None)
    return PublicData(records, links, source, max(max_id, old.max_id), started - MARGIN_US,
                      newest, changes=splice)
