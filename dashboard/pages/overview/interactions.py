"""What a click, a brush or a button does to the page state: pure ``ViewState`` transitions.

The page's sync callback reads the event and the current state and writes the state these
functions return into the URL; every view then follows the URL. Nothing here touches the
data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd

from dashboard import ids
from dashboard.url_state import ViewState
from geo.nuts import iso_to_eurostat

#: The level a click on a member state drills into (NUTS 2: the regions most states govern).
DRILL_LEVEL = "nuts2"
REGION_TRACE = 2


def _toggle(values: tuple[str, ...], value: str) -> tuple[str, ...]:
    return tuple(sorted(set(values) ^ {value}))


def clicked(click) -> tuple[int | None, str | None]:
    """The trace number and location (or ``customdata``) of a ``clickData`` payload."""
    try:
        point = click["points"][0]
    except (KeyError, IndexError, TypeError):
        return None, None
    where = point.get("location", point.get("customdata"))
    return point.get("curveNumber"), where if isinstance(where, str) else None


def drill(state: ViewState, iso2: str, level: str = DRILL_LEVEL) -> ViewState:
    """Show the regions of member state ``iso2`` at ``level``; keeps regions inside it."""
    prefix = iso_to_eurostat(iso2)
    regions = tuple(r for r in state.filter.region if r.startswith(prefix))
    return replace(state, level=level,
                   filter=replace(state.filter, country=(iso2,), region=regions))


def back_to_eu(state: ViewState) -> ViewState:
    """The EU-27 map: no member state, no region, country level; other filters stay."""
    return replace(state, level="country",
                   filter=replace(state.filter, country=(), region=()))


def on_map_click(state: ViewState, click, can_drill: bool) -> ViewState | None:
    """A click on the map: drill into a member state, or toggle a region filter.

    Parameters
    ----------
    state : ViewState
    click : dict
        The map's ``clickData``.
    can_drill : bool
        Regional maps are available. Without them, a click on a member state toggles it in
        the country filter (as on the EU-27 map without NUTS files).

    Returns
    -------
    ViewState or None
        None when the click hit nothing the page reacts to.
    """
    curve, where = clicked(click)
    if where is None:
        return None
    if curve == REGION_TRACE:
        return replace(state, filter=replace(state.filter,
                                             region=_toggle(state.filter.region, where)))
    if len(where) != 2:
        return None
    if can_drill:
        level = state.level if state.level != "country" else DRILL_LEVEL
        return drill(state, where, level)
    return replace(state, filter=replace(state.filter,
                                         country=_toggle(state.filter.country, where)))


def on_bar_click(state: ViewState, kind: str, click) -> ViewState | None:
    """A click on a breakdown bar: filter by that code, or lift that filter when it is the one.

    Parameters
    ----------
    state : ViewState
    kind : {"bias", "type", "indicator"}
    click : dict
        The breakdown's ``clickData`` (bars carry their code in ``customdata``).
    """
    _, code = clicked(click)
    if code is None:
        return None
    current = getattr(state.filter, kind)
    # Clicking the one code filtered by lifts the filter (bias: back to the default scope).
    chosen = (None if kind == "bias" else ()) if current == (code,) else (code,)
    return replace(state, filter=replace(state.filter, **{kind: chosen}))


def _period(stamp: pd.Timestamp, granularity: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First day of the period holding ``stamp`` and first day of the next one."""
    day = stamp.normalize()
    if granularity == "year":
        start = day.replace(month=1, day=1)
        return start, start + pd.DateOffset(years=1)
    if granularity == "month":
        start = day.replace(day=1)
        return start, start + pd.DateOffset(months=1)
    start = day - pd.Timedelta(days=day.weekday())
    return start, start + pd.Timedelta(days=7)


def periods_in_range(x0, x1, granularity: str) -> tuple[dt.date, dt.date] | None:
    """The dates of the whole periods whose middle lies between ``x0`` and ``x1``.

    The timeline draws each bar across its period, centred on the period's middle, so these
    are exactly the bars a brush covers.

    Parameters
    ----------
    x0, x1 : str
        Ends of the brushed range as Plotly reports them (``2016-03-14 08:00:00.5``).
    granularity : {"month", "week", "year"}

    Returns
    -------
    (datetime.date, datetime.date) or None
        First day of the first period and last day of the last one; None when the range
        holds no period's middle.
    """
    try:
        lo, hi = sorted((pd.Timestamp(x0), pd.Timestamp(x1)))
    except (ValueError, TypeError):
        return None
    first = last = None
    start, end = _period(lo, granularity)
    while start <= hi:
        if lo <= start + (end - start) / 2 <= hi:
            first = first or start
            last = end
        start, end = end, _period(end, granularity)[1]
    if first is None:
        return None
    return first.date(), (last - pd.Timedelta(days=1)).date()


def brushed_range(selected, relayout) -> tuple[str, str, bool] | None:
    """The x range of a timeline brush (``selectedData``) or zoom (``relayoutData``).

    Returns
    -------
    (str, str, bool) or None
        The range's ends, and whether they are bar positions (a lasso's selected points,
        which sit at their period's start) rather than the ends of a dragged range.
    """
    if isinstance(selected, dict):
        x = (selected.get("range") or {}).get("x")
        if x and len(x) == 2:
            return x[0], x[1], False
        xs = [p.get("x") for p in selected.get("points") or [] if p.get("x")]
        if xs:
            return min(xs), max(xs), True
    if isinstance(relayout, dict):
        if "xaxis.range[0]" in relayout and "xaxis.range[1]" in relayout:
            return relayout["xaxis.range[0]"], relayout["xaxis.range[1]"], False
        x = relayout.get("xaxis.range")
        if x and len(x) == 2:
            return x[0], x[1], False
    return None


def on_brush(state: ViewState, selected=None, relayout=None) -> ViewState | None:
    """A brush (or zoom) over the timeline: the date filter becomes the periods it covers."""
    x = brushed_range(selected, relayout)
    if x is None:
        return None
    if x[2]:  # bar positions: the periods that hold them
        try:
            first = _period(pd.Timestamp(x[0]), state.granularity)[0]
            after = _period(pd.Timestamp(x[1]), state.granularity)[1]
        except (ValueError, TypeError):
            return None
        dates = first.date(), (after - pd.Timedelta(days=1)).date()
    else:
        dates = periods_in_range(x[0], x[1], state.granularity)
    if dates is None:
        return None
    return replace(state, filter=replace(state.filter, date_from=dates[0], date_to=dates[1]))


#: The events the page reacts to, by name: the component and property that fire them. The
#: sync callback takes them as one group of inputs (``events``) under these names.
EVENTS = {
    "click": (ids.MAP, "clickData"),
    "back": (ids.BACK_TO_EU, "n_clicks"),
    "brush": (ids.TIMELINE, "selectedData"),
    "zoom": (ids.TIMELINE, "relayoutData"),
    "type": (ids.TYPES, "clickData"),
    "bias": (ids.BIAS_BREAKDOWN, "clickData"),
}


def event_named(source: str | None, prop: str) -> str | None:
    """The name in :data:`EVENTS` of what fired (component id ``source``, ``prop``), or None."""
    return next((name for name, fired in EVENTS.items() if fired == (source, prop)), None)


def on_event(name: str, state: ViewState, events: dict, can_drill: bool) -> ViewState | None:
    """The state after the event ``name`` (a key of :data:`EVENTS`); None: no change.

    Parameters
    ----------
    name : str
        The event that fired.
    state : ViewState
        The state the controls show.
    events : dict
        The events' payloads by name (as :data:`EVENTS`).
    can_drill : bool
        Regional maps are available.
    """
    if name == "click":
        return on_map_click(state, events["click"], can_drill)
    if name == "back":
        return back_to_eu(state)
    if name == "brush":
        return on_brush(state, selected=events["brush"])
    if name == "zoom":
        return on_brush(state, relayout=events["zoom"])
    if name in ("type", "bias"):
        return on_bar_click(state, name, events[name])
    return None
