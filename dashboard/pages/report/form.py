"""The recording form's components, grouped as DOMAIN §2.1, and its values in and out.

Every input has the id ``report-<field>`` and keeps its value in ``value``; under each field
a message slot ``{"type": "report-msg", "field": <field>}`` shows what to correct. Pure
functions: nothing here reads the database or the request.
"""

from __future__ import annotations

from dash import dcc, html

from dashboard.i18n import translate
from dashboard.pages.report.texts import CHOICE_LABELS, NOT_COLLECTED, QUESTIONS, SECTIONS, UI
from data.records import form_fields as v
from data.reference.vocab import CLASSIFICATIONS, LOCATION_TYPES
from ingest.form import FIELDS

PREFIX = "report-"
MESSAGE = "report-msg"
YES = "yes"

#: Field -> kind of input. ``check`` is a single tick box (stored as a boolean).
KINDS = {
    "date": "text", "date_precision": "radio", "date_end": "text", "time_of_day": "radio",
    "country": "dropdown", "is_online": "check", "location_type": "dropdown",
    "place": "text", "geo_precision": "radio", "types": "taxonomy", "types_primary": "primary",
    "attempted": "check", "national_offence_label": "text", "harm_severity": "dropdown",
    "property_damage": "dropdown", "weapon_used": "radio", "classification": "radio",
    "bias": "taxonomy", "bias_primary": "primary", "indicators": "taxonomy",
    "bias_indicator_notes": "textarea", "target_type": "dropdown", "victim_count": "text",
    "victim_groups": "checklist", "victim_gender": "radio", "victim_age_band": "radio",
    "perpetrator_type": "dropdown", "perpetrator_count": "radio",
    "reported_to_police": "radio", "police_flagged_hate": "radio",
    "reasons_not_reported": "checklist", "justice_outcome": "dropdown",
    "source_type": "dropdown", "narrative": "textarea", "narrative_lang": "dropdown",
    **{name: "check" for name in v.CONSENTS},
}
#: Every input whose value the form sends, in a fixed order (callbacks use it as State).
INPUTS = tuple(KINDS)
SECTION_FIELDS = {
    "when": ("date", "date_precision", "date_end", "time_of_day"),
    "where": ("country", "is_online", "location_type", "location", "geo_precision"),
    "what": ("types", "types_primary", "attempted", "national_offence_label",
             "harm_severity", "property_damage", "weapon_used", "classification"),
    "why": ("bias", "bias_primary", "indicators", "bias_indicator_notes"),
    "who_targeted": ("target_type", "victim_count", "victim_groups", "victim_gender",
                     "victim_age_band"),
    "who_did": ("perpetrator_type", "perpetrator_count"),
    "justice": ("reported_to_police", "police_flagged_hate", "reasons_not_reported",
                "justice_outcome"),
    "source": ("source_type", "narrative", "narrative_lang"),
    "consent": v.CONSENTS,
}
TAXONOMY_KIND = {"types": "type", "bias": "bias", "indicators": "indicator"}
VALUES = {"time_of_day": v.TIMES_OF_DAY, "location_type": LOCATION_TYPES,
          "classification": CLASSIFICATIONS, "date_precision": v.FORM_DATE_PRECISIONS,
          "geo_precision": v.FORM_GEO_PRECISIONS, "harm_severity": v.HARM_SEVERITIES,
          "property_damage": v.PROPERTY_DAMAGES, "weapon_used": v.YES_NO_UNKNOWN,
          "target_type": v.TARGET_TYPES, "victim_groups": v.VICTIM_GROUPS,
          "victim_gender": v.VICTIM_GENDERS, "victim_age_band": v.AGE_BANDS,
          "perpetrator_type": v.PERPETRATOR_TYPES, "perpetrator_count": v.PERPETRATOR_COUNTS,
          "reported_to_police": v.REPORTED_TO_POLICE, "police_flagged_hate": v.YES_NO_UNKNOWN,
          "reasons_not_reported": v.REASONS_NOT_REPORTED,
          "justice_outcome": v.JUSTICE_OUTCOMES, "source_type": v.SOURCE_TYPES}
DEFAULTS = {"date_precision": "day", "geo_precision": "municipality"}


def field_id(name: str) -> str:
    """Component id of the input of form field ``name``."""
    return PREFIX + name.replace("_", "-")


def message_id(name: str) -> dict:
    """Pattern id of the message slot under form field ``name``."""
    return {"type": MESSAGE, "field": name}


def _choices(name: str, lang: str) -> list[dict]:
    labels = CHOICE_LABELS.get(name, {})
    return [{"label": translate(labels.get(value, value), lang), "value": value}
            for value in VALUES[name]]


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


def _input(name: str, context, lang: str):
    kind = KINDS[name]
    ident = field_id(name)
    default = DEFAULTS.get(name)
    if kind == "text":
        return dcc.Input(id=ident, type="text", value="", debounce=False,
                         className="report-text")
    if kind == "textarea":
        return dcc.Textarea(id=ident, value="", className="report-textarea")
    if kind == "check":
        return dcc.Checklist(id=ident, value=[], options=[
            {"label": translate(QUESTIONS[name][0], lang), "value": YES}])
    if kind == "radio":
        return dcc.RadioItems(id=ident, value=default, options=_choices(name, lang),
                              className="report-radio")
    if kind == "checklist":
        return dcc.Checklist(id=ident, value=[], options=_choices(name, lang),
                             className="report-checklist")
    if kind == "taxonomy":
        return dcc.Checklist(id=ident, value=[], className="report-taxonomy",
                             options=taxonomy_options(context.taxonomy, TAXONOMY_KIND[name],
                                                      lang))
    if kind == "primary":
        return dcc.Dropdown(id=ident, value=None, options=[], clearable=True,
                            placeholder=translate(UI["primary_hint"], lang))
    if name == "country":
        names = context.country_names(lang)
        options = sorted(({"label": names[c], "value": c} for c in names),
                         key=lambda o: o["label"])
        return dcc.Dropdown(id=ident, value=None, options=options)
    if name == "narrative_lang":
        return dcc.Dropdown(id=ident, value=lang, clearable=False, options=[
            {"label": code, "value": code} for code in v.NARRATIVE_LANGUAGES])
    return dcc.Dropdown(id=ident, value=None, options=_choices(name, lang))


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


def _field(name: str, context, lang: str, figure) -> html.Div:
    question, help_text = QUESTIONS[name]
    control = _location(lang, figure) if name == "location" else _input(name, context, lang)
    label = [] if KINDS.get(name) == "check" else [
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
                                  *(_field(n, context, lang, figure)
                                    for n in SECTION_FIELDS[key])],
                                 className="report-section", id=f"report-section-{key}"))
    return out


def typed(values: list) -> dict:
    """The inputs' values (in :data:`INPUTS` order) as the draft stores them: as typed."""
    return dict(zip(INPUTS, values, strict=True))


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
    return [raw.get(name, blank.get(KINDS[name], DEFAULTS.get(name))) for name in INPUTS]
