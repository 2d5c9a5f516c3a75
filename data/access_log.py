"""The record-access log: who read member records beyond the public projection, and when.

Append-only (DESIGN §5: researchers' downloads are logged). Nothing here updates or deletes;
admins read it with :func:`recent_access`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, insert, select

from data.schema import record_access, users


def log_access(engine: Engine, *, user_id: int, role: str, kind: str, query: str,
               records: int, data_release: str) -> None:
    """Append one entry.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    user_id : int
        The reader.
    role : str
        The role the records were shown under.
    kind : str
        ``api-page``, ``table-page`` or a download format.
    query : str
        The filter and paging as a query string.
    records : int
        How many records the answer holds.
    data_release : str
        The release the records came from.
    """
    with engine.begin() as conn:
        conn.execute(insert(record_access).values(
            at=dt.datetime.now(dt.UTC), user_id=user_id, role=role, kind=kind[:32],
            query=query, records=records, data_release=data_release))


def recent_access(engine: Engine, limit: int = 1000) -> pd.DataFrame:
    """The newest ``limit`` entries with the reader's e-mail, newest first."""
    stmt = (select(record_access.c.at, users.c.email, record_access.c.role,
                   record_access.c.kind, record_access.c.query, record_access.c.records,
                   record_access.c.data_release)
            .join(users, users.c.id == record_access.c.user_id)
            .order_by(record_access.c.id.desc()).limit(limit))
    with engine.connect() as conn:
        return pd.DataFrame([tuple(r) for r in conn.execute(stmt)],
                            columns=["at", "email", "role", "kind", "query", "records",
                                     "data_release"])
