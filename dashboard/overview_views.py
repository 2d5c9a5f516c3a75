"""The overview page's views: map (drill-down, playback), timeline, two breakdowns.

Layout only; :mod:`dashboard.pages.overview` wires the callbacks.
"""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from dashboard import figures, ids, playback
from dashboard.regions import NO_REGIONS
from dashboard.url_state import ViewState
from data.reference_tables import population

GEOJSON_EU = "/geo/eu27.geojson"
GEOJSON_CONTEXT = "/geo/context.geojson"
CAVEAT = (
    "Counts show incidents that organisations recorded and published, not how often hate "
    "incidents happen: reporting and coverage differ between countries and over time."
)
MULTI_CODE = (
    "Totals count each incident once. The timeline stacks each incident once, by its "
    "primary bias motivation. In the two breakdowns an incident with several bias "
    "motivations (or several types) counts once for each of them, so their bars can add up "
    "to more than the total. Click a bar to filter by it; click it again to lift the filter."
)
LEVEL_OPTIONS = [{"label": " member states", "value": "country"}] + [
    {"label": f" {name}", "value": level} for level, name in figures.LEVEL_NAMES.items()]


def _region_controls(state: ViewState, regions_available: bool) -> html.Div:
    """Level selector and "back" button; shown with regional maps and one member state.

    The selector is the keyboard's way into the regions: choose one member state in the
    filter, then a NUTS level.
    """
    return html.Div([
        html.Button("← Back to the EU map", id=ids.BACK_TO_EU, className="button",
                    n_clicks=0),
        html.Label("Map level", htmlFor=ids.LEVEL, className="filter-label"),
        dcc.RadioItems(id=ids.LEVEL, options=LEVEL_OPTIONS, inline=True,
                       value=state.level if state.drilled_country else "country"),
    ], id=ids.REGION_CONTROLS, className="region-controls",
        hidden=not (regions_available and len(state.filter.country) == 1), role="group",
        **{"aria-label": "Regional map"})


def map_section(names: dict[str, str], state: ViewState, regions_available: bool) -> list:
    """The map, the drill-down controls, the map's note and the time playback."""
    zero = figures.choropleth_values(pd.Series(0, index=list(names)), "count", population(),
                                     names)
    hint = ("Click a member state to see its regions (NUTS 1, 2 or 3)." if regions_available
            else NO_REGIONS)
    return [
        _region_controls(state, regions_available),
        dcc.Graph(id=ids.MAP, figure=figures.choropleth(zero, GEOJSON_EU, GEOJSON_CONTEXT),
                  config={"displaylogo": False, "scrollZoom": True}, className="map"),
        html.P(id=ids.MAP_NOTE, className="hint map-note", **{"aria-live": "polite"}),
        html.P(hint, className="hint"),
        playback.controls(),
    ]


def chart_section() -> list:
    """The timeline (brushable) and the breakdowns by incident type and bias motivation."""
    return [
        html.H2("Over time"),
        dcc.Graph(id=ids.TIMELINE, config={"displaylogo": False}),
        html.P("Drag across the bars to filter by those periods.", className="hint"),
        html.P(id=ids.TIMELINE_NOTE, className="hint"),
        html.H2("By incident type"),
        dcc.Graph(id=ids.TYPES, config={"displaylogo": False}),
        html.H2("By bias motivation"),
        dcc.Graph(id=ids.BIAS_BREAKDOWN, config={"displaylogo": False}),
        html.P(MULTI_CODE, className="hint multi-code"),
        html.P(CAVEAT, className="caveat"),
    ]
