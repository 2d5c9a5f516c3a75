"""Page ``/about``: what is counted, the taxonomy, precision rules, sources, how to cite.

The definitions are rendered from the taxonomy in use, the dataset list from the sources with
public records, and the citation from the current data release, so the page stays true when
any of them changes.
"""

from __future__ import annotations

import datetime as dt

import flask
from dash import html

from dashboard.context import AppContext
from data.privacy import MEMBER_SOURCE
from data.queries import public_datasets
from data.vocab import DEMO_NOTICE
from geo.assign import DEFAULT_TOLERANCE_KM

PATH = "/about"
KINDS = (("bias", "Bias motivations", "why the target was chosen"),
         ("indicator", "Bias indicators", "the evidence that points to a bias"),
         ("type", "Incident types", "what happened"))


def _section(title: str, *children, anchor: str) -> html.Section:
    return html.Section([html.H2(title, id=anchor), *children], className="about-section")


def _counted(context: AppContext) -> html.Section:
    scope = "; ".join(context.taxonomy.label(c) for c in context.settings.default_bias_scope)
    return _section("What is counted", html.P(
        "Each record is one incident: one event at one time and place, with the same people "
        "targeted and involved. Repeated harassment of one family is as many incidents as "
        "the events reported. Records come from member organisations of the network and from "
        "datasets that other monitors published openly."
    ), html.P(
        "An incident may be a hate crime (a criminal offence whose target was chosen because "
        "of who they are, or are thought to be), a hate incident below the criminal "
        "threshold (often recorded because the victim or a witness perceived the bias), hate "
        "speech, or discrimination. Each record says which (its classification)."
    ), html.Ul([
        html.Li([html.Strong("Bias motivation: "), "why the target was chosen, the prejudice "
                 "behind the act (for example anti-migrant xenophobia or anti-Muslim hatred). "
                 "A record has one or more; one is its primary motivation."]),
        html.Li([html.Strong("Bias indicators: "), "facts that suggest, without proving, a "
                 "bias: what the offender said or wrote, symbols left behind, a target such "
                 "as a refugee shelter, the timing. A record has none, one or several."]),
        html.Li([html.Strong("Incident type: "), "what happened: a physical assault, arson, "
                 "a threat, online hate speech, discrimination by an authority... A record has "
                 "one or more; one is its primary type."]),
    ]), html.P(
        "An incident counts once in every total. In a breakdown by motivation, indicator or "
        "type it counts once for each of its codes, so a breakdown can add up to more than "
        "the total. The map opens on these motivations (other ones can be selected): "
        f"{scope}."
    ), html.P([html.Strong("Counts reflect reporting, not prevalence. "),
               "Most victims never report; how many organisations record incidents, and how "
               "closely, differs between countries and over time; events such as attacks, "
               "elections or arrivals of refugees cause peaks in reporting too. A higher count "
               "can mean better monitoring. Do not read the map as a ranking of how hostile "
               "countries are."], className="caveat"), anchor="counted")


def _taxonomy(context: AppContext) -> html.Section:
    tax = context.taxonomy
    parts = [html.P(f"Codes and definitions of the taxonomy {tax.name} {tax.version} in use. "
                    "A code includes the codes indented under it when used as a filter.")]
    for kind, title, meaning in KINDS:
        rows = []
        for term in tax.terms(kind):
            depth = term.code.count(".") - 1
            rows.append(html.Tr([
                html.Td(html.Code(term.code)),
                html.Td(term.label, className=f"depth-{min(depth, 2)}"),
                html.Td(term.description),
            ]))
        parts += [html.H3(f"{title}: {meaning}"), html.Table([
            html.Thead(html.Tr([html.Th("Code", scope="col"), html.Th("Label", scope="col"),
                                html.Th("Definition", scope="col")])),
            html.Tbody(rows),
        ], className="taxonomy")]
    return _section("Definitions", *parts, anchor="definitions")


def _precision(context: AppContext) -> html.Section:
    return _section("Dates and places: how precise", html.H3("Dates"), html.P(
        "A date is stored as the period it is known to: a day, a week (Monday to Sunday), a "
        "month or a year. A day is never invented: \"March 2016\" is the whole of March, not "
        "1 March. A range within one week is known to the week, within one month to the "
        "month, within one year to the year; a range across two calendar years is refused "
        "when the data is loaded (it must become one record per year), so no view puts it in "
        "the wrong year."
    ), html.P(
        "A monthly timeline counts records known to the day, week or month; a weekly one only "
        "records known to the day or week; records known only to the year appear in yearly "
        "views. Each view says how many records it cannot place. A date filter keeps a record "
        "when its whole period lies inside the range."
    ), html.H3("Places"), html.P(
        "A place is stored as a point when one is known, with how precisely it is known "
        "(exact point, municipality, NUTS 3, NUTS 2 or NUTS 1 region, country, or unknown), and "
        "the NUTS 2024 regions that contain it. Precision is never invented: a record known "
        "only to its country has no region and no point of its own. Greece is GR (Eurostat "
        "writes EL)."
    ), html.P(
        "Points are placed in regions by their polygons. A point on a coast or border that "
        f"falls just outside every polygon goes to the nearest region within "
        f"{DEFAULT_TOLERANCE_KM:g} km, and the record notes it; a point farther away, or on "
        "land outside the EU (Geneva, Basel), is not placed in a member state."
    ), html.H3("What the public sees"), html.P(
        "Only published records are shown. Datasets released openly appear at the precision "
        "and with the text their publisher released. Records logged by member organisations "
        "appear only coarsened: the month (never the day), the country (no region, no point, "
        "no place name), their codes and a summary reviewed by a moderator; the organisation "
        "is not named. Synthetic demo records are marked as such everywhere."
    ), anchor="precision")


def _dataset_rows(context: AppContext, slugs: tuple[str, ...]) -> list:
    rows = []
    for item in public_datasets(context.engine, slugs).to_dict("records"):
        link = html.A(item["url"], href=item["url"], rel="noopener") if item["url"] else ""
        rows.append(html.Tr([html.Td(item["name"]), html.Td(item["licence"] or "not stated"),
                             html.Td(item["attribution"]), html.Td(link)]))
    if MEMBER_SOURCE in slugs:
        rows.append(html.Tr([html.Td("Member organisations of the network"),
                             html.Td("published by the network"),
                             html.Td("Organisations are not named in public."), html.Td("")]))
    return rows


def _sources(context: AppContext, slugs: tuple[str, ...]) -> html.Section:
    table = html.Table([
        html.Thead(html.Tr([html.Th(h, scope="col") for h in
                            ("Dataset", "Licence", "Attribution", "Link")])),
        html.Tbody(_dataset_rows(context, slugs)),
    ], className="taxonomy")
    return _section("Sources and attribution", html.H3("Incident data"), table,
                    html.H3("Maps and reference data"), html.Ul([
        html.Li(["Country boundaries: made with Natural Earth (public domain), packaged by "
                 "the world-atlas project (ISC licence), simplified for the web."]),
        html.Li(["Regions: NUTS 2024 from Eurostat GISCO, © EuroGeographics for the "
                 "administrative boundaries, © European Union."]),
        html.Li(["Population for the rates per million residents: Eurostat, 1 January 2024 "
                 "(CC BY 4.0; source: Eurostat)."]),
        html.Li(["Places in the synthetic demo data: GeoNames (CC BY 4.0)."]),
        html.Li(["The taxonomy builds on the OSCE/ODIHR hate crime reporting categories, "
                 "ECRI's general policy recommendations and other monitors' schemes; its "
                 "wording is the project's own."]),
    ]), anchor="sources")


def _cite(context: AppContext, release: str) -> html.Section:
    today = dt.date.today().isoformat()
    root = flask.request.host_url.rstrip("/") if flask.has_request_context() else ""
    citation = (f"incidentmap: anti-migrant hate incidents in the EU-27, data release {release}"
                f" (taxonomy {context.taxonomy.version}). {root}/ (retrieved {today}).")
    return _section("How to cite", html.P(
        "Cite the data release you used: every download and API response names it "
        "(data_release). It changes whenever the published data changes, so the release id "
        "and the filter (the page's URL, or the download's parameters) tell others exactly "
        "which records you counted."
    ), html.Blockquote(citation, className="citation"), html.P([
        "The current data release is ", html.Code(release), ". ",
        "Name the sources above with their attribution when you reuse the data."]),
        anchor="cite")


def layout(context: AppContext, search: str | None = None) -> html.Div:
    """The about page (``search`` is ignored)."""
    snapshot = context.snapshot()
    contents = html.Nav(html.Ul([
        html.Li(html.A(text, href=f"#{anchor}")) for text, anchor in (
            ("What is counted", "counted"), ("Definitions", "definitions"),
            ("Dates and places", "precision"), ("Sources", "sources"), ("How to cite", "cite"))
    ]), className="toc", **{"aria-label": "On this page"})
    return html.Div([
        html.Div(DEMO_NOTICE, className="demo-banner", hidden=not snapshot.has_demo),
        html.Main([
            html.H2("About this map", className="page-title"),
            contents,
            _counted(context),
            _taxonomy(context),
            _precision(context),
            _sources(context, snapshot.sources),
            _cite(context, snapshot.fingerprint),
        ], className="about-page"),
    ])


def register(app) -> None:
    """The about page has no callbacks."""
