"""What a request is called in logs and metrics: its route template and an id, never its path.

A path can carry what must not be written down (a one-time link's token, an incident's id);
the route template (``/incidents/<public_id>``) cannot, and it keeps the number of metric
series bounded whatever clients ask for.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection

import flask

#: What requests that matched no route are called (their path is not written down).
UNMATCHED = "(unmatched)"
#: The rule Dash serves its pages under; those requests are called by the page's own path.
DASH_PAGES = "/<path:path>"
#: Methods named in metrics; any other is counted as ``other``.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
#: A request id a client or proxy may send (``X-Request-Id``); anything else is replaced.
SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
HEADER = "X-Request-Id"


def route_template(request: flask.Request, pages: Collection[str]) -> str:
    """The route ``request`` matched, as written in the code (e.g. ``/incidents/<public_id>``).

    Parameters
    ----------
    request : flask.Request
    pages : collection of str
        The paths of the Dash pages (served under :data:`DASH_PAGES`).

    Returns
    -------
    str
        The rule; a Dash page's path; :data:`UNMATCHED` for every other path.
    """
    rule = request.url_rule
    if rule is None:
        return UNMATCHED
    if rule.rule == DASH_PAGES:
        return request.path if request.path in pages else UNMATCHED
    return rule.rule


def method_of(request: flask.Request) -> str:
    """The request's method, or ``other`` for a method outside :data:`METHODS`."""
    return request.method if request.method in METHODS else "other"


def request_id(incoming: str | None) -> str:
    """The id of a request: the one it came with when sane (a proxy's), else a new one.

    Parameters
    ----------
    incoming : str or None
        The request's ``X-Request-Id`` header.

    Returns
    -------
    str
        At most 64 letters, digits and ``._:-``.
    """
    if incoming and SANE_ID.fullmatch(incoming):
        return incoming
    return secrets.token_hex(8)
