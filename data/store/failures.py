"""Database failures told in plain words: what went wrong and what an operator can do.

The command line prints these instead of a traceback and the web app answers 503 with them;
neither ever shows the database URL or a password (only the driver's first line of text).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError


@dataclass(frozen=True)
class StoreFailure:
    """A classified database failure.

    Attributes
    ----------
    kind : {"unavailable", "disk_full", "read_only", "other"}
    reason : str
        The driver's own first line (no URL, no parameters).
    hint : str
        What to do about it, in one sentence.
    """

    kind: str
    reason: str
    hint: str

    @property
    def temporary(self) -> bool:
        """True when retrying later may succeed without anyone acting (a restart, a failover)."""
        return self.kind == "unavailable"

    def __str__(self) -> str:
        return f"database {LABELS[self.kind]}: {self.reason}. {self.hint}"


LABELS = {
    "unavailable": "unavailable",
    "disk_full": "out of disk space",
    "read_only": "is read-only",
    "other": "error",
}

# (kind, lower-case fragments of the driver's message); the first match wins.
PATTERNS = (
    ("disk_full", ("database or disk is full", "no space left on device",
                   "could not extend file", "disk full")),
    ("read_only", ("readonly database", "read-only transaction", "read only transaction",
                   "read-only file system", "read-only database")),
    ("unavailable", ("connection refused", "could not connect", "server closed the connection",
                     "terminating connection", "the database system is shutting down",
                     "the database system is starting up", "connection is closed",
                     "connection already closed", "database is locked", "timeout expired",
                     "no connection to the server", "ssl connection has been closed",
                     "consuming input failed")),
)

HINTS = {
    "disk_full": "Free space on the disk that holds the database (or grow the volume); "
                 "nothing was written",
    "read_only": "The database or its folder is read-only: check the file permissions, the "
                 "mount, or the server's default_transaction_read_only setting; nothing was "
                 "written",
    "unavailable": "The database server is down or restarting; try again in a moment",
    "other": "Nothing was written; see the server log for the statement that failed",
}


def first_line(exc: BaseException) -> str:
    """The driver's first line of text for ``exc`` (no SQL, no parameters, no URL)."""
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip().splitlines()
    return text[0].rstrip(".") if text else type(original).__name__


def classify(exc: BaseException) -> StoreFailure | None:
    """Classify a database error; None when ``exc`` is not one.

    Parameters
    ----------
    exc : BaseException

    Returns
    -------
    StoreFailure or None
    """
    if not isinstance(exc, database_errors()):
        return None
    reason = first_line(exc)
    lowered = reason.lower()
    for kind, fragments in PATTERNS:
        if any(fragment in lowered for fragment in fragments):
            return StoreFailure(kind, reason, HINTS[kind])
    if isinstance(exc, DisconnectionError) or getattr(exc, "connection_invalidated", False):
        return StoreFailure("unavailable", reason, HINTS["unavailable"])
    if isinstance(exc, OperationalError) or type(exc).__name__ == "OperationalError":
        return StoreFailure("other", reason, HINTS["other"])
    return None


def database_errors() -> tuple[type[BaseException], ...]:
    """Every exception class a database failure arrives as: SQLAlchemy's and the drivers'.

    What callers outside the data layer catch (the command line, the web app's 503 handler),
    so that they need not know SQLAlchemy.
    """
    return (DBAPIError, DisconnectionError, *driver_errors())


def driver_errors() -> tuple[type[BaseException], ...]:
    """The DB-API drivers' own base errors (raised where a raw cursor is used)."""
    import sqlite3

    errors: list[type[BaseException]] = [sqlite3.Error]
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return tuple(errors)
    errors.append(psycopg.Error)
    return tuple(errors)
