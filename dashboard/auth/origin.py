"""Requests that change something must come from this site's own pages (Origin, else Referer).

Every POST, PUT, PATCH and DELETE to the app (the Flask pages' forms: account, admin,
moderation, records, vault, data protection; and Dash's callback requests) is checked before
any view runs (:func:`register`), so a route added later cannot miss it:

* an ``Origin`` naming another site, or ``null`` (sandboxed frames, ``file:`` pages): 403;
* without ``Origin``, a ``Referer`` naming another site: 403;
* neither header: 403 when the request carries a cookie. Every browser in use sends
  ``Origin`` with a POST (same-site or not), so only an old or tampered client leaves both
  out, and a cookie is what a forged request would misuse. A request without any cookie
  cannot act with anyone's browser session (scripts with API tokens send no cookie); it goes
  on to the route, whose own checks (session, CSRF token, role) still apply.

This site is the request's host and port as the app sees it: behind a reverse proxy, after
``ProxyFix`` (``INCIDENTMAP_PROXIES``), so the proxy must pass the ``Host`` header on (nginx:
``proxy_set_header Host $host;``). The scheme is not compared: a proxy that does not forward
it would otherwise refuse every form, and an ``http:`` page of this host is this site's own
page (``INCIDENTMAP_SECURE_COOKIES`` and HSTS keep the session off plain HTTP).

The session's CSRF token (:mod:`dashboard.auth.sessions`) is checked as well, by the routes:
the two checks guard against different failures (a leaked token, a same-site sibling page).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import flask

#: Methods that may change something; every other method is left alone.
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CROSS_SITE = ("This request came from another site's page. Go back to the page on this site, "
              "reload it and try again.")
UNNAMED = ("This request did not say which site's page sent it (no Origin or Referer header). "
           "Reload the page on this site and try again; a browser extension that removes "
           "these headers must leave them on for this site.")


def same_site(request: flask.Request) -> bool:
    """True when ``Origin`` (else ``Referer``) names this site's host and port."""
    claimed = request.headers.get("Origin") or request.headers.get("Referer") or ""
    if not claimed or claimed == "null":
        return False
    return urlsplit(claimed).netloc.lower() == request.host.lower()


def refusal(request: flask.Request) -> str | None:
    """Why ``request`` is refused (:data:`CROSS_SITE`, :data:`UNNAMED`), or None to go on."""
    if request.method not in STATE_CHANGING:
        return None
    if request.headers.get("Origin") or request.headers.get("Referer"):
        return None if same_site(request) else CROSS_SITE
    return UNNAMED if request.cookies else None


def refused(message: str) -> flask.Response:
    """The 403 answer: JSON for the API and Dash callbacks, a short page otherwise."""
    request = flask.request
    if request.path.startswith(("/api/", "/_dash")) or \
            request.accept_mimetypes.best == "application/json":
        response = flask.make_response(
            {"error": {"code": "cross_site", "message": message}}, 403)
    else:
        response = flask.make_response(
            "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">"
            "<title>incidentmap: refused</title><h1>Refused</h1>"
            f"<p>{message}</p></html>", 403)
        response.mimetype = "text/html"
    response.headers["Cache-Control"] = "no-store"
    return response


def register(server: flask.Flask) -> None:
    """Refuse (403) every state-changing request to ``server`` that :func:`refusal` refuses.

    The hook goes before the hooks registered so far: a cross-site write goes no further.
    """
    def _same_site_only():
        message = refusal(flask.request)
        return None if message is None else refused(message)

    server.before_request_funcs.setdefault(None, []).insert(0, _same_site_only)
