"""The recording form's components, grouped as DOMAIN §2.1, and its values in and out.

Everything here derives from the fields declared in :mod:`data.records.form_fields`: every
input has the id ``report-<field>`` and keeps its value in ``value``; under each field a
message slot ``{"type": "report-msg", "field": <field>}`` shows what to correct. Pure
functions: nothing here reads the database or the request.
"""

from __future__ import annotations

from dash import dcc, html

from dashboard.i18n import translate
from dashboard.pages.report.texts import CHOICE_LABELS, NOT_COLLECTED, QUESTIONS, SECTIONS, UI
from data.privacy.columns import PERSONAL_COLUMNS
from data.records import form_fields as v
from ingest.form import FIELDS

#: What an input of the form sends: text, the ticked values of a list, or nothing.
Value = str | list[str] | None
#: Kinds of input whose value is a list of ticked values (the others send text or nothing).
LIST_KINDS = ("check", "checklist", "taxonomy")
#: The input of the typed town (the location field's text).
PLACE = v.FIELDS_BY_NAME["location"].sent_as
PREFIX = "report-"
MESSAGE = "report-msg"
YES = "yes"

#: Kind of field (:data:`data.records.form_fields.FIELD_KINDS`) -> the kind of input that
#: asks it, where the two differ.
WIDGETS = {"date": "text", "count": "text", "location": "text", "account": "textarea",
           "language": "dropdown", "country": "dropdown"}
#: Input -> kind of input (the location's input is the typed town, ``place``). ``check`` is
#: a single tick box (stored as a boolean).
KINDS = {f.sent_as: WIDGETS.get(f.kind, f.kind) for f in v.FORM_FIELDS}
#: Every input whose value the form sends, in a fixed order (callbacks use it as State).
INPUTS = tuple(KINDS)
#: Section -> the fields it asks, in order.
SECTION_FIELDS = {section: tuple(f.name for f in v.FORM_FIELDS if f.section == section)
                  for section in v.SECTIONS}
#: Fields that name the main one of a code field's codes, by that code field.
PRIMARY_FIELDS = {f.name: f.primary for f in v.FORM_FIELDS if f.primary}
#: Inputs of the fields that fill columns of personal data
#: (:data:`data.privacy.columns.PERSONAL_COLUMNS`): showing a draft's is a logged read.
PERSONAL_INPUTS = tuple(f.sent_as for f in v.FORM_FIELDS
                        if any(c in PERSONAL_COLUMNS for c in f.columns))


def field_id(name: str) -> str:
    """Component id of the input of form field ``name``."""
    return PREFIX + name.replace("_", "-")


def message_id(name: str) -> dict:
    """Pattern id of the message slot under form field ``name``."""
    return {"type": MESSAGE, "field": name}


def _choices(field: v.FormField, lang: str) -> list[dict]:
    labels = CHOICE_LABELS.get(field.name, {})
    return [{"label": translate(labels.get(value, value), lang), "value": value}
            for value in field.values]


def taxonomy_options(taxonomy, kind: str, lang: str) -> list[dict]:
    """Check-box options of one taxonomy: label in bold, its description beside it."""
    options = []
    for code in taxonomy.codes(kind):
        depth = code.count(".") - 1
        options.append({"value": code, "label": html.Span([
            html.Strong(taxonomy.label(code, lang)), " ",
            html.Span(taxonomy.description(code, lang), className="report-description"),
        ], className=f"report-option depth-{depth}")})
    return options


def _input(field: v.FormField, context, lang: str):
    name, kind = field.name, KINDS[field.sent_as]
    ident = field_id(name)
    if kind == "text":
        return dcc.Input(id=ident, type="text", value="", debounce=False,
                         className="report-text")
    if kind == "textarea":
        return dcc.Textarea(id=ident, value="", className="report-textarea")
    if kind == "check":
        return dcc.Checklist(id=ident, value=[], options=[
            {"label": translate(QUESTIONS[name][0], lang), "value": YES}])
    if kind == "radio":
        return dcc.RadioItems(id=ident, value=field.default, options=_choices(field, lang),
                              className="report-radio")
    if kind == "checklist":
        return dcc.Checklist(id=ident, value=[], options=_choices(field, lang),
                             className="report-checklist")
    if kind == "taxonomy":
        return dcc.Checklist(id=ident, value=[], className="report-taxonomy",
                             options=taxonomy_options(context.taxonomy, field.taxonomy, lang))
    if kind == "primary":
        return dcc.Dropdown(id=ident, value=None, options=[], clearable=True,
                            placeholder=translate(UI["primary_hint"], lang))
    if field.kind == "country":
        names = context.country_names(lang)
        options = sorted(({"label": names[c], "value": c} for c in names),
                         key=lambda o: o["label"])
        return dcc.Dropdown(id=ident, value=None, options=options)
    if field.kind == "language":
        return dcc.Dropdown(id=ident, value=lang, clearable=False, options=[
            {"label": code, "value": code} for code in field.values])
    return dcc.Dropdown(id=ident, value=None, options=_choices(field, lang))


def _location(lang: str, figure) -> html.Div:
    _ = translate
    return html.Div([
        html.Div([dcc.Input(id=field_id("place"), type="text", value="",
                            className="report-text"),
                  html.Button(_(UI["find"], lang), id="report-find", type="button")],
                 className="report-place"),
        html.P(id="report-find-msg", className="report-help", role="status"),
        html.P(id="report-point-text", children=_(UI["no_point"], lang),
               className="report-help"),
        dcc.Store(id="report-map-bound"),
        dcc.Graph(id="report-map", figure=figure, className="report-map",
                  config={"displayModeBar": False, "scrollZoom": True}),
    ])


def _field(field: v.FormField, context, lang: str, figure) -> html.Div:
    name = field.name
    question, help_text = QUESTIONS[name]
    control = _location(lang, figure) if field.kind == "location" else \
        _input(field, context, lang)
    label = [] if field.kind == "check" else [
        html.Label(translate(question, lang), htmlFor=field_id(name), className="report-q")]
    helper = [html.P(translate(help_text, lang), className="report-help")] if help_text else []
    slot = [html.Div(id=message_id(name), className="report-msg", role="alert")] \
        if name in FIELDS else []
    return html.Div([*label, *helper, control, *slot], className="report-field",
                    id=f"report-field-{name}")


def sections(context, lang: str, figure) -> list[html.Fieldset]:
    """The form's sections (DOMAIN §2.1 order), each a fieldset with its fields."""
    out = []
    for key, title, help_text in SECTIONS:
        extra = [html.P(translate(help_text, lang), className="report-help")] \
            if help_text else []
        if key == "consent":
            extra.append(html.P(translate(NOT_COLLECTED, lang), className="report-notice",
                                id="report-not-collected"))
        out.append(html.Fieldset([html.Legend(translate(title, lang)), *extra,
                                  *(_field(v.FIELDS_BY_NAME[n], context, lang, figure)
                                    for n in SECTION_FIELDS[key])],
                                 className="report-section", id=f"report-section-{key}"))
    return out


def typed(values: list) -> dict:
    """The inputs' values (in :data:`INPUTS` order) as the draft stores them: as typed."""
    return dict(zip(INPUTS, values, strict=True))


def wrong_kinds(values: list) -> list[str]:
    """Inputs (in :data:`INPUTS` order) whose value is of the wrong kind for the input.

    Lists of ticked values for tick boxes and check lists, text or nothing for the others.
    """
    return [name for name, value in zip(INPUTS, values, strict=True) if value is not None
            and isinstance(value, list) != (KINDS[name] in LIST_KINDS)]


def to_form(raw: dict, point: dict | None) -> dict:
    """What :func:`ingest.form.validate_report` reads: tick boxes as booleans, the point."""
    form = {name: raw.get(name) for name in INPUTS}
    for name, kind in KINDS.items():
        if kind == "check":
            form[name] = YES in (raw.get(name) or [])
    if point:
        form["lat"], form["lon"] = str(point.get("lat", "")), str(point.get("lon", ""))
    return form


def restore(raw: dict) -> list:
    """Input values to put back from a draft (in :data:`INPUTS` order; blanks for new ones)."""
    blank = {"text": "", "textarea": "", "check": [], "checklist": [], "taxonomy": []}
    return [raw.get(f.sent_as, blank.get(KINDS[f.sent_as], f.default)) for f in v.FORM_FIELDS]
