"""Pages ``/moderate`` (moderators, admins) and ``/my-records`` (an organisation's records).

Plain Jinja pages and HTML forms (no JavaScript needed). Who may do what is checked on the
server for every request: without a session a GET redirects to the login, another role gets
403. Every POST also needs the session's CSRF token and an ``Origin`` (else ``Referer``)
naming this site (:func:`dashboard.auth.origin.same_site`), as the reporting form's write
callbacks do. The work is done by :mod:`data.records.workflow` and read by
:mod:`data.records.moderation`.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, quote

import flask

from dashboard import i18n
from dashboard.auth.caller import log_restricted_read
from dashboard.auth.origin import same_site
from dashboard.auth.sessions import csrf_ok, current_user
from dashboard.context import current
from dashboard.views import moderation_texts as mt
from dashboard.views.layout import TEMPLATES, render
from data.privacy.roles import can
from data.records import moderation
from data.records.audit import history
from data.records.form_fields import FIELDS_BY_COLUMN
from data.records.workflow import (
    EDITED_COLUMNS,
    TRANSITIONS,
    WorkflowError,
    edit_fields,
    mark_duplicate,
    transition,
)

blueprint = flask.Blueprint("moderation", __name__, template_folder=TEMPLATES)


def _input(column: str) -> tuple[str, str, tuple[str, ...]]:
    """How /my-records asks for ``column``: as the form field that fills it asks."""
    field = FIELDS_BY_COLUMN[column]
    if field.values:
        return column, "choice", field.values
    return column, "long" if field.kind in ("account", "textarea") else "text", ()


#: What reporters edit on /my-records: the fields of data.records.workflow.EDITABLE, as inputs.
INPUTS = (("public_summary", "text", ()), *(_input(column) for column in EDITED_COLUMNS))
#: The style of the moderation and confidential pages, and the id of their status line.
PAGE_STYLE = {"page_class": "moderation-page", "message_id": "moderation-message"}


def _lang() -> str:
    return i18n.normal(flask.request.values.get(i18n.PARAM))


def require_user(action: str):
    """The user, after the access checks (redirect, 401 or 403 otherwise).

    ``action`` is what the page does, one of :data:`data.privacy.roles.ACTIONS`.
    """
    user = current_user(current().engine)
    request = flask.request
    if user is None:
        if request.method == "GET":
            target = request.full_path.rstrip("?")
            flask.abort(flask.redirect("/account/login?next=" + quote(target, safe=""), 303))
        flask.abort(401)
    if not can(user, action):
        flask.abort(403)
    if request.method == "POST" and not (csrf_ok() and same_site(request)):
        flask.abort(403, description="missing or wrong CSRF token, or another site's form")
    return user


def _page(template: str, title_key: str, status: int = 200, errors=(), message: str = "",
          **values) -> flask.Response:
    lang = _lang()
    t = mt.texts(lang)
    return render(template, title=t[title_key], **PAGE_STYLE, lang=lang, status=status,
                  errors=errors, message=message, t=t, q=i18n.query(lang),
                  labels=mt.status_labels(lang), shown=moderation.SHOWN_FIELDS, **values)


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _filters(args) -> moderation.Filters:
    organisation = args.get("organisation", "")
    status = args.get("status") or None
    return moderation.Filters(
        status=status if status in mt.STATUS else None,
        country=(args.get("country") or "").upper()[:2] or None,
        organisation_id=int(organisation) if organisation.isdigit() else None,
        date_from=_date(args.get("from")), date_to=_date(args.get("to")))


def _queue(args, status: int = 200, errors=(), message: str = "") -> flask.Response:
    engine = current().engine
    countries, orgs = moderation.choices(engine)
    return _page("moderation_queue.html", "moderate", status, errors, message,
                 rows=moderation.queue(engine, _filters(args)), f=_filters(args),
                 statuses=list(mt.STATUS), countries=countries, orgs=orgs,
                 back=flask.request.query_string.decode("latin-1"))


@blueprint.get("/moderate")
def queue():
    """The queue of records to decide on, with filters and bulk actions."""
    require_user("moderate")
    done = flask.request.args.get("done", "")
    message = mt.texts(_lang())["done"].format(count=done) if done.isdigit() else ""
    return _queue(flask.request.args, message=message)


@blueprint.post("/moderate/action")
def bulk():
    """Verify, publish or reject the ticked records: all of them in one transaction, or none."""
    user = require_user("moderate")
    form = flask.request.form
    back = dict(parse_qsl(form.get("back", "")))
    back.pop("done", None)
    ids = [int(i) for i in form.getlist("ids") if i.isdigit()]
    if not ids:
        return _queue(back, 400, [mt.texts(_lang())["none_selected"]])
    try:
        count = transition(current().engine, ids, form.get("action", ""), user,
                           reason=form.get("reason") or None)
    except WorkflowError as exc:
        return _queue(back, 409, mt.problems(exc, _lang()))
    query = "&".join(f"{k}={quote(v)}" for k, v in {**back, "done": str(count)}.items())
    return flask.redirect(f"/moderate?{query}", 303)


def _logged(user, record: dict, duplicates: list[dict] = ()) -> list[dict]:
    """Log the personal fields a page shows (the record and its compared duplicates)."""
    shown = [record, *(d["record"] for d in duplicates)]
    read = [r for r in shown if r["personal"]]
    if read:
        log_restricted_read(user, "record-view", [r["public_id"] for r in read],
                            sorted({f for r in read for f in r["personal"]}))
    return list(duplicates)


def _record(user, incident_id: int, status: int = 200, errors=(), message: str = ""):
    engine = current().engine
    record = moderation.get_record(engine, user, incident_id)
    if record is None:
        flask.abort(404)
    return _page("moderation_record.html", "record_title", status, errors, message, record=record,
                 steps=TRANSITIONS.get(record["status"], ()),
                 duplicates=_logged(user, record, moderation.likely_duplicates(
                     engine, user, incident_id)),
                 history=history(engine, incident_id))


@blueprint.get("/moderate/record/<int:incident_id>")
def record(incident_id: int):
    """One record: its fields, its summary, its likely duplicates and its edit history."""
    return _record(require_user("moderate"), incident_id)


@blueprint.post("/moderate/record/<int:incident_id>")
def decide(incident_id: int):
    """Save the record's public summary, or change its status (with the summary typed)."""
    user = require_user("moderate")
    form = flask.request.form
    summary = form.get("public_summary", "").strip()
    action = form.get("action", "save")
    t = mt.texts(_lang())
    try:
        if action == "save":
            changed = edit_fields(current().engine, incident_id,
                                  {"public_summary": summary}, user)
            message = t["saved"].format(fields=", ".join(changed)) if changed else \
                t["unchanged"]
        else:
            transition(current().engine, [incident_id], action, user,
                       reason=form.get("reason") or None, summary=summary or None)
            message = t["done"].format(count=1)
    except WorkflowError as exc:
        return _record(user, incident_id, 409, mt.problems(exc, _lang()))
    return _record(user, incident_id, message=message)


@blueprint.post("/moderate/record/<int:incident_id>/duplicate")
def duplicate(incident_id: int):
    """Mark the record as a duplicate of the linked record it was compared with."""
    user = require_user("moderate")
    other = flask.request.form.get("other", "")
    try:
        mark_duplicate(current().engine, incident_id, int(other) if other.isdigit() else 0,
                       user)
    except WorkflowError as exc:
        return _record(user, incident_id, 409, mt.problems(exc, _lang()))
    return _record(user, incident_id, message=mt.texts(_lang())["done"].format(count=1))


@blueprint.get("/my-records")
def my_records():
    """Every record of the user's organisation, any status."""
    user = require_user("read_records")
    return _page("my_records.html", "mine",
                 rows=moderation.organisation_records(current().engine, user))


def _mine(user, incident_id: int, status: int = 200, errors=(), message: str = ""):
    engine = current().engine
    found = moderation.get_record(engine, user, incident_id)
    if found is None or found["organisation_id"] != user.organisation_id:
        flask.abort(404)  # another organisation's record: the same answer as a missing one
    _logged(user, found)
    return _page("my_record.html", "mine", status, errors, message, record=found,
                 editable=found["status"] == "submitted",
                 inputs=[i for i in INPUTS if not (found["withheld"]
                                                  and i[0] in moderation.PERSONAL_SHOWN)],
                 history=history(engine, incident_id))


@blueprint.get("/my-records/<int:incident_id>")
def my_record(incident_id: int):
    """One of the organisation's records; a form while it is submitted."""
    return _mine(require_user("read_records"), incident_id)


@blueprint.post("/my-records/<int:incident_id>")
def edit_mine(incident_id: int):
    """Save the edited fields of a submitted record (each changed field is logged)."""
    user = require_user("read_records")
    found = moderation.get_record(current().engine, user, incident_id)
    if found is None or found["organisation_id"] != user.organisation_id:
        flask.abort(404)
    form = flask.request.form
    changes = {name: form[name] for name, _kind, _options in INPUTS if name in form}
    t = mt.texts(_lang())
    try:
        changed = edit_fields(current().engine, incident_id, changes, user)
    except WorkflowError as exc:
        return _mine(user, incident_id, 400, mt.problems(exc, _lang()))
    message = t["saved"].format(fields=", ".join(changed)) if changed else t["unchanged"]
    return _mine(user, incident_id, message=message)
