"""Organisations and user accounts: creation, one-time password links, password changes.

Nobody types a password on a command line or in an e-mail: an admin creates the account and
hands over a one-time link (valid for :data:`LINK_LIFETIME`), and the user chooses the
password there. Only a SHA-256 of the link's token is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from data.people.passwords import check_rules, hash_password, verify_password
from data.privacy.roles import ACCOUNT_ROLES, needs_second_factor, roles_that_can
from data.records.bounds import column_limits, describe, too_long
from data.store.schema import account_tokens, organisations, users

LINK_LIFETIME = dt.timedelta(days=3)
#: Why a one-time password link was made: handed over by an admin, or asked for by e-mail.
PURPOSES = ("set_password", "reset_password")
#: The one answer for a link that is unknown, used, replaced or expired.
LINK_SPENT = "this link is not valid any more; ask for a new one on the login page or from an admin"
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class User:
    """An account as the app needs it (never the password hash or the TOTP secret)."""

    id: int
    email: str
    name: str
    role: str
    organisation_id: int | None
    totp_enabled: bool
    active: bool
    session_version: int

    def needs_totp(self, own_organisation_exempt: bool = False) -> bool:
        """True when the account must log in with a second factor.

        Parameters
        ----------
        own_organisation_exempt : bool, optional
            ``INCIDENTMAP_REPORTER_TWO_FACTOR`` off: roles that read personal data of their
            own organisation only are exempt (:func:`data.privacy.roles.needs_second_factor`).
        """
        return needs_second_factor(self.role, own_organisation_exempt)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normalise_email(email: str) -> str:
    """The stored form of an address (trimmed, lower case); raises AccountError if malformed."""
    cleaned = email.strip().lower()
    if not EMAIL.match(cleaned) or len(cleaned) > 254:
        raise AccountError(f"{email!r} is not an e-mail address")
    return cleaned


def _bounded(table, **typed: str) -> None:
    """Refuse typed values longer than their columns (:mod:`data.records.bounds`)."""
    found = too_long(typed, column_limits(table, typed))
    if found:
        raise AccountError(describe(found))


def add_organisation(engine: Engine, slug: str, name: str, country: str,
                     public_name: bool = False) -> int:
    """Create a member organisation; returns its id.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    slug : str
        Short lower-case name (letters, digits, hyphens), used in URLs and the CLI.
    name : str
        Full name.
    country : str
        ISO 3166-1 alpha-2 code of the member state it works in.
    public_name : bool
        Whether its name may appear in public outputs (otherwise "an organisation in XX").
    """
    if not SLUG.match(slug):
        raise AccountError(f"slug {slug!r}: use 3-64 lower-case letters, digits and hyphens")
    if not name.strip():
        raise AccountError("give the organisation's name")
    _bounded(organisations, name=name)
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise AccountError(f"country {country!r}: give an ISO alpha-2 code such as DE")
    try:
        with engine.begin() as conn:
            return int(conn.execute(insert(organisations).values(
                slug=slug, name=name.strip(), country=country,
                public_name_opt_in=public_name)).inserted_primary_key[0])
    except IntegrityError as exc:
        raise AccountError(f"an organisation with slug {slug!r} already exists") from exc


def organisation_id(engine: Engine, slug: str) -> int:
    """Id of the organisation ``slug``; raises AccountError when there is none."""
    with engine.connect() as conn:
        found = conn.execute(select(organisations.c.id).where(organisations.c.slug == slug))
        value = found.scalar()
    if value is None:
        raise AccountError(f"no organisation {slug!r}; list them with: incidentmap orgs list")
    return int(value)


def organisation_slug(engine: Engine, organisation: int) -> str:
    """The slug of the organisation with id ``organisation``.

    Raises
    ------
    sqlalchemy.exc.NoResultFound
        When there is no such organisation.
    """
    with engine.connect() as conn:
        return conn.execute(select(organisations.c.slug).where(
            organisations.c.id == organisation)).scalar_one()


def add_user(engine: Engine, email: str, role: str, organisation: str | None = None,
             name: str = "") -> int:
    """Create an account without a password; returns its id (then issue a link).

    Reporters belong to an organisation; researchers, moderators and admins may too.
    """
    address = normalise_email(email)
    _bounded(users, name=name)
    if role not in ACCOUNT_ROLES:
        raise AccountError(f"role {role!r}: choose one of {', '.join(ACCOUNT_ROLES)}")
    org_id = organisation_id(engine, organisation) if organisation else None
    if role in roles_that_can("needs_organisation") and org_id is None:
        raise AccountError(f"a {role} belongs to an organisation: give --org SLUG")
    try:
        with engine.begin() as conn:
            return int(conn.execute(insert(users).values(
                email=address, name=name.strip(), role=role, organisation_id=org_id,
                created_at=_now())).inserted_primary_key[0])
    except IntegrityError as exc:
        raise AccountError(f"an account for {address} already exists") from exc


USER_COLUMNS = (users.c.id, users.c.email, users.c.name, users.c.role, users.c.organisation_id,
                users.c.totp_enabled, users.c.active, users.c.session_version)


def user_from_row(row) -> User:
    """A :class:`User` from a row holding :data:`USER_COLUMNS`."""
    return User(int(row.id), row.email, row.name, row.role, row.organisation_id,
                bool(row.totp_enabled), bool(row.active), int(row.session_version))


def get_user(engine: Engine, user_id: int | None = None, email: str | None = None) -> User | None:
    """The account with this id or e-mail address, or None."""
    query = select(*USER_COLUMNS)
    if user_id is not None:
        query = query.where(users.c.id == user_id)
    elif email is not None:
        query = query.where(users.c.email == email.strip().lower())
    else:
        raise TypeError("give user_id or email")
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return user_from_row(row) if row else None


def list_users(engine: Engine) -> list[tuple[User, str | None, bool]]:
    """Every account with its organisation's slug and whether a password is set."""
    query = (select(*USER_COLUMNS, organisations.c.slug, users.c.password_hash.isnot(None))
             .select_from(users.outerjoin(organisations))
             .order_by(users.c.email))
    with engine.connect() as conn:
        return [(user_from_row(row), row[-2], bool(row[-1])) for row in conn.execute(query)]


def issue_password_link(engine: Engine, email: str, *, purpose: str = "set_password",
                        lifetime: dt.timedelta = LINK_LIFETIME) -> str:
    """A new one-time token for choosing a password; older unused tokens stop working.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    email : str
        The account's address.
    purpose : {"set_password", "reset_password"}, optional
        A link an admin hands over, or one the account's owner asked for by e-mail
        (:mod:`data.people.password_reset`). Both are redeemed the same way.
    lifetime : datetime.timedelta, optional
        How long the link works (default :data:`LINK_LIFETIME`).

    Returns
    -------
    str
        The token, to be put in a link (``/account/password?token=...``). Only its hash is
        stored, so it cannot be shown again.
    """
    if purpose not in PURPOSES:
        raise ValueError(f"purpose {purpose!r}: choose one of {', '.join(PURPOSES)}")
    user = get_user(engine, email=normalise_email(email))
    if user is None:
        raise AccountError(f"no account for {email}; create it with: incidentmap users add")
    token = secrets.token_urlsafe(32)
    now = _now()
    with engine.begin() as conn:
        conn.execute(update(account_tokens).where(
            account_tokens.c.user_id == user.id, account_tokens.c.used_at.is_(None))
            .values(used_at=now))
        conn.execute(insert(account_tokens).values(
            user_id=user.id, purpose=purpose, token_hash=_token_hash(token),
            created_at=now, expires_at=now + lifetime))
    return token


def redeem_password_link(engine: Engine, token: str, password: str) -> User:
    """Set the password of the token's account and spend the token.

    Every session of the account ends (its ``session_version`` goes up); logging in again
    still asks for the second factor where the role needs one.

    Raises
    ------
    AccountError
        When the token is unknown, used or expired (one message for all three).
    data.people.passwords.PasswordRejected
        When the password breaks a rule (the token stays valid).
    """
    now = _now()
    with engine.begin() as conn:
        row = conn.execute(select(account_tokens.c.id, account_tokens.c.user_id,
                                  account_tokens.c.expires_at, account_tokens.c.used_at)
                           .where(account_tokens.c.token_hash == _token_hash(token))).first()
        expires = row.expires_at if row else None
        if expires is not None and expires.tzinfo is None:
            expires = expires.replace(tzinfo=dt.UTC)  # SQLite keeps naive UTC
        if row is None or row.used_at is not None or expires < now:
            raise AccountError(LINK_SPENT)
        email = conn.execute(select(users.c.email).where(users.c.id == row.user_id)).scalar()
        check_rules(password, email=email)
        spent = conn.execute(update(account_tokens).where(
            account_tokens.c.id == row.id, account_tokens.c.used_at.is_(None))
            .values(used_at=now))
        if spent.rowcount != 1:  # a parallel request spent it first: single use holds
            raise AccountError(LINK_SPENT)
        _store_password(conn, row.user_id, password)
    return get_user(engine, user_id=row.user_id)


def _store_password(conn, user_id: int, password: str) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(
        password_hash=hash_password(password),
        session_version=users.c.session_version + 1))


def change_password(engine: Engine, user_id: int, current: str, new: str) -> None:
    """Change a password after checking the current one; every other session ends."""
    with engine.begin() as conn:
        row = conn.execute(select(users.c.email, users.c.password_hash)
                           .where(users.c.id == user_id)).first()
        if row is None or not verify_password(row.password_hash, current):
            raise AccountError("the current password is not right")
        check_rules(new, email=row.email)
        _store_password(conn, user_id, new)


def set_active(engine: Engine, email: str, active: bool) -> None:
    """Enable or disable an account; disabling ends its sessions at once."""
    with engine.begin() as conn:
        done = conn.execute(update(users).where(users.c.email == normalise_email(email))
                            .values(active=active,
                                    session_version=users.c.session_version + 1))
    if done.rowcount == 0:
        raise AccountError(f"no account for {email}")


@dataclass(frozen=True)
class Organisation:
    """A member organisation as the admin page lists it."""

    id: int
    slug: str
    name: str
    country: str
    public_name: bool


@dataclass(frozen=True)
class AccountRow:
    """One line of the admin page's account list."""

    user: User
    organisation: str | None
    has_password: bool
    last_login_at: dt.datetime | None


def list_organisations(engine: Engine) -> list[Organisation]:
    """Every member organisation, by slug.

    Parameters
    ----------
    engine : sqlalchemy.Engine

    Returns
    -------
    list of Organisation
    """
    query = select(organisations.c.id, organisations.c.slug, organisations.c.name,
                   organisations.c.country, organisations.c.public_name_opt_in
                   ).order_by(organisations.c.slug)
    with engine.connect() as conn:
        return [Organisation(int(r.id), r.slug, r.name, r.country, bool(r.public_name_opt_in))
                for r in conn.execute(query)]


def list_accounts(engine: Engine) -> list[AccountRow]:
    """Every account with its organisation's slug, password state and last login.

    Parameters
    ----------
    engine : sqlalchemy.Engine

    Returns
    -------
    list of AccountRow
        By e-mail address.
    """
    query = (select(*USER_COLUMNS, organisations.c.slug.label("org_slug"),
                    users.c.password_hash.isnot(None).label("has_password"),
                    users.c.last_login_at)
             .select_from(users.outerjoin(organisations))
             .order_by(users.c.email))
    with engine.connect() as conn:
        return [AccountRow(user_from_row(r), r.org_slug, bool(r.has_password), r.last_login_at)
                for r in conn.execute(query)]
