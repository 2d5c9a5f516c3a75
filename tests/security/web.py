"""Helpers of the security tests: sessions without a password."""

from __future__ import annotations

import re

from dashboard.context import EXTENSION_KEY
from data.people.accounts import add_user, get_user
from data.people.sessions import start_session

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def start(client, engine, user, csrf: str) -> str:
    """Give ``client`` the session a completed login leaves for ``user``; returns its id.

    The session is started on the server (:func:`data.people.sessions.start_session`); the
    cookie holds its id and the CSRF token ``csrf``, as :func:`dashboard.auth.sessions.log_in`
    leaves them.
    """
    token = start_session(engine, user)
    with client.session_transaction() as session:
        session.clear()
        session.update(sid=token, csrf=csrf)
        session.permanent = True
    return token


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
    start(client, engine, user, token)
    return token


def client_as(app, user=None, csrf: str = "t" * 32):
    """A test client of the Dash ``app``, logged in as ``user`` when given.

    The session is the one a completed login leaves (a session on the server, its id and a
    CSRF token ``csrf`` in the cookie); passwords and second factors are tested elsewhere.
    """
    client = app.server.test_client()
    if user is not None:
        start(client, app.server.extensions[EXTENSION_KEY].engine, user, csrf)
    return client
