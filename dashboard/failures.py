"""Database failures in the web app: a clear 503 instead of a 500 and a traceback."""

from __future__ import annotations

import html
import logging
import threading

import flask

from data.store.failures import classify, database_errors
from data.store.opening import schema_is_current

log = logging.getLogger(__name__)

#: Paths answered whatever the store's state (they report it: dashboard/views/service.py).
PROBES = ("/healthz", "/readyz")
NOT_MIGRATED = ("The site is being upgraded and will be back shortly. (Operators: run "
                "`incidentmap db upgrade`.)")
#: Seconds a client is asked to wait before retrying (``Retry-After``).
RETRY_AFTER_S = 5


def failure_response(exc: Exception) -> flask.Response:
    """Answer a request that failed on the database.

    Parameters
    ----------
    exc : Exception
        A SQLAlchemy database error.

    Returns
    -------
    flask.Response
        503 with ``Retry-After`` and a JSON body ``{"error": {"code", "message"}}`` for the
        API and Dash callbacks, a short HTML page otherwise. Errors that are not database
        failures (a constraint violated by a bug) are re-raised unchanged.
    """
    failure = classify(exc)
    if failure is None:
        raise exc
    rule = flask.request.url_rule  # the route, not the path: a path may carry a token
    log.warning("request to %s failed on the database: %s", rule.rule if rule else "(unmatched)",
                failure)
    message = ("The incident database is not reachable right now; please try again in a "
               "moment." if failure.temporary else
               "The incident database cannot answer right now; the operators have been told.")
    return unavailable(f"database_{failure.kind}", message)


def unavailable(code: str, message: str) -> flask.Response:
    """503 with ``Retry-After``: JSON for the API and Dash callbacks, a short page otherwise.

    Parameters
    ----------
    code : str
        The JSON error's ``code``.
    message : str
        What the visitor reads.

    Returns
    -------
    flask.Response
    """
    wants_json = flask.request.path.startswith(("/api/", "/_dash")) or \
        flask.request.accept_mimetypes.best == "application/json"
    if wants_json:
        body = flask.jsonify(error={"code": code, "message": message})
        response = flask.make_response(body, 503)
    else:
        page = ("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">"
                "<title>incidentmap: temporarily unavailable</title>"
                f"<h1>Temporarily unavailable</h1><p>{html.escape(message)}</p></html>")
        response = flask.make_response(page, 503)
        response.mimetype = "text/html"
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    response.headers["Cache-Control"] = "no-store"
    return response


def register(server: flask.Flask, engine) -> None:
    """Answer database failures anywhere in ``server`` (pages, callbacks, API) with 503.

    Until the store's schema is the one this code needs (an upgrade installed before
    ``incidentmap db upgrade`` ran), every request but the probes answers 503 naming the
    command; once it is, the check is never made again in this process.
    """
    for error in database_errors():
        server.register_error_handler(error, failure_response)
    migrated = threading.Event()

    @server.before_request
    def schema_guard():
        if migrated.is_set() or flask.request.path in PROBES:
            return None
        if schema_is_current(engine):
            migrated.set()
            return None
        log.error("the database is not migrated to this version's schema: run "
                  "`incidentmap db upgrade`")
        return unavailable("database_not_migrated", NOT_MIGRATED)
