"""``/metrics``: the Prometheus metrics, for this machine or the holder of the token only.

A client on the loopback address (the real client: after ``INCIDENTMAP_PROXIES`` proxies are
taken off; a request forwarded by an untrusted proxy is not taken for a local one) or one
sending ``Authorization: Bearer`` with ``INCIDENTMAP_METRICS_TOKEN`` (compared in constant
time) gets them; everyone else gets the site's 404, as for a path that does not exist, so the
endpoint is not advertised.
"""

from __future__ import annotations

import hmac
import ipaddress

import flask

from dashboard.context import current

blueprint = flask.Blueprint("monitoring", __name__)
#: What the app puts its :class:`dashboard.monitoring.metrics.Metrics` under.
EXTENSION_KEY = "incidentmap.metrics"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
#: Headers a proxy adds; with none trusted, a request carrying them came through one.
FORWARDED = ("X-Forwarded-For", "Forwarded", "X-Real-Ip")


def is_local(request: flask.Request, proxies: int) -> bool:
    """Whether the request's real client is this machine.

    Parameters
    ----------
    request : flask.Request
    proxies : int
        ``Settings.proxies``: with none trusted, a forwarded request is not a local one (a
        proxy on this machine would otherwise make every client look local).
    """
    try:
        local = ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False
    return local and (proxies > 0 or not any(h in request.headers for h in FORWARDED))


def holds_token(request: flask.Request, token: str) -> bool:
    """Whether the request carries ``Authorization: Bearer <token>`` (never, without a token)."""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


@blueprint.get("/metrics")
def metrics():
    """The metrics in Prometheus's text format, or 404 for a client not allowed them."""
    context = current()
    settings = context.settings
    request = flask.request
    if not (is_local(request, settings.proxies) or holds_token(request, settings.metrics_token)):
        flask.abort(404)
    body = flask.current_app.extensions[EXTENSION_KEY].exposition(context.engine)
    response = flask.Response(body, mimetype=None, content_type=CONTENT_TYPE)
    response.headers["Cache-Control"] = "no-store"
    return response
