"""Login sessions kept on the server: started at login, ended at logout or with the account.

The browser's cookie carries only an opaque random id (:func:`start_session` returns it);
the store keeps its SHA-256, so a copy of the table lets nobody take over a session. A row
also holds the account, the account's ``session_version`` at login and three times. A session
is valid while (:func:`ended_because`)

* it has not ended: logout ends it (:func:`end_session`); :func:`end_sessions` ends every
  session of an account;
* the account is active and its ``users.session_version`` is still the one the session
  started with: a password change, disabling the account, a second-factor reset and a new
  second-factor set-up bump it, which ends every session of the account at once;
* it was used within the idle timeout and started within the absolute lifetime
  (:class:`Limits`, from ``INCIDENTMAP_SESSION_IDLE_MINUTES`` and ``INCIDENTMAP_SESSION_HOURS``).

No IP address and no user agent are kept: ending sessions needs neither, and both would be
personal data (where staff of member organisations work from, which devices they use), who
are targets of the same people as the victims. ``last_seen_at`` is written at most once per
:data:`TOUCH_EVERY`, so that reading pages does not turn every request into a write. Rows that
can never be valid again are deleted at each login and by ``incidentmap retention run``
(:func:`purge_sessions`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, insert, or_, select, update

from data.people.accounts import USER_COLUMNS, User, user_from_row
from data.store.schema import user_sessions, users

#: ``last_seen_at`` is written again only when it is older than this.
TOUCH_EVERY = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Limits:
    """How long a session lasts: ``idle`` without a request, ``lifetime`` from login."""

    idle: dt.timedelta
    lifetime: dt.timedelta

    @classmethod
    def from_settings(cls, settings) -> Limits:
        """The limits of ``settings`` (``session_idle_minutes``, ``session_hours``)."""
        return cls(dt.timedelta(minutes=settings.session_idle_minutes),
                   dt.timedelta(hours=settings.session_hours))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives back naive UTC times; PostgreSQL aware ones."""
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None \
        else value


def token_hash(token: str) -> str:
    """What the store keeps of a session id: its SHA-256 (hex)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def ended_because(*, created: dt.datetime, last_seen: dt.datetime, ended: dt.datetime | None,
                  started_version: int, account_version: int, active: bool,
                  now: dt.datetime, limits: Limits) -> str | None:
    """Why a session is over, or None while it is valid.

    Returns
    -------
    str or None
        ``ended`` (logged out or ended on purpose), ``account`` (disabled, or its session
        version moved on: password change, second-factor reset or set-up), ``idle`` (no
        request within ``limits.idle``), ``lifetime`` (started more than
        ``limits.lifetime`` ago), else None.
    """
    if ended is not None:
        return "ended"
    if not active or started_version != account_version:
        return "account"
    if now - _aware(created) >= limits.lifetime:
        return "lifetime"
    if now - _aware(last_seen) >= limits.idle:
        return "idle"
    return None


def start_session(engine: Engine, user: User, now: dt.datetime | None = None) -> str:
    """Start a session for ``user``; returns its id, for the cookie only (never stored).

    The session carries the account's current ``session_version``: bumping it ends it.
    """
    now = now or _now()
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(insert(user_sessions).values(
            token_hash=token_hash(token), user_id=user.id,
            session_version=user.session_version, created_at=now, last_seen_at=now))
    return token


def session_user(engine: Engine, token: str, limits: Limits,
                 now: dt.datetime | None = None) -> User | None:
    """The account of the valid session ``token``, else None; notes that it was used.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    token : str
        The session id from the cookie.
    limits : Limits
    now : datetime, optional
        For tests.

    Returns
    -------
    data.people.accounts.User or None
        None for an unknown, ended or expired session (:func:`ended_because`).
    """
    now = now or _now()
    query = (select(*USER_COLUMNS, user_sessions.c.id.label("sid"),
                    user_sessions.c.session_version.label("started_version"),
                    user_sessions.c.created_at, user_sessions.c.last_seen_at,
                    user_sessions.c.ended_at)
             .join(users, users.c.id == user_sessions.c.user_id)
             .where(user_sessions.c.token_hash == token_hash(token)))
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None or ended_because(
            created=row.created_at, last_seen=row.last_seen_at, ended=row.ended_at,
            started_version=row.started_version, account_version=row.session_version,
            active=bool(row.active), now=now, limits=limits):
        return None
    if now - _aware(row.last_seen_at) >= TOUCH_EVERY:
        with engine.begin() as conn:
            conn.execute(update(user_sessions).where(
                user_sessions.c.id == row.sid, user_sessions.c.last_seen_at < now)
                .values(last_seen_at=now))
    return user_from_row(row)


def end_session(engine: Engine, token: str, now: dt.datetime | None = None) -> bool:
    """End the session ``token`` (logout); True when it was still open."""
    with engine.begin() as conn:
        done = conn.execute(update(user_sessions).where(
            user_sessions.c.token_hash == token_hash(token), user_sessions.c.ended_at.is_(None))
            .values(ended_at=now or _now()))
    return done.rowcount > 0


def end_sessions(engine: Engine, user_id: int, now: dt.datetime | None = None) -> int:
    """End every session of account ``user_id`` (bumps its ``session_version`` too).

    For an admin who ends someone's sessions, a breach, or any change of credentials that
    does not already bump the version. Returns how many open sessions it ended.
    """
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == user_id)
                     .values(session_version=users.c.session_version + 1))
        done = conn.execute(update(user_sessions).where(
            user_sessions.c.user_id == user_id, user_sessions.c.ended_at.is_(None))
            .values(ended_at=now or _now()))
    return done.rowcount


def _dead(limits: Limits, now: dt.datetime):
    """SQL condition: a session row that can never be valid again."""
    account = select(users.c.id).where(
        users.c.id == user_sessions.c.user_id, users.c.active.is_(True),
        users.c.session_version == user_sessions.c.session_version).exists()
    return or_(user_sessions.c.ended_at.is_not(None),
               user_sessions.c.created_at <= now - limits.lifetime,
               user_sessions.c.last_seen_at <= now - limits.idle, ~account)


def purge_sessions(engine: Engine, limits: Limits, now: dt.datetime | None = None,
                   dry_run: bool = False) -> int:
    """Delete the session rows that can never be valid again; returns how many there were.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    limits : Limits
    now : datetime, optional
        For tests.
    dry_run : bool
        Count them; delete nothing.
    """
    where = _dead(limits, now or _now())
    with engine.begin() as conn:
        due = conn.execute(select(func.count()).select_from(user_sessions).where(where)).scalar()
        if due and not dry_run:
            conn.execute(delete(user_sessions).where(where))
    return int(due)


def open_sessions(engine: Engine, user_id: int, limits: Limits,
                  now: dt.datetime | None = None) -> int:
    """How many valid sessions account ``user_id`` has (for the account page and tests)."""
    now = now or _now()
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(user_sessions).where(
            user_sessions.c.user_id == user_id, ~_dead(limits, now))).scalar())
