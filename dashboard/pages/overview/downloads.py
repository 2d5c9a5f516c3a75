"""Download links for every export format, following the page's CSV link (and so its filter).

The page's render callback keeps the CSV link's ``href`` equal to the API URL of the current
filter; a client-side callback derives the other formats' links from it, so they follow the
same filter without another server round trip.
"""

from __future__ import annotations

from dash import Input, Output, html

from dashboard import i18n, ids
from dashboard.i18n import N_, translate

#: Formats offered beside the CSV link, with their labels; GeoJSON asks for the whole
#: selection (the API pages GeoJSON otherwise).
OTHER_FORMATS = {
    "xlsx": "Excel (XLSX)",
    "geojson": "GeoJSON",
    "gpkg": "GeoPackage",
    "parquet": "Parquet",
    "datapackage": N_("Data package (zip: CSV, schema, README, citation)"),
}
EXTRA = {"geojson": "&per_page=all"}
BASE = "/api/v1/incidents?format=csv"


def link_id(fmt: str) -> str:
    """Component id of the download link of ``fmt``."""
    return f"download-{fmt}"


def href_for(csv_href: str, fmt: str) -> str:
    """The download URL of ``fmt`` for the filter of the CSV link ``csv_href``."""
    return csv_href.replace("format=csv", f"format={fmt}{EXTRA.get(fmt, '')}")


def other_formats(lang: str = i18n.DEFAULT) -> html.Details:
    """A disclosure with one download link per other format (keyboard reachable)."""
    items = [html.Li(html.A(translate(label, lang), id=link_id(fmt), href=href_for(BASE, fmt),
                            download=""))
             for fmt, label in OTHER_FORMATS.items()]
    return html.Details([
        html.Summary(translate("Other formats", lang)),
        html.Ul(items, className="download-list"),
        html.P(translate("Every file names its data release; cite it (see the data package's "
                         "README).", lang), className="hint"),
    ], className="downloads")


_SYNC = """
function (href) {
    const extra = %s;
    return %s.map(function (fmt) {
        return (href || "%s").replace("format=csv", "format=" + fmt + (extra[fmt] || ""));
    });
}
"""


def register(app) -> None:
    """Keep every format's link, and the size estimate, on the CSV link's filter.

    The links are derived client-side; the estimate (rows and rough size per format) is
    :mod:`dashboard.pages.overview.download_sizes`.
    """
    import json

    from dashboard.pages.overview import download_sizes

    download_sizes.register(app)
    formats = list(OTHER_FORMATS)
    app.clientside_callback(
        _SYNC % (json.dumps(EXTRA), json.dumps(formats), BASE),
        [Output(link_id(fmt), "href") for fmt in formats],
        Input(ids.DOWNLOAD_CSV, "href"),
    )
