"""Pure figure builders: pandas in, ``plotly.graph_objects.Figure`` (or patch values) out.

Figures never touch the database. The map's geometry is referenced by URL (served by the app),
so a filter change only re-sends the values (see :func:`choropleth_values`).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n, theme
from dashboard.i18n import N_, number, translate

MAP_CENTER = {"lat": 53.0, "lon": 14.0}
MAP_ZOOM = 2.4
METRICS = {"count": N_("Incidents"), "per_million": N_("Incidents per million residents")}
LEVEL_NAMES = {"nuts1": "NUTS 1", "nuts2": "NUTS 2", "nuts3": "NUTS 3"}
#: Bars sit in the middle of their period, so a brush over bars covers whole periods.
PERIODS = {"year": "M12", "month": "M1", "week": 7 * 24 * 3600 * 1000}


def metric_values(counts: pd.Series, metric: str, population: dict[str, int]) -> pd.Series:
    """Counts, or counts per million residents, per member state."""
    if metric == "per_million":
        pop = pd.Series(population).reindex(counts.index).astype(float)
        return (counts / pop * 1e6).round(2)
    return counts.astype(float)


def choropleth_values(counts: pd.Series, metric: str, population: dict[str, int],
                      names: dict[str, str], lang: str = i18n.DEFAULT) -> dict:
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
    lang : str, optional
        Interface language of the hover text and the title.

    Returns
    -------
    dict
        ``locations``, ``z``, ``text``, ``zmax`` and ``title`` for the EU trace.
    """
    values = metric_values(counts, metric, population)
    incidents = translate("{count} incidents", lang)
    per_million = translate("{value} per million residents", lang)
    text = []
    for iso, count in counts.items():
        line = f"<b>{names.get(iso, iso)}</b><br>" + incidents.format(
            count=number(int(count), lang))
        if metric == "per_million":
            line += "<br>" + per_million.format(value=number(values[iso], lang, 2))
        text.append(line)
    top = float(values.max()) if len(values) else 0.0
    return {
        "locations": list(counts.index),
        "z": [float(v) for v in values],
        "text": text,
        "zmax": top if top > 0 else 1.0,
        "title": translate(METRICS[metric], lang),
    }


def region_values(counts: pd.Series, codes: tuple[str, ...], names: tuple[str, ...],
                  level: str, lang: str = i18n.DEFAULT) -> dict:
    """The regional map's values: one per region of a member state at one NUTS level.

    Parameters
    ----------
    counts : pandas.Series
        Incidents per NUTS code (codes of other states or levels are ignored).
    codes, names : tuple of str
        The state's regions at ``level`` (the geometry's feature ids) and their names.
    level : {"nuts1", "nuts2", "nuts3"}
    lang : str, optional
        Interface language.

    Returns
    -------
    dict
        ``locations``, ``z``, ``text``, ``zmax``, ``title`` (as :func:`choropleth_values`)
        and ``shown``: the incidents these regions hold.
    """
    z = counts.reindex(list(codes), fill_value=0).astype(float)
    incidents = translate("{count} incidents", lang)
    text = [f"<b>{name}</b> ({code})<br>" + incidents.format(count=number(int(v), lang))
            for code, name, v in zip(codes, names, z, strict=True)]
    top = float(z.max()) if len(z) else 0.0
    title = translate("Incidents per {level} region", lang).format(level=LEVEL_NAMES[level])
    return {"locations": list(codes), "z": [float(v) for v in z], "text": text,
            "zmax": top if top > 0 else 1.0, "title": title, "shown": int(z.sum())}


def backdrop_values(names: dict[str, str], drilled: str, lang: str = i18n.DEFAULT) -> dict:
    """Grey member states around a drilled-into one: clickable, without values.

    Parameters
    ----------
    names : dict
        Display name per ISO alpha-2 code of the member states.
    drilled : str
        The state whose regions are shown (left out).
    lang : str, optional
        Interface language of the hover text.
    """
    others = [iso for iso in names if iso != drilled]
    hint = translate("click to see its regions", lang)
    return {"locations": others, "z": [0.0] * len(others),
            "text": [f"<b>{names[iso]}</b><br>{hint}" for iso in others]}


def choropleth(values: dict, eu_geojson_url: str, context_geojson_url: str) -> go.Figure:
    """Member-state choropleth on a tile-free base map (renders offline).

    The third trace holds a member state's regions when the map is drilled down; on the
    EU-27 map it is empty (its values are patched in, see ``dashboard.pages.overview.map_view``).

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
    regions = go.Choroplethmap(
        geojson=eu_geojson_url, featureidkey="id", locations=[], z=[], text=[],
        hovertemplate="%{text}<extra></extra>", zmin=0, zmax=1, colorscale=theme.SEQUENTIAL,
        reversescale=theme.REVERSED_SEQUENTIAL, showscale=False,
        marker={"line": {"color": theme.BORDER, "width": 0.6}, "opacity": 0.95},
        colorbar={"title": {"text": "", "side": "right"}, "thickness": 12}, name="regions",
    )
    fig = go.Figure([context, eu, regions])
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


def _localised(layout: dict, lang: str) -> dict:
    """``layout`` with the number separators of ``lang`` (English keeps plotly's default)."""
    if i18n.normal(lang) != i18n.DEFAULT:
        layout["separators"] = i18n.plotly_separators(lang)
    return layout


def _empty_spec(message: str, height: int) -> dict:
    return {"data": [], "layout": {
        "height": height, "xaxis": {"visible": False}, "yaxis": {"visible": False},
        "annotations": [{"text": message, "showarrow": False, "font": {"size": 14}}],
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10}, "font": {"family": theme.FONT},
    }}


def timeline_spec(counts: pd.DataFrame, granularity: str, labels: dict[str, str],
                  order: tuple[str, ...], revision: str = "timeline",
                  lang: str = i18n.DEFAULT) -> dict:
    """Stacked bars of incidents per period by primary bias motivation, as a figure dict.

    A plain dict (what ``dcc.Graph`` receives) skips plotly's validation, which costs more
    than the aggregation at a million records; :func:`timeline` wraps it in a Figure.
    Dragging across the bars selects whole periods (``dragmode="select"``, bars centred in
    their period): the page turns the selection into a date filter.

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
    revision : str
        ``uirevision``: a new value drops the reader's selection and zoom (e.g. when the
        date filter changes).
    lang : str, optional
        Interface language of the legend and axis titles and of numbers.
    """
    if counts.empty:
        return _empty_spec(translate("No incidents match these filters.", lang), 300)
    # A dense period x motivation grid with numpy (pandas' pivot_table costs milliseconds).
    rows, periods = pd.factorize(counts["period"].to_numpy(), sort=True)
    cols, codes = pd.factorize(counts["bias"].to_numpy())
    grid = np.zeros((len(periods), len(codes)), dtype=np.int64)
    np.add.at(grid, (rows, cols), counts["count"].to_numpy(np.int64))
    column = {code: j for j, code in enumerate(codes)}
    x = [period_start(p, granularity) for p in periods]
    traces = []
    for i, code in enumerate((*order, "unknown")):
        if code not in column:
            continue
        label = labels.get(code, code)
        traces.append({
            "type": "bar", "x": x, "y": grid[:, column[code]].tolist(), "name": label,
            "marker": {"color": theme.CATEGORICAL[i % len(theme.CATEGORICAL)],
                       "line": {"width": 0}},
            "hovertemplate": f"{label}: %{{y:,}}<extra>%{{x}}</extra>",
            "xperiod": PERIODS[granularity], "xperiodalignment": "middle",
        })
    layout = {
        "barmode": "stack", "height": 420, "bargap": 0.05, "font": {"family": theme.FONT},
        "margin": {"l": 50, "r": 10, "t": 10, "b": 10},
        "legend": {"title": {"text": translate(
                       "Primary bias motivation (each incident once)", lang) + "<br>",
                             "side": "top"},
                   "orientation": "h", "y": -0.18, "yanchor": "top", "font": {"size": 11},
                   "entrywidth": 0.33, "entrywidthmode": "fraction"},
        "yaxis": {"title": {"text": translate("Incidents", lang)}, "fixedrange": True},
        "uirevision": revision,
        "xaxis": {"type": "date"}, "dragmode": "select", "selectdirection": "h",
    }
    return {"data": traces, "layout": _localised(layout, lang)}


def timeline(counts: pd.DataFrame, granularity: str, labels: dict[str, str],
             order: tuple[str, ...]) -> go.Figure:
    """:func:`timeline_spec` as a validated ``plotly.graph_objects.Figure``."""
    return go.Figure(timeline_spec(counts, granularity, labels, order))


def month_marker(month_start: str | None) -> list[dict]:
    """Timeline ``layout.shapes`` marking the month the map plays (none for ``None``)."""
    if month_start is None:
        return []
    return [{"type": "rect", "xref": "x", "yref": "paper", "x0": month_start,
             "x1": period_end(month_start), "y0": 0, "y1": 1, "line": {"width": 0},
             "fillcolor": "rgba(0, 0, 0, 0.12)", "layer": "below"}]


def period_end(month_start: str) -> str:
    """ISO date of the first day of the month after ``month_start`` (``YYYY-MM-01``)."""
    year, month = int(month_start[:4]), int(month_start[5:7])
    return dt.date(year + month // 12, month % 12 + 1, 1).isoformat()


def breakdown_spec(counts: pd.Series, labels: dict[str, str], title: str,
                   selected: tuple[str, ...] = (), lang: str = i18n.DEFAULT) -> dict:
    """Horizontal bars per code, largest first, as a figure dict (see :func:`timeline_spec`).

    A record with several codes counts once for each. Each bar carries its code
    (``customdata``), so a click on it can filter by that code.

    Parameters
    ----------
    counts : pandas.Series
        Count per code.
    labels : dict
        Display label per code.
    title : str
        Axis title, e.g. "Incidents (an incident with several types counts once for each)".
    selected : tuple of str
        Codes the filter holds: their bars are drawn in a darker colour.
    lang : str, optional
        Interface language of the hover hint and of numbers.
    """
    # numpy, not pandas (a millisecond less per chart): the order of Series.sort_values
    array = counts.to_numpy()
    present = np.flatnonzero(array > 0)
    if not present.size:
        return _empty_spec(translate("No incidents match these filters.", lang), 320)
    order = present[np.argsort(array[present], kind="quicksort")]
    values = array[order].tolist()
    shown = counts.index[order].tolist()
    bar = {
        "type": "bar", "x": values, "y": [labels.get(c, c) for c in shown],
        "orientation": "h", "customdata": shown,
        "marker": {"color": [theme.SELECTED if c in selected else theme.CATEGORICAL[0]
                             for c in shown]},
        "hovertemplate": "%{y}: %{x:,}<extra>" + translate("click to filter", lang)
                         + "</extra>",
        "text": [number(v, lang) for v in values], "textposition": "outside",
        "cliponaxis": False,
    }
    layout = {
        "height": max(220, 26 * len(shown) + 60), "font": {"family": theme.FONT},
        "margin": {"l": 10, "r": 40, "t": 10, "b": 40},
        "xaxis": {"title": {"text": title}, "fixedrange": True},
        "yaxis": {"automargin": True, "fixedrange": True}, "dragmode": False,
    }
    return {"data": [bar], "layout": _localised(layout, lang)}


def breakdown(counts: pd.Series, labels: dict[str, str], title: str) -> go.Figure:
    """:func:`breakdown_spec` as a validated ``plotly.graph_objects.Figure``."""
    return go.Figure(breakdown_spec(counts, labels, title))

