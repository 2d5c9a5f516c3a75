"""One log line and one metric per request, and the account events among them.

The request line holds an id (sent back as ``X-Request-Id``), the method, the route template,
the status and the duration in milliseconds; never the path or the query string, where
one-time links carry their tokens. Logging in, out and account changes on the site are
logged at INFO with their outcome, never with the e-mail address typed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection

import flask

from dashboard.monitoring.metrics import Metrics
from dashboard.monitoring.routes import HEADER, method_of, request_id, route_template

log = logging.getLogger("incidentmap.request")
events = logging.getLogger("incidentmap.accounts")
STARTED_KEY = "incidentmap.started"
ID_KEY = "incidentmap.request_id"
#: Account events by endpoint (POST requests only) and, for logins, the step metrics count.
ACCOUNT_EVENTS: dict[str, tuple[str, str | None]] = {
    "account.login": ("login, password step", "password"),
    "account.two_factor_step": ("login, second factor", "second_factor"),
    "account.recovery_codes": ("recovery codes replaced", None),
    "account.logout": ("logout", None),
    "account.set_password": ("password chosen from a one-time link", None),
    "account.change": ("password changed", None),
    "account.create_api_token": ("API token created", None),
    "account.revoke_api_token": ("API token revoked", None),
    "password_reset.forgot": ("password reset asked for", None),
    "admin.user_add": ("account added", None),
    "admin.user_link": ("password link issued", None),
    "admin.user_active": ("account activated or deactivated", None),
    "admin.user_reset_second_factor": ("second factor reset", None),
    "admin.organisation_add": ("organisation added", None),
}


def outcome(response: flask.Response) -> str:
    """``succeeded``, ``failed`` or ``throttled``, told by an account action's response.

    A redirect back to the login form (an expired second step) is a failure.
    """
    if response.status_code == 429:
        return "throttled"
    if response.status_code >= 400 or \
            (response.location or "").split("?")[0].endswith("/account/login"):
        return "failed"
    return "succeeded"


def started() -> None:
    """Stamp the request's start and id (connected to ``flask.request_started``)."""
    environ = flask.request.environ
    environ[STARTED_KEY] = time.perf_counter()
    environ[ID_KEY] = request_id(flask.request.headers.get(HEADER))


def current_fields() -> dict:
    """``{"request_id": ...}`` while a request is served, else ``{}`` (for every log line)."""
    if not flask.has_request_context():
        return {}
    ident = flask.request.environ.get(ID_KEY)
    return {"request_id": ident} if ident else {}


def log_failure(exc_info, pages: Collection[str]) -> None:
    """Log an unhandled exception by its route, not its path.

    Replaces Flask's line, ``Exception on /the/path [GET]``, a one-time link's token included.

    Parameters
    ----------
    exc_info : tuple
        As :func:`sys.exc_info` gives it.
    pages : collection of str
        The Dash pages' paths.
    """
    flask.current_app.logger.error("request to %s failed",
                                   route_template(flask.request, pages), exc_info=exc_info)


def finished(response: flask.Response, metrics: Metrics, pages: Collection[str]) -> None:
    """Log and count the answered request; send its id back (an ``after_request`` hook).

    Parameters
    ----------
    response : flask.Response
    metrics : Metrics
    pages : collection of str
        The Dash pages' paths (:func:`dashboard.monitoring.routes.route_template`).
    """
    request = flask.request
    environ = request.environ
    seconds = time.perf_counter() - environ.get(STARTED_KEY, time.perf_counter())
    ident = environ.get(ID_KEY) or request_id(None)
    route, method = route_template(request, pages), method_of(request)
    response.headers[HEADER] = ident
    metrics.observe_request(method, route, response.status_code, seconds)
    log.info("request", extra={"fields": {
        "request_id": ident, "method": method, "route": route,
        "status": response.status_code, "duration_ms": round(seconds * 1000, 1)}})
    event = ACCOUNT_EVENTS.get(request.endpoint or "") if request.method == "POST" else None
    if event is not None:
        name, step = event
        result = outcome(response)
        if step is not None:
            metrics.login(step, result)
        events.info("account event", extra={"fields": {
            "request_id": ident, "event": name, "outcome": result,
            "status": response.status_code}})
