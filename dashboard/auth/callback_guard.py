"""Write callbacks of Dash pages: same-site requests only, the session's CSRF token, a role.

Dash sends every callback as ``POST /_dash-update-component`` with the session cookie
(SameSite=Lax keeps it off cross-site POSTs, but not off same-site ones from a sibling
subdomain, nor in older browsers). So a callback that writes (or reads restricted records)

* is refused before it runs unless the request's ``Origin`` (or, without one, its
  ``Referer``) names this site: :func:`register` checks every Dash callback request whose
  outputs include one of the write markers, even one without cookies (stricter than
  :mod:`dashboard.auth.origin`, which checks every state-changing request);
* compares the CSRF token the page was given (a ``dcc.Store``, sent as State) with the
  session's, and checks the role server-side: :func:`authorise` (401 without a session, 403
  for another role or a wrong token).
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable

import flask

from dashboard.auth.origin import same_site
from dashboard.auth.sessions import current_user
from data.people.accounts import User
from data.privacy.roles import can

CALLBACK_PATH = "_dash-update-component"


def _writes(body: object, markers: tuple[str, ...]) -> bool:
    output = body.get("output", "") if isinstance(body, dict) else ""
    return any(marker in str(output) for marker in markers)


def register(server: flask.Flask, markers: Iterable[str]) -> None:
    """Refuse (403) Dash callback requests from another site that target a write output.

    Parameters
    ----------
    server : flask.Flask
    markers : iterable of str
        Component ids that only write callbacks have as outputs.
    """
    wanted = tuple(markers)

    @server.before_request
    def _same_site_writes():
        request = flask.request
        if request.method != "POST" or not request.path.endswith(CALLBACK_PATH):
            return None
        if _writes(request.get_json(silent=True), wanted) and not same_site(request):
            return flask.make_response(
                {"error": {"code": "cross_site", "message": "write callbacks must come "
                           "from this site's own pages; reload the page"}}, 403)
        return None


def authorise(engine, token: str | None, action: str) -> User:
    """The logged-in user when ``token`` is the session's CSRF token and the role may ``action``.

    Call it first in every write callback; ``action`` is one of
    :data:`data.privacy.roles.ACTIONS`.

    Raises
    ------
    werkzeug.exceptions.HTTPException
        401 without a valid session, 403 for another role or a missing/wrong token.
    """
    user = current_user(engine)
    if user is None:
        flask.abort(401)
    expected = flask.session.get("csrf")
    if not (expected and isinstance(token, str) and hmac.compare_digest(expected, token)):
        flask.abort(403, description="missing or wrong CSRF token; reload the page")
    if not can(user, action):
        flask.abort(403)
    return user
