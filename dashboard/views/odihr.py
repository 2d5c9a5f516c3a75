"""``/account/odihr.csv``: an organisation's published records for the OSCE/ODIHR call.

Reporters get their own organisation's file; moderators and admins name the organisation
(``?organisation=SLUG``). ``from`` and ``to`` (``YYYY-MM``) limit the months. Anonymous
callers get 401, other roles 403: the file names the organisation, which the public views
never do.
"""

from __future__ import annotations

import flask

from dashboard.auth.sessions import current_user
from dashboard.context import current
from data.export.odihr import OdihrExportError, odihr_rows
from data.people.accounts import organisation_slug
from data.privacy.roles import can

blueprint = flask.Blueprint("odihr", __name__)


def own_organisation_only(user) -> bool:
    """True when ``user``'s ODIHR file is always their own organisation's (they name none)."""
    return can(user, "read_records") and not can(user, "every_organisation")


def _organisation_slug(user) -> str:
    if own_organisation_only(user):
        return organisation_slug(current().engine, user.organisation_id)
    if can(user, "every_organisation"):
        slug = flask.request.args.get("organisation", "")
        if not slug:
            flask.abort(flask.make_response(
                "name the organisation: ?organisation=SLUG (see incidentmap orgs list)", 400))
        return slug
    flask.abort(403)


@blueprint.get("/account/odihr.csv")
def odihr_csv():
    """The ODIHR submission file of the caller's organisation (see the module docstring)."""
    user = current_user(current().engine)
    if user is None:
        flask.abort(401)
    slug = _organisation_slug(user)
    args = flask.request.args
    try:
        export = odihr_rows(current().engine, slug, current().taxonomy,
                            month_from=args.get("from") or None, month_to=args.get("to") or None)
    except OdihrExportError as exc:
        return flask.make_response(f"{exc}", 400, {"Content-Type": "text/plain; charset=utf-8"})
    response = flask.make_response(export.csv_text().encode("utf-8"))
    response.headers.update({
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="odihr-{slug}.csv"',
        "Cache-Control": "no-store",
        "X-Incidentmap-Summary": " / ".join(export.summary().splitlines()),
    })
    return response
