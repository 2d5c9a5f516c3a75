"""Personal API tokens on both backends: made, stored hashed, checked, revoked."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from data.people.accounts import add_organisation, add_user, get_user, set_active
from data.people.api_tokens import (
    MAX_NAME,
    PREFIX,
    TokenError,
    TokenRefused,
    authenticate_token,
    create_token,
    list_tokens,
    revoke_all,
    revoke_token,
)
from data.store.schema import api_tokens, users

NOW = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def researcher(engine):
    add_user(engine, "res@example.org", "researcher")
    return get_user(engine, email="res@example.org")


def test_a_token_is_shown_once_and_stored_as_a_hash(engine, researcher):
    token, secret = create_token(engine, researcher, "  nightly   download ", now=NOW)
    assert secret.startswith(PREFIX) and len(secret) > 40 and token.name == "nightly download"
    with engine.connect() as conn:
        stored = conn.execute(select(api_tokens)).one()._mapping
    assert secret not in {str(v) for v in stored.values()}
    owner, found = authenticate_token(engine, secret, now=NOW + dt.timedelta(minutes=1))
    assert owner.email == "res@example.org" and found.id == token.id
    [listed] = list_tokens(engine, researcher.id)
    assert listed.last_used_at == NOW + dt.timedelta(minutes=1)
    assert listed.state(NOW) == "active"


def test_refusals_say_why(engine, researcher):
    _token, secret = create_token(engine, researcher, "a", now=NOW)
    with pytest.raises(TokenRefused, match="not known"):
        authenticate_token(engine, secret + "x")
    with pytest.raises(TokenRefused, match="not known"):
        authenticate_token(engine, "")
    set_active(engine, "res@example.org", False)
    with pytest.raises(TokenRefused, match="disabled"):
        authenticate_token(engine, secret)
    set_active(engine, "res@example.org", True)
    authenticate_token(engine, secret)
    with engine.begin() as conn:  # the admin changed the role
        conn.execute(update(users).values(role="moderator"))
    with pytest.raises(TokenRefused, match="role"):
        authenticate_token(engine, secret)


def test_expiry_ends_at_the_end_of_the_last_day(engine, researcher):
    _token, secret = create_token(engine, researcher, "a", expires=dt.date(2026, 12, 3),
                                  now=NOW)
    authenticate_token(engine, secret, now=dt.datetime(2026, 12, 3, 23, 59, tzinfo=dt.UTC))
    with pytest.raises(TokenRefused, match="expired on 2026-12-04"):
        authenticate_token(engine, secret, now=dt.datetime(2026, 12, 4, tzinfo=dt.UTC))
    with pytest.raises(TokenError, match="in the past"):
        create_token(engine, researcher, "b", expires=dt.date(2026, 11, 30), now=NOW)


def test_revoked_tokens_stop_at_once_and_only_their_owner_revokes_them(engine, researcher):
    token, secret = create_token(engine, researcher, "a", now=NOW)
    add_user(engine, "other@example.org", "researcher")
    other = get_user(engine, email="other@example.org")
    with pytest.raises(TokenError, match="no such token"):
        revoke_token(engine, other.id, token.id)
    authenticate_token(engine, secret)
    assert revoke_token(engine, researcher.id, token.id).revoked_at is not None
    with pytest.raises(TokenRefused, match="revoked"):
        authenticate_token(engine, secret)
    _t2, second = create_token(engine, researcher, "b")
    _t3, third = create_token(engine, researcher, "c")
    assert revoke_all(engine, researcher.id) == 2
    for secret in (second, third):
        with pytest.raises(TokenRefused, match="revoked"):
            authenticate_token(engine, secret)


def test_only_roles_allowed_use_api_token_make_tokens(engine, researcher):
    add_organisation(engine, "ngo-athens", "An NGO in Athens", "GR")
    for email, role, org in (("mod@example.org", "moderator", None),
                             ("rep@example.org", "reporter", "ngo-athens"),
                             ("adm@example.org", "admin", None)):
        add_user(engine, email, role, org)
        with pytest.raises(TokenError, match="role"):
            create_token(engine, get_user(engine, email=email), "a")


@pytest.mark.parametrize(("name", "message"), [
    ("   ", "give the token a name"),
    ("x" * (MAX_NAME + 1), f"at most {MAX_NAME} characters"),
])
def test_names_are_checked(engine, researcher, name, message):
    with pytest.raises(TokenError, match=message):
        create_token(engine, researcher, name)
