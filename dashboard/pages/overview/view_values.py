"""What every view of the page shows for a page state: the render callback's work, without Dash.

The values are grouped by view and named (:data:`OUTPUTS`); the page's render callback reads
the URL and the playback's month, and returns :func:`views_of` (or, for a step of the time
playback, :func:`playback_step_of`) as they are.
"""

from __future__ import annotations

from dash import Patch, no_update

from dashboard import figures, i18n, i18n_text, ids
from dashboard.context import AppContext
from dashboard.pages.overview import playback
from dashboard.pages.overview.map_view import map_output
from dashboard.regions import drill_layer, web_regions
from dashboard.url_state import ViewState
from data.filters import FilterProblem
from data.snapshot.model import Snapshot

#: The render callback's outputs, grouped by view: the component and property each named value
#: goes to. The map's figure comes first: the benchmarks find the callback by it.
OUTPUTS = {
    "map": {"figure": (ids.MAP, "figure"), "note": (ids.MAP_NOTE, "children"),
            "region_controls_hidden": (ids.REGION_CONTROLS, "hidden")},
    "playback": {"label": (ids.PLAY_LABEL, "children"), "first": (ids.PLAY_MONTH, "min"),
                 "last": (ids.PLAY_MONTH, "max"), "marks": (ids.PLAY_MONTH, "marks")},
    "timeline": {"figure": (ids.TIMELINE, "figure"), "note": (ids.TIMELINE_NOTE, "children")},
    "types": {"figure": (ids.TYPES, "figure")},
    "bias": {"figure": (ids.BIAS_BREAKDOWN, "figure")},
    "summary": {"text": (ids.SUMMARY, "children")},
    "empty": {"hidden": (ids.EMPTY, "hidden")},
    "notice": {"text": (ids.NOTICE, "children"), "hidden": (ids.NOTICE, "hidden")},
    "download": {"csv_href": (ids.DOWNLOAD_CSV, "href")},
    "demo_banner": {"hidden": (ids.DEMO_BANNER, "hidden")},
}


def _month_label(month: int | None, lang: str) -> str:
    if month is None:
        return i18n.translate("Map: whole period", lang)
    return i18n.translate("Map: {month}", lang).format(
        month=playback.month_start(month)[:7])


def _month_marker(month: int | None) -> list:
    return figures.month_marker(None if month is None else playback.month_start(month))


def _map(context: AppContext, snapshot: Snapshot, state: ViewState, month: int | None):
    """The selection's mask and the map's values (patch and note) for ``month``."""
    flt = state.filter.with_default_bias(context.settings.default_bias_scope)
    mask = snapshot.mask(flt)
    drill = drill_layer(context.settings, state.drilled_country, state.level)
    shown = map_output(snapshot, mask, state.metric, context.country_names(state.lang), drill,
                       month, state.lang)
    return flt, mask, drill, shown


def views_of(context: AppContext, snapshot: Snapshot, state: ViewState,
             problems: list[FilterProblem], month: int | None = None) -> dict:
    """Every view's values for ``state``, grouped and named as :data:`OUTPUTS`.

    Parameters
    ----------
    context : AppContext
        Settings (the default bias scope, the regional maps), taxonomy and labels.
    snapshot : Snapshot
        The records the views count.
    state : ViewState
        The page's state, read from its URL.
    problems : list of FilterProblem
        What the URL held that could not be read; the notice lists them.
    month : int or None
        The month the time playback shows on the map (months since 1970-01); None: the whole
        filter. The other views always show the whole filter.

    Returns
    -------
    dict
        A dict per view of :data:`OUTPUTS`, with a value for each of its names.
    """
    lang = state.lang
    _ = i18n.translate
    flt, mask, drill, shown = _map(context, snapshot, state, month)
    regions_available = web_regions(context.settings) is not None
    total = snapshot.count(mask)
    timeline = snapshot.timeline(mask, state.granularity)
    bias_labels = {**context.labels("bias", lang), "unknown": _("Not recorded", lang)}
    timeline_figure = figures.timeline_spec(
        timeline.counts, state.granularity, bias_labels, context.taxonomy.codes("bias"),
        revision=f"{state.granularity}:{flt.date_from}:{flt.date_to}:{lang}", lang=lang)
    timeline_figure["layout"]["shapes"] = _month_marker(month)
    types_figure = figures.breakdown_spec(
        snapshot.by_code(mask, "type"), context.labels("type", lang),
        _("Incidents (an incident with several types counts once for each)", lang), flt.type,
        lang=lang)
    bias_figure = figures.breakdown_spec(
        snapshot.by_code(mask, "bias"), context.labels("bias", lang),
        _("Incidents (an incident with several motivations counts once for each)", lang),
        state.filter.bias or (), lang=lang)
    notices = [str(p) for p in problems]
    if state.level != "country" and drill is None:
        notices.append(i18n_text.level_problem(state.level, regions_available, lang))
    first, last, marks = playback.slider_bounds(snapshot)
    one_state = len(state.filter.country) == 1 and regions_available
    return {
        "map": {"figure": shown.patch, "note": shown.note,
                "region_controls_hidden": not one_state},
        "playback": {"label": _month_label(month, lang), "first": first, "last": last,
                     "marks": marks},
        "timeline": {"figure": timeline_figure,
                     "note": i18n_text.timeline_note(timeline.unplaced, state.granularity,
                                                     lang)},
        "types": {"figure": types_figure},
        "bias": {"figure": bias_figure},
        "summary": {"text": i18n_text.summary(total, flt, context.taxonomy, lang)},
        "empty": {"hidden": total > 0},
        "notice": {"text": i18n_text.problems_notice(notices, lang), "hidden": not notices},
        "download": {"csv_href": "/api/v1/incidents?" + flt.to_query_string() + "&format=csv"},
        # the page shows demo data, even when the filter leaves none of it
        "demo_banner": {"hidden": not snapshot.has_demo},
    }


def playback_step_of(context: AppContext, snapshot: Snapshot, state: ViewState,
                     month: int | None) -> dict:
    """A step of the time playback: the map for ``month``, the timeline's marker, the label.

    Parameters
    ----------
    context : AppContext
    snapshot : Snapshot
    state : ViewState
        The page's state, read from its URL (unchanged by the playback).
    month : int or None
        The month the map shows; None: the whole filter.

    Returns
    -------
    dict
        As :func:`views_of`, with ``dash.no_update`` for every value the step leaves as it is.
    """
    _, _, _, shown = _map(context, snapshot, state, month)
    marker = Patch()
    marker["layout"]["shapes"] = _month_marker(month)
    views = {view: dict.fromkeys(names, no_update) for view, names in OUTPUTS.items()}
    views["map"].update(figure=shown.patch, note=shown.note)
    views["timeline"]["figure"] = marker
    views["playback"]["label"] = _month_label(month, state.lang)
    return views
