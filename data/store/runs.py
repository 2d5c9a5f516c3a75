"""What the store says about its ingest runs, read cheaply for monitoring (``/metrics``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from data.store.schema import ingest_runs


@dataclass(frozen=True)
class RunCount:
    """The ingest runs of one status.

    Attributes
    ----------
    status : str
        ``running``, ``done``, ``failed`` or ``undone``.
    runs : int
    last_finished : datetime.datetime or None
        When the latest of them finished (None when none did).
    """

    status: str
    runs: int
    last_finished: dt.datetime | None


def ingest_run_counts(engine: Engine) -> list[RunCount]:
    """The ingest runs recorded in the store, counted by status (one grouped query).

    Parameters
    ----------
    engine : sqlalchemy.Engine

    Returns
    -------
    list of RunCount
        One per status that occurs, in the order of the statuses' names.
    """
    query = (select(ingest_runs.c.status, func.count(), func.max(ingest_runs.c.finished_at))
             .group_by(ingest_runs.c.status).order_by(ingest_runs.c.status))
    with engine.connect() as conn:
        return [RunCount(status, runs, _aware(last)) for status, runs, last in conn.execute(query)]


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is not None and moment.tzinfo is None:  # SQLite keeps no zone: stored as UTC
        return moment.replace(tzinfo=dt.UTC)
    return moment
