"""The second factor: TOTP enrolment, codes checked once and throttled, recovery codes, resets.

Secrets at rest
---------------
A TOTP secret is as good as the code it makes: whoever reads it from a copy of the database
(a backup, a dump for debugging) has the second factor of every account. So it is stored
encrypted (Fernet: AES-128-CBC + HMAC-SHA256) under a key derived from the **identity-vault
key** (``INCIDENTMAP_VAULT_KEY``, else the key kept in ``INSTANCE_DIR/vault_key``) with
HKDF-SHA256 and its own label. Why that key:

- it is the product's key for data at rest: operators already keep it apart from the
  database and back it up apart (docs/operations.md), so a stolen database alone opens
  neither the vault nor the second factors;
- it is a comma list whose first key encrypts and all decrypt, so rotating the vault key
  rotates this one too, without a second procedure;
- the session key (``INCIDENTMAP_SECRET_KEY``) is not used: it signs cookies, it is rotated
  to log everybody out, and rotating it must not also lock everybody out of their factor;
- the label (HKDF ``info``) keeps the two uses apart: a vault value cannot be passed off as a
  TOTP secret or the other way round.

A lost vault key makes the secrets unreadable: every account then needs an admin's
:func:`reset` and a new set-up. Secrets stored in plain base32 before migration 0014 keep
working and are encrypted the first time they are read.

Codes
-----
Every code typed is throttled like a password (:mod:`data.people.throttle`, kind ``code``):
recorded before it is checked, counted per account and per client address in one locked step.
A code is accepted for the 30-second step before, of and after the server's clock; the step
accepted is stored and a code of that step or an earlier one is refused (no replay), by a
conditional update, so two requests with the same code cannot both pass. One-time recovery
codes (:data:`RECOVERY_CODES` of them, shown once, stored as SHA-256) stand in for a code;
each use is written to the account-event log.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import pyotp
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Engine, delete, func, insert, or_, select, update

from data.people.account_events import record_event
from data.people.accounts import AccountError, User, normalise_email
from data.people.throttle import account_key, reserve, succeeded
from data.people.vault import VaultError, VaultLocked, vault_keys
from data.settings import Settings
from data.store.schema import recovery_codes, users

TOTP_ISSUER = "incidentmap"
#: Seconds per TOTP step (RFC 6238's default, what authenticator apps use).
STEP = 30
#: Recovery codes made at a time.
RECOVERY_CODES = 10
#: Letters of a recovery code: no 0/o, 1/l/i to misread.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
#: Characters of a recovery code (about 79 bits), shown in groups of four.
RECOVERY_LENGTH = 16
#: What the key derivation is for (HKDF ``info``); another label gives another key.
KEY_LABEL = b"incidentmap: TOTP secrets at rest"
#: The start of every Fernet token (version byte 0x80 in url-safe base64); a base32 secret,
#: upper case, never starts so.
TOKEN_START = "gAAAAA"


class SecretBox:
    """Encrypts and decrypts TOTP secrets with keys derived from the vault's keys.

    Parameters
    ----------
    keys : str
        The vault's comma list of Fernet keys: the first encrypts, all decrypt.
    """

    def __init__(self, keys: str):
        parts = [k.strip() for k in keys.split(",") if k.strip()]
        if not parts:
            raise VaultError("no vault key: set INCIDENTMAP_VAULT_KEY")
        try:
            self._fernet = MultiFernet([Fernet(_derive(key)) for key in parts])
        except (ValueError, UnicodeEncodeError) as exc:
            raise VaultError("INCIDENTMAP_VAULT_KEY holds a key that is not a Fernet key "
                             "(32 url-safe base64-encoded bytes; make one with "
                             "`incidentmap vault new-key`)") from exc

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        """The box of ``settings``: keys from the vault's (configured, else kept)."""
        return cls(vault_keys(settings))

    def seal(self, secret: str) -> str:
        """The stored form of a base32 ``secret``."""
        return self._fernet.encrypt(secret.encode("ascii")).decode("ascii")

    def open(self, stored: str) -> str:
        """The base32 secret of a stored value (a plain one, from before 0014, as it is).

        Raises
        ------
        data.people.vault.VaultLocked
            None of the keys opens it (a lost or wrong vault key: reset the factor).
        """
        if not is_sealed(stored):
            return stored
        try:
            return self._fernet.decrypt(stored.encode("ascii")).decode("ascii")
        except InvalidToken as exc:
            raise VaultLocked("the configured vault keys do not open this account's second "
                              "factor; an admin can reset it") from exc


def _derive(key: str) -> bytes:
    raw = base64.urlsafe_b64decode(key.encode("ascii"))
    if len(raw) != 32:
        raise ValueError("not a Fernet key")
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_LABEL).derive(raw)
    return base64.urlsafe_b64encode(derived)


def is_sealed(stored: str) -> bool:
    """True when a stored secret is encrypted (a Fernet token), False for plain base32."""
    return stored.startswith(TOKEN_START)


@dataclass(frozen=True)
class Enrolment:
    """A set-up under way: the secret to type into an app, and the same as an otpauth URI."""

    secret: str
    uri: str


@dataclass(frozen=True)
class CodeCheck:
    """What :func:`check_code` found.

    Attributes
    ----------
    ok : bool
        The code (or recovery code) was right and not used before.
    recovery_codes : tuple of str
        New recovery codes, to show once: the factor was turned on by this code.
    recovery_code_used : bool
        A recovery code stood in for the one-time code.
    codes_left : int
        Unused recovery codes left.
    """

    ok: bool
    recovery_codes: tuple[str, ...] = ()
    recovery_code_used: bool = False
    codes_left: int = 0


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


def _uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)


def start(engine: Engine, box: SecretBox, user_id: int) -> Enrolment:
    """Begin (or restart) enrolment: a new secret, the factor off until confirmed.

    Every session of the account ends (its session version is bumped), the last used step
    and the recovery codes are forgotten. The secret is stored encrypted only.
    """
    secret = pyotp.random_base32()
    with engine.begin() as conn:
        email = conn.execute(select(users.c.email).where(users.c.id == user_id)).scalar_one()
        conn.execute(update(users).where(users.c.id == user_id).values(
            totp_secret=box.seal(secret), totp_enabled=False, totp_last_step=None,
            session_version=users.c.session_version + 1))
        conn.execute(delete(recovery_codes).where(recovery_codes.c.user_id == user_id))
    return Enrolment(secret, _uri(secret, email))


@dataclass(frozen=True)
class _Stored:
    secret: str | None
    sealed: str | None
    email: str
    enabled: bool


def _stored_secret(engine: Engine, box: SecretBox, user_id: int) -> _Stored:
    """The account's secret as stored; a plain one is encrypted in the store on the way."""
    with engine.connect() as conn:
        row = conn.execute(select(users.c.email, users.c.totp_secret, users.c.totp_enabled)
                           .where(users.c.id == user_id)).first()
    if row is None or not row.totp_secret:
        return _Stored(None, None, row.email if row else "", False)
    sealed = row.totp_secret
    if not is_sealed(sealed):
        sealed = box.seal(row.totp_secret)
        with engine.begin() as conn:
            done = conn.execute(update(users).where(users.c.id == user_id,
                                                    users.c.totp_secret == row.totp_secret)
                                .values(totp_secret=sealed)).rowcount
        if done != 1:  # another request sealed it first (or a reset came): read it again
            return _stored_secret(engine, box, user_id)
    return _Stored(box.open(sealed), sealed, row.email, bool(row.totp_enabled))


def enrolment(engine: Engine, box: SecretBox, user_id: int) -> Enrolment:
    """The set-up under way (secret and otpauth URI), starting one if there is none."""
    stored = _stored_secret(engine, box, user_id)
    if stored.secret:
        return Enrolment(stored.secret, _uri(stored.secret, stored.email))
    return start(engine, box, user_id)


def matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """The step (before, now or after ``now``) whose code ``code`` is, or None; no replay check.

    Parameters
    ----------
    secret : str
        Base32 TOTP secret.
    code : str
        Six digits.
    now : datetime

    Returns
    -------
    int or None
        The latest matching step number (Unix time // :data:`STEP`).
    """
    totp, current = pyotp.TOTP(secret), int(now.timestamp()) // STEP
    found = None
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.at(step * STEP), code):
            found = step
    return found


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def _clean_recovery(code: str) -> str:
    return "".join(c for c in code.lower() if c in RECOVERY_ALPHABET)


def _make_codes(conn, user_id: int, now: dt.datetime) -> tuple[str, ...]:
    codes = tuple("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
                  for _ in range(RECOVERY_CODES))
    conn.execute(delete(recovery_codes).where(recovery_codes.c.user_id == user_id))
    conn.execute(insert(recovery_codes), [
        {"user_id": user_id, "code_hash": _code_hash(code), "created_at": now}
        for code in codes])
    return tuple("-".join(code[i:i + 4] for i in range(0, RECOVERY_LENGTH, 4))
                 for code in codes)


def _codes_left(conn, user_id: int) -> int:
    return int(conn.execute(select(func.count()).select_from(recovery_codes).where(
        recovery_codes.c.user_id == user_id, recovery_codes.c.used_at.is_(None))).scalar())


def recovery_codes_left(engine: Engine, user_id: int) -> int:
    """How many unused recovery codes the account has."""
    with engine.connect() as conn:
        return _codes_left(conn, user_id)


def check_code(engine: Engine, box: SecretBox, user: User, code: str, address: str,
               now: dt.datetime | None = None) -> CodeCheck:
    """Check a code typed at login (or at set-up, which turns the factor on).

    Parameters
    ----------
    engine : sqlalchemy.Engine
    box : SecretBox
    user : data.people.accounts.User
        The account whose password was right.
    code : str
        Six digits from the app, or (once the factor is on) a recovery code.
    address : str
        The client's IP address (throttling, the event log).
    now : datetime, optional
        For tests.

    Returns
    -------
    CodeCheck

    Raises
    ------
    data.people.throttle.LoginThrottled
        Too many wrong codes for the account or from the address: nothing was checked.
    """
    now = _now(now)
    attempt = reserve(engine, "code", account_key(user.email), address, now)
    cleaned = "".join(code.split())
    if cleaned.isdigit() and len(cleaned) == 6:
        return _check_totp(engine, box, user, cleaned, address, attempt, now)
    recovery = _clean_recovery(cleaned)
    if not user.totp_enabled or len(recovery) != RECOVERY_LENGTH:
        return CodeCheck(False)
    with engine.begin() as conn:
        spent = conn.execute(update(recovery_codes).where(
            recovery_codes.c.user_id == user.id, recovery_codes.c.used_at.is_(None),
            recovery_codes.c.code_hash == _code_hash(recovery)).values(used_at=now)).rowcount
        if spent != 1:
            return CodeCheck(False)
        left = _codes_left(conn, user.id)
        succeeded(conn, attempt)
        record_event(conn, user.id, "recovery_code_used", detail=f"{left} left",
                     address=address, now=now)
    return CodeCheck(True, recovery_code_used=True, codes_left=left)


def _check_totp(engine: Engine, box: SecretBox, user: User, code: str, address: str,
                attempt: int, now: dt.datetime) -> CodeCheck:
    stored = _stored_secret(engine, box, user.id)
    if not stored.secret:
        return CodeCheck(False)
    step = matching_step(stored.secret, code, now)
    if step is None:
        return CodeCheck(False)
    confirming = not stored.enabled
    with engine.begin() as conn:
        # one statement decides: a second request with the same step finds it used
        accepted = conn.execute(update(users).where(
            users.c.id == user.id, users.c.totp_secret == stored.sealed,
            users.c.totp_enabled == stored.enabled,
            or_(users.c.totp_last_step.is_(None), users.c.totp_last_step < step),
        ).values(totp_last_step=step, totp_enabled=True)).rowcount
        if accepted != 1:
            return CodeCheck(False)
        succeeded(conn, attempt)
        codes: tuple[str, ...] = ()
        if confirming:
            codes = _make_codes(conn, user.id, now)
            record_event(conn, user.id, "second_factor_on", address=address, now=now)
            record_event(conn, user.id, "recovery_codes_made",
                         detail=f"{len(codes)} codes", address=address, now=now)
        left = _codes_left(conn, user.id)
    return CodeCheck(True, recovery_codes=codes, codes_left=left)


def new_recovery_codes(engine: Engine, user_id: int, address: str = "",
                       now: dt.datetime | None = None) -> tuple[str, ...]:
    """Replace the account's recovery codes (used or not) by new ones; show them once.

    Raises
    ------
    data.people.accounts.AccountError
        The account has no second factor turned on.
    """
    now = _now(now)
    with engine.begin() as conn:
        enabled = conn.execute(select(users.c.totp_enabled)
                               .where(users.c.id == user_id)).scalar()
        if not enabled:
            raise AccountError("set up the second factor first")
        codes = _make_codes(conn, user_id, now)
        record_event(conn, user_id, "recovery_codes_made", detail=f"{len(codes)} codes",
                     address=address, now=now)
    return codes


def reset(engine: Engine, email: str, actor_id: int | None = None, address: str = "",
          now: dt.datetime | None = None) -> None:
    """An admin's reset of an account's second factor (a lost phone): audited.

    The secret, the last used step and the recovery codes are forgotten and every session of
    the account ends; its next login sets up a new factor.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    email : str
        The account's address.
    actor_id : int, optional
        The admin's account (None from the command line).
    address : str, optional
        The admin's client address.
    now : datetime, optional
        For tests.

    Raises
    ------
    data.people.accounts.AccountError
        No such account.
    """
    address_typed = normalise_email(email)
    with engine.begin() as conn:
        user_id = conn.execute(select(users.c.id)
                               .where(users.c.email == address_typed)).scalar()
        if user_id is None:
            raise AccountError(f"no account for {address_typed}")
        conn.execute(update(users).where(users.c.id == user_id).values(
            totp_secret=None, totp_enabled=False, totp_last_step=None,
            session_version=users.c.session_version + 1))
        conn.execute(delete(recovery_codes).where(recovery_codes.c.user_id == user_id))
        record_event(conn, user_id, "second_factor_reset", actor_id=actor_id,
                     detail="by an admin" if actor_id else "from the command line",
                     address=address, now=_now(now))


def required(user: User, settings: Settings) -> bool:
    """Whether ``user`` must give a code at login.

    Always once the account has a second factor on; otherwise when its role needs one under
    ``INCIDENTMAP_REPORTER_TWO_FACTOR`` (:meth:`data.people.accounts.User.needs_totp`).
    """
    return user.totp_enabled or user.needs_totp(
        own_organisation_exempt=not settings.reporter_two_factor)
