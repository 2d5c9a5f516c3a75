"""Page ``/``: the EU-27 map (drilling down to NUTS regions), timeline and breakdowns.

The URL is the single source of truth: control changes, clicks on the map and on the
breakdown bars, and brushing the timeline write the URL, and every view is rendered from the
URL, so a copied link reproduces the view and back/forward work. A filter change patches the
map's values only; the geometry is loaded by URL, once per member state and level. The time
playback steps the map through months without changing the URL (see
:mod:`dashboard.pages.overview.playback`).

The two callbacks are thin: they read their inputs (grouped and named, as their outputs are)
and hand them to pure functions: :mod:`dashboard.pages.overview.controls` keeps the URL and the
controls in step, :mod:`dashboard.pages.overview.view_values` computes every view's values.
"""

from __future__ import annotations

import datetime as dt

from dash import Input, Output, State, ctx, dcc, html
from dash.exceptions import MissingCallbackContextException

from dashboard import i18n, ids
from dashboard.context import AppContext, current
from dashboard.pages.overview import (
    chart_tables,
    download_sizes,
    downloads,
    interactions,
    playback,
    view_values,
)
from dashboard.pages.overview import controls as controls_view
from dashboard.pages.overview import coverage as coverage_view
from dashboard.pages.overview import views as overview_views
from dashboard.regions import web_regions
from dashboard.url_state import GRANULARITIES, parse_search
from data.reference.vocab import DEMO_NOTICE


def _code_options(context: AppContext, kind: str, lang: str = "en") -> list[dict]:
    options = []
    for term in context.taxonomy.terms(kind):
        depth = term.code.count(".") - 1
        options.append({"label": ("— " * depth) + context.taxonomy.label(term.code, lang),
                        "value": term.code})
    return options


def _dropdown(component_id: str, label: str, options: list[dict], hint: str, value: list):
    return html.Div([
        html.Label(label, htmlFor=component_id, className="filter-label"),
        dcc.Dropdown(id=component_id, options=options, multi=True, placeholder=hint,
                     value=value),
    ], className="filter")


def layout(context: AppContext, search: str | None = None) -> html.Div:
    """The overview page, its controls set from the URL query ``search``."""
    state, _ = parse_search(search, context.taxonomy)
    shown = controls_view.controls_of(state, context.settings.default_bias_scope)
    lang = state.lang
    _ = i18n.translate
    names = context.country_names(lang)
    controls = html.Div([
        html.Div([
            html.Label(_("Date range", lang), htmlFor=ids.DATE_RANGE, className="filter-label"),
            dcc.DatePickerRange(id=ids.DATE_RANGE, display_format="YYYY-MM-DD",
                                start_date=shown["start_date"], end_date=shown["end_date"],
                                clearable=True,
                                start_date_placeholder_text=_("from", lang),
                                end_date_placeholder_text=_("to", lang),
                                min_date_allowed=dt.date(1990, 1, 1)),
        ], className="filter"),
        _dropdown(ids.COUNTRY, _("Member state", lang),
                  [{"label": n, "value": iso} for iso, n in names.items()], _("All 27", lang),
                  shown["country"]),
        _dropdown(ids.BIAS, _("Bias motivation", lang), _code_options(context, "bias", lang),
                  _("Every motivation", lang), shown["bias"]),
        _dropdown(ids.INDICATOR, _("Bias indicator", lang),
                  _code_options(context, "indicator", lang), _("Any evidence", lang),
                  shown["indicator"]),
        _dropdown(ids.TYPE, _("Incident type", lang), _code_options(context, "type", lang),
                  _("Every type", lang), shown["type"]),
        html.Div([
            html.Label(_("Map shows", lang), htmlFor=ids.METRIC, className="filter-label"),
            dcc.RadioItems(id=ids.METRIC, value=shown["metric"], options=[
                {"label": " " + _("incidents", lang), "value": "count"},
                {"label": " " + _("per million residents", lang), "value": "per_million"}]),
        ], className="filter"),
        html.Div([
            html.Label(_("Timeline by", lang), htmlFor=ids.GRANULARITY,
                       className="filter-label"),
            dcc.RadioItems(id=ids.GRANULARITY, value=shown["granularity"], inline=True, options=[
                {"label": " " + _(g, lang), "value": g} for g in GRANULARITIES]),
        ], className="filter"),
        html.Div([
            dcc.Link(_("Reset filters", lang), href=i18n.href("/", lang), id=ids.RESET,
                     className="button"),
            html.A(_("Download CSV", lang), id=ids.DOWNLOAD_CSV,
                   href="/api/v1/incidents?format=csv", className="button", download=""),
            download_sizes.component(lang),
            downloads.other_formats(lang),
        ], className="actions"),
    ], className="controls", role="search")
    regions_available = web_regions(context.settings) is not None
    return html.Div([
        dcc.Location(id=ids.URL, refresh=False),
        html.Div(id=ids.DEMO_BANNER, className="demo-banner", hidden=True,
                 children=_(DEMO_NOTICE, lang)),
        html.Div(id=ids.NOTICE, className="notice", hidden=True, role="alert"),
        html.Div([
            controls,
            html.Main([
                html.P(id=ids.SUMMARY, className="summary", **{"aria-live": "polite"}),
                html.Div(id=ids.EMPTY, className="empty-state", hidden=True, children=[
                    html.Strong(_("No incidents match these filters.", lang) + " "),
                    dcc.Link(_("Reset the filters", lang), href=i18n.href("/", lang)),
                    " " + _("or widen the date range.", lang),
                ]),
                *overview_views.map_section(names, state, regions_available),
                *overview_views.chart_section(lang),
                *coverage_view.section(lang),
            ], className="views"),
        ], className="overview"),
    ])


def sync_url_and_controls(search: str | None, controls: dict, events: dict):
    """Keep the URL and the controls in step (one circular callback, two directions).

    Thin: reads what fired and hands it to :func:`dashboard.pages.overview.controls.synced`.
    """
    context = current()
    prop = ctx.triggered[0]["prop_id"].rsplit(".", 1)[-1]
    return controls_view.synced(ctx.triggered_id, prop, search, controls, events,
                                context.taxonomy, context.settings.default_bias_scope,
                                web_regions(context.settings) is not None)


def _triggered_by_month_only() -> bool:
    try:
        return ctx.triggered_id == ids.PLAY_MONTH
    except MissingCallbackContextException:  # called directly (benchmarks, tests)
        return False


def render(search: str | None, month: int | None = None):
    """Render every view from the URL (and the playback's month, which only the map shows).

    Thin: reads the URL into a state and returns
    :func:`dashboard.pages.overview.view_values.views_of` (a playback step:
    :func:`~dashboard.pages.overview.view_values.playback_step_of`).
    """
    context = current()
    snapshot = context.snapshot()
    state, problems = parse_search(search, context.taxonomy, snapshot.sources)
    if _triggered_by_month_only():
        return view_values.playback_step_of(context, snapshot, state, month)
    return view_values.views_of(context, snapshot, state, problems, month)


def _grouped(dependency, table: dict) -> dict:
    """``table`` (names to ``(component id, property)``, nested) as Dash dependencies."""
    return {name: _grouped(dependency, where) if isinstance(where, dict)
            else dependency(*where) for name, where in table.items()}


def register(app) -> None:
    """Register the page's callbacks on ``app``."""
    downloads.register(app)
    coverage_view.register(app)
    chart_tables.register(app)
    app.callback(
        output={"search": Output(ids.URL, "search"),
                "controls": _grouped(Output, controls_view.CONTROLS)},
        inputs={"search": Input(ids.URL, "search"),
                "controls": _grouped(Input, controls_view.CONTROLS),
                "events": _grouped(Input, interactions.EVENTS)},
        prevent_initial_call=True,
    )(sync_url_and_controls)
    app.callback(
        output=_grouped(Output, view_values.OUTPUTS),
        inputs={"search": Input(ids.URL, "search"), "month": Input(ids.PLAY_MONTH, "value")},
    )(render)
    app.callback(
        Output(ids.PLAY_MONTH, "value"), Output(ids.PLAY_INTERVAL, "disabled"),
        Output(ids.PLAY, "children"),
        Input(ids.PLAY, "n_clicks"), Input(ids.PLAY_ALL, "n_clicks"),
        Input(ids.PLAY_INTERVAL, "n_intervals"),
        State(ids.PLAY_MONTH, "value"), State(ids.PLAY_MONTH, "min"),
        State(ids.PLAY_MONTH, "max"), State(ids.PLAY_INTERVAL, "disabled"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )(playback.step_callback)
