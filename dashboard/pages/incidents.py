"""Page ``/incidents``: the incidents matching the URL's filter, a page at a time.

The filter comes from the URL query (the same parameters as the map page, and the same default
bias scope), so a link reproduces the table. The grid uses AG Grid's infinite row model: every
block it asks for is one call of :func:`rows_block`, which selects, sorts and pages the public
records on the server (:mod:`data.public.table_page`); the browser never holds more than a few
pages. dash-ag-grid's bundle is loaded by this page only (:mod:`dashboard.components.deferred`).
"""

from __future__ import annotations

from dataclasses import replace

import dash_ag_grid as dag
from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import i18n, i18n_text, ids
from dashboard.auth import caller
from dashboard.components import deferred
from dashboard.components.incident_format import COLUMNS, grid_records
from dashboard.context import AppContext, current
from dashboard.i18n import N_, translate
from dashboard.url_state import ViewState, parse_search
from data.filters import IncidentFilter
from data.public.table_page import DEFAULT_SORT, MAX_LIMIT, SORT_KEYS, row_page
from data.reference.vocab import DEMO_NOTICE

PATH = "/incidents"
PAGE_SIZE = 100
#: Grid column -> sort key of :mod:`data.public.table_page` (the other columns do not sort).
SORTABLE = {"date": "date", "country": "country", "region": "region", "bias": "bias",
            "types": "type", "source": "source"}
PRECISION_NOTE = N_(
    "Each record is shown at the precision its source published: records logged by member "
    "organisations show the month and the country only (never a day, a place or a point) and "
    "their reviewed public summary; their source is shown as \"member organisation\". Select "
    "an ID to see the record's codes explained and its source."
)
CAVEAT = N_(
    "Counts show incidents that organisations recorded and published, not how often hate "
    "incidents happen: reporting and coverage differ between countries and over time."
)
#: Reloads the page when the query changes while the table is shown (back/forward between
#: two table links): the grid was built for the query it was loaded with.
RELOAD_ON_NEW_QUERY = """
function (search, pathname, builtFor) {
    if (pathname === '/incidents' && builtFor !== null && builtFor !== undefined
            && (search || '') !== builtFor) {
        window.location.reload();
    }
    return window.dash_clientside.no_update;
}
"""


def table_filter(context: AppContext, search: str | None,
                 sources: tuple[str, ...] | None = None) -> tuple[ViewState, IncidentFilter, list]:
    """The page state, the filter the table applies (default bias scope included), problems."""
    state, problems = parse_search(search, context.taxonomy, sources)
    return state, state.filter.with_default_bias(context.settings.default_bias_scope), problems


#: Column widths in pixels (the summary takes the remaining width).
WIDTHS = {"public_id": 130, "date": 195, "date_precision": 105, "country": 130,
          "region": 135, "bias": 200, "indicators": 200, "types": 200, "source": 150}
TOOLTIPS = ("bias", "indicators", "types", "summary")
#: AG Grid's own words (pagination, loading) that the table shows.
GRID_WORDS = {"page": N_("Page"), "of": N_("of"), "to": N_("to"), "more": N_("more"),
              "firstPage": N_("First page"), "previousPage": N_("Previous page"),
              "nextPage": N_("Next page"), "lastPage": N_("Last page"),
              "loadingOoo": N_("Loading…"), "noRowsToShow": N_("No incidents to show")}


def _column_defs(lang: str = i18n.DEFAULT) -> list[dict]:
    defs = []
    for field, title in COLUMNS.items():
        col = {"field": field, "headerName": translate(title, lang), "colId": field}
        if field in WIDTHS:
            col.update(width=WIDTHS[field], flex=0)
        if field == "public_id":
            col.update(field="link", cellRenderer="markdown", pinned="left")
        if field in SORTABLE:
            col.update(sortable=True, sortingOrder=["desc", "asc"] if field == "date"
                       else ["asc", "desc"])
        if field == "date":
            col["sort"] = "desc"
        if field in TOOLTIPS:
            col["tooltipField"] = field
        if field == "summary":
            col.update(flex=1, minWidth=280)
        defs.append(col)
    return defs


def grid(lang: str = i18n.DEFAULT) -> dag.AgGrid:
    """The incident grid (infinite row model, pages of :data:`PAGE_SIZE` rows)."""
    options = {}
    if lang != i18n.DEFAULT:
        options["localeText"] = {key: translate(text, lang) for key, text in GRID_WORDS.items()}
    return dag.AgGrid(
        id=ids.TABLE_GRID,
        rowModelType="infinite",
        columnDefs=_column_defs(lang),
        defaultColDef={"sortable": False, "resizable": True},
        getRowId="params.data.public_id",
        eventListeners={"cellKeyDown": ["openIncidentOnEnter(params)"]},
        dashGridOptions={
            "pagination": True,
            "paginationPageSize": PAGE_SIZE,
            "paginationPageSizeSelector": False,
            "cacheBlockSize": PAGE_SIZE,
            "maxBlocksInCache": 20,
            "infiniteInitialRowCount": PAGE_SIZE,
            "maxConcurrentDatasourceRequests": 2,
            "suppressMultiSort": True,
            "enableCellTextSelection": True,
            "ensureDomOrder": True,
            "rowBuffer": 10,
            "tooltipShowDelay": 300,
            **options,
        },
        className="incident-grid",
        style={"height": "70vh", "minHeight": "420px", "width": "100%"},
    )


def layout(context: AppContext, search: str | None = None) -> html.Div:
    """The table page, for the filter in the URL query ``search``."""
    snapshot = context.snapshot()
    state, flt, problems = table_filter(context, search, snapshot.sources)
    total = snapshot.count(snapshot.mask(flt))
    map_search = replace(state, filter=flt).to_search()  # every view setting kept
    csv = "/api/v1/incidents?" + flt.to_query_string() + "&format=csv"
    lang = state.lang
    notice = i18n_text.problems_notice([str(p) for p in problems], lang)
    return html.Div([
        html.Div(translate(DEMO_NOTICE, lang), className="demo-banner",
                 hidden=not snapshot.has_demo),
        html.Div(notice, className="notice", hidden=not problems, role="alert"),
        html.Main([
            html.H2(translate("Incidents", lang)),
            html.P(i18n_text.summary(total, flt, context.taxonomy, lang),
                   id=ids.TABLE_SUMMARY, className="summary", **{"aria-live": "polite"}),
            html.Div([
                dcc.Link(translate("Show these on the map", lang), href="/" + map_search,
                         id=ids.TABLE_MAP_LINK, className="button"),
                html.A(translate("Download CSV of these incidents", lang), href=csv,
                       id=ids.TABLE_CSV, className="button", download=""),
            ], className="actions"),
            html.P(translate(PRECISION_NOTE, lang), className="hint"),
            deferred.placeholder(ids.TABLE_HOLDER, ids.TABLE_SPEC, grid(lang),
                                 deferred.scripts("dash_ag_grid"),
                                 translate("Loading the table…", lang)),
            html.P(translate(CAVEAT, lang), className="caveat"),
            dcc.Store(id=ids.TABLE_BUILT_FOR, data=search or ""),
        ], className="table-page"),
    ])


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def sort_of(sort_model) -> tuple[str, bool]:
    """The sort key and direction of the grid's sort model (the default when none is set)."""
    if isinstance(sort_model, list) and sort_model and isinstance(sort_model[0], dict):
        key = SORTABLE.get(sort_model[0].get("colId"))
        if key in SORT_KEYS:
            return key, sort_model[0].get("sort") != "asc"
    return DEFAULT_SORT


def rows_block(request: dict | None, search: str | None):
    """Answer one block request of the grid: a page of public rows, sorted on the server."""
    if not isinstance(request, dict):
        raise PreventUpdate
    context = current()
    snapshot = context.snapshot()
    state, flt, _ = table_filter(context, search, snapshot.sources)
    lang = state.lang
    start = max(_int(request.get("startRow"), 0), 0)
    limit = min(max(_int(request.get("endRow"), start + PAGE_SIZE) - start, 1), MAX_LIMIT)
    sort, descending = sort_of(request.get("sortModel"))
    seen_as = caller.projection()
    page = row_page(context.engine, snapshot, flt, sort=sort, descending=descending,
                    offset=start, limit=limit, projection=seen_as)
    caller.log_if_restricted("table-page", len(page.rows), snapshot.fingerprint,
                             query=f"{flt.to_query_string()}&offset={start}&limit={limit}",
                             record_ids=page.rows.get("public_id", ()))
    labels = {code: label for kind in ("bias", "indicator", "type")
              for code, label in context.labels(kind, lang).items()}
    records = grid_records(page.rows, context.country_names(lang), labels, lang)
    for record in records:
        href = i18n.href(f"{PATH}/{record['public_id']}", lang)
        record["link"] = f"[{record['public_id']}]({href})"
    return {"rowData": records, "rowCount": page.total}


def register(app) -> None:
    """Register the page's callbacks (and defer dash-ag-grid's bundle to this page)."""
    deferred.defer_libraries(app, ("dash_ag_grid",))
    deferred.register_loader(app, ids.TABLE_HOLDER, ids.TABLE_SPEC)
    app.callback(
        Output(ids.TABLE_GRID, "getRowsResponse"),
        Input(ids.TABLE_GRID, "getRowsRequest"),
        State(ids.SHELL_URL, "search"),
        prevent_initial_call=True,
    )(rows_block)
    app.clientside_callback(
        RELOAD_ON_NEW_QUERY,
        Output(ids.TABLE_BUILT_FOR, "data"),
        Input(ids.SHELL_URL, "search"),
        State(ids.SHELL_URL, "pathname"),
        State(ids.TABLE_BUILT_FOR, "data"),
        prevent_initial_call=True,
    )
