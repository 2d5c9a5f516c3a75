"""Personal API tokens on requests: ``Authorization: Bearer <token>``, for reading the API only.

A script sends its owner's token (:mod:`data.people.api_tokens`) in the ``Authorization``
header. :func:`register` checks every request of the app before anything else runs:

* a token on a read (``GET``/``HEAD``) of ``/api/v1/...`` makes the token's owner the caller
  of that request (:func:`dashboard.auth.sessions.current_user` answers with them, so the API
  serves their projection); a session cookie sent along is ignored;
* a token anywhere else (a page, a form, a Dash callback, any ``POST``) is refused with 403:
  a token never changes anything;
* an unknown, revoked or expired token, or one whose account is disabled, is refused with
  401 and a JSON message saying which;
* a token in the URL (``?access_token=...`` and the like) is refused with 400: URLs end up
  in server logs, proxies and browser histories.

Every request made with a token is in the access log with the token's id: the API's row
answers log themselves (:func:`dashboard.auth.caller.log_if_restricted`), and any other
answer is logged after the request (kind ``api-<endpoint>``).
"""

from __future__ import annotations

import flask

from dashboard.auth.sessions import USER_KEY
from dashboard.context import SNAPSHOT_KEY, current
from data.people.access_log import log_access
from data.people.api_tokens import TokenRefused, authenticate_token

API_PREFIX = "/api/v1/"
READ_METHODS = ("GET", "HEAD")
#: Where the request's token (an ``ApiToken``) is kept: the request's WSGI environ.
TOKEN_KEY = "incidentmap.api_token"
#: Set once the request's use of a token is in the access log.
LOGGED_KEY = "incidentmap.token_use_logged"
#: Query parameters a client might carry a token in (refused, see the module's doc).
URL_PARAMETERS = ("access_token", "api_token", "token", "bearer")
#: Endpoints that check a bearer token of their own (``/metrics``: INCIDENTMAP_METRICS_TOKEN).
OWN_TOKEN_ENDPOINTS = ("monitoring.metrics",)


def presented(request: flask.Request) -> str | None:
    """The token of the request's ``Authorization: Bearer`` header, or None without one."""
    scheme, _, value = request.headers.get("Authorization", "").strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def request_token():
    """The API token of the current request (``data.people.api_tokens.ApiToken``), or None."""
    return flask.request.environ.get(TOKEN_KEY) if flask.has_request_context() else None


def _refuse(status: int, message: str) -> flask.Response:
    response = flask.jsonify({"error": {"message": message}})  # the API's error shape
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="incidentmap", ' \
                                               'error="invalid_token"'
    return response


def _check_token():
    request = flask.request
    is_api = request.path.startswith(API_PREFIX)
    named = [name for name in URL_PARAMETERS if name in request.args]
    if is_api and named:
        message = ("send API tokens in the header 'Authorization: Bearer TOKEN', never in "
                   "the URL (URLs are kept in logs and histories); revoke a token sent that "
                   "way on your account page")
        response = flask.jsonify({"error": {  # the API's error shape (its OpenAPI document)
            "message": message, "problems": [{"parameter": named[0], "value": "(not shown)",
                                              "message": message, "allowed": []}]}})
        response.status_code = 400
        response.headers["Cache-Control"] = "no-store"
        return response
    secret = presented(request)
    if secret is None or request.endpoint in OWN_TOKEN_ENDPOINTS:
        return None
    if not is_api or request.method not in READ_METHODS:
        return _refuse(403, "API tokens only read: they are accepted "
                       f"by GET requests to {API_PREFIX} and nowhere else")
    try:
        user, token = authenticate_token(current().engine, secret)
    except TokenRefused as exc:
        message = str(exc)
        return _refuse(401, message[:1].upper() + message[1:] + ".")  # keeps "API" upper case
    request.environ[USER_KEY] = user
    request.environ[TOKEN_KEY] = token
    return None


def _log_use(response: flask.Response) -> flask.Response:
    environ = flask.request.environ
    token = environ.get(TOKEN_KEY)
    if token is None or environ.get(LOGGED_KEY):
        return response
    user = environ[USER_KEY]
    snapshot = environ.get(SNAPSHOT_KEY)
    endpoint = (flask.request.endpoint or "unknown").rpartition(".")[2]
    log_access(current().engine, user_id=user.id, role=user.role, kind=f"api-{endpoint}",
               query=flask.request.full_path.rstrip("?"), records=0,
               data_release=snapshot.fingerprint if snapshot is not None else "live",
               token_id=token.id)
    environ[LOGGED_KEY] = True
    return response


def mark_logged() -> None:
    """Note that the current request's token use is already in the access log."""
    flask.request.environ[LOGGED_KEY] = True


def register(server: flask.Flask) -> None:
    """Check API tokens on every request of ``server`` and log each use (see above)."""
    server.before_request_funcs.setdefault(None, []).insert(0, _check_token)
    server.after_request(_log_use)
