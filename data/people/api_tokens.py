"""Personal API tokens: scripts read ``/api/v1`` as their owner, without a browser cookie.

A token is 32 random bytes (URL-safe text after the prefix :data:`PREFIX`), shown once when
it is made; only its SHA-256 is stored. A token reads, in its owner's projection, what the
owner may read through the API, and nothing else: it is refused by every route that changes
anything and by the Dash callbacks (``dashboard.auth.bearer``). Only roles allowed
``use_api_token`` (:mod:`data.privacy.roles`) make and use them; every use is written to the
access log with the token's id (:mod:`data.people.access_log`).

A token stops working when its owner revokes it, when it expires (optional), when the account
is disabled, or when the account's role may no longer use tokens.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, insert, select, update

from data.people.accounts import User, get_user
from data.privacy.roles import can
from data.store.schema import api_tokens

#: The start of every token: lets secret scanners (and people) recognise one.
PREFIX = "imt_"
MAX_NAME = 100
#: The latest expiry date a token may be given, from today (without one it lasts until revoked).
MAX_LIFETIME = dt.timedelta(days=5 * 365)
#: Tokens one account may hold at once (not revoked, not expired).
MAX_TOKENS = 20


class TokenError(ValueError):
    """A token cannot be made or revoked; the message says why.

    ``args[0]`` is the message with ``{fields}`` and ``values`` fills them (so that pages
    can translate the message); ``str()`` gives it filled.
    """

    def __init__(self, message: str, **values):
        super().__init__(message)
        self.values = values

    def __str__(self) -> str:
        return self.args[0].format(**self.values)


class TokenRefused(Exception):
    """A token presented to the API is not accepted; the message says why (for the caller)."""


@dataclass(frozen=True)
class ApiToken:
    """A token as its owner's page lists it (never the token itself)."""

    id: int
    user_id: int
    name: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    def state(self, now: dt.datetime) -> str:
        """``active``, ``expired`` or ``revoked``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and _aware(self.expires_at) <= now:
            return "expired"
        return "active"


COLUMNS = (api_tokens.c.id, api_tokens.c.user_id, api_tokens.c.name, api_tokens.c.created_at,
           api_tokens.c.expires_at, api_tokens.c.last_used_at, api_tokens.c.revoked_at)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)  # SQLite keeps naive UTC


def _token(row) -> ApiToken:
    return ApiToken(int(row.id), int(row.user_id), row.name, _aware(row.created_at),
                    _aware(row.expires_at), _aware(row.last_used_at), _aware(row.revoked_at))


def token_hash(token: str) -> str:
    """The stored form of ``token`` (hex SHA-256)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(engine: Engine, user: User, name: str, expires: dt.date | None = None,
                 now: dt.datetime | None = None) -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns it and its secret text (shown once, never stored).

    Parameters
    ----------
    engine : sqlalchemy.Engine
    user : data.people.accounts.User
        Must be allowed ``use_api_token``.
    name : str
        What the owner calls it (1 to :data:`MAX_NAME` characters).
    expires : datetime.date, optional
        The last day it works (it stops at the end of that day, UTC); None: until revoked.
    now : datetime, optional
        For tests.

    Raises
    ------
    TokenError
        The role may not use tokens, the name is empty or too long, the date is past, or
        the account holds :data:`MAX_TOKENS` working tokens already.
    """
    now = now or dt.datetime.now(dt.UTC)
    if not can(user, "use_api_token"):
        raise TokenError("your role does not use API tokens")
    name = " ".join(name.split())
    if not name:
        raise TokenError("give the token a name, e.g. the script that will use it")
    if len(name) > MAX_NAME:
        raise TokenError("a token's name has at most {limit} characters", limit=MAX_NAME)
    until = None
    if expires is not None and expires > (now + MAX_LIFETIME).date():
        raise TokenError("the expiry date is more than {years} years away; give an earlier "
                         "one or none", years=MAX_LIFETIME.days // 365)
    if expires is not None:
        until = dt.datetime.combine(expires + dt.timedelta(days=1), dt.time(), dt.UTC)
        if until <= now:
            raise TokenError("the expiry date is in the past; give a later one or none")
    if sum(t.state(now) == "active" for t in list_tokens(engine, user.id)) >= MAX_TOKENS:
        raise TokenError("you have {limit} working tokens; revoke one first",
                         limit=MAX_TOKENS)
    secret = PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        token_id = conn.execute(insert(api_tokens).values(
            user_id=user.id, name=name, token_hash=token_hash(secret), created_at=now,
            expires_at=until)).inserted_primary_key[0]
    return ApiToken(int(token_id), user.id, name, now, until, None, None), secret


def list_tokens(engine: Engine, user_id: int) -> list[ApiToken]:
    """The tokens of an account, newest first (revoked ones too)."""
    query = select(*COLUMNS).where(api_tokens.c.user_id == user_id) \
        .order_by(api_tokens.c.id.desc())
    with engine.connect() as conn:
        return [_token(row) for row in conn.execute(query)]


def revoke_token(engine: Engine, user_id: int, token_id: int,
                 now: dt.datetime | None = None) -> ApiToken:
    """Revoke one of the account's tokens (at once, for every later request).

    Raises
    ------
    TokenError
        The account has no such token (another account's token counts as none).
    """
    now = now or dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        conn.execute(update(api_tokens).where(
            api_tokens.c.id == token_id, api_tokens.c.user_id == user_id,
            api_tokens.c.revoked_at.is_(None)).values(revoked_at=now))
        row = conn.execute(select(*COLUMNS).where(api_tokens.c.id == token_id,
                                                  api_tokens.c.user_id == user_id)).first()
    if row is None:
        raise TokenError("there is no such token on your account")
    return _token(row)


def revoke_all(engine: Engine, user_id: int, now: dt.datetime | None = None) -> int:
    """Revoke every working token of an account; returns how many."""
    now = now or dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        done = conn.execute(update(api_tokens).where(
            api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now))
    return int(done.rowcount)


def authenticate_token(engine: Engine, secret: str,
                       now: dt.datetime | None = None) -> tuple[User, ApiToken]:
    """The owner and the token of a secret presented to the API; records the use.

    The token is found by its hash (an index lookup: the hash of a guess tells nothing about
    the stored ones) and compared again in constant time.

    Raises
    ------
    TokenRefused
        Unknown, revoked or expired token; disabled account; a role that may not use tokens.
    """
    now = now or dt.datetime.now(dt.UTC)
    wanted = token_hash(secret.strip())
    with engine.connect() as conn:
        row = conn.execute(select(*COLUMNS, api_tokens.c.token_hash)
                           .where(api_tokens.c.token_hash == wanted)).first()
    if row is None or not hmac.compare_digest(row.token_hash, wanted):
        raise TokenRefused("this API token is not known; create one on your account page")
    token = _token(row)
    owner = get_user(engine, user_id=token.user_id)
    state = token.state(now)
    if state != "active":
        raise TokenRefused(f"this API token was {state} on "
                           f"{(token.revoked_at or token.expires_at):%Y-%m-%d}; create a new "
                           "one on your account page")
    if not owner.active:
        raise TokenRefused("the account of this API token is disabled")
    if not can(owner, "use_api_token"):
        raise TokenRefused("the role of this API token's account does not use API tokens")
    with engine.begin() as conn:
        conn.execute(update(api_tokens).where(api_tokens.c.id == token.id)
                     .values(last_used_at=now))
    return owner, token
