"""Time playback: the map steps through the months of the current filter.

A ``dcc.Interval`` advances a month slider while playing; the page's render callback turns the
slider's month into map values (a ``dash.Patch``: no geometry is re-sent). The slider's value
is ``None`` when the map shows the whole filter. Playback is a way of looking at the current
filter, not a filter: it is not written into the URL, and the timeline and breakdowns keep
showing the whole filter (the timeline marks the month the map shows).
"""

from __future__ import annotations

import datetime as dt
import weakref

import numpy as np
from dash import ctx, dcc, html

from dashboard import i18n, ids
from dashboard.context import current
from dashboard.i18n import N_, translate
from dashboard.url_state import parse_search
from data.public.area_stats import month_range

STEP_MS = 900
_BOUNDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
PLAY, PAUSE = N_("▶ Play months"), N_("❚❚ Pause")


def month_number(day: dt.date) -> int:
    """Months since 1970-01 of the month holding ``day``."""
    return (day.year - 1970) * 12 + day.month - 1


def month_start(month: int) -> str:
    """ISO date of the first day of month number ``month``."""
    return f"{1970 + month // 12:04d}-{month % 12 + 1:02d}-01"


def slider_bounds(snapshot) -> tuple[int, int, dict]:
    """The month slider's ``min``, ``max`` and ``marks``: the months of the public records.

    Computed once per snapshot (a few milliseconds at a million records).
    """
    bounds = _BOUNDS.get(snapshot)
    if bounds is None:
        months = month_range(snapshot, np.ones(snapshot.size, dtype=bool))
        lo, hi = months or (0, 0)
        every = 12 if hi - lo <= 72 else 24  # every year, or every other year for long spans
        marks = {m: str(1970 + m // 12) for m in range(lo, hi + 1) if m % every == 0}
        bounds = _BOUNDS[snapshot] = (lo, hi, marks)
    return bounds


def controls(lang: str = i18n.DEFAULT) -> html.Div:
    """Play/pause, "whole period" and the month slider (its range comes with the data)."""
    _ = translate
    return html.Div([
        html.Button(_(PLAY, lang), id=ids.PLAY, className="button", n_clicks=0,
                    title=_("Step the map through the months", lang)),
        html.Button(_("Whole period", lang), id=ids.PLAY_ALL, className="button", n_clicks=0,
                    title=_("Show the whole filter on the map again", lang)),
        html.Div(dcc.Slider(id=ids.PLAY_MONTH, min=0, max=1, step=1, value=None,
                            marks={}, included=False, updatemode="mouseup",
                            allow_direct_input=False),
                 className="playback-slider", title=_("Month shown on the map", lang)),
        dcc.Interval(id=ids.PLAY_INTERVAL, interval=STEP_MS, disabled=True),
        html.Span(id=ids.PLAY_LABEL, className="playback-label",
                  **{"aria-live": "polite"}),
    ], className="playback", role="group", **{"aria-label": _("Time playback", lang)})


def playback_range(lo: int, hi: int, date_from: dt.date | None,
                   date_to: dt.date | None) -> tuple[int, int]:
    """The months a playback runs over: the slider's, narrowed to the filter's dates."""
    first = max(lo, month_number(date_from)) if date_from else lo
    last = min(hi, month_number(date_to)) if date_to else hi
    return (first, last) if first <= last else (lo, hi)


def step(trigger: str | None, value: int | None, playing: bool, first: int,
         last: int) -> tuple[int | None, bool]:
    """The slider value and play state after ``trigger``.

    Parameters
    ----------
    trigger : str or None
        The id of what fired: the play button, the "whole period" button or the interval.
    value : int or None
        The slider's month (None: the whole filter).
    playing : bool
        Whether the interval runs.
    first, last : int
        The playback's months (:func:`playback_range`).

    Returns
    -------
    (int or None, bool)
        The new month and whether to keep playing. Playing stops at ``last``.
    """
    if trigger == ids.PLAY_ALL:
        return None, False
    if trigger == ids.PLAY:
        if playing:
            return value, False
        if value is None or value >= last or value < first:
            return first, first < last
        return value, True
    if trigger == ids.PLAY_INTERVAL and playing:
        nxt = first if value is None or value < first else value + 1
        if nxt >= last:
            return last, False
        return nxt, True
    return value, playing


def step_callback(_play: int | None, _all: int | None, _tick: int | None, value: int | None,
                  lo: int, hi: int, stopped: bool | None, search: str | None):
    """Advance, start, pause or end the playback (thin: see :func:`step`)."""
    state, _ = parse_search(search, current().taxonomy)
    first, last = playback_range(lo, hi, state.filter.date_from, state.filter.date_to)
    month, playing = step(ctx.triggered_id, value, not stopped, first, last)
    return month, not playing, translate(PAUSE if playing else PLAY, state.lang)
