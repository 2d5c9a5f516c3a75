"""Accounts on both backends: creation, one-time links, passwords, rate limits.

The second factor is tests/data/people/test_two_factor.py."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from data.people.accounts import (
    AccountError,
    add_organisation,
    add_user,
    change_password,
    get_user,
    issue_password_link,
    redeem_password_link,
    set_active,
)
from data.people.logins import (
    MAX_ACCOUNT_FAILURES,
    MAX_ADDRESS_FAILURES,
    WINDOW,
    LoginThrottled,
    authenticate,
)
from data.people.passwords import PasswordRejected, check_rules
from data.store.schema import account_tokens, users

GOOD = "correct horse battery staple"


@pytest.fixture
def org(engine):
    add_organisation(engine, "ngo-athens", "An NGO in Athens", "GR")
    return "ngo-athens"


def _account(engine, email="ana@example.org", role="reporter", org="ngo-athens") -> int:
    add_user(engine, email, role, org)
    redeem_password_link(engine, issue_password_link(engine, email), GOOD)
    return get_user(engine, email=email).id


def test_accounts_start_without_a_password_and_links_are_single_use(engine, org):
    add_user(engine, " Ana@Example.org ", "reporter", org, "Ana")
    user = get_user(engine, email="ana@example.org")
    assert (user.role, user.name, user.totp_enabled) == ("reporter", "Ana", False)
    assert authenticate(engine, "ana@example.org", "", "10.0.0.1").user is None
    token = issue_password_link(engine, "ana@example.org")
    with engine.connect() as conn:
        stored = conn.execute(select(account_tokens.c.token_hash)).scalars().all()
        hashes = conn.execute(select(users.c.password_hash)).scalars().all()
    assert token not in stored  # only its hash is kept
    with pytest.raises(PasswordRejected, match="at least 12"):
        redeem_password_link(engine, token, "short")
    redeem_password_link(engine, token, GOOD)  # a rejected password did not spend the link
    with pytest.raises(AccountError, match="not valid any more"):
        redeem_password_link(engine, token, GOOD + "!")
    assert hashes == [None]
    assert authenticate(engine, "ANA@example.org", GOOD, "10.0.0.1").user.id == user.id


def test_a_new_link_cancels_the_old_one_and_links_expire(engine, org):
    add_user(engine, "ana@example.org", "reporter", org)
    old = issue_password_link(engine, "ana@example.org")
    new = issue_password_link(engine, "ana@example.org")
    with pytest.raises(AccountError):
        redeem_password_link(engine, old, GOOD)
    with engine.begin() as conn:
        conn.execute(account_tokens.update().values(
            expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)))
    with pytest.raises(AccountError):
        redeem_password_link(engine, new, GOOD)


@pytest.mark.parametrize(("call", "message"), [
    (lambda e: add_user(e, "not-an-address", "reporter", "ngo-athens"), "not an e-mail"),
    (lambda e: add_user(e, "a@example.org", "superuser", None), "role"),
    (lambda e: add_user(e, "a@example.org", "reporter", None), "belongs to an organisation"),
    (lambda e: add_user(e, "a@example.org", "reporter", "nobody"), "no organisation"),
    (lambda e: add_organisation(e, "X", "x", "GR"), "slug"),
    (lambda e: add_organisation(e, "ngo-athens", "again", "GR"), "already exists"),
    (lambda e: add_organisation(e, "ngo-two", "Two", "Greece"), "alpha-2"),
])
def test_bad_requests_say_what_is_wrong(engine, org, call, message):
    with pytest.raises(AccountError, match=message):
        call(engine)


def test_duplicate_accounts_are_refused(engine, org):
    add_user(engine, "ana@example.org", "reporter", org)
    with pytest.raises(AccountError, match="already exists"):
        add_user(engine, "ANA@example.org", "moderator", None)


@pytest.mark.parametrize(("password", "message"), [
    ("short", "at least"), ("password1234", "too easy"), ("aaaaaaaaaaaaaaaa", "too easy"),
    ("x" * 300, "at most"), ("my ana.kostas secret phrase", "e-mail"),
])
def test_password_rules(password, message):
    with pytest.raises(PasswordRejected, match=message):
        check_rules(password, email="ana.kostas@example.org")


def test_password_change_needs_the_current_one_and_ends_other_sessions(engine, org):
    user_id = _account(engine)
    before = get_user(engine, user_id=user_id).session_version
    with pytest.raises(AccountError, match="current password"):
        change_password(engine, user_id, "wrong wrong wrong", "another long passphrase")
    change_password(engine, user_id, GOOD, "another long passphrase")
    assert get_user(engine, user_id=user_id).session_version > before
    assert authenticate(engine, "ana@example.org", GOOD, "10.0.0.2").user is None
    assert authenticate(engine, "ana@example.org", "another long passphrase",
                        "10.0.0.2").user is not None


def test_disabled_accounts_cannot_log_in(engine, org):
    _account(engine)
    set_active(engine, "ana@example.org", False)
    assert authenticate(engine, "ana@example.org", GOOD, "10.0.0.3").user is None


def test_failures_lock_the_account_for_a_window_even_with_the_right_password(engine, org):
    _account(engine)
    now = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
    for i in range(MAX_ACCOUNT_FAILURES):
        assert authenticate(engine, "ana@example.org", "guess", f"10.1.0.{i}",
                            now=now).user is None
    with pytest.raises(LoginThrottled) as throttled:
        authenticate(engine, "ana@example.org", GOOD, "10.1.0.99", now=now)
    assert 0 < throttled.value.retry_after <= WINDOW.total_seconds()
    later = now + WINDOW + dt.timedelta(seconds=1)
    assert authenticate(engine, "ana@example.org", GOOD, "10.1.0.99", now=later).user


def test_one_address_trying_many_accounts_is_throttled(engine, org):
    now = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
    for i in range(MAX_ADDRESS_FAILURES):
        authenticate(engine, f"user{i}@example.org", "guess", "10.9.9.9", now=now)
    with pytest.raises(LoginThrottled):
        authenticate(engine, "someone-else@example.org", "guess", "10.9.9.9", now=now)
    assert authenticate(engine, "nobody@example.org", "guess", "10.9.9.8", now=now).user is None
