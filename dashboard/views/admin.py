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
from markupsafe import Markup

from dashboard.auth.sessions import CSRF_FIELD, csrf_token, current_user, requires
from dashboard.context import current
from dashboard.views.account import PAGE
from data.export.table import FORMULA_PREFIXES
from data.people.access_log import recent_access
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

blueprint = flask.Blueprint("admin", __name__, url_prefix="/admin")

#: Entries of the access log shown on the page (the CSV has up to :data:`CSV_LIMIT`).
PAGE_LIMIT = 200
CSV_LIMIT = 100_000

CSRF = '<input type="hidden" name="{{ csrf_name }}" value="{{ csrf }}">'

ADMIN = """{% if link %}<div class="admin-link" role="status">
<p>One-time link for <strong>{{ link_email }}</strong> (valid 3 days; it is shown only now, give
it to the person only):</p><p><code id="one-time-link">{{ link }}</code></p></div>{% endif %}
<h2>Organisations</h2>
<table class="admin-table"><thead><tr><th>Slug</th><th>Name</th><th>Country</th>
<th>Named publicly</th></tr></thead><tbody>
{% for org in orgs %}<tr><td>{{ org.slug }}</td><td>{{ org.name }}</td><td>{{ org.country }}</td>
<td>{{ "yes" if org.public_name else "no" }}</td></tr>{% endfor %}</tbody></table>
<form method="post" action="/admin/organisations">""" + CSRF + """
<h3>Add an organisation</h3>
<p><label for="org-slug">Slug</label> <input id="org-slug" name="slug" required
 pattern="[a-z0-9][a-z0-9-]{1,62}[a-z0-9]">
<label for="org-name">Name</label> <input id="org-name" name="name" required>
<label for="org-country">Country</label> <input id="org-country" name="country" required
 maxlength="2" size="3">
<label><input type="checkbox" name="public_name" value="1"> name shown publicly</label>
<button type="submit">Add the organisation</button></p></form>
<h2>Accounts</h2>
<table class="admin-table"><thead><tr><th>E-mail</th><th>Role</th><th>Organisation</th>
<th>Active</th><th>TOTP enrolled</th><th>Password set</th><th>Last login</th><th></th></tr>
</thead><tbody>
{% for row in accounts %}<tr><td>{{ row.user.email }}</td><td>{{ row.user.role }}</td>
<td>{{ row.organisation or "–" }}</td><td>{{ "yes" if row.user.active else "no" }}</td>
<td>{{ "yes" if row.user.totp_enabled else "no" }}</td>
<td>{{ "yes" if row.has_password else "no" }}</td>
<td>{{ row.last_login_at.strftime("%Y-%m-%d %H:%M") if row.last_login_at else "never" }}</td>
<td><form method="post" action="/admin/users/link" class="inline">""" + CSRF + """
<input type="hidden" name="email" value="{{ row.user.email }}">
<button type="submit">New password link</button></form>
<form method="post" action="/admin/users/active" class="inline">""" + CSRF + """
<input type="hidden" name="email" value="{{ row.user.email }}">
<input type="hidden" name="active" value="{{ "0" if row.user.active else "1" }}">
<button type="submit">{{ "Disable" if row.user.active else "Enable" }}</button></form></td>
</tr>{% endfor %}</tbody></table>
<form method="post" action="/admin/users">""" + CSRF + """
<h3>Add an account</h3>
<p><label for="user-email">E-mail address</label> <input id="user-email" name="email"
 type="email" required>
<label for="user-name">Name</label> <input id="user-name" name="name">
<label for="user-role">Role</label> <select id="user-role" name="role">
{% for role in roles %}<option value="{{ role }}">{{ role }}</option>{% endfor %}</select>
<label for="user-org">Organisation</label> <select id="user-org" name="organisation">
<option value="">none</option>
{% for org in orgs %}<option value="{{ org.slug }}">{{ org.slug }}</option>{% endfor %}</select>
<button type="submit">Add the account</button></p></form>
<h2>Record-access log</h2>
<p>Every read of restricted data: researchers' record-level answers, accounts and vault
entries shown, attachments downloaded, subject-access exports (newest {{ limit }} entries).
<a href="/admin/access-log.csv">Download the whole log as CSV</a>.</p>
<table class="admin-table" id="access-log"><thead><tr><th>When (UTC)</th><th>Who</th>
<th>Role</th><th>What</th><th>Query</th><th>Records</th><th>Which</th><th>Fields</th>
<th>Release</th></tr></thead><tbody>
{% for entry in access %}<tr><td>{{ entry.at }}</td><td>{{ entry.email }}</td>
<td>{{ entry.role }}</td><td>{{ entry.kind }}</td><td><code>{{ entry.query }}</code></td>
<td>{{ entry.records }}</td><td>{{ entry.record_ids or "" }}</td>
<td>{{ entry.fields or "" }}</td><td>{{ entry.data_release }}</td></tr>{% endfor %}
</tbody></table>"""


def _engine():
    return current().engine


def _page(status: int = 200, error: str = "", message: str = "", link: str = "",
          link_email: str = "") -> flask.Response:
    engine = _engine()
    access = recent_access(engine, limit=PAGE_LIMIT).to_dict("records")
    inner = flask.render_template_string(
        ADMIN, csrf=csrf_token(), csrf_name=CSRF_FIELD, orgs=list_organisations(engine),
        accounts=list_accounts(engine), roles=ACCOUNT_ROLES, access=access, limit=PAGE_LIMIT,
        link=link, link_email=link_email)
    html = flask.render_template_string(PAGE, title="Administration", body=Markup(inner),
                                        error=error, message=message)
    response = flask.make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response


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
