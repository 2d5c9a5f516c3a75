"""Request counters shared by every worker process of one machine: the API's rate limit.

A fixed window per client: the first request of a client in a window starts its count, each
further one adds to it, and once the count passes the limit the client is refused until the
window ends. The counts live in a small SQLite file of their own in the instance folder (not in
the store: a PostgreSQL store would take a write per API request, and the counts are worth
nothing after a minute), so the gunicorn workers of one machine share them: one atomic
``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` per request, about a tenth of a millisecond.

When the counter file cannot be written (a full disk, a lock held too long) the request is let
through and the failure logged: a broken limiter must not take the API down.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

#: Windows older than this many windows are deleted now and then.
KEEP_WINDOWS = 2
#: One request in this many also deletes old windows.
CLEAN_EVERY = 500


@dataclass(frozen=True)
class Decision:
    """The answer for one request.

    Attributes
    ----------
    allowed : bool
    limit : int
        Requests a client may make per window.
    remaining : int
        Requests left in this window after this one.
    retry_after : int
        Seconds until the window ends (when refused: when to try again).
    """

    allowed: bool
    limit: int
    remaining: int
    retry_after: int


class RateLimiter:
    """Count requests per client key in fixed windows, across the processes sharing ``path``.

    Parameters
    ----------
    path : pathlib.Path
        The counter file (created with its folder; mode 600).
    window_s : int
        The window's length in seconds.
    """

    def __init__(self, path: Path, window_s: int = 60):
        self.path = Path(path)
        self.window_s = window_s
        self._local = threading.local()
        self._hits = 0

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=1.0, isolation_level=None)
            self.path.chmod(0o600)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=OFF")  # counts are worth nothing after a crash
            conn.execute("CREATE TABLE IF NOT EXISTS hits (key TEXT NOT NULL, window INTEGER "
                         "NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (key, window))")
            self._local.conn = conn
        return conn

    def hit(self, key: str, limit: int, now: float | None = None) -> Decision:
        """Count one request of ``key`` and say whether it may go on.

        Parameters
        ----------
        key : str
            Who is counted (a client address, a token's id); never stored beyond two windows.
        limit : int
            Requests allowed per window (0: no limit).
        now : float, optional
            Seconds since the epoch (tests).

        Returns
        -------
        Decision
        """
        now = time.time() if now is None else now
        window = int(now // self.window_s)
        retry_after = max(1, int((window + 1) * self.window_s - now + 0.999))
        if limit <= 0:
            return Decision(True, 0, 0, retry_after)
        try:
            conn = self._connection()
            count = conn.execute(
                "INSERT INTO hits (key, window, count) VALUES (?, ?, 1) ON CONFLICT (key, window) "
                "DO UPDATE SET count = count + 1 RETURNING count", (key, window)).fetchone()[0]
            self._hits += 1
            if self._hits % CLEAN_EVERY == 0:
                conn.execute("DELETE FROM hits WHERE window < ?", (window - KEEP_WINDOWS,))
        except (sqlite3.Error, OSError) as exc:
            log.warning("rate limit counters at %s unusable, request let through: %s",
                        self.path, exc)
            return Decision(True, limit, limit, retry_after)
        return Decision(count <= limit, limit, max(0, limit - count), retry_after)
