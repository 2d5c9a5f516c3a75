"""Confidential pages: a record's people, files and consents; subject access; erasure.

``/records/<id>/personal`` shows and changes what the vault holds on a record, for the
recording organisation and for moderators and admins as the record's consents allow
(:func:`data.privacy.consent.personal_access`). Moderators and admins erase a person or anonymise
the record there, and answer subject-access requests on ``/moderate/subject-access``.
Every GET that shows personal data is written to the access log; every POST needs the
session's CSRF token and a same-site ``Origin`` (as on the moderation pages). Personal
values travel only in POST bodies, never in URLs, so server logs never hold them.
"""

from __future__ import annotations

import io
import json
import zipfile

import flask
from werkzeug.utils import secure_filename

from dashboard import i18n
from dashboard.auth.caller import log_restricted_read
from dashboard.context import current
from dashboard.views.layout import TEMPLATES, render
from dashboard.views.moderation import PAGE_STYLE, require_user
from data.people import subject_access
from data.people import vault as vaults
from data.people.erasure import REASONS, anonymise_record, erase_person
from data.privacy.consent import Consents
from data.privacy.roles import can
from data.records import moderation
from data.records.consent_changes import change_consents
from data.records.form_fields import CONSENTS
from data.store.vault_schema import PERSON_ROLES

blueprint = flask.Blueprint("vault", __name__, template_folder=TEMPLATES)
SEARCH_FIELDS = ("name", "email", "phone", "id_number")
#: Each consent of a record: its label and what follows from it (staff pages, in English).
CONSENT_TEXT = {
    "consent_record": ("We may keep the details of this incident",
                       "Without it the record is a count only: withdrawing it erases the "
                       "account, the place and every person and file of this record at once. "
                       "This cannot be undone."),
    "consent_share_network": ("It may be shared within the network",
                              "Without it only your organisation reads the account and the "
                              "people involved; moderators elsewhere see the codes only."),
    "consent_publish_aggregate": ("It may be counted in published statistics",
                                  "Without it the record is never published; withdrawing it "
                                  "takes a published record out of every public output."),
    "consent_police_referral": ("It may be passed on to the police",
                                "Shown to those who read the record; the product never "
                                "sends anything to the police."),
}


def _max_file_bytes() -> int:
    return current().settings.max_upload_mb * 1024 * 1024


def _lang() -> str:
    return i18n.normal(flask.request.values.get(i18n.PARAM))


def _page(template: str, title: str, status: int = 200, errors=(), message: str = "",
          **values) -> flask.Response:
    lang = _lang()
    return render(template, title=title, **PAGE_STYLE, lang=lang, status=status,
                  errors=errors, message=message, q=i18n.query(lang), **values)


def _record_for(user, incident_id: int) -> dict:
    record = moderation.get_record(current().engine, user, incident_id)
    if record is None or record["policy"] != "member":
        flask.abort(404)  # another organisation's record looks like a missing one
    return record


def _personal(user, incident_id: int, status: int = 200, errors=(), message: str = "",
              typed: dict | None = None) -> flask.Response:
    ctx = current()
    record = _record_for(user, incident_id)
    people, files = [], []
    if not record["withheld"]:
        people = vaults.people(ctx.engine, ctx.vault(), user, incident_id)
        files = vaults.files(ctx.engine, ctx.vault(), user, incident_id)
        shown = sorted({f for p in people for f in (p.details or {})}
                       | ({"files"} if files else set()))
        if shown:
            log_restricted_read(user, "vault", [record["public_id"]], shown)
    back = (f"/moderate/record/{incident_id}" if can(user, "moderate")
            else f"/my-records/{incident_id}")
    return _page("record_personal.html",
                 f"Record {record['public_id']}: people, files and consents", status, errors,
                 message, record=record,
                 withheld=record["withheld"], people=people, files=files,
                 fields=list(vaults.PERSON_FIELDS), roles=PERSON_ROLES, reasons=REASONS,
                 typed=typed or {}, consent_text=CONSENT_TEXT, back=back,
                 may_add=record["consent_record"] is not False,
                 may_erase=can(user, "erase"),
                 max_mb=current().settings.max_upload_mb)


@blueprint.get("/records/<int:incident_id>/personal")
def personal(incident_id: int):
    """A record's consents, people and files (confidential; logged)."""
    return _personal(require_user("read_personal_data"), incident_id)


@blueprint.post("/records/<int:incident_id>/consent")
def consent(incident_id: int):
    """Save the record's consents and apply what follows from them."""
    user = require_user("change_consents")
    record = _record_for(user, incident_id)
    form = flask.request.form
    wanted = Consents(*(form.get(name) == "yes" for name in CONSENTS))
    if wanted.record is False and record["consent_record"] is not False \
            and form.get("confirm_erase") != "yes":
        return _personal(user, incident_id, 400, [
            "Withdrawing consent to record erases the record's personal data at once: tick "
            "the confirmation box to do it."])
    try:
        changed = change_consents(current().engine, user, incident_id, wanted)
    except vaults.VaultError as exc:
        return _personal(user, incident_id, 409, [str(exc)])
    message = ("Consents saved: " + ", ".join(changed)) if changed else "Nothing changed."
    return _personal(user, incident_id, message=message)


@blueprint.post("/records/<int:incident_id>/people")
def add_person(incident_id: int):
    """Add a person's details to the vault (a failed form keeps what was typed)."""
    user = require_user("read_personal_data")
    form = flask.request.form
    details = {name: form.get(name, "") for name in vaults.PERSON_FIELDS}
    ctx = current()
    try:
        vaults.add_person(ctx.engine, ctx.vault(), user, incident_id,
                          form.get("person_role", ""), details)
    except vaults.VaultError as exc:
        typed = {**details, "person_role": form.get("person_role", "")}
        return _personal(user, incident_id, 400, [str(exc)], typed=typed)
    return _personal(user, incident_id, message="Person added.")


@blueprint.post("/records/<int:incident_id>/files")
def add_file(incident_id: int):
    """Store an uploaded file in the vault (encrypted)."""
    user = require_user("read_personal_data")
    upload = flask.request.files.get("file")  # the request is bounded (dashboard.limits)
    if upload is None or not upload.filename:
        return _personal(user, incident_id, 400, ["Choose a file to upload."])
    ctx = current()
    most = _max_file_bytes()
    try:
        vaults.add_file(ctx.engine, ctx.vault(), user, incident_id, upload.filename,
                        upload.mimetype or "", upload.read(most + 1), max_bytes=most)
    except vaults.VaultError as exc:
        return _personal(user, incident_id, 400, [str(exc)])
    return _personal(user, incident_id, message="File stored.")


@blueprint.get("/records/<int:incident_id>/files/<int:file_id>")
def download_file(incident_id: int, file_id: int):
    """One attachment, as a download (never rendered by the browser; logged)."""
    user = require_user("read_personal_data")
    record = _record_for(user, incident_id)
    ctx = current()
    try:
        stored, content = vaults.read_file(ctx.engine, ctx.vault(), user, incident_id, file_id)
    except vaults.VaultError as exc:
        return _personal(user, incident_id, 404, [str(exc)])
    log_restricted_read(user, "attachment", [record["public_id"]], ["file"])
    name = secure_filename(stored.name or "") or f"attachment-{stored.id}"
    response = flask.make_response(content)
    response.headers.update({
        "Content-Type": "application/octet-stream", "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
    return response


@blueprint.post("/records/<int:incident_id>/people/<int:person_id>/erase")
def erase(incident_id: int, person_id: int):
    """Erase one person's details and files (moderators and admins)."""
    user = require_user("erase")
    try:
        erase_person(current().engine, user, incident_id, person_id)
    except vaults.VaultError as exc:
        return _personal(user, incident_id, 404, [str(exc)])
    return _personal(user, incident_id, message="The person's details and files are erased.")


@blueprint.post("/records/<int:incident_id>/anonymise")
def anonymise(incident_id: int):
    """Anonymise the whole record (moderators and admins; needs the confirmation box)."""
    user = require_user("erase")
    form = flask.request.form
    if form.get("confirm") != "yes":
        return _personal(user, incident_id, 400, ["Tick the confirmation box to anonymise."])
    try:
        anonymise_record(current().engine, user, incident_id, form.get("reason", "request"))
    except vaults.VaultError as exc:
        return _personal(user, incident_id, 400, [str(exc)])
    return _personal(user, incident_id, message="The record is anonymised.")


def _subject_page(status: int = 200, errors=(), typed=None, found=None):
    return _page("subject_access.html", "Subject access", status, errors,
                 search_fields=SEARCH_FIELDS, typed=typed or {}, searched=found is not None,
                 matches=found.matches if found else [],
                 elsewhere=found.elsewhere if found else 0)


@blueprint.get("/moderate/subject-access")
def subject_form():
    """The subject-access search form (moderators and admins)."""
    require_user("subject_access")
    return _subject_page()


@blueprint.post("/moderate/subject-access")
def subject_search():
    """Search the vault for one person; with ``action=export``, download everything found."""
    user = require_user("subject_access")
    form = flask.request.form
    typed = {name: form.get(name, "") for name in SEARCH_FIELDS}
    ctx = current()
    try:
        found = subject_access.search(ctx.engine, ctx.vault(), user, typed)
    except vaults.VaultError as exc:
        return _subject_page(400, [str(exc)], typed)
    ids = [m["public_id"] for m in found.matches]
    if form.get("action") != "export" or not found.matches:
        if ids:
            log_restricted_read(user, "subject-search", ids, ["person_role"])
        return _subject_page(typed=typed, found=found)
    document, blobs = subject_access.export(ctx.engine, ctx.vault(), user, found)
    log_restricted_read(user, "subject-access", ids, ["vault", "files", "record", "history"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("subject-access.json", json.dumps(document, ensure_ascii=False,
                                                           indent=2, default=str))
        for path, content in blobs:
            archive.writestr(path, content)
    response = flask.make_response(buffer.getvalue())
    response.headers.update({
        "Content-Type": "application/zip", "Cache-Control": "no-store",
        "Content-Disposition": 'attachment; filename="subject-access.zip"'})
    return response
