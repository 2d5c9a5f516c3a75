"""The form's small map: member states on a tile-free base, a marker for the chosen point.

Plotly reports clicks on traces only, not the coordinates of a click on the map itself, so
a clientside callback binds MapLibre's own ``click`` event once the map exists and writes
the clicked coordinates into the store ``report-point`` (``dash_clientside.set_props``).
Everything is served by the app: no tiles, no outside requests.
"""

from __future__ import annotations

from typing import TypedDict

import plotly.graph_objects as go

from dashboard import theme
from dashboard.figures import MAP_CENTER, MAP_ZOOM


class Point(TypedDict):
    """The chosen point, as the store ``report-point`` holds it (degrees, EPSG:4326)."""

    lat: float
    lon: float


GRAPH = "report-map"
POINT = "report-point"
BOUND = "report-map-bound"
#: Bind MapLibre's click once per map instance; retried until plotly has drawn the map.
BIND_JS = """
function (figure) {
    function bind(tries) {
        const holder = document.getElementById('GRAPH');
        const gd = holder && holder.querySelector('.js-plotly-plot');
        const sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
        const map = sub && sub.map;
        if (!map) {
            if (tries > 0) { setTimeout(function () { bind(tries - 1); }, 250); }
            return;
        }
        if (map.__incidentmapClick) { return; }
        map.__incidentmapClick = true;
        map.on('click', function (e) {
            const round = function (x) { return Math.round(x * 100000) / 100000; };
            dash_clientside.set_props('POINT', {data: {lat: round(e.lngLat.lat),
                                                     lon: round(e.lngLat.lng)}});
        });
    }
    bind(80);
    return window.dash_clientside.no_update;
}
""".replace("GRAPH", GRAPH).replace("POINT", POINT)


def figure(eu_geojson_url: str = "/geo/eu27.geojson", codes: tuple[str, ...] = ()) -> go.Figure:
    """Member states (outlines) and an empty marker trace for the chosen point."""
    states = go.Choroplethmap(
        geojson=eu_geojson_url, featureidkey="id", locations=list(codes), z=[0] * len(codes),
        colorscale=[[0, theme.CONTEXT_FILL], [1, theme.CONTEXT_FILL]], showscale=False,
        marker={"line": {"color": theme.CONTEXT_LINE, "width": 0.8}, "opacity": 0.9},
        hoverinfo="skip", name="states")
    marker = go.Scattermap(lat=[], lon=[], mode="markers", hoverinfo="skip", name="point",
                           marker={"size": 12, "color": "#b2182b"})
    fig = go.Figure([states, marker])
    fig.update_layout(map={"style": "white-bg", "center": MAP_CENTER, "zoom": MAP_ZOOM - 0.5},
                      margin={"l": 0, "r": 0, "t": 0, "b": 0}, height=360,
                      showlegend=False, uirevision="report-map")
    return fig
