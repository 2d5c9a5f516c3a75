"""Logging in: password check with rate limits, and the TOTP second factor.

Every attempt is recorded (a hash of the address typed, the client address, the time and the
outcome). Too many failures for one account or from one address within :data:`WINDOW`
refuse further attempts until the window has passed, whatever the password. The answer for
a wrong password and for an unknown account is the same, and takes the same time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, insert, select, update

from data.people.accounts import USER_COLUMNS, User, user_from_row
from data.people.passwords import hash_password, needs_rehash, verify_password
from data.store.schema import login_attempts, users

WINDOW = dt.timedelta(minutes=15)
MAX_ACCOUNT_FAILURES = 5
MAX_ADDRESS_FAILURES = 20
#: Attempts older than this are deleted when new ones are recorded.
KEEP_ATTEMPTS = dt.timedelta(days=30)
TOTP_ISSUER = "incidentmap"


class LoginThrottled(Exception):
    """Too many failed attempts; ``retry_after`` seconds until the next may be made."""

    def __init__(self, retry_after: int):
        super().__init__(f"too many failed attempts; try again in {retry_after // 60 + 1} "
                         "minutes")
        self.retry_after = retry_after


@dataclass(frozen=True)
class LoginResult:
    """``user`` when the password was right (check ``needs_totp`` next), else None."""

    user: User | None


def _account_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _throttle(conn, key: str, address: str, now: dt.datetime) -> None:
    since = now - WINDOW
    for column, value, limit in ((login_attempts.c.account_key, key, MAX_ACCOUNT_FAILURES),
                                 (login_attempts.c.address, address, MAX_ADDRESS_FAILURES)):
        failures = conn.execute(
            select(func.count(), func.min(login_attempts.c.at)).where(
                column == value, login_attempts.c.at >= since,
                login_attempts.c.succeeded.is_(False))).first()
        if failures[0] >= limit:
            oldest = _aware(failures[1])
            raise LoginThrottled(max(1, int((oldest + WINDOW - now).total_seconds())))


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
    key = _account_key(email)
    with engine.begin() as conn:
        _throttle(conn, key, address, now)
        row = conn.execute(select(*USER_COLUMNS, users.c.password_hash)
                           .where(users.c.email == email.strip().lower())).first()
        stored = row.password_hash if row is not None and row.active else None
        ok = verify_password(stored, password)
        conn.execute(insert(login_attempts).values(account_key=key, address=address[:64],
                                                   at=now, succeeded=ok))
        conn.execute(delete(login_attempts).where(login_attempts.c.at < now - KEEP_ATTEMPTS))
        if not ok:
            return LoginResult(None)
        values = {"last_login_at": now}
        if needs_rehash(stored):
            values["password_hash"] = hash_password(password)
        conn.execute(update(users).where(users.c.id == row.id).values(**values))
    return LoginResult(user_from_row(row))


def start_totp(engine: Engine, user_id: int) -> tuple[str, str]:
    """Begin (or restart) TOTP enrolment; returns (secret, otpauth:// URI for an app).

    The factor is only required once :func:`confirm_totp` has seen a valid code.
    """
    import pyotp

    secret = pyotp.random_base32()
    with engine.begin() as conn:
        email = conn.execute(select(users.c.email).where(users.c.id == user_id)).scalar()
        conn.execute(update(users).where(users.c.id == user_id).values(
            totp_secret=secret, totp_enabled=False))
    uri = pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)
    return secret, uri


def totp_enrolment(engine: Engine, user_id: int) -> tuple[str, str]:
    """The enrolment under way (secret, otpauth URI), starting one if there is none."""
    import pyotp

    with engine.connect() as conn:
        row = conn.execute(select(users.c.email, users.c.totp_secret)
                           .where(users.c.id == user_id)).first()
    if row.totp_secret:
        uri = pyotp.TOTP(row.totp_secret).provisioning_uri(name=row.email,
                                                           issuer_name=TOTP_ISSUER)
        return row.totp_secret, uri
    return start_totp(engine, user_id)


def _secret(engine: Engine, user_id: int) -> str | None:
    with engine.connect() as conn:
        return conn.execute(select(users.c.totp_secret).where(users.c.id == user_id)).scalar()


def check_totp(engine: Engine, user_id: int, code: str,
               now: dt.datetime | None = None) -> bool:
    """True when ``code`` is the account's current one-time code (30 s steps, +-1 step)."""
    import pyotp

    secret = _secret(engine, user_id)
    cleaned = "".join(code.split())
    if not secret or not cleaned.isdigit() or len(cleaned) != 6:
        return False
    return pyotp.TOTP(secret).verify(cleaned, for_time=now, valid_window=1)


def confirm_totp(engine: Engine, user_id: int, code: str) -> bool:
    """Turn the second factor on once the user proves their app shows the right code.

    A new second factor ends every earlier session of the account (its session version moves).
    """
    if not check_totp(engine, user_id, code):
        return False
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == user_id).values(
            totp_enabled=True, session_version=users.c.session_version + 1))
    return True
