"""Page ``/``: the EU-27 map (drilling down to NUTS regions), timeline and breakdowns.

The URL is the single source of truth: control changes, clicks on the map and on the
breakdown bars, and brushing the timeline write the URL, and every view is rendered from the
URL, so a copied link reproduces the view and back/forward work. A filter change patches the
map's values only; the geometry is loaded by URL, once per member state and level. The time
playback steps the map through months without changing the URL (see
:mod:`dashboard.pages.overview.playback`).
"""

from __future__ import annotations

import datetime as dt

from dash import Input, Output, Patch, State, ctx, dcc, html, no_update
from dash.exceptions import MissingCallbackContextException

from dashboard import figures, i18n, i18n_text, ids
from dashboard.context import AppContext, current
from dashboard.pages.overview import chart_tables, download_sizes, downloads, interactions, playback
from dashboard.pages.overview import coverage as coverage_view
from dashboard.pages.overview import views as overview_views
from dashboard.pages.overview.map_view import map_output
from dashboard.regions import drill_layer, web_regions
from dashboard.url_state import GRANULARITIES, ViewState, parse_search
from data.filters import IncidentFilter
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


def _control_values(context: AppContext, search: str | None) -> tuple[ViewState, IncidentFilter]:
    state, _ = parse_search(search, context.taxonomy)
    return state, state.filter.with_default_bias(context.settings.default_bias_scope)


def layout(context: AppContext, search: str | None = None) -> html.Div:
    """The overview page, its controls set from the URL query ``search``."""
    state, flt = _control_values(context, search)
    lang = state.lang
    _ = i18n.translate
    names = context.country_names(lang)
    controls = html.Div([
        html.Div([
            html.Label(_("Date range", lang), htmlFor=ids.DATE_RANGE, className="filter-label"),
            dcc.DatePickerRange(id=ids.DATE_RANGE, display_format="YYYY-MM-DD",
                                start_date=flt.date_from, end_date=flt.date_to,
                                clearable=True,
                                start_date_placeholder_text=_("from", lang),
                                end_date_placeholder_text=_("to", lang),
                                min_date_allowed=dt.date(1990, 1, 1)),
        ], className="filter"),
        _dropdown(ids.COUNTRY, _("Member state", lang),
                  [{"label": n, "value": iso} for iso, n in names.items()], _("All 27", lang),
                  list(flt.country)),
        _dropdown(ids.BIAS, _("Bias motivation", lang), _code_options(context, "bias", lang),
                  _("Every motivation", lang), list(flt.bias)),
        _dropdown(ids.INDICATOR, _("Bias indicator", lang),
                  _code_options(context, "indicator", lang), _("Any evidence", lang),
                  list(flt.indicator)),
        _dropdown(ids.TYPE, _("Incident type", lang), _code_options(context, "type", lang),
                  _("Every type", lang), list(flt.type)),
        html.Div([
            html.Label(_("Map shows", lang), htmlFor=ids.METRIC, className="filter-label"),
            dcc.RadioItems(id=ids.METRIC, value=state.metric, options=[
                {"label": " " + _("incidents", lang), "value": "count"},
                {"label": " " + _("per million residents", lang), "value": "per_million"}]),
        ], className="filter"),
        html.Div([
            html.Label(_("Timeline by", lang), htmlFor=ids.GRANULARITY,
                       className="filter-label"),
            dcc.RadioItems(id=ids.GRANULARITY, value=state.granularity, inline=True, options=[
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


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _state_from_controls(start, end, countries, bias, indicator, types, metric,
                         granularity, kept: IncidentFilter, level=None,
                         lang: str = i18n.DEFAULT) -> ViewState:
    """The state the controls show; ``kept`` supplies what has no control (region, source).

    ``lang`` (the interface language) is kept from the URL: no control sets it.

    ``level`` (the regional map's level) only holds with exactly one member state.
    """
    flt = IncidentFilter(
        date_from=_date(start),
        date_to=_date(end),
        region=kept.region,
        source=kept.source,
        country=tuple(sorted(countries or ())),
        bias=tuple(sorted(bias or ())),
        indicator=tuple(sorted(indicator or ())),
        type=tuple(sorted(types or ())),
    )
    level = level if level and level != "country" and len(flt.country) == 1 else "country"
    return ViewState(flt, metric or "count", granularity or "month", level, lang)


def _controls_of(context: AppContext, state: ViewState) -> tuple:
    """Control values (dates, the four dropdowns, metric, granularity, level) for ``state``."""
    flt = state.filter.with_default_bias(context.settings.default_bias_scope)
    return (flt.date_from and flt.date_from.isoformat(), flt.date_to and flt.date_to.isoformat(),
            list(flt.country), list(flt.bias), list(flt.indicator), list(flt.type),
            state.metric, state.granularity,
            state.level if state.drilled_country else "country")


def sync_url_and_controls(search, start, end, countries, bias, indicator, types, metric,
                          granularity, level, click, back, brush, zoom, type_click,
                          bias_click):
    """Keep the URL and the controls in step (one circular callback, two directions).

    A control change writes the URL; a click on the map or a bar, a timeline brush or the
    "back to the EU map" button writes the URL and sets the controls to match; a URL change
    (a link, back/forward) sets the controls.
    """
    context = current()
    trigger = ctx.triggered_id
    if trigger in (None, ids.URL):
        state, _ = _control_values(context, search)
        return (no_update, *_controls_of(context, state))
    previous, _ = parse_search(search, context.taxonomy)
    state = _state_from_controls(start, end, countries, bias, indicator, types, metric,
                                 granularity, previous.filter, level, previous.lang)
    # The bias scope is written out explicitly, so the same query gives the same counts in
    # the page, the API and downloads (which apply only the filters they are given).
    prop = ctx.triggered[0]["prop_id"].rsplit(".", 1)[-1]
    events = {"click": click, "brush": brush, "zoom": zoom, "type": type_click,
              "bias": bias_click}
    if trigger in interactions.EVENT_SOURCES:
        moved = interactions.on_event(trigger, prop, state, events,
                                      web_regions(context.settings) is not None)
        if moved is None:
            return (no_update,) * 10
        return (moved.to_search(), *_controls_of(context, moved))
    new = state.to_search()
    if new == (search or ""):
        return (no_update,) * 10
    return (new,) + (no_update,) * 9


def _triggered_by_month_only() -> bool:
    try:
        return ctx.triggered_id == ids.PLAY_MONTH
    except MissingCallbackContextException:  # called directly (benchmarks, tests)
        return False


def render(search, month=None):
    """Render every view from the URL (and the playback's month, which only the map shows)."""
    context = current()
    snapshot = context.snapshot()
    state, problems = parse_search(search, context.taxonomy, snapshot.sources)
    flt = state.filter.with_default_bias(context.settings.default_bias_scope)
    mask = snapshot.mask(flt)
    lang = state.lang
    _ = i18n.translate
    names = context.country_names(lang)
    drill = drill_layer(context.settings, state.drilled_country, state.level)
    shown = map_output(snapshot, mask, state.metric, names, drill, month, lang)
    label = (_("Map: {month}", lang).format(month=playback.month_start(month)[:7])
             if month is not None else _("Map: whole period", lang))
    marker = figures.month_marker(None if month is None else playback.month_start(month))
    if _triggered_by_month_only():
        timeline_patch = Patch()
        timeline_patch["layout"]["shapes"] = marker
        return (shown.patch, timeline_patch) + (no_update,) * 10 + (shown.note, label) \
            + (no_update,) * 3
    total = snapshot.count(mask)
    timeline = snapshot.timeline(mask, state.granularity)
    bias_labels = {**context.labels("bias", lang), "unknown": _("Not recorded", lang)}
    timeline_fig = figures.timeline_spec(
        timeline.counts, state.granularity, bias_labels, context.taxonomy.codes("bias"),
        revision=f"{state.granularity}:{flt.date_from}:{flt.date_to}:{lang}", lang=lang)
    timeline_fig["layout"]["shapes"] = marker
    note = i18n_text.timeline_note(timeline.unplaced, state.granularity, lang)
    types_fig = figures.breakdown_spec(
        snapshot.by_code(mask, "type"), context.labels("type", lang),
        _("Incidents (an incident with several types counts once for each)", lang), flt.type,
        lang=lang)
    bias_fig = figures.breakdown_spec(
        snapshot.by_code(mask, "bias"), context.labels("bias", lang),
        _("Incidents (an incident with several motivations counts once for each)", lang),
        state.filter.bias or (), lang=lang)
    summary = i18n_text.summary(total, flt, context.taxonomy, lang)
    problems = [str(p) for p in problems]
    if state.level != "country" and drill is None:
        problems.append(i18n_text.level_problem(state.level,
                                                web_regions(context.settings) is not None,
                                                lang))
    notice_hidden = not problems
    notice = i18n_text.problems_notice(problems, lang)
    download = "/api/v1/incidents?" + flt.to_query_string() + "&format=csv"
    demo_hidden = not snapshot.has_demo  # the page shows demo data, even when filtered away
    one_state = len(state.filter.country) == 1 and web_regions(context.settings) is not None
    return (shown.patch, timeline_fig, note, types_fig, bias_fig, summary, notice,
            notice_hidden, total > 0, download, demo_hidden, not one_state, shown.note, label,
            *playback.slider_bounds(snapshot))


def register(app) -> None:
    """Register the page's callbacks on ``app``."""
    downloads.register(app)
    coverage_view.register(app)
    chart_tables.register(app)
    app.callback(
        Output(ids.URL, "search"),
        Output(ids.DATE_RANGE, "start_date"), Output(ids.DATE_RANGE, "end_date"),
        Output(ids.COUNTRY, "value"), Output(ids.BIAS, "value"),
        Output(ids.INDICATOR, "value"), Output(ids.TYPE, "value"),
        Output(ids.METRIC, "value"), Output(ids.GRANULARITY, "value"),
        Output(ids.LEVEL, "value"),
        Input(ids.URL, "search"),
        Input(ids.DATE_RANGE, "start_date"), Input(ids.DATE_RANGE, "end_date"),
        Input(ids.COUNTRY, "value"), Input(ids.BIAS, "value"),
        Input(ids.INDICATOR, "value"), Input(ids.TYPE, "value"),
        Input(ids.METRIC, "value"), Input(ids.GRANULARITY, "value"),
        Input(ids.LEVEL, "value"),
        Input(ids.MAP, "clickData"), Input(ids.BACK_TO_EU, "n_clicks"),
        Input(ids.TIMELINE, "selectedData"), Input(ids.TIMELINE, "relayoutData"),
        Input(ids.TYPES, "clickData"), Input(ids.BIAS_BREAKDOWN, "clickData"),
        prevent_initial_call=True,
    )(sync_url_and_controls)
    app.callback(
        Output(ids.MAP, "figure"), Output(ids.TIMELINE, "figure"),
        Output(ids.TIMELINE_NOTE, "children"), Output(ids.TYPES, "figure"),
        Output(ids.BIAS_BREAKDOWN, "figure"),
        Output(ids.SUMMARY, "children"), Output(ids.NOTICE, "children"),
        Output(ids.NOTICE, "hidden"), Output(ids.EMPTY, "hidden"),
        Output(ids.DOWNLOAD_CSV, "href"), Output(ids.DEMO_BANNER, "hidden"),
        Output(ids.REGION_CONTROLS, "hidden"), Output(ids.MAP_NOTE, "children"),
        Output(ids.PLAY_LABEL, "children"),
        Output(ids.PLAY_MONTH, "min"), Output(ids.PLAY_MONTH, "max"),
        Output(ids.PLAY_MONTH, "marks"),
        Input(ids.URL, "search"), Input(ids.PLAY_MONTH, "value"),
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
