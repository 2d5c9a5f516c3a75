"""Page ``/``: the EU-27 choropleth, the timeline and the breakdown, under one filter.

The URL is the single source of truth: control changes write the URL, and every view is
rendered from the URL, so a copied link reproduces the view and back/forward work. A filter
change patches the map's values only; the geometry is loaded once, by URL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
from dash import Input, Output, Patch, ctx, dcc, html, no_update

from dashboard import figures, ids
from dashboard.context import AppContext, current
from dashboard.url_state import GRANULARITIES, ViewState, parse_search
from data.filters import IncidentFilter
from data.reference_tables import population
from data.vocab import DEMO_NOTICE

GEOJSON_EU = "/geo/eu27.geojson"
GEOJSON_CONTEXT = "/geo/context.geojson"
CAVEAT = (
    "Counts show incidents that organisations recorded and published, not how often hate "
    "incidents happen: reporting and coverage differ between countries and over time."
)


def _code_options(context: AppContext, kind: str) -> list[dict]:
    options = []
    for term in context.taxonomy.terms(kind):
        depth = term.code.count(".") - 1
        options.append({"label": ("— " * depth) + term.label, "value": term.code})
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
    names = context.country_names()
    state, flt = _control_values(context, search)
    zero = figures.choropleth_values(pd.Series(0, index=list(names)), "count", population(),
                                     names)
    controls = html.Div([
        html.Div([
            html.Label("Date range", htmlFor=ids.DATE_RANGE, className="filter-label"),
            dcc.DatePickerRange(id=ids.DATE_RANGE, display_format="YYYY-MM-DD",
                                start_date=flt.date_from, end_date=flt.date_to,
                                clearable=True, start_date_placeholder_text="from",
                                end_date_placeholder_text="to",
                                min_date_allowed=dt.date(1990, 1, 1)),
        ], className="filter"),
        _dropdown(ids.COUNTRY, "Member state",
                  [{"label": n, "value": iso} for iso, n in names.items()], "All 27",
                  list(flt.country)),
        _dropdown(ids.BIAS, "Bias motivation", _code_options(context, "bias"),
                  "Every motivation", list(flt.bias)),
        _dropdown(ids.INDICATOR, "Bias indicator", _code_options(context, "indicator"),
                  "Any evidence", list(flt.indicator)),
        _dropdown(ids.TYPE, "Incident type", _code_options(context, "type"), "Every type",
                  list(flt.type)),
        html.Div([
            html.Label("Map shows", htmlFor=ids.METRIC, className="filter-label"),
            dcc.RadioItems(id=ids.METRIC, value=state.metric, options=[
                {"label": " incidents", "value": "count"},
                {"label": " per million residents", "value": "per_million"}]),
        ], className="filter"),
        html.Div([
            html.Label("Timeline by", htmlFor=ids.GRANULARITY, className="filter-label"),
            dcc.RadioItems(id=ids.GRANULARITY, value=state.granularity, inline=True, options=[
                {"label": f" {g}", "value": g} for g in GRANULARITIES]),
        ], className="filter"),
        html.Div([
            dcc.Link("Reset filters", href="/", id=ids.RESET, className="button"),
            html.A("Download CSV", id=ids.DOWNLOAD_CSV, href="/api/v1/incidents?format=csv",
                   className="button", download=""),
        ], className="actions"),
    ], className="controls", role="search")
    return html.Div([
        dcc.Location(id=ids.URL, refresh=False),
        html.Div(id=ids.DEMO_BANNER, className="demo-banner", hidden=True, children=DEMO_NOTICE),
        html.Div(id=ids.NOTICE, className="notice", hidden=True, role="alert"),
        html.Div([
            controls,
            html.Main([
                html.P(id=ids.SUMMARY, className="summary", **{"aria-live": "polite"}),
                html.Div(id=ids.EMPTY, className="empty-state", hidden=True, children=[
                    html.Strong("No incidents match these filters. "),
                    dcc.Link("Reset the filters", href="/"),
                    " or widen the date range.",
                ]),
                dcc.Graph(id=ids.MAP, figure=figures.choropleth(zero, GEOJSON_EU,
                                                                 GEOJSON_CONTEXT),
                          config={"displaylogo": False, "scrollZoom": True},
                          className="map"),
                html.P("Click a member state to filter by it.", className="hint"),
                html.H2("Over time"),
                dcc.Graph(id=ids.TIMELINE, config={"displaylogo": False}),
                html.P(id=ids.TIMELINE_NOTE, className="hint"),
                html.H2("By incident type"),
                dcc.Graph(id=ids.TYPES, config={"displaylogo": False}),
                html.P(CAVEAT, className="caveat"),
            ], className="views"),
        ], className="overview"),
    ])


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _state_from_controls(start, end, countries, bias, indicator, types, metric,
                         granularity, kept: IncidentFilter) -> ViewState:
    """The state the controls show; ``kept`` supplies what has no control (region, source)."""
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
    return ViewState(flt, metric or "count", granularity or "month")


def sync_url_and_controls(search, start, end, countries, bias, indicator, types, metric,
                          granularity, click):
    """Keep the URL and the controls in step (one circular callback, two directions)."""
    context = current()
    trigger = ctx.triggered_id
    if trigger in (None, ids.URL):
        state, flt = _control_values(context, search)
        return (no_update, flt.date_from and flt.date_from.isoformat(),
                flt.date_to and flt.date_to.isoformat(), list(flt.country), list(flt.bias),
                list(flt.indicator), list(flt.type), state.metric, state.granularity)
    previous, _ = parse_search(search, context.taxonomy)
    state = _state_from_controls(start, end, countries, bias, indicator, types, metric,
                                 granularity, previous.filter)
    # The bias scope is written out explicitly, so the same query gives the same counts in
    # the page, the API and downloads (which apply only the filters they are given).
    iso = _clicked_country(click) if trigger == ids.MAP else None
    if iso:
        chosen = set(state.filter.country)
        chosen.symmetric_difference_update({iso})
        state = replace(state, filter=replace(state.filter, country=tuple(sorted(chosen))))
        new = state.to_search()
        return (new, no_update, no_update, list(state.filter.country), no_update, no_update,
                no_update, no_update, no_update)
    new = state.to_search()
    if new == (search or ""):
        return (no_update,) * 9
    return (new,) + (no_update,) * 8


def _clicked_country(click) -> str | None:
    try:
        location = click["points"][0]["location"]
    except (KeyError, IndexError, TypeError):
        return None
    return location if isinstance(location, str) and len(location) == 2 else None


def render(search):
    """Render every view from the URL: map values, timeline, breakdown, notices."""
    context = current()
    snapshot = context.snapshot()
    state, problems = parse_search(search, context.taxonomy, snapshot.sources)
    flt = state.filter.with_default_bias(context.settings.default_bias_scope)
    mask = snapshot.mask(flt)
    total = snapshot.count(mask)
    names = context.country_names()
    values = figures.choropleth_values(snapshot.by_country(mask), state.metric, population(),
                                       names)
    patch = Patch()
    patch["data"][1]["z"] = values["z"]
    patch["data"][1]["text"] = values["text"]
    patch["data"][1]["zmax"] = values["zmax"]
    patch["data"][1]["colorbar"]["title"]["text"] = values["title"]
    timeline = snapshot.timeline(mask, state.granularity)
    bias_labels = {**context.labels("bias"), "unknown": "Not recorded"}
    timeline_fig = figures.timeline_spec(timeline.counts, state.granularity, bias_labels,
                                         context.taxonomy.codes("bias"))
    note = _timeline_note(timeline.unplaced, state.granularity)
    types_fig = figures.breakdown_spec(
        snapshot.by_code(mask, "type"), context.labels("type"),
        "Incidents (an incident with several types counts once for each)")
    summary = f"{total:,} incidents. {flt.describe(context.taxonomy)}"
    notice_hidden = not problems
    notice = ("Some filters in the link were not understood and were left out: "
              + "; ".join(str(p) for p in problems)) if problems else ""
    download = "/api/v1/incidents?" + flt.to_query_string() + "&format=csv"
    demo_hidden = not snapshot.has_demo  # the page shows demo data, even when filtered away
    return (patch, timeline_fig, note, types_fig, summary, notice, notice_hidden, total > 0,
            download, demo_hidden)


def _timeline_note(unplaced: int, granularity: str) -> str:
    if not unplaced:
        return ""
    known = {"month": "the year only", "week": "the month or year only"}[granularity] \
        if granularity != "year" else ""
    return (f"{unplaced:,} incidents known to {known} are not shown in this "
            f"{granularity}ly view; switch the timeline to 'year' to include them.")


def register(app) -> None:
    """Register the page's callbacks on ``app``."""
    app.callback(
        Output(ids.URL, "search"),
        Output(ids.DATE_RANGE, "start_date"), Output(ids.DATE_RANGE, "end_date"),
        Output(ids.COUNTRY, "value"), Output(ids.BIAS, "value"),
        Output(ids.INDICATOR, "value"), Output(ids.TYPE, "value"),
        Output(ids.METRIC, "value"), Output(ids.GRANULARITY, "value"),
        Input(ids.URL, "search"),
        Input(ids.DATE_RANGE, "start_date"), Input(ids.DATE_RANGE, "end_date"),
        Input(ids.COUNTRY, "value"), Input(ids.BIAS, "value"),
        Input(ids.INDICATOR, "value"), Input(ids.TYPE, "value"),
        Input(ids.METRIC, "value"), Input(ids.GRANULARITY, "value"),
        Input(ids.MAP, "clickData"),
        prevent_initial_call=True,
    )(sync_url_and_controls)
    app.callback(
        Output(ids.MAP, "figure"), Output(ids.TIMELINE, "figure"),
        Output(ids.TIMELINE_NOTE, "children"), Output(ids.TYPES, "figure"),
        Output(ids.SUMMARY, "children"), Output(ids.NOTICE, "children"),
        Output(ids.NOTICE, "hidden"), Output(ids.EMPTY, "hidden"),
        Output(ids.DOWNLOAD_CSV, "href"), Output(ids.DEMO_BANNER, "hidden"),
        Input(ids.URL, "search"),
    )(render)
