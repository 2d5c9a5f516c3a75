"""Helpers of the security tests: sessions without a password."""

from __future__ import annotations

import re

from data.people.accounts import add_user, get_user

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def log_in_as(client, engine, email: str, role: str | None = None,
              organisation: str | None = None) -> str:
    """Start a session for ``email`` in ``client`` (creating the account when ``role``).

    Returns the session's CSRF token. The password and second factor are tested elsewhere
    (tests/dashboard/views/test_accounts_web.py); here only what a valid session may do matters.
    """
    if role is not None and get_user(engine, email=email) is None:
        add_user(engine, email, role, organisation)
    user = get_user(engine, email=email)
    token = f"csrf-{user.id}-test-token"
    with client.session_transaction() as session:
        session.clear()
        session.update(user_id=user.id, version=user.session_version, csrf=token)
        session.permanent = True
    return token


def client_as(app, user=None, csrf: str = "t" * 32):
    """A test client of the Dash ``app``, logged in as ``user`` when given.

    The session is the one a completed login leaves (the user's id, session version and a
    CSRF token ``csrf``); passwords and second factors are tested elsewhere.
    """
    client = app.server.test_client()
    if user is not None:
        with client.session_transaction() as session:
            session.update(user_id=user.id, version=user.session_version, csrf=csrf)
    return client
