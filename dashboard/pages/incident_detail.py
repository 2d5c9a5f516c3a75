"""Page ``/incidents/<public_id>``: one incident in the public projection, with its source.

Only published records are found, through the same projection as the table, the API and the
downloads. An unpublished record and an unknown id get the same answer: HTTP 404 for the page
and the same "not found" content, so the public cannot tell that an id exists.
"""

from __future__ import annotations

import flask
from dash import dcc, html

from dashboard.context import AppContext, current
from dashboard.incident_format import finest_region, format_period
from data.queries import fetch_public_incident
from data.vocab import DEMO_NOTICE

PREFIX = "/incidents/"
PRECISION_WORDS = {"day": "the day", "week": "the week", "month": "the month",
                   "year": "the year"}
GEO_WORDS = {"exact": "an exact point", "municipality": "the municipality",
             "nuts3": "a NUTS 3 region", "nuts2": "a NUTS 2 region", "nuts1": "a NUTS 1 region",
             "country": "the country", "unknown": "unknown"}
KIND_TITLES = (("bias", "bias_motivations", "primary_bias_motivation", "Bias motivations"),
               ("indicator", "bias_indicators", None, "Bias indicators"),
               ("type", "incident_types", "primary_incident_type", "Incident types"))


def public_id_of(pathname: str | None) -> str | None:
    """The public id in a detail path, or None when the path is not one."""
    if not pathname or not pathname.startswith(PREFIX):
        return None
    rest = pathname[len(PREFIX):].strip("/")
    return rest or None


def not_found(public_id: str) -> html.Div:
    """What an unknown or unpublished id shows (the same for both)."""
    return html.Main([
        html.H2("Incident not found"),
        html.P(["No published incident has the id ", html.Code(public_id), ". ",
                dcc.Link("Browse the incidents", href="/incidents"), "."]),
    ], className="detail-page")


def _fact(term: str, value) -> list:
    return [html.Dt(term), html.Dd(value)] if value not in (None, "") else []


def _facts(row: dict, countries: dict[str, str]) -> html.Dl:
    region = finest_region(row)
    point = None
    if row.get("lat") is not None and row.get("lon") is not None:
        point = f"{row['lat']:.4f}, {row['lon']:.4f} (latitude, longitude)"
    items = [
        *_fact("Date", f"{format_period(row['date_start'], row['date_end'])} (known to "
                       f"{PRECISION_WORDS.get(row['date_precision'], row['date_precision'])})"),
        *_fact("Country", countries.get(row["country"], row["country"])),
        *_fact("Region (NUTS 2024)", region),
        *_fact("Place", row.get("place_name")),
        *_fact("Point", point),
        *_fact("Location known to", GEO_WORDS.get(row["geo_precision"], row["geo_precision"])),
        *_fact("Online", "yes" if row.get("is_online") else ""),
        *_fact("Kind of place", str(row.get("location_type") or "").replace("_", " ")),
        *_fact("Classification", str(row.get("classification") or "").replace("_", " ")),
        *_fact("Public summary", row.get("public_summary")),
    ]
    return html.Dl(items, className="facts")


def _codes(context: AppContext, row: dict) -> list:
    out = []
    for _kind, column, primary_column, title in KIND_TITLES:
        codes = [c for c in str(row.get(column) or "").split(";") if c]
        primary = row.get(primary_column) if primary_column else None
        out.append(html.H3(title))
        if not codes:
            out.append(html.P("None recorded.", className="hint"))
            continue
        items = []
        for code in codes:
            try:
                term = context.taxonomy.term(code)
                label, description = term.label, term.description
            except KeyError:  # a code of another taxonomy version
                label, description = code, ""
            mark = " (primary)" if code == primary else ""
            items.append(html.Li([html.Strong(label + mark), " ", html.Code(code),
                                  html.Br(), description]))
        out.append(html.Ul(items, className="codes"))
    return out


def _source(source: dict, countries: dict[str, str]) -> html.Div:
    if source["policy"] == "member":
        where = countries.get(source.get("country") or "", "")
        text = (f"An organisation in {where}" if where else "A member organisation") + \
            " of the network. Member organisations are not named in public."
        return html.Div([html.H3("Source"), html.P(text)])
    items = [*_fact("Name", source["name"]), *_fact("Licence", source["licence"]),
             *_fact("Attribution", source["attribution"])]
    if source["url"]:
        items += _fact("Link", html.A(source["url"], href=source["url"], rel="noopener"))
    return html.Div([html.H3("Source"), html.Dl(items, className="facts")])


def layout(context: AppContext, public_id: str) -> html.Main | None:
    """The detail of one incident, or None when no published record has ``public_id``."""
    found = fetch_public_incident(context.engine, public_id, context.taxonomy)
    if found is None:
        return None
    row, source = found
    countries = context.country_names()
    return html.Main([
        html.Div(DEMO_NOTICE, className="demo-banner", hidden=row.get("policy") != "demo"),
        html.P(dcc.Link("← All incidents", href="/incidents")),
        html.H2(["Incident ", html.Code(row["public_id"])]),
        _facts(row, countries),
        *_codes(context, row),
        _source(source, countries),
        html.P(["Codes are explained on the ", dcc.Link("about page", href="/about"), "."],
               className="hint"),
    ], className="detail-page")


def register(app) -> None:
    """Serve detail URLs with HTTP 404 when no published record has the id."""
    def page(public_id: str):
        context = current()
        status = 200 if fetch_public_incident(context.engine, public_id,
                                              context.taxonomy) else 404
        return flask.Response(app.index(), status=status, mimetype="text/html")

    app.server.add_url_rule(PREFIX + "<public_id>", "incident_detail_page", page,
                            methods=["GET"], strict_slashes=False)  # with or without a "/"
