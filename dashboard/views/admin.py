"""``/admin``: organisations, accounts and the record-access log, for admins only.

Plain HTML forms like :mod:`dashboard.views.account`: anonymous visitors are sent to the login,
other roles get 403, every POST needs the admin role and the session's CSRF token
(:func:`dashboard.auth.sessions.requires`), every answer is ``no-store``. A new one-time password
link is shown once, in the answer to the form that made it (only its hash is stored).
All reading and writing goes through :mod:`data.people.accounts` and :mod:`data.people.access_log`.
"""

from __future__ import annotations

import csv
import io

import flask

from dashboard.auth.sessions import current_user, requires
from dashboard.context import current
from dashboard.views.layout import TEMPLATES, render
from data.export.table import FORMULA_PREFIXES
from data.people import two_factor
from data.people.access_log import recent_access
from data.people.account_events import recent_events
from data.people.accounts import (
    AccountError,
    add_organisation,
    add_user,
    issue_password_link,
    list_accounts,
    list_organisations,
    normalise_email,
    set_active,
)
from data.privacy.roles import ACCOUNT_ROLES, can

blueprint = flask.Blueprint("admin", __name__, url_prefix="/admin", template_folder=TEMPLATES)

#: Entries of the access log shown on the page (the CSV has up to :data:`CSV_LIMIT`).
PAGE_LIMIT = 200
CSV_LIMIT = 100_000


def _engine():
    return current().engine


def _page(status: int = 200, error: str = "", message: str = "", link: str = "",
          link_email: str = "") -> flask.Response:
    engine = _engine()
    access = recent_access(engine, limit=PAGE_LIMIT).to_dict("records")
    return render("admin.html", title="Administration", page_class="account-page",
                  status=status, errors=[error] if error else [], message=message,
                  orgs=list_organisations(engine), accounts=list_accounts(engine),
                  roles=ACCOUNT_ROLES, access=access, limit=PAGE_LIMIT, link=link,
                  link_email=link_email, events=recent_events(engine, limit=PAGE_LIMIT))


def _link(token: str) -> str:
    return f"{flask.request.host_url.rstrip('/')}/account/password?token={token}"


@blueprint.after_request
def _no_store(response: flask.Response) -> flask.Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("")
def admin():
    """The admin page; anonymous visitors go to the login, other roles get 403."""
    user = current_user(_engine())
    if user is None:
        return flask.redirect("/account/login?next=/admin", 303)
    if not can(user, "administer"):
        flask.abort(403)
    return _page()


@blueprint.post("/organisations")
@requires("administer", engine=_engine)
def organisation_add():
    """Add a member organisation."""
    form = flask.request.form
    try:
        add_organisation(_engine(), form.get("slug", "").strip(), form.get("name", ""),
                         form.get("country", "").strip().upper(),
                         public_name=form.get("public_name") == "1")
    except AccountError as exc:
        return _page(400, error=str(exc).capitalize() + ".")
    return _page(message=f"Organisation {form.get('slug', '').strip()} added.")


@blueprint.post("/users")
@requires("administer", engine=_engine)
def user_add():
    """Add an account and show its one-time password link (once)."""
    form = flask.request.form
    engine = _engine()
    try:
        email = normalise_email(form.get("email", ""))
        add_user(engine, email, form.get("role", ""), form.get("organisation") or None,
                 form.get("name", ""))
        token = issue_password_link(engine, email)
    except AccountError as exc:
        return _page(400, error=str(exc).capitalize() + ".")
    return _page(message=f"Account {email} added.", link=_link(token), link_email=email)


@blueprint.post("/users/link")
@requires("administer", engine=_engine)
def user_link():
    """Issue a new one-time password link (older unused links stop working)."""
    try:
        email = normalise_email(flask.request.form.get("email", ""))
        token = issue_password_link(_engine(), email)
    except AccountError as exc:
        return _page(400, error=str(exc).capitalize() + ".")
    return _page(message=f"New link for {email}; older links stop working.",
                 link=_link(token), link_email=email)


@blueprint.post("/users/active")
@requires("administer", engine=_engine)
def user_active():
    """Disable (ending every session at once) or enable an account."""
    engine = _engine()
    active = flask.request.form.get("active") == "1"
    try:
        email = normalise_email(flask.request.form.get("email", ""))
        if not active and email == current_user(engine).email:
            raise AccountError("you cannot disable your own account; ask another admin")
        set_active(engine, email, active)
    except AccountError as exc:
        return _page(400, error=str(exc).capitalize() + ".")
    return _page(message=f"Account {email} {'enabled' if active else 'disabled'}.")


@blueprint.post("/users/reset-second-factor")
@requires("administer", engine=_engine)
def user_reset_second_factor():
    """Reset an account's second factor (a lost phone): audited; its sessions end."""
    engine = _engine()
    try:
        email = normalise_email(flask.request.form.get("email", ""))
        two_factor.reset(engine, email, actor_id=current_user(engine).id,
                         address=flask.request.remote_addr or "")
    except AccountError as exc:
        return _page(400, error=str(exc).capitalize() + ".")
    return _page(message=f"Second factor of {email} reset; its sessions have ended and its "
                         "next login sets up a new one.")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


@blueprint.get("/access-log.csv")
@requires("administer", engine=_engine)
def access_log_csv():
    """The record-access log as CSV (newest first; cells never start a formula)."""
    frame = recent_access(_engine(), limit=CSV_LIMIT)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(frame.columns))
    for row in frame.itertuples(index=False):
        writer.writerow([_cell(v) for v in row])
    response = flask.make_response(out.getvalue().encode("utf-8"))
    response.headers.update({
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": 'attachment; filename="record-access.csv"',
    })
    return response
