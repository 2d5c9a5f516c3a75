"""Page ``/report``: member organisations record an incident (DOMAIN §2.1 recording form).

Only reporters, moderators and admins of an organisation see it: a full page load without a
session redirects to the login (``?next=/report``), another role gets 403. The callbacks are
thin: inputs -> :mod:`dashboard.pages.report.form` -> :func:`ingest.form.validate_report` (ingest's
own rules) -> :mod:`data.records.reports`. Those that write or read drafts check the role and the
CSRF token server-side (:func:`dashboard.auth.callback_guard.authorise`) and only run for requests
from this site (:func:`dashboard.auth.callback_guard.register`). A failed submit returns messages
only, so everything typed stays; the form's idempotency key makes a retried submit find the
incident it made.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import flask
from dash import ALL, Input, Output, Patch, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import i18n
from dashboard.auth import callback_guard
from dashboard.auth.callback_body import BadCallback
from dashboard.auth.caller import log_restricted_read
from dashboard.auth.sessions import csrf_token, current_user
from dashboard.context import current
from dashboard.i18n import translate
from dashboard.pages.report import form as rf
from dashboard.pages.report import map as report_map
from dashboard.pages.report.map import Point
from dashboard.pages.report.texts import QUESTIONS, UI
from data.privacy.roles import can
from data.records.bounds import INPUT_LIMITS, TooLong, draft_too_long
from data.records.form_fields import FIELDS_BY_NAME
from data.records.reports import (
    DraftTooLarge,
    ReportError,
    find_submitted,
    list_drafts,
    load_draft,
    new_key,
    save_draft,
    submit,
)
from ingest.form import form_context, form_locator, place_point, validate_report

PATH = "/report"
CSRF, KEY, LANG = "report-csrf", "report-key", "report-lang"
OUTCOME, DRAFT_STATUS, RESUME_STATUS = "report-outcome", "report-draft-status", \
    "report-resume-status"
DRAFTS, RESUME = "report-drafts", "report-resume"
#: Outputs only write callbacks have (see dashboard.auth.callback_guard.register).
WRITE_MARKERS = (OUTCOME, DRAFT_STATUS, RESUME_STATUS)
FIELD_STATES = [State(rf.field_id(name), "value") for name in rf.INPUTS]


def _drafts(user, lang: str) -> html.Ul | html.P:
    found = list_drafts(current().engine, user)
    if not found:
        return html.P(translate(UI["no_drafts"], lang))
    return html.Ul([html.Li([
        f"{d.updated_at:%Y-%m-%d %H:%M} · {d.form.get('date') or '…'} · "
        f"{(d.form.get('narrative') or '')[:60]} ",
        html.Button(translate(UI["resume"], lang), id={"type": RESUME, "draft": d.id},
                    type="button", className="report-resume")]) for d in found])


def layout(context, search: str | None = None) -> html.Div:
    """The form for a recorder; a login link or a refusal for anybody else."""
    lang = i18n.lang_of(search)
    _ = translate
    user = current_user(context.engine)
    if user is None:
        return html.Div([html.P(_(UI["login"], lang)), html.A(
            _(UI["log_in"], lang), href="/account/login?next=" + quote(PATH))])
    if not can(user, "record"):
        return html.Div(html.P(_(UI["forbidden"], lang)), className="report-page")
    if user.organisation_id is None:
        return html.Div(html.P(_(UI["no_org"], lang)), className="report-page")
    codes = tuple(c.iso2 for c in context.taxonomy.countries())
    return html.Div([
        html.H2(_(UI["title"], lang)), html.P(_(UI["intro"], lang)),
        *(dcc.Store(id=i, data=d) for i, d in (
            (CSRF, csrf_token()), (KEY, new_key()), (report_map.POINT, None), (LANG, lang))),
        html.Section([html.H3(_(UI["drafts"], lang)),
                      html.Div(_drafts(user, lang), id=DRAFTS),
                      html.P(id=RESUME_STATUS, role="status")], className="report-drafts"),
        html.Form(rf.sections(context, lang, report_map.figure(codes=codes)),
                  id="report-form", className="report-form",
                  **{"aria-label": _(UI["title"], lang)}),
        html.Div([html.Button(_(UI["save"], lang), id="report-save", type="button"),
                  html.Button(_(UI["submit"], lang), id="report-submit", type="button",
                              className="primary")], className="report-buttons"),
        html.P(id=DRAFT_STATUS, role="status"),
        html.Div(id=OUTCOME, role="status", className="report-outcome"),
    ], className="report-page")


def primary_options(chosen: list[str] | None, current_value: str | None, lang: str | None):
    """Options of a "main one" list: the codes ticked above it; keeps a still-ticked choice."""
    tax = current().taxonomy
    chosen = chosen or []
    options = [{"label": tax.label(code, lang), "value": code} for code in chosen]
    value = current_value if current_value in chosen else \
        (chosen[0] if len(chosen) == 1 else None)
    return options, value


def find_place(_clicks: int | None, place: str | None, country: str | None,
               lang: str | None):
    """Look the typed town up in the offline gazetteer (within the chosen country)."""
    if not country:
        return no_update, no_update, translate(UI["choose_country"], lang)
    if len(place or "") > INPUT_LIMITS[rf.PLACE]:
        return no_update, no_update, translate(UI["place_too_long"], lang).format(
            limit=i18n.number(INPUT_LIMITS[rf.PLACE], lang))
    hit = place_point(place or "", country)
    if hit is None:
        return no_update, no_update, translate(UI["not_found"], lang)
    found = translate(UI["found"], lang).format(name=hit.name)
    return {"lat": hit.lat, "lon": hit.lon}, "municipality", found


def show_point(point: Point | None, lang: str | None):
    """Say which point is chosen and mark it on the map (patched: the map is not redrawn)."""
    marker = Patch()
    if not point:
        marker["data"][1]["lat"], marker["data"][1]["lon"] = [], []
        return translate(UI["no_point"], lang), marker
    marker["data"][1]["lat"], marker["data"][1]["lon"] = [point["lat"]], [point["lon"]]
    return translate(UI["point"], lang).format(lat=point["lat"], lon=point["lon"]), marker


def _messages(problems, lang: str) -> tuple[list, list]:
    """Children of every message slot (in the page's order), and problems without a slot."""
    slots = [o["id"]["field"] for o in ctx.outputs_list[0]]
    by_field: dict[str, list] = {}
    for found in problems:
        by_field.setdefault(found.field if found.field in slots else "", []).append(
            html.Span([translate(found.message, lang), " ", html.Em(
                f"{translate(UI['how_to_fix'], lang)} {translate(found.hint, lang)}")
                if found.hint else ""]))
    return [by_field.get(field) or None for field in slots], by_field.get("", [])


#: Input -> the form field it answers (the typed town answers the location).
_FIELD_OF = {f.sent_as: f.name for f in FIELDS_BY_NAME.values()}


def too_large_message(found: list[TooLong], lang: str) -> str:
    """What to shorten, in the page's language (the first input over its limit)."""
    first = found[0]
    key = {"characters": "too_long", "items": "too_many", "bytes": "too_large"}[first.unit]
    question = QUESTIONS.get(_FIELD_OF.get(first.name, ""), (first.name,))[0]
    return translate(UI[key], lang).format(field=translate(question, lang).rstrip(" ?:"),
                                           length=i18n.number(first.length, lang),
                                           limit=i18n.number(first.limit, lang))


def _typed(values: tuple) -> dict:
    """The inputs' values by name; a list where text belongs (or back) is a bad request."""
    wrong = rf.wrong_kinds(list(values))
    if wrong:
        raise BadCallback("wrong kind of value (text or a list of ticked values) for "
                          + ", ".join(wrong))
    return rf.typed(list(values))


def submit_form(_clicks: int | None, token: str | None, key: str | None, point: Point | None,
                lang: str | None, *values: rf.Value):
    """Check the form with ingest's rules; store it once, or say what to correct."""
    context = current()
    user = callback_guard.authorise(context.engine, token, "record")
    raw = _typed(values)
    slots = [None] * len(ctx.outputs_list[0])
    too_large = draft_too_long({**raw, "_point": point})
    if too_large:  # refused before ingest's rules read it
        return slots, html.P(too_large_message(too_large, lang), className="form-error")
    try:
        done = find_submitted(context.engine, user, key)
        if done is None:
            checked = validate_report(rf.to_form(raw, point), form_context(
                context.taxonomy, form_locator(context.settings.nuts_folder), dt.date.today()))
            if checked.record is None:
                messages, general = _messages(checked.problems, lang)
                return messages, html.Div([html.P(translate(UI["fix"], lang)), *general],
                                          className="form-error")
            done = submit(context.engine, user, key, {**raw, "_point": point},
                          checked.record, context.taxonomy.version)
    except DraftTooLarge as exc:
        return slots, html.P(too_large_message(exc.found, lang), className="form-error")
    except ReportError as exc:
        return slots, html.P(str(exc), className="form-error")
    text = UI["again"] if done.again else UI["submitted"]
    return slots, html.Div([
        html.P(translate(text, lang).format(public_id=done.public_id), className="form-message",
               id="report-submitted"),
        html.A(translate(UI["new"], lang), href=i18n.href(PATH, lang))])


def save(_clicks: int | None, token: str | None, key: str | None, point: Point | None,
         lang: str | None, *values: rf.Value):
    """Save the form as typed (valid or not) as a draft of the organisation."""
    context = current()
    user = callback_guard.authorise(context.engine, token, "record")
    try:
        save_draft(context.engine, user, key, {**_typed(values), "_point": point})
    except DraftTooLarge as exc:
        return too_large_message(exc.found, lang), no_update
    except ReportError as exc:
        return str(exc), no_update
    saved = translate(UI["saved"], lang).format(time=dt.datetime.now().strftime("%H:%M"))
    return saved, _drafts(user, lang)


def resume(clicks: list[int | None], token: str | None, lang: str | None):
    """Put a saved draft back into the form, exactly as it was typed, with its key."""
    if not ctx.triggered_id or not any(clicks or []):
        raise PreventUpdate
    draft_id = ctx.triggered_id.get("draft") if isinstance(ctx.triggered_id, dict) else None
    if not isinstance(draft_id, int) or isinstance(draft_id, bool):
        raise BadCallback("a resume button's id names its draft by number")
    context = current()
    user = callback_guard.authorise(context.engine, token, "record")
    try:
        draft = load_draft(context.engine, user, draft_id)
    except ReportError as exc:
        return (no_update, no_update, str(exc), *([no_update] * len(rf.INPUTS)))
    shown = [name for name in rf.PERSONAL_INPUTS if draft.form.get(name)]
    if shown:  # a draft's personal data is restricted: its reading is logged
        log_restricted_read(user, "draft", [f"draft:{draft.id}"], shown)
    return (draft.key, draft.form.get("_point"), translate(UI["resumed"], lang),
            *rf.restore(draft.form))


def _gate():
    """Full page loads of /report: log in first; other roles are refused."""
    if flask.request.path != PATH:
        return None
    user = current_user(current().engine)
    if user is None:
        target = PATH + ("?" + flask.request.query_string.decode("latin-1")
                         if flask.request.query_string else "")
        return flask.redirect("/account/login?next=" + quote(target, safe=""), 303)
    if not can(user, "record"):
        flask.abort(403)
    return None


def register(app) -> None:
    """Register the access gate, the same-site check and the form's callbacks."""
    app.server.before_request(_gate)
    callback_guard.register(app.server, WRITE_MARKERS)
    for name, primary in rf.PRIMARY_FIELDS.items():
        app.callback(Output(rf.field_id(primary), "options"),
                     Output(rf.field_id(primary), "value"),
                     Input(rf.field_id(name), "value"),
                     State(rf.field_id(primary), "value"),
                     State(LANG, "data"))(primary_options)
    app.callback(Output(report_map.POINT, "data", allow_duplicate=True),
                 Output(rf.field_id("geo_precision"), "value", allow_duplicate=True),
                 Output("report-find-msg", "children"),
                 Input("report-find", "n_clicks"), State(rf.field_id("place"), "value"),
                 State(rf.field_id("country"), "value"), State(LANG, "data"),
                 prevent_initial_call=True)(find_place)
    app.callback(Output("report-point-text", "children"), Output(report_map.GRAPH, "figure"),
                 Input(report_map.POINT, "data"), State(LANG, "data"),
                 prevent_initial_call=True)(show_point)
    app.clientside_callback(report_map.BIND_JS, Output(report_map.BOUND, "data"),
                            Input(report_map.GRAPH, "figure"))
    common = [State(CSRF, "data"), State(KEY, "data"), State(report_map.POINT, "data"),
              State(LANG, "data"), *FIELD_STATES]
    app.callback(Output({"type": rf.MESSAGE, "field": ALL}, "children"),
                 Output(OUTCOME, "children"), Input("report-submit", "n_clicks"), *common,
                 prevent_initial_call=True)(submit_form)
    app.callback(Output(DRAFT_STATUS, "children"), Output(DRAFTS, "children"),
                 Input("report-save", "n_clicks"), *common,
                 prevent_initial_call=True)(save)
    app.callback(Output(KEY, "data", allow_duplicate=True),
                 Output(report_map.POINT, "data", allow_duplicate=True),
                 Output(RESUME_STATUS, "children"),
                 *(Output(rf.field_id(n), "value", allow_duplicate=True) for n in rf.INPUTS),
                 Input({"type": RESUME, "draft": ALL}, "n_clicks"), State(CSRF, "data"),
                 State(LANG, "data"), prevent_initial_call=True)(resume)
