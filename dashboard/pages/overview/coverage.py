"""The map page's coverage panel: who reports, per member state and year.

A heat table (member states x years; a cell holds the number of open datasets plus member
organisations with published records there) with the caveat that counts reflect reporting,
not prevalence. The table is its own text alternative; a sentence sums it up. The panel
follows the page's one filter: :func:`update` is a thin callback (URL -> IncidentFilter ->
:func:`data.public.coverage.coverage` -> :func:`panel`), sending the panel as one escaped HTML
string (:mod:`dashboard.components.static_html`: hundreds of cells as components slowed the page).

Member organisations are counted, never named; open datasets are named in each cell's
tooltip and in a list under the table.
"""

from __future__ import annotations

import pandas as pd
from dash import Input, Output, html

from dashboard import ids
from dashboard.components import static_html
from dashboard.context import current
from dashboard.i18n import N_, number, translate
from dashboard.url_state import parse_search
from data.public.coverage import Coverage, coverage
from data.public.selects import public_datasets

TITLE = N_("Who reports")
CAVEAT = N_("These counts reflect who reports, not how often incidents happen: a country with "
            "more reporting organisations will show more incidents.")
EXPLAIN = N_("Each cell counts the open datasets and the member organisations with published "
             "incidents for that member state and year (under the current filters). Member "
             "organisations are counted, never named.")
WITHHELD = N_("+ means: plus member organisations whose number is not shown, because fewer "
              "than {min_cell} of their incidents fall in that cell.")
DEMO = N_("This selection includes the synthetic demo dataset (invented records).")
EMPTY = N_("No incidents match these filters.")
#: Heat levels: a cell's number of reporting sources -> CSS class suffix.
LEVELS = ((5, "4"), (3, "3"), (2, "2"), (1, "1"))


def section(lang: str = "en") -> list:
    """The panel's fixed parts (heading, caveat) and the holder the callback fills."""
    return [
        html.H2(translate(TITLE, lang), id="coverage-heading"),
        html.P(translate(CAVEAT, lang), className="caveat coverage-caveat"),
        *static_html.holder(ids.COVERAGE, className="coverage", role="region",
                            **{"aria-labelledby": "coverage-heading", "aria-live": "polite"}),
    ]


def _level(total: int) -> str:
    for floor, name in LEVELS:
        if total >= floor:
            return name
    return "0"


def _cell_text(datasets: int, organisations, lang: str) -> tuple[str, int]:
    """What a cell shows (``3``, ``2+``) and the number its colour follows."""
    if organisations is None:
        return f"{number(datasets, lang)}+", datasets + 1
    total = datasets + int(organisations)
    return number(total, lang), total


def _tooltip(place: str, period: str, row, names: dict[str, str], min_cell: int,
             lang: str) -> str:
    datasets = ", ".join(names.get(s, s) for s in row.dataset_slugs)
    parts = [translate("{place}, {period}: {count} incidents", lang).format(
        place=place, period=period, count=number(row.incidents, lang))]
    parts.append(translate("open datasets: {count}", lang).format(
        count=number(row.datasets, lang)) + (f" ({datasets})" if datasets else ""))
    if row.organisations is None:
        parts.append(translate("member organisations: not shown (fewer than {min_cell} of "
                               "their incidents)", lang).format(min_cell=min_cell))
    else:
        parts.append(translate("member organisations: {count}", lang).format(
            count=number(int(row.organisations), lang)))
    return "; ".join(parts)


def _row_cells(cells: dict, country: str, periods: tuple[str, ...], place: str,
               names: dict[str, str], min_cell: int, lang: str) -> list:
    out = []
    for period in periods:
        row = cells.get((country, period))
        if row is None:
            out.append(html.Td("", className="cov-l0"))
            continue
        text, total = _cell_text(row.datasets, row.organisations, lang)
        out.append(html.Td(text, className=f"cov-l{_level(total)}",
                           title=_tooltip(place, period, row, names, min_cell, lang)))
    return out


def _records(frame) -> list:
    """Rows of a cells/totals frame as simple objects, with ``<NA>`` organisations as None."""
    rows = []
    for row in frame.itertuples(index=False):
        organisations = None if pd.isna(row.organisations) else int(row.organisations)
        rows.append(row._replace(organisations=organisations))
    return rows


def summary(result: Coverage, lang: str = "en") -> str:
    """One sentence summing up the table (its text alternative in brief)."""
    if result.organisations is None:
        orgs = translate("member organisations (their number is not shown: fewer than "
                         "{min_cell} of their incidents)", lang).format(min_cell=result.min_cell)
    else:
        orgs = translate("{count} member organisations", lang).format(
            count=number(result.organisations, lang))
    return translate("{datasets} open datasets and {organisations} report the selected "
                     "incidents in {countries} member states.", lang).format(
        datasets=number(len(result.datasets), lang), organisations=orgs,
        countries=number(len(result.countries), lang))


def panel(result: Coverage, country_names: dict[str, str], dataset_names: dict[str, str],
          lang: str = "en") -> list:
    """The panel's changing part for one selection: summary, heat table, notes.

    Parameters
    ----------
    result : Coverage
        Output of :func:`data.public.coverage.coverage` (yearly).
    country_names : dict
        Display name per ISO alpha-2 code.
    dataset_names : dict
        Display name per open dataset slug (member sources never appear here).
    lang : str
        Interface language.

    Returns
    -------
    list of Dash components
    """
    if result.empty:
        return [html.P(translate(EMPTY, lang), className="hint")]
    cells = {(r.country, r.period): r for r in _records(result.cells)}
    totals = {r.country: r for r in _records(result.totals)}
    header = html.Tr([html.Th(translate("Member state", lang), scope="col"),
                      *(html.Th(p, scope="col") for p in result.periods),
                      html.Th(translate("All years", lang), scope="col")])
    body = []
    for iso in result.countries:
        place = country_names.get(iso, iso)
        total = totals[iso]
        text, level = _cell_text(total.datasets, total.organisations, lang)
        body.append(html.Tr([
            html.Th(place, scope="row"),
            *_row_cells(cells, iso, result.periods, place, dataset_names, result.min_cell,
                        lang),
            html.Td(text, className=f"cov-l{_level(level)} cov-total",
                    title=_tooltip(place, translate("All years", lang), total, dataset_names,
                                   result.min_cell, lang)),
        ], **{"data-country": iso}))
    table = html.Table([
        html.Caption(translate("Open datasets plus member organisations reporting, per member "
                               "state and year", lang)),
        html.Thead(header), html.Tbody(body),
    ], id=ids.COVERAGE_TABLE, className="coverage-table")
    notes = [html.P(summary(result, lang), className="coverage-summary"),
             html.Div(table, className="coverage-scroll", tabIndex="0", role="group",
                      **{"aria-label": translate("Reporting sources table (scrolls sideways)",
                                                 lang)}),
             html.P(translate(EXPLAIN, lang), className="hint")]
    if result.withheld:
        notes.append(html.P(translate(WITHHELD, lang).format(min_cell=result.min_cell),
                            className="hint"))
    if result.datasets:
        named = ", ".join(dataset_names.get(s, s) for s in result.datasets)
        notes.append(html.P(translate("Open datasets in this selection: {names}.", lang)
                            .format(names=named), className="hint coverage-datasets"))
    if result.contains_demo:
        notes.append(html.P(translate(DEMO, lang), className="hint coverage-demo"))
    return notes


def update(search: str | None):
    """Thin callback: the panel for the page URL's filter (the one every view follows)."""
    context = current()
    snapshot = context.snapshot()
    state, _ = parse_search(search, context.taxonomy, snapshot.sources)
    flt = state.filter.with_default_bias(context.settings.default_bias_scope)
    result = coverage(snapshot, snapshot.mask(flt), "year", min_cell=context.settings.min_cell)
    names = public_datasets(context.engine, result.datasets)
    dataset_names = dict(zip(names["slug"], names["name"], strict=True))
    return static_html.to_html(panel(result, context.country_names(state.lang), dataset_names,
                                     state.lang))


def register(app) -> None:
    """Register the panel's callback on ``app``."""
    app.callback(Output(static_html.store_id(ids.COVERAGE), "data"),
                 Input(ids.URL, "search"))(update)
    static_html.register(app, [ids.COVERAGE])
