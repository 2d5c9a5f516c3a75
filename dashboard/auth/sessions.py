"""Who is logged in: signed session cookies, CSRF tokens and role checks for write routes.

The session cookie is signed with the app's secret key, HttpOnly and SameSite=Lax (Secure
when ``INCIDENTMAP_SECURE_COOKIES`` is set, as it must be behind HTTPS). It holds only the
user's id, the account's session version (bumped by a password change or when an admin
disables the account, which ends every session at once) and the CSRF token.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Callable
from functools import wraps
from pathlib import Path

import flask

from data.people.accounts import User, get_user
from data.privacy.roles import can
from data.store.kept_secrets import kept_secret

SESSION_LIFETIME = dt.timedelta(hours=12)
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


def configure(server: flask.Flask, key: str, secure: bool) -> None:
    """Set the session cookie's signing key and flags on ``server``."""
    server.config.update(
        SECRET_KEY=key, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure, SESSION_COOKIE_NAME="incidentmap_session",
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME)


def log_in(user: User) -> None:
    """Start a fresh session for ``user`` (a new CSRF token; nothing carried over)."""
    flask.session.clear()
    flask.session.permanent = True
    flask.session.update(user_id=user.id, version=user.session_version,
                         csrf=secrets.token_urlsafe(32))


def log_out() -> None:
    """End the session in this browser."""
    flask.session.clear()


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
    user_id = flask.session.get("user_id")
    if user_id is not None:
        found = get_user(engine, user_id=int(user_id))
        if found and found.active and found.session_version == flask.session.get("version"):
            user = found
        else:
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
