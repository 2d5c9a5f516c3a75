"""How big the page's downloads will be: rows of the current filter and a rough size per format.

The estimate follows the CSV download link (so exactly the filter the download URL carries):
its query is parsed like the API parses it and counted in the snapshot, the same count the
download's ``X-Incidentmap-Total`` header reports. Sizes are that count times the bytes per
row that ``benchmarks/bench_export.py`` measured on the whole 1,000,000-incident benchmark
store (``benchmarks/RESULTS-export.md``): rough, since summaries and places vary in length.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from dash import Input, Output, State, html

from dashboard import i18n, ids
from dashboard.i18n import N_, translate

ESTIMATE = "download-estimate"
#: Bytes per exported row at 1,000,000 incidents (949,984 public rows), by format.
BYTES_PER_ROW = {
    "csv": 467,
    "xlsx": 168,
    "geojson": 951,
    "gpkg": 522,
    "parquet": 24,
    "datapackage": 45,
}
#: How each format is named in the estimate.
NAMES = {"csv": "CSV", "xlsx": "XLSX", "geojson": "GeoJSON", "gpkg": "GeoPackage",
         "parquet": "Parquet", "datapackage": N_("data package")}
#: From this many rows on, the page says the download is large.
LARGE_ROWS = 100_000
UNITS = ((1024 ** 3, N_("{size} GB")), (1024 ** 2, N_("{size} MB")), (1024, N_("{size} KB")))


def sizes(rows: int) -> dict[str, int]:
    """Rough bytes of each format's file for ``rows`` rows.

    Parameters
    ----------
    rows : int
        Rows in the download.

    Returns
    -------
    dict
        Format name -> estimated bytes (headers and metadata ignored).
    """
    return {fmt: rows * per_row for fmt, per_row in BYTES_PER_ROW.items()}


def size_text(size: float, lang: str = i18n.DEFAULT) -> str:
    """``size`` bytes as a short rounded figure in KB, MB or GB (at least "1 KB").

    Examples
    --------
    >>> size_text(5_000_000), size_text(300), size_text(2.5 * 1024 ** 3, "de")
    ('4.8 MB', '1 KB', '2,5 GB')
    """
    for unit, template in UNITS:
        if size >= unit or unit == 1024:
            value = max(size / unit, 1.0)
            decimals = 1 if value < 10 and unit > 1024 else 0
            return translate(template, lang).format(size=i18n.number(value, lang, decimals))
    raise AssertionError("unreachable")


def estimate_children(rows: int, lang: str = i18n.DEFAULT) -> list:
    """The estimate's content: rows, a size per format and how long large files take."""
    _ = translate
    per_format = ", ".join(f"{_(NAMES[fmt], lang)} ≈ {size_text(size, lang)}"
                           for fmt, size in sizes(rows).items())
    children = [
        html.Span(_("Rows in the download: {count}.", lang).format(
            count=i18n.number(rows, lang)), className="download-rows"),
        " ",
        html.Span(_("Rough size: {sizes}.", lang).format(sizes=per_format),
                  className="download-sizes"),
        " ",
        html.Span(_("Large files start after a moment and take a while: a GeoPackage is "
                    "built first and only then starts (up to a minute for a million rows); "
                    "the other formats start at once and arrive as they are written.", lang),
                  className="download-wait"),
    ]
    if rows >= LARGE_ROWS:
        children += [" ", html.Strong(_("This is a large download: filter it down, or choose "
                                        "Parquet, the smallest file.", lang))]
    return children


def component(lang: str = i18n.DEFAULT) -> html.P:
    """The (initially empty) estimate beside the download links; filled by the callback."""
    return html.P(id=ESTIMATE, className="hint download-estimate",
                  **{"aria-live": "polite"})


def rows_for(csv_href: str | None) -> int | None:
    """Rows the download at ``csv_href`` will hold, counted in the current snapshot.

    Parameters
    ----------
    csv_href : str or None
        The CSV link's URL (``/api/v1/incidents?{filter}&format=csv``).

    Returns
    -------
    int or None
        None when the link's filter does not parse (the download would answer 400).
    """
    from dashboard.context import current
    from data.filters import FILTER_PARAMS, FilterError, from_query

    context = current()
    snapshot = context.snapshot()
    query = parse_qs(urlsplit(csv_href or "").query, keep_blank_values=True)
    params = {k: v for k, v in query.items() if k in FILTER_PARAMS}
    try:
        flt = from_query(params, context.taxonomy, sources=snapshot.sources)
    except FilterError:
        return None
    return snapshot.count(snapshot.mask(flt))


def update(csv_href: str | None, search: str | None) -> list:
    """Callback: the estimate for the CSV link's filter, in the page's language."""
    rows = rows_for(csv_href)
    return [] if rows is None else estimate_children(rows, i18n.lang_of(search))


def register(app) -> None:
    """Keep the estimate on the CSV link's filter (one server round trip per filter change)."""
    # not on the layout's placeholder link: the render callback sets the filter's link first
    app.callback(Output(ESTIMATE, "children"), Input(ids.DOWNLOAD_CSV, "href"),
                 State(ids.URL, "search"), prevent_initial_call=True)(update)
