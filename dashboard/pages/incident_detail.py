"""Page ``/incidents/<public_id>``: one incident in the public projection, with its source.

Only published records are found, through the same projection as the table, the API and the
downloads. An unpublished record and an unknown id get the same answer: HTTP 404 for the page
and the same "not found" content, so the public cannot tell that an id exists.
"""

from __future__ import annotations

import flask
from dash import dcc, html

from dashboard import i18n
from dashboard.components.incident_format import finest_region, format_period
from dashboard.context import AppContext, current
from dashboard.i18n import N_, translate
from data.public.record import fetch_public_incident
from data.reference.vocab import DEMO_NOTICE

PREFIX = "/incidents/"
PRECISION_WORDS = {"day": N_("the day"), "week": N_("the week"), "month": N_("the month"),
                   "year": N_("the year")}
GEO_WORDS = {"exact": N_("an exact point"), "municipality": N_("the municipality"),
             "nuts3": N_("a NUTS 3 region"), "nuts2": N_("a NUTS 2 region"),
             "nuts1": N_("a NUTS 1 region"), "country": N_("the country"),
             "unknown": N_("unknown")}
KIND_TITLES = (("bias", "bias_motivations", "primary_bias_motivation", N_("Bias motivations")),
               ("indicator", "bias_indicators", None, N_("Bias indicators")),
               ("type", "incident_types", "primary_incident_type", N_("Incident types")))


def public_id_of(pathname: str | None) -> str | None:
    """The public id in a detail path, or None when the path is not one."""
    if not pathname or not pathname.startswith(PREFIX):
        return None
    rest = pathname[len(PREFIX):].strip("/")
    return rest or None


def not_found(public_id: str, lang: str = i18n.DEFAULT) -> html.Div:
    """What an unknown or unpublished id shows (the same for both)."""
    return html.Main([
        html.H2(translate("Incident not found", lang)),
        html.P([translate("No published incident has the id", lang), " ", html.Code(public_id),
                ". ", dcc.Link(translate("Browse the incidents", lang),
                               href=i18n.href("/incidents", lang)), "."]),
    ], className="detail-page")


def _fact(term: str, value) -> list:
    return [html.Dt(term), html.Dd(value)] if value not in (None, "") else []


def _facts(row: dict, countries: dict[str, str], lang: str) -> html.Dl:
    _ = translate
    region = finest_region(row)
    point = None
    if row.get("lat") is not None and row.get("lon") is not None:
        point = f"{row['lat']:.4f}, {row['lon']:.4f} " + _("(latitude, longitude)", lang)
    known = _(PRECISION_WORDS.get(row["date_precision"], row["date_precision"]), lang)
    date = format_period(row["date_start"], row["date_end"])
    items = [
        *_fact(_("Date", lang), _("{date} (known to {precision})", lang).format(
            date=date, precision=known)),
        *_fact(_("Country", lang), countries.get(row["country"], row["country"])),
        *_fact(_("Region (NUTS 2024)", lang), region),
        *_fact(_("Place", lang), row.get("place_name")),
        *_fact(_("Point", lang), point),
        *_fact(_("Location known to", lang),
               _(GEO_WORDS.get(row["geo_precision"], row["geo_precision"]), lang)),
        *_fact(_("Online", lang), _("yes", lang) if row.get("is_online") else ""),
        *_fact(_("Kind of place", lang), str(row.get("location_type") or "").replace("_", " ")),
        *_fact(_("Classification", lang),
               str(row.get("classification") or "").replace("_", " ")),
        *_fact(_("Public summary", lang), row.get("public_summary")),
    ]
    return html.Dl(items, className="facts")


def _codes(context: AppContext, row: dict, lang: str) -> list:
    out = []
    for _kind, column, primary_column, title in KIND_TITLES:
        codes = [c for c in str(row.get(column) or "").split(";") if c]
        primary = row.get(primary_column) if primary_column else None
        out.append(html.H3(translate(title, lang)))
        if not codes:
            out.append(html.P(translate("None recorded.", lang), className="hint"))
            continue
        items = []
        for code in codes:
            try:
                label = context.taxonomy.label(code, lang)
                description = context.taxonomy.description(code, lang)
            except KeyError:  # a code of another taxonomy version
                label, description = code, ""
            mark = " " + translate("(primary)", lang) if code == primary else ""
            items.append(html.Li([html.Strong(label + mark), " ", html.Code(code),
                                  html.Br(), description]))
        out.append(html.Ul(items, className="codes"))
    return out


def _source(source: dict, countries: dict[str, str], lang: str) -> html.Div:
    _ = translate
    if source["policy"] == "member":
        where = countries.get(source.get("country") or "", "")
        text = (_("An organisation in {country} of the network.", lang).format(country=where)
                if where else _("A member organisation of the network.", lang)) + " " + \
            _("Member organisations are not named in public.", lang)
        return html.Div([html.H3(_("Source", lang)), html.P(text)])
    items = [*_fact(_("Name", lang), source["name"]),
             *_fact(_("Licence", lang), source["licence"]),
             *_fact(_("Attribution", lang), source["attribution"])]
    if source["url"]:
        items += _fact(_("Link", lang), html.A(source["url"], href=source["url"],
                                               rel="noopener"))
    return html.Div([html.H3(_("Source", lang)), html.Dl(items, className="facts")])


def layout(context: AppContext, public_id: str,
           lang: str = i18n.DEFAULT) -> html.Main | None:
    """The detail of one incident, or None when no published record has ``public_id``."""
    found = fetch_public_incident(context.engine, public_id, context.taxonomy,
                                  min_cell=context.settings.min_cell)
    if found is None:
        return None
    row, source = found
    countries = context.country_names(lang)
    _ = translate
    return html.Main([
        html.Div(_(DEMO_NOTICE, lang), className="demo-banner",
                 hidden=row.get("policy") != "demo"),
        html.P(dcc.Link(_("← All incidents", lang), href=i18n.href("/incidents", lang))),
        html.H2([_("Incident", lang), " ", html.Code(row["public_id"])]),
        _facts(row, countries, lang),
        *_codes(context, row, lang),
        _source(source, countries, lang),
        html.P([_("Codes are explained on the", lang), " ",
                dcc.Link(_("about page", lang), href=i18n.href("/about", lang)), "."],
               className="hint"),
    ], className="detail-page")


def register(app) -> None:
    """Serve detail URLs with HTTP 404 when no published record has the id."""
    def page(public_id: str):
        context = current()
        status = 200 if fetch_public_incident(context.engine, public_id, context.taxonomy,
                                              min_cell=context.settings.min_cell) else 404
        return flask.Response(app.index(), status=status, mimetype="text/html")

    app.server.add_url_rule(PREFIX + "<public_id>", "incident_detail_page", page,
                            methods=["GET"], strict_slashes=False)  # with or without a "/"
