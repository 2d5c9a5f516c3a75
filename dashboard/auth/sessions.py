"""Who is logged in: server-side sessions, CSRF tokens and role checks for write routes.

The session cookie is signed with the app's secret key, HttpOnly and SameSite=Lax (Secure
when ``INCIDENTMAP_SECURE_COOKIES`` is set, as it must be behind HTTPS). A logged-in
browser's cookie holds only an opaque random session id and the CSRF token; the session
itself lives in the store (:mod:`data.people.sessions`), so logging out, a password change,
disabling the account or a second-factor reset or set-up end it on the server, whatever
copies of the cookie exist. An anonymous visitor's cookie holds only what the login needs
(the form's CSRF token, then the account waiting for its second factor).

The cookie is sent only when the session changes (login, logout, a CSRF token first
needed, an ended session cleared), never again on every response: public pages, the
geometry and static files carry no ``Set-Cookie``.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from functools import wraps
from pathlib import Path

import flask

from dashboard.context import current
from data.people.accounts import User
from data.people.sessions import Limits, end_session, purge_sessions, session_user, start_session
from data.privacy.roles import can
from data.store.kept_secrets import kept_secret

#: The cookie's key holding the server-side session's id.
SESSION_ID = "sid"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


def secret_key(configured: str, instance_dir: Path) -> str:
    """The configured secret, else one kept in the instance folder (created once, mode 600).

    A key kept on disk lets sessions survive restarts and be shared by the workers of one
    machine; production sets ``INCIDENTMAP_SECRET_KEY``.
    """
    if configured:
        return configured
    return kept_secret(Path(instance_dir) / "secret_key", lambda: secrets.token_urlsafe(48))


def configure(server: flask.Flask, key: str, secure: bool, limits: Limits) -> None:
    """Set the session cookie's signing key and flags on ``server``.

    The cookie of a logged-in browser expires with the session's absolute lifetime, and is
    not sent again on every response (``SESSION_REFRESH_EACH_REQUEST`` off): the server
    keeps the session's times.
    """
    server.config.update(
        SECRET_KEY=key, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure, SESSION_COOKIE_NAME="incidentmap_session",
        PERMANENT_SESSION_LIFETIME=limits.lifetime, SESSION_REFRESH_EACH_REQUEST=False)


def _limits() -> Limits:
    return Limits.from_settings(current().settings)


def log_in(user: User) -> None:
    """Start a fresh session for ``user`` on the server; the cookie gets its id and a CSRF token.

    Nothing of the anonymous session is carried over (a new CSRF token too). Sessions that
    can never be valid again are deleted first.
    """
    engine = current().engine
    purge_sessions(engine, _limits())
    old = flask.session.get(SESSION_ID)
    if old:
        end_session(engine, old)
    flask.session.clear()
    flask.session.permanent = True
    flask.session.update({SESSION_ID: start_session(engine, user),
                          "csrf": secrets.token_urlsafe(32)})
    flask.request.environ.pop(USER_KEY, None)


def log_out() -> None:
    """End this browser's session, on the server and in the cookie."""
    token = flask.session.get(SESSION_ID)
    if token:
        end_session(current().engine, token)
    flask.session.clear()
    flask.request.environ.pop(USER_KEY, None)


#: Where :func:`current_user` keeps its answer: the request's WSGI environ, not ``flask.g``.
#: ``g`` lives in the application context, and Flask reuses an application context that is
#: already active, so a test holding ``app.app_context()`` around several client requests
#: would see the first request's user (anonymous) in all the later ones.
USER_KEY = "incidentmap.user"


def current_user(engine) -> User | None:
    """The logged-in, active user whose session is still valid, else None (cached per request)."""
    environ = flask.request.environ
    if USER_KEY in environ:
        return environ[USER_KEY]
    user = None
    token = flask.session.get(SESSION_ID)
    if token is not None:
        user = session_user(engine, str(token), _limits())
        if user is None:  # ended, expired or revoked: the browser forgets it
            flask.session.clear()
    environ[USER_KEY] = user
    return user


def csrf_token() -> str:
    """The session's CSRF token (created for anonymous sessions too: the login form)."""
    if "csrf" not in flask.session:
        flask.session["csrf"] = secrets.token_urlsafe(32)
    return flask.session["csrf"]


def csrf_ok() -> bool:
    """True when the request carries this session's CSRF token (form field or header)."""
    expected = flask.session.get("csrf")
    given = flask.request.form.get(CSRF_FIELD) or flask.request.headers.get(CSRF_HEADER)
    return bool(expected and given and hmac.compare_digest(expected, given))


def requires(action: str, *, engine: Callable) -> Callable:
    """Decorate a write route: 401 without a session, 403 for other roles or without CSRF.

    Parameters
    ----------
    action : str
        What the route does: an action of :data:`data.privacy.roles.ACTIONS` the user's role
        must be allowed.
    engine : callable
        Returns the store's engine for the current request.
    """
    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            user = current_user(engine())
            if user is None:
                flask.abort(401)
            if not can(user, action):
                flask.abort(403)
            if flask.request.method not in ("GET", "HEAD", "OPTIONS") and not csrf_ok():
                flask.abort(403, description="missing or wrong CSRF token; reload the page")
            return view(*args, **kwargs)
        return guarded
    return decorate
