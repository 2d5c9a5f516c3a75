"""Named write locks: a transaction that nobody else holding the same name runs beside.

Counting rows and then adding one (the login throttle: "fewer than five failures? then record
this try") is a race when two requests count at the same moment: both see four and both go
on. :func:`exclusive` makes the count and the insert one step for everybody asking for the
same name:

- PostgreSQL: a transaction-scoped advisory lock per name (``pg_advisory_xact_lock``), taken
  in a fixed order so two callers naming the same locks cannot deadlock; released at commit.
- SQLite: one writer at a time anyway, so the transaction is opened with ``BEGIN IMMEDIATE``
  (the write lock is taken before the first read, not at the first write) and waits up to
  :data:`SQLITE_BUSY_MS` for it, so concurrent callers queue instead of failing with
  "database is locked". The names do not matter there: every such transaction is exclusive.

Keep what runs inside short (a count and an insert): on SQLite every other write waits.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator

from sqlalchemy import Connection, Engine, text

#: How long a SQLite write waits for the lock before failing, in milliseconds.
SQLITE_BUSY_MS = 30_000


def lock_number(name: str) -> int:
    """The signed 64-bit number PostgreSQL's advisory lock uses for ``name``."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big", signed=True)


@contextlib.contextmanager
def exclusive(engine: Engine, *names: str) -> Iterator[Connection]:
    """A connection in a transaction holding the write locks ``names``; commits on success.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    *names : str
        What is locked, e.g. ``"password:account:<key>"``.

    Yields
    ------
    sqlalchemy.Connection
        Inside the transaction; an exception rolls it back (and releases the locks).
    """
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
            conn.commit()
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif engine.dialect.name == "postgresql":
            for number in sorted({lock_number(name) for name in names}):
                conn.execute(text("SELECT pg_advisory_xact_lock(:n)"), {"n": number})
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
