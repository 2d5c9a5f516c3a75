"""Text alternatives of the map page's charts: an accessible name, a summary, a data table.

Each chart sits in a ``role="figure"`` wrapper (:func:`wrap`) named after the chart and
described by a one-sentence summary (visually hidden, read by screen readers); a "Show as
table" disclosure under it holds the chart's numbers as an HTML table. :func:`update` is a
thin callback filling both from the page's one filter; the tables and sentences are built
by pure functions of the same aggregates the charts draw and sent as escaped HTML strings
(:mod:`dashboard.components.static_html`).
"""

from __future__ import annotations

import pandas as pd
from dash import Input, Output, html

from dashboard import ids
from dashboard.components import static_html
from dashboard.context import current
from dashboard.i18n import N_, number, translate
from dashboard.url_state import parse_search

#: Chart key -> (graph id, accessible name).
CHARTS = {
    "map": (ids.MAP, N_("Map of incidents per member state")),
    "timeline": (ids.TIMELINE, N_("Bar chart of incidents over time")),
    "types": (ids.TYPES, N_("Bar chart of incidents by incident type")),
    "bias": (ids.BIAS_BREAKDOWN, N_("Bar chart of incidents by bias motivation")),
}
SHOW_TABLE = N_("Show as table")
TOP = 3


def desc_id(key: str) -> str:
    """Id of the chart's summary sentence."""
    return f"{CHARTS[key][0]}-description"


def table_id(key: str) -> str:
    """Id of the holder of the chart's data table."""
    return f"{CHARTS[key][0]}-table"


def wrap(key: str, graph, lang: str = "en") -> html.Div:
    """``graph`` in a named figure, with its summary and a "Show as table" disclosure.

    Parameters
    ----------
    key : str
        One of :data:`CHARTS`.
    graph : dash.dcc.Graph
    lang : str
        Interface language.
    """
    return html.Div([
        graph,
        html.P(id=desc_id(key), className="visually-hidden"),
        html.Details([html.Summary(translate(SHOW_TABLE, lang)),
                      *static_html.holder(table_id(key), className="chart-table-scroll")],
                     className="chart-table"),
    ], role="figure", className="chart-figure", **{
        "aria-label": translate(CHARTS[key][1], lang), "aria-describedby": desc_id(key)})


def table(counts: pd.Series, caption: str, label: str, value: str, lang: str = "en",
          labels: dict[str, str] | None = None) -> html.Table:
    """A two-column table (label, count) of ``counts``, in the series' order.

    Parameters
    ----------
    counts : pandas.Series
        Count per key.
    caption, label, value : str
        The table's caption and its two column headers (already translated).
    lang : str
    labels : dict, optional
        Display label per key (the key itself when absent).
    """
    labels = labels or {}
    rows = [html.Tr([html.Th(labels.get(k, str(k)), scope="row"),
                     html.Td(number(v, lang))]) for k, v in counts.items()]
    return html.Table([html.Caption(caption),
                       html.Thead(html.Tr([html.Th(label, scope="col"),
                                           html.Th(value, scope="col")])),
                       html.Tbody(rows)], className="data-table")


def top_sentence(counts: pd.Series, labels: dict[str, str], lang: str = "en") -> str:
    """"Most: A (12), B (7), C (3)." for the largest non-zero counts; a no-data sentence."""
    shown = counts[counts > 0].sort_values(ascending=False, kind="stable").head(TOP)
    if shown.empty:
        return translate("No incidents match these filters.", lang)
    parts = ", ".join(f"{labels.get(k, k)} ({number(v, lang)})" for k, v in shown.items())
    return translate("Most: {items}.", lang).format(items=parts)


def timeline_totals(counts: pd.DataFrame) -> pd.Series:
    """Incidents per period label (summed over motivations), in time order."""
    if counts.empty:
        return pd.Series(dtype="int64")
    return counts.groupby("period")["count"].sum().sort_index().astype("int64")


def timeline_sentence(totals: pd.Series, granularity: str, unplaced: int,
                      lang: str = "en") -> str:
    """One sentence: the span of the periods, the peak, and what the view cannot place."""
    if totals.empty:
        text = translate("No incidents match these filters.", lang)
    else:
        text = translate("{total} incidents by {granularity} from {first} to {last}; the most "
                         "in {peak} ({count}).", lang).format(
            total=number(int(totals.sum()), lang), granularity=translate(granularity, lang),
            first=totals.index[0], last=totals.index[-1], peak=totals.idxmax(),
            count=number(int(totals.max()), lang))
    if unplaced:
        text += " " + translate("{count} incidents cannot be placed in this view.", lang).format(
            count=number(unplaced, lang))
    return text


def update(search: str | None):
    """Thin callback: summaries and tables of the four charts for the page URL's filter."""
    context = current()
    snapshot = context.snapshot()
    state, _ = parse_search(search, context.taxonomy, snapshot.sources)
    lang = state.lang
    flt = state.filter.with_default_bias(context.settings.default_bias_scope)
    mask = snapshot.mask(flt)
    names = context.country_names(lang)
    count_header = translate("Incidents", lang)
    by_country = snapshot.by_country(mask).sort_values(ascending=False, kind="stable")
    timeline = snapshot.timeline(mask, state.granularity)
    totals = timeline_totals(timeline.counts)
    to_html = static_html.to_html
    out = [
        top_sentence(by_country, names, lang),
        to_html(table(by_country, translate(CHARTS["map"][1], lang),
                      translate("Member state", lang), count_header, lang, names)),
        timeline_sentence(totals, state.granularity, timeline.unplaced, lang),
        to_html(table(totals, translate(CHARTS["timeline"][1], lang), translate("Period", lang),
                      count_header, lang)),
    ]
    for key, kind in (("types", "type"), ("bias", "bias")):
        counts = snapshot.by_code(mask, kind)
        counts = counts[counts > 0].sort_values(ascending=False, kind="stable")
        labels = context.labels(kind, lang)
        out += [top_sentence(counts, labels, lang),
                to_html(table(counts, translate(CHARTS[key][1], lang),
                              translate("Incident type" if kind == "type"
                                        else "Bias motivation", lang),
                              count_header, lang, labels))]
    return tuple(out)


def register(app) -> None:
    """Register the callback filling every chart's summary and table."""
    outputs = []
    for key in CHARTS:
        outputs += [Output(desc_id(key), "children"),
                    Output(static_html.store_id(table_id(key)), "data")]
    app.callback(*outputs, Input(ids.URL, "search"))(update)
    static_html.register(app, [table_id(key) for key in CHARTS])
