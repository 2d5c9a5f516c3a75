"""One batch of raw rows made ready to store: normalised, identified, laid out by column.

:func:`prepare` does everything that needs no database, so it can run in a second process
(see :mod:`ingest.load.parallel`) while the first one writes the previous batch. Its result is
compact and picklable: the incident columns of the accepted rows, their code links, and only
for rows with issues what the report needs about them (clean rows are just counted).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from data.store.db import json_text
from ingest.load.write import record_ids
from ingest.normalise.record import Context, normalise_batch
from ingest.report import Issue
from ingest.sources.base import RawRow


@dataclass
class RowOutcome:
    """What the report needs about one row that has issues (rejected or noted)."""

    row: int
    original: dict
    issues: list[Issue]
    rejected: bool
    record_id: str


@dataclass
class PreparedBatch:
    """A batch ready for :func:`ingest.load.write.insert_prepared`.

    ``size`` rows were read; ``noted`` describes those with issues (rejected or not), in
    file order; ``accepted`` counts the rows normalisation accepted. ``columns`` holds the
    accepted rows' incident values column by column (``source_record_id`` included;
    ``raw_labels`` and ``quality_notes`` already as JSON text), ``links`` per kind
    ``(accepted index, position, code)`` and ``unrecognised`` ``(accepted index, kind,
    label)``.
    """

    size: int
    noted: list[RowOutcome]
    accepted: int
    columns: dict[str, list]
    links: dict[str, list[tuple[int, int, str]]]
    unrecognised: list[tuple[int, str, str]]
    seconds: Counter = field(default_factory=Counter)


def _json_by_identity(values: list) -> list[str | None]:
    """JSON text of each value, serialised once per distinct object (shared cached parts)."""
    done: dict[tuple, str | None] = {}
    out = []
    for value in values:
        key = tuple((kind, id(part)) for kind, part in value.items()) if value else ()
        if key not in done:
            done[key] = json_text(value or None)
        out.append(done[key])
    return out


def _notes(issues: list[Issue]) -> str | None:
    return json_text([{"code": p.code, "field": p.field, "value": p.value, "hint": p.hint}
                      for p in issues] or None)


def prepare(batch: list[RawRow], ctx: Context, seen: Counter) -> PreparedBatch:
    """Normalise ``batch`` and lay the accepted records out for storing.

    Parameters
    ----------
    batch : list of RawRow
    ctx : Context
        The run's normalisation context.
    seen : collections.Counter
        Occurrences of content-hash ids so far in this run (see
        :func:`ingest.load.write.record_ids`); updated.

    Returns
    -------
    PreparedBatch
        ``seconds`` holds the time spent under ``normalise`` and ``locate``.
    """
    seconds: Counter = Counter()
    started = time.perf_counter()
    results = normalise_batch(batch, ctx, seconds)
    ids = record_ids(batch, seen)
    noted, accepted = [], []
    for position, (result, record_id) in enumerate(zip(results, ids, strict=True)):
        if result.issues:
            noted.append(RowOutcome(result.raw.row, result.raw.original, result.issues,
                                    result.rejected, record_id))
        if not result.rejected:
            accepted.append(position)
    kept = [results[position] for position in accepted]
    values = [result.values for result in kept]
    names = {name for row in values for name in row}
    columns = {name: [row.get(name) for row in values] for name in names}
    columns["source_record_id"] = [ids[position] for position in accepted]
    columns["raw_labels"] = _json_by_identity([result.raw_labels for result in kept])
    columns["quality_notes"] = [_notes(result.issues) for result in kept]
    links = {kind: [(index, order, code)
                    for index, result in enumerate(kept)
                    for order, code in enumerate(result.codes.get(kind, []))]
             for kind in ctx.matchers}
    unrecognised = [(index, kind, label) for index, result in enumerate(kept)
                    for kind, label in result.unrecognised]
    seconds["normalise"] += time.perf_counter() - started
    return PreparedBatch(len(batch), noted, len(accepted), columns, links, unrecognised,
                         seconds)
