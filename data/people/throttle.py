"""The guessing throttle shared by passwords and second-factor codes.

Every real check of a secret (a password, a one-time code, a recovery code) is recorded
*before* it is made, as a failure, in the same locked step that counts the recent failures
(:func:`data.store.locks.exclusive`, per account and per client address), and turned into a
success afterwards if the secret was right. So however many tries arrive at once, at most
:data:`MAX_ACCOUNT_FAILURES` real checks of one kind run for one account within
:data:`WINDOW` (and :data:`MAX_ADDRESS_FAILURES` from one address); the others are refused
with :class:`LoginThrottled` without looking at the secret. A check interrupted half-way
counts as a failure.

Passwords and codes are counted apart (``kind``): a user who mistypes their password does
not lose code tries, and the other way round.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import Engine, delete, func, insert, select, update

from data.store.locks import exclusive
from data.store.schema import login_attempts

WINDOW = dt.timedelta(minutes=15)
MAX_ACCOUNT_FAILURES = 5
MAX_ADDRESS_FAILURES = 20
#: Attempts older than this are deleted when new ones are recorded.
KEEP_ATTEMPTS = dt.timedelta(days=30)
#: What is checked: a password, or a second-factor code (a one-time or a recovery code).
KINDS = ("password", "code")


class LoginThrottled(Exception):
    """Too many failed attempts; ``retry_after`` seconds until the next may be made."""

    def __init__(self, retry_after: int):
        super().__init__(f"too many failed attempts; try again in {retry_after // 60 + 1} "
                         "minutes")
        self.retry_after = retry_after


def account_key(email: str) -> str:
    """What the throttle counts an account by: a SHA-256 of the address as typed, trimmed."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def reserve(engine: Engine, kind: str, key: str, address: str,
            now: dt.datetime | None = None) -> int:
    """Count recent failures and, below the limits, record this try as a failure.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    kind : str
        One of :data:`KINDS`.
    key : str
        The account's :func:`account_key`.
    address : str
        The client's IP address.
    now : datetime, optional
        For tests.

    Returns
    -------
    int
        The attempt's id, for :func:`succeeded` when the secret proves right.

    Raises
    ------
    LoginThrottled
        When the account or the address has too many recent failures of ``kind``.
    """
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r}: choose one of {', '.join(KINDS)}")
    now = now or dt.datetime.now(dt.UTC)
    address = address[:64]
    since = now - WINDOW
    with exclusive(engine, f"{kind}:account:{key}", f"{kind}:address:{address}") as conn:
        for column, value, limit in ((login_attempts.c.account_key, key, MAX_ACCOUNT_FAILURES),
                                     (login_attempts.c.address, address, MAX_ADDRESS_FAILURES)):
            failures = conn.execute(
                select(func.count(), func.min(login_attempts.c.at)).where(
                    column == value, login_attempts.c.kind == kind,
                    login_attempts.c.at >= since,
                    login_attempts.c.succeeded.is_(False))).first()
            if failures[0] >= limit:
                oldest = _aware(failures[1])
                raise LoginThrottled(max(1, int((oldest + WINDOW - now).total_seconds())))
        attempt = conn.execute(insert(login_attempts).values(
            account_key=key, address=address, at=now, succeeded=False, kind=kind)
        ).inserted_primary_key[0]
        conn.execute(delete(login_attempts).where(login_attempts.c.at < now - KEEP_ATTEMPTS))
    return int(attempt)


def succeeded(conn, attempt: int) -> None:
    """Mark the try :func:`reserve` recorded as a success (inside the caller's transaction)."""
    conn.execute(update(login_attempts).where(login_attempts.c.id == attempt)
                 .values(succeeded=True))
