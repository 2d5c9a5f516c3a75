"""Password hashing (Argon2id) and the password rules accounts must meet."""

from __future__ import annotations

from functools import cache

MIN_LENGTH = 12
MAX_LENGTH = 256
#: Passwords refused outright (a tiny list of the commonest; length does most of the work).
COMMON = frozenset({
    "password1234", "123456789012", "qwertyuiopas", "passwordpassword", "iloveyou1234",
    "incidentmap1", "incidentmap123", "letmein12345", "administrator", "welcome12345",
})


class PasswordRejected(ValueError):
    """A new password that breaks a rule; the message says which and how to fix it."""


@cache
def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()  # Argon2id with the library's current (RFC 9106) parameters


def check_rules(password: str, *, email: str = "") -> None:
    """Raise :class:`PasswordRejected` unless ``password`` may be used.

    Parameters
    ----------
    password : str
    email : str, optional
        The account's e-mail address: the password may not contain its local part.
    """
    if len(password) < MIN_LENGTH:
        raise PasswordRejected(f"use at least {MIN_LENGTH} characters (a few unrelated words "
                               "make a strong, memorable password)")
    if len(password) > MAX_LENGTH:
        raise PasswordRejected(f"use at most {MAX_LENGTH} characters")
    lowered = password.lower()
    if lowered in COMMON or len(set(lowered)) < 5:
        raise PasswordRejected("this password is too easy to guess; choose another")
    local = email.split("@", 1)[0].lower()
    if len(local) >= 4 and local in lowered:
        raise PasswordRejected("the password must not contain your e-mail address")


def hash_password(password: str) -> str:
    """The Argon2id hash (PHC string, salt and parameters included) of ``password``."""
    return _hasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True when ``password`` matches the ``stored`` hash (constant-time; False for None)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if not stored:
        _hasher().hash(password)  # spend the same time as a real check: no user enumeration
        return False
    try:
        return _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True when ``stored`` was made with weaker parameters than today's defaults."""
    return _hasher().check_needs_rehash(stored)
