"""Logging in: the password check, throttled per account and per client address.

Every check is recorded (a hash of the address typed, the client address, the time and the
outcome) by :mod:`data.people.throttle`, which counts the recent failures and records the try
in one locked step: too many failures for one account or from one address within
:data:`WINDOW` refuse further attempts until the window has passed, whatever the password,
even when the tries arrive all at once. The answer for a wrong password and for an unknown
account is the same, and takes the same time. The second factor is
:mod:`data.people.two_factor`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, select, update

from data.people.accounts import USER_COLUMNS, User, user_from_row
from data.people.passwords import hash_password, needs_rehash, verify_password
from data.people.throttle import (
    KEEP_ATTEMPTS,
    MAX_ACCOUNT_FAILURES,
    MAX_ADDRESS_FAILURES,
    WINDOW,
    LoginThrottled,
    account_key,
    reserve,
    succeeded,
)
from data.store.schema import users

__all__ = ["KEEP_ATTEMPTS", "MAX_ACCOUNT_FAILURES", "MAX_ADDRESS_FAILURES", "WINDOW",
           "LoginResult", "LoginThrottled", "authenticate"]


@dataclass(frozen=True)
class LoginResult:
    """``user`` when the password was right (then ask :mod:`data.people.two_factor`)."""

    user: User | None


def authenticate(engine: Engine, email: str, password: str, address: str,
                 now: dt.datetime | None = None) -> LoginResult:
    """Check an e-mail address and password typed on the login form.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    email, password : str
        As typed.
    address : str
        The client's IP address (rate limiting).
    now : datetime, optional
        For tests.

    Raises
    ------
    LoginThrottled
        When the account or the address has too many recent failures.
    """
    now = now or dt.datetime.now(dt.UTC)
    attempt = reserve(engine, "password", account_key(email), address, now)
    with engine.connect() as conn:
        row = conn.execute(select(*USER_COLUMNS, users.c.password_hash)
                           .where(users.c.email == email.strip().lower())).first()
    stored = row.password_hash if row is not None and row.active else None
    if not verify_password(stored, password):
        return LoginResult(None)
    values = {"last_login_at": now}
    if needs_rehash(stored):
        values["password_hash"] = hash_password(password)
    with engine.begin() as conn:
        succeeded(conn, attempt)
        conn.execute(update(users).where(users.c.id == row.id).values(**values))
    return LoginResult(user_from_row(row))
