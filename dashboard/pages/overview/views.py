"""The overview page's views: map (drill-down, playback), timeline, two breakdowns.

Layout only; :mod:`dashboard.pages.overview.page` wires the callbacks.
"""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from dashboard import figures, i18n, ids
from dashboard.i18n import N_, translate
from dashboard.i18n_text import plotly_config
from dashboard.pages.overview import chart_tables, playback
from dashboard.regions import NO_REGIONS
from dashboard.url_state import ViewState
from data.reference.population import population

GEOJSON_EU = "/geo/eu27.geojson"
GEOJSON_CONTEXT = "/geo/context.geojson"
CAVEAT = N_(
    "Counts show incidents that organisations recorded and published, not how often hate "
    "incidents happen: reporting and coverage differ between countries and over time."
)
MULTI_CODE = N_(
    "Totals count each incident once. The timeline stacks each incident once, by its "
    "primary bias motivation. In the two breakdowns an incident with several bias "
    "motivations (or several types) counts once for each of them, so their bars can add up "
    "to more than the total. Click a bar to filter by it; click it again to lift the filter."
)


def level_options(lang: str = i18n.DEFAULT) -> list[dict]:
    """The map level choices: member states, then NUTS 1, 2 and 3."""
    return [{"label": " " + translate("member states", lang), "value": "country"}] + [
        {"label": f" {name}", "value": level} for level, name in figures.LEVEL_NAMES.items()]


def _region_controls(state: ViewState, regions_available: bool) -> html.Div:
    """Level selector and "back" button; shown with regional maps and one member state.

    The selector is the keyboard's way into the regions: choose one member state in the
    filter, then a NUTS level.
    """
    lang = state.lang
    return html.Div([
        html.Button(translate("← Back to the EU map", lang), id=ids.BACK_TO_EU,
                    className="button", n_clicks=0),
        html.Label(translate("Map level", lang), htmlFor=ids.LEVEL, className="filter-label"),
        dcc.RadioItems(id=ids.LEVEL, options=level_options(lang), inline=True,
                       value=state.map_level),
    ], id=ids.REGION_CONTROLS, className="region-controls",
        hidden=not (regions_available and len(state.filter.country) == 1), role="group",
        **{"aria-label": translate("Regional map", lang)})


def map_section(names: dict[str, str], state: ViewState, regions_available: bool) -> list:
    """The map, the drill-down controls, the map's note and the time playback."""
    lang = state.lang
    zero = figures.choropleth_values(pd.Series(0, index=list(names)), "count", population(),
                                     names, lang)
    hint = translate("Click a member state to see its regions (NUTS 1, 2 or 3)."
                     if regions_available else NO_REGIONS, lang)
    return [
        _region_controls(state, regions_available),
        chart_tables.wrap("map", dcc.Graph(
            id=ids.MAP, figure=figures.choropleth(zero, GEOJSON_EU, GEOJSON_CONTEXT),
            config={"displaylogo": False, "scrollZoom": True}, className="map"), lang),
        html.P(id=ids.MAP_NOTE, className="hint map-note", **{"aria-live": "polite"}),
        html.P(hint, className="hint"),
        playback.controls(lang),
    ]


def chart_section(lang: str = i18n.DEFAULT) -> list:
    """The timeline (brushable) and the breakdowns by incident type and bias motivation."""
    _ = translate
    return [
        html.H2(_("Over time", lang)),
        chart_tables.wrap("timeline", dcc.Graph(
            id=ids.TIMELINE, config={"displaylogo": False, **plotly_config(lang)}), lang),
        html.P(_("Drag across the bars to filter by those periods.", lang), className="hint"),
        html.P(id=ids.TIMELINE_NOTE, className="hint"),
        html.H2(_("By incident type", lang)),
        chart_tables.wrap("types", dcc.Graph(id=ids.TYPES, config={"displaylogo": False}), lang),
        html.H2(_("By bias motivation", lang)),
        chart_tables.wrap("bias", dcc.Graph(id=ids.BIAS_BREAKDOWN,
                                            config={"displaylogo": False}), lang),
        html.P(_(MULTI_CODE, lang), className="hint multi-code"),
        html.P(_(CAVEAT, lang), className="caveat"),
    ]
