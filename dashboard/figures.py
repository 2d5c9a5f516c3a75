"""Pure figure builders: pandas in, ``plotly.graph_objects.Figure`` (or patch values) out.

Figures never touch the database. The map's geometry is referenced by URL (served by the app),
so a filter change only re-sends the values (see :func:`choropleth_values`).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from dashboard import theme

MAP_CENTER = {"lat": 53.0, "lon": 14.0}
MAP_ZOOM = 2.4
METRICS = {"count": "Incidents", "per_million": "Incidents per million residents"}


def metric_values(counts: pd.Series, metric: str, population: dict[str, int]) -> pd.Series:
    """Counts, or counts per million residents, per member state."""
    if metric == "per_million":
        pop = pd.Series(population).reindex(counts.index).astype(float)
        return (counts / pop * 1e6).round(2)
    return counts.astype(float)


def choropleth_values(counts: pd.Series, metric: str, population: dict[str, int],
                      names: dict[str, str]) -> dict:
    """The parts of the map that change with a filter: values, hover text, colour range.

    Parameters
    ----------
    counts : pandas.Series
        Incidents per member state (ISO alpha-2 index, all 27).
    metric : {"count", "per_million"}
    population : dict
        Residents per member state.
    names : dict
        Display name per ISO alpha-2 code.

    Returns
    -------
    dict
        ``locations``, ``z``, ``text``, ``zmax`` and ``title`` for the EU trace.
    """
    values = metric_values(counts, metric, population)
    text = []
    for iso, count in counts.items():
        line = f"<b>{names.get(iso, iso)}</b><br>{int(count):,} incidents"
        if metric == "per_million":
            line += f"<br>{values[iso]:,.2f} per million residents"
        text.append(line)
    top = float(values.max()) if len(values) else 0.0
    return {
        "locations": list(counts.index),
        "z": [float(v) for v in values],
        "text": text,
        "zmax": top if top > 0 else 1.0,
        "title": METRICS[metric],
    }


def choropleth(values: dict, eu_geojson_url: str, context_geojson_url: str) -> go.Figure:
    """Member-state choropleth on a tile-free base map (renders offline).

    Parameters
    ----------
    values : dict
        Output of :func:`choropleth_values`.
    eu_geojson_url, context_geojson_url : str
        URLs (served by the app) of the member-state and grey context geometries.
    """
    context = go.Choroplethmap(
        geojson=context_geojson_url, featureidkey="properties.name", locations=[], z=[],
        colorscale=[[0, theme.CONTEXT_FILL], [1, theme.CONTEXT_FILL]], showscale=False,
        marker={"line": {"color": theme.CONTEXT_LINE, "width": 0.5}}, hoverinfo="skip",
        name="context",
    )
    eu = go.Choroplethmap(
        geojson=eu_geojson_url, featureidkey="id", locations=values["locations"],
        z=values["z"], text=values["text"], hovertemplate="%{text}<extra></extra>",
        zmin=0, zmax=values["zmax"], colorscale=theme.SEQUENTIAL,
        reversescale=theme.REVERSED_SEQUENTIAL,
        marker={"line": {"color": theme.BORDER, "width": 0.8}, "opacity": 0.95},
        colorbar={"title": {"text": values["title"], "side": "right"}, "thickness": 12},
        name="incidents",
    )
    fig = go.Figure([context, eu])
    fig.update_layout(
        map={"style": "white-bg", "center": MAP_CENTER, "zoom": MAP_ZOOM},
        margin={"l": 0, "r": 0, "t": 0, "b": 0}, height=520, font={"family": theme.FONT},
        clickmode="event", uirevision="map",
    )
    return fig


def period_start(label: str, granularity: str) -> str:
    """ISO date of the first day of a period label (``2016``, ``2016-03``, ``2016-W09``)."""
    if granularity == "year":
        return f"{label}-01-01"
    if granularity == "month":
        return f"{label}-01"
    year, week = label.split("-W")
    return dt.date.fromisocalendar(int(year), int(week), 1).isoformat()


def _empty_spec(message: str, height: int) -> dict:
    return {"data": [], "layout": {
        "height": height, "xaxis": {"visible": False}, "yaxis": {"visible": False},
        "annotations": [{"text": message, "showarrow": False, "font": {"size": 14}}],
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10}, "font": {"family": theme.FONT},
    }}


def timeline_spec(counts: pd.DataFrame, granularity: str, labels: dict[str, str],
                  order: tuple[str, ...]) -> dict:
    """Stacked bars of incidents per period by primary bias motivation, as a figure dict.

    A plain dict (what ``dcc.Graph`` receives) skips plotly's validation, which costs more
    than the aggregation at a million records; :func:`timeline` wraps it in a Figure.

    Parameters
    ----------
    counts : pandas.DataFrame
        Columns ``period`` (label such as ``2016-03``), ``bias`` (code) and ``count``.
    granularity : {"month", "week", "year"}
    labels : dict
        Display label per bias code.
    order : tuple of str
        Bias codes in legend order (taxonomy order); a code keeps its colour whatever the
        filter.
    """
    if counts.empty:
        return _empty_spec("No incidents match these filters.", 300)
    pivot = counts.pivot_table(index="period", columns="bias", values="count", aggfunc="sum",
                               fill_value=0).sort_index()
    x = [period_start(p, granularity) for p in pivot.index]
    traces = []
    for i, code in enumerate((*order, "unknown")):
        if code not in pivot.columns:
            continue
        label = labels.get(code, code)
        traces.append({
            "type": "bar", "x": x, "y": pivot[code].tolist(), "name": label,
            "marker": {"color": theme.CATEGORICAL[i % len(theme.CATEGORICAL)],
                       "line": {"width": 0}},
            "hovertemplate": f"{label}: %{{y:,}}<extra>%{{x}}</extra>",
        })
    layout = {
        "barmode": "stack", "height": 420, "bargap": 0.05, "font": {"family": theme.FONT},
        "margin": {"l": 50, "r": 10, "t": 10, "b": 10},
        "legend": {"title": {"text": "Primary bias motivation (each incident once)<br>",
                             "side": "top"},
                   "orientation": "h", "y": -0.18, "yanchor": "top", "font": {"size": 11},
                   "entrywidth": 0.33, "entrywidthmode": "fraction"},
        "yaxis": {"title": {"text": "Incidents"}}, "uirevision": "timeline",
        "xaxis": {"type": "date"},
    }
    return {"data": traces, "layout": layout}


def timeline(counts: pd.DataFrame, granularity: str, labels: dict[str, str],
             order: tuple[str, ...]) -> go.Figure:
    """:func:`timeline_spec` as a validated ``plotly.graph_objects.Figure``."""
    return go.Figure(timeline_spec(counts, granularity, labels, order))


def breakdown_spec(counts: pd.Series, labels: dict[str, str], title: str) -> dict:
    """Horizontal bars per code, largest first, as a figure dict (see :func:`timeline_spec`).

    A record with several codes counts once for each.

    Parameters
    ----------
    counts : pandas.Series
        Count per code.
    labels : dict
        Display label per code.
    title : str
        Axis title, e.g. "Incidents (an incident with several types counts once for each)".
    """
    shown = counts[counts > 0].sort_values()
    if shown.empty:
        return _empty_spec("No incidents match these filters.", 320)
    values = [int(v) for v in shown.to_numpy()]
    bar = {
        "type": "bar", "x": values, "y": [labels.get(c, c) for c in shown.index],
        "orientation": "h", "customdata": list(shown.index),
        "marker": {"color": theme.CATEGORICAL[0]}, "hovertemplate": "%{y}: %{x:,}<extra></extra>",
        "text": [f"{v:,}" for v in values], "textposition": "outside", "cliponaxis": False,
    }
    layout = {
        "height": max(220, 26 * len(shown) + 60), "font": {"family": theme.FONT},
        "margin": {"l": 10, "r": 40, "t": 10, "b": 40},
        "xaxis": {"title": {"text": title}}, "yaxis": {"automargin": True},
    }
    return {"data": [bar], "layout": layout}


def breakdown(counts: pd.Series, labels: dict[str, str], title: str) -> go.Figure:
    """:func:`breakdown_spec` as a validated ``plotly.graph_objects.Figure``."""
    return go.Figure(breakdown_spec(counts, labels, title))

