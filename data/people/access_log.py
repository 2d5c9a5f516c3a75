"""The record-access log: who read member records beyond the public projection, and when.

Append-only (DESIGN §5: researchers' downloads are logged; migration 0011 adds triggers that
refuse UPDATE and DELETE). Every read of restricted data is an entry: researchers' record
level answers (and every request made with a personal API token, marked with the token's
id), a record's account or vault shown to its organisation or a moderator, an
attachment downloaded, a subject-access export. Admins read it with :func:`recent_access`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, insert, select

from data.store.schema import record_access, users

#: Record ids are listed for reads of up to this many records; larger downloads are named by
#: their query and data release, which select exactly the same records again.
MAX_LISTED_IDS = 1000


def log_access(engine: Engine, *, user_id: int, role: str, kind: str, query: str,
               records: int, data_release: str, record_ids=(), fields=(),
               token_id: int | None = None) -> None:
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
        The release the records came from (``live`` for reads of the store itself).
    record_ids : sequence of str, optional
        Public ids of the records read (kept when there are at most
        :data:`MAX_LISTED_IDS`).
    fields : sequence of str, optional
        The restricted fields the answer showed.
    token_id : int, optional
        The personal API token the request came with (:mod:`data.people.api_tokens`); None
        for a browser session.
    """
    ids = [str(i) for i in record_ids]
    with engine.begin() as conn:
        conn.execute(insert(record_access).values(
            at=dt.datetime.now(dt.UTC), user_id=user_id, role=role, kind=kind[:32],
            query=query, records=records, data_release=data_release,
            record_ids=",".join(ids) if len(ids) <= MAX_LISTED_IDS else "",
            fields=",".join(fields), token_id=token_id))


def recent_access(engine: Engine, limit: int = 1000) -> pd.DataFrame:
    """The newest ``limit`` entries with the reader's e-mail, newest first.

    ``token_id`` is the personal API token a read was made with (None: a browser session).
    """
    stmt = (select(record_access.c.at, users.c.email, record_access.c.role,
                   record_access.c.kind, record_access.c.query, record_access.c.records,
                   record_access.c.data_release, record_access.c.record_ids,
                   record_access.c.fields, record_access.c.token_id)
            .join(users, users.c.id == record_access.c.user_id)
            .order_by(record_access.c.id.desc()).limit(limit))
    with engine.connect() as conn:
        return pd.DataFrame([tuple(r) for r in conn.execute(stmt)],
                            columns=["at", "email", "role", "kind", "query", "records",
                                     "data_release", "record_ids", "fields", "token_id"])


def record_reads(engine: Engine, public_id: str) -> list[dict]:
    """Entries whose listed records include ``public_id``, oldest first (subject access)."""
    stmt = (select(record_access.c.at, users.c.email, record_access.c.role,
                   record_access.c.kind, record_access.c.fields, record_access.c.record_ids)
            .join(users, users.c.id == record_access.c.user_id)
            .where(record_access.c.record_ids.contains(public_id))
            .order_by(record_access.c.id))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return [{"at": r.at.isoformat() if r.at else None, "who": r.email, "role": r.role,
             "kind": r.kind, "fields": r.fields or ""}
            for r in rows if public_id in (r.record_ids or "").split(",")]
