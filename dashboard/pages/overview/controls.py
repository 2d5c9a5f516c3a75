"""The page's controls and its URL kept in step: the sync callback's work, without Dash.

The URL is the page's state (:class:`dashboard.url_state.ViewState`). A control change writes
the URL; an event (a click on the map or a bar, a timeline brush, the "back to the EU map"
button) writes the URL and sets the controls to match; a URL change (a link, back/forward)
sets the controls. :func:`synced` decides which, from what fired and the values the callback
reads; the page's callback only reads them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from dash import no_update

from dashboard import ids
from dashboard.pages.overview import interactions
from dashboard.url_state import ViewState, parse_search
from data.filters import IncidentFilter
from data.reference.taxonomy import Taxonomy

#: The controls by name: the component and property that hold each value. The sync callback
#: reads them as one group of inputs and writes them as one group of outputs (``controls``).
CONTROLS = {
    "start_date": (ids.DATE_RANGE, "start_date"),
    "end_date": (ids.DATE_RANGE, "end_date"),
    "country": (ids.COUNTRY, "value"),
    "bias": (ids.BIAS, "value"),
    "indicator": (ids.INDICATOR, "value"),
    "type": (ids.TYPE, "value"),
    "metric": (ids.METRIC, "value"),
    "granularity": (ids.GRANULARITY, "value"),
    "level": (ids.LEVEL, "value"),
}


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def state_from_controls(controls: dict, kept: ViewState) -> ViewState:
    """The state the controls show; ``kept`` supplies what has no control.

    Parameters
    ----------
    controls : dict
        The controls' values by the names of :data:`CONTROLS`.
    kept : ViewState
        The state of the URL: its region and source filters and its language (no control
        sets them) carry over.

    Returns
    -------
    ViewState
        The regional map's ``level`` only holds with exactly one member state.
    """
    flt = IncidentFilter(
        date_from=_date(controls["start_date"]),
        date_to=_date(controls["end_date"]),
        region=kept.filter.region,
        source=kept.filter.source,
        country=tuple(sorted(controls["country"] or ())),
        bias=tuple(sorted(controls["bias"] or ())),
        indicator=tuple(sorted(controls["indicator"] or ())),
        type=tuple(sorted(controls["type"] or ())),
    )
    state = ViewState(flt, controls["metric"] or "count", controls["granularity"] or "month",
                      controls["level"] or "country", kept.lang)
    return replace(state, level=state.map_level)


def controls_of(state: ViewState, default_bias: tuple[str, ...]) -> dict:
    """The controls' values for ``state``, by the names of :data:`CONTROLS`.

    Parameters
    ----------
    state : ViewState
    default_bias : tuple of str
        The default bias scope, which the bias control shows when the URL sets none.
    """
    flt = state.filter.with_default_bias(default_bias)
    return {
        "start_date": flt.date_from and flt.date_from.isoformat(),
        "end_date": flt.date_to and flt.date_to.isoformat(),
        "country": list(flt.country),
        "bias": list(flt.bias),
        "indicator": list(flt.indicator),
        "type": list(flt.type),
        "metric": state.metric,
        "granularity": state.granularity,
        "level": state.map_level,
    }


def _written(search, controls) -> dict:
    return {"search": search, "controls": controls}


def _unchanged_controls() -> dict:
    return dict.fromkeys(CONTROLS, no_update)


def synced(source: str | None, prop: str, search: str | None, controls: dict, events: dict,
           taxonomy: Taxonomy, default_bias: tuple[str, ...], can_drill: bool) -> dict:
    """What the sync callback writes: the URL's ``search`` and the ``controls``.

    Parameters
    ----------
    source, prop : str or None
        The component id and property that fired (None: nothing, the first call).
    search : str or None
        The URL's query.
    controls : dict
        The controls' values by the names of :data:`CONTROLS`.
    events : dict
        The events' payloads by the names of :data:`interactions.EVENTS`.
    taxonomy : Taxonomy
    default_bias : tuple of str
        The default bias scope.
    can_drill : bool
        Regional maps are available.

    Returns
    -------
    dict
        ``search`` (str) and ``controls`` (values by name); ``dash.no_update`` for what stays.
    """
    if source in (None, ids.URL):
        state, _ = parse_search(search, taxonomy)
        return _written(no_update, controls_of(state, default_bias))
    previous, _ = parse_search(search, taxonomy)
    # The bias scope is written out explicitly (the control shows the default scope), so the
    # same query gives the same counts in the page, the API and downloads (which apply only
    # the filters they are given).
    state = state_from_controls(controls, previous)
    event = interactions.event_named(source, prop)
    if event is not None:
        moved = interactions.on_event(event, state, events, can_drill)
        if moved is None:
            return _written(no_update, _unchanged_controls())
        return _written(moved.to_search(), controls_of(moved, default_bias))
    new = state.to_search()
    return _written(no_update if new == (search or "") else new, _unchanged_controls())
