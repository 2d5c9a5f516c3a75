"""Page ``/about``: what is counted, the taxonomy, precision rules, sources, how to cite.

The definitions are rendered from the taxonomy in use, the dataset list from the sources with
public records, and the citation from the current data release, so the page stays true when
any of them changes.
"""

from __future__ import annotations

import datetime as dt

import flask
from dash import html

from dashboard import i18n
from dashboard.context import AppContext
from dashboard.i18n import N_, translate
from data.privacy.publication import MEMBER_SOURCE
from data.public.selects import public_datasets
from data.reference.vocab import DEMO_NOTICE
from geo.assign import DEFAULT_TOLERANCE_KM

PATH = "/about"
KINDS = (("bias", N_("Bias motivations"), N_("why the target was chosen")),
         ("indicator", N_("Bias indicators"), N_("the evidence that points to a bias")),
         ("type", N_("Incident types"), N_("what happened")))
CONTENTS = ((N_("What is counted"), "counted"), (N_("Definitions"), "definitions"),
            (N_("Dates and places"), "precision"), (N_("Sources"), "sources"),
            (N_("How to cite"), "cite"), (N_("Data protection"), "protection"))


def _section(title: str, *children, anchor: str) -> html.Section:
    return html.Section([html.H2(title, id=anchor), *children], className="about-section")


def _counted(context: AppContext, lang: str) -> html.Section:
    _ = translate
    scope = "; ".join(context.taxonomy.label(c, lang)
                      for c in context.settings.default_bias_scope)
    return _section(_("What is counted", lang), html.P(_(
        "Each record is one incident: one event at one time and place, with the same people "
        "targeted and involved. Repeated harassment of one family is as many incidents as "
        "the events reported. Records come from member organisations of the network and from "
        "datasets that other monitors published openly.", lang
    )), html.P(_(
        "An incident may be a hate crime (a criminal offence whose target was chosen because "
        "of who they are, or are thought to be), a hate incident below the criminal "
        "threshold (often recorded because the victim or a witness perceived the bias), hate "
        "speech, or discrimination. Each record says which (its classification).", lang
    )), html.Ul([
        html.Li([html.Strong(_("Bias motivation: ", lang)), _(
            "why the target was chosen, the prejudice behind the act (for example anti-migrant "
            "xenophobia or anti-Muslim hatred). A record has one or more; one is its primary "
            "motivation.", lang)]),
        html.Li([html.Strong(_("Bias indicators: ", lang)), _(
            "facts that suggest, without proving, a bias: what the offender said or wrote, "
            "symbols left behind, a target such as a refugee shelter, the timing. A record has "
            "none, one or several.", lang)]),
        html.Li([html.Strong(_("Incident type: ", lang)), _(
            "what happened: a physical assault, arson, a threat, online hate speech, "
            "discrimination by an authority... A record has one or more; one is its primary "
            "type.", lang)]),
    ]), html.P(_(
        "An incident counts once in every total. In a breakdown by motivation, indicator or "
        "type it counts once for each of its codes, so a breakdown can add up to more than "
        "the total. The map opens on these motivations (other ones can be selected): "
        "{scope}.", lang).format(scope=scope)
    ), html.P([html.Strong(_("Counts reflect reporting, not prevalence. ", lang)), _(
        "Most victims never report; how many organisations record incidents, and how "
        "closely, differs between countries and over time; events such as attacks, "
        "elections or arrivals of refugees cause peaks in reporting too. A higher count "
        "can mean better monitoring. Do not read the map as a ranking of how hostile "
        "countries are.", lang)], className="caveat"), anchor="counted")


def _taxonomy(context: AppContext, lang: str) -> html.Section:
    _ = translate
    tax = context.taxonomy
    parts = [html.P(_("Codes and definitions of the taxonomy {name} {version} in use. A code "
                      "includes the codes indented under it when used as a filter.",
                      lang).format(name=tax.name, version=tax.version))]
    for kind, title, meaning in KINDS:
        rows = []
        for term in tax.terms(kind):
            depth = term.code.count(".") - 1
            rows.append(html.Tr([
                html.Td(html.Code(term.code)),
                html.Td(tax.label(term.code, lang), className=f"depth-{min(depth, 2)}"),
                html.Td(tax.description(term.code, lang)),
            ]))
        parts += [html.H3(f"{_(title, lang)}: {_(meaning, lang)}"), html.Table([
            html.Thead(html.Tr([html.Th(_("Code", lang), scope="col"),
                                html.Th(_("Label", lang), scope="col"),
                                html.Th(_("Definition", lang), scope="col")])),
            html.Tbody(rows),
        ], className="taxonomy")]
    return _section(_("Definitions", lang), *parts, anchor="definitions")


def _precision(context: AppContext, lang: str) -> html.Section:
    _ = translate
    return _section(_("Dates and places: how precise", lang), html.H3(_("Dates", lang)),
                    html.P(_(
        "A date is stored as the period it is known to: a day, a week (Monday to Sunday), a "
        "month or a year. A day is never invented: \"March 2016\" is the whole of March, not "
        "1 March. A range within one week is known to the week, within one month to the "
        "month, within one year to the year; a range across two calendar years is refused "
        "when the data is loaded (it must become one record per year), so no view puts it in "
        "the wrong year.", lang
    )), html.P(_(
        "A monthly timeline counts records known to the day, week or month; a weekly one only "
        "records known to the day or week; records known only to the year appear in yearly "
        "views. Each view says how many records it cannot place. A date filter keeps a record "
        "when its whole period lies inside the range.", lang
    )), html.H3(_("Places", lang)), html.P(_(
        "A place is stored as a point when one is known, with how precisely it is known "
        "(exact point, municipality, NUTS 3, NUTS 2 or NUTS 1 region, country, or unknown), and "
        "the NUTS 2024 regions that contain it. Precision is never invented: a record known "
        "only to its country has no region and no point of its own. Greece is GR (Eurostat "
        "writes EL).", lang
    )), html.P(_(
        "Points are placed in regions by their polygons. A point on a coast or border that "
        "falls just outside every polygon goes to the nearest region within "
        "{km} km, and the record notes it; a point farther away, or on "
        "land outside the EU (Geneva, Basel), is not placed in a member state.", lang
    ).format(km=f"{DEFAULT_TOLERANCE_KM:g}")), html.H3(_("What the public sees", lang)), html.P(_(
        "Only published records are shown. Datasets released openly appear at the precision "
        "and with the text their publisher released. Records logged by member organisations "
        "appear only coarsened: the month (never the day), no point and no place name, their "
        "codes and a summary reviewed by a moderator; the organisation is not named. Their "
        "place is the finest region (NUTS 3, else NUTS 2, else NUTS 1) in which at least "
        "{min_cell} published member records are alike in everything the public sees (month, "
        "codes, kind of place); otherwise only the country. So no count of member records for "
        "a region, and no difference between two such counts, is ever between 1 and {below}. "
        "Synthetic demo records are marked as such everywhere.", lang
    ).format(min_cell=context.settings.min_cell, below=context.settings.min_cell - 1)),
        anchor="precision")


def _dataset_rows(context: AppContext, slugs: tuple[str, ...], lang: str) -> list:
    _ = translate
    rows = []
    for item in public_datasets(context.engine, slugs).to_dict("records"):
        link = html.A(item["url"], href=item["url"], rel="noopener") if item["url"] else ""
        rows.append(html.Tr([html.Td(item["name"]),
                             html.Td(item["licence"] or _("not stated", lang)),
                             html.Td(item["attribution"]), html.Td(link)]))
    if MEMBER_SOURCE in slugs:
        rows.append(html.Tr([html.Td(_("Member organisations of the network", lang)),
                             html.Td(_("published by the network", lang)),
                             html.Td(_("Organisations are not named in public.", lang)),
                             html.Td("")]))
    return rows


def _sources(context: AppContext, slugs: tuple[str, ...], lang: str) -> html.Section:
    _ = translate
    table = html.Table([
        html.Thead(html.Tr([html.Th(_(h, lang), scope="col") for h in
                            (N_("Dataset"), N_("Licence"), N_("Attribution"), N_("Link"))])),
        html.Tbody(_dataset_rows(context, slugs, lang)),
    ], className="taxonomy")
    return _section(_("Sources and attribution", lang), html.H3(_("Incident data", lang)),
                    table, html.H3(_("Maps and reference data", lang)), html.Ul([
        html.Li([_("Country boundaries: made with Natural Earth (public domain), packaged by "
                   "the world-atlas project (ISC licence), simplified for the web.", lang)]),
        html.Li([_("Regions: NUTS 2024 from Eurostat GISCO, © EuroGeographics for the "
                   "administrative boundaries, © European Union.", lang)]),
        html.Li([_("Population for the rates per million residents: Eurostat, 1 January 2024 "
                   "(CC BY 4.0; source: Eurostat).", lang)]),
        html.Li([_("Places in the synthetic demo data: GeoNames (CC BY 4.0).", lang)]),
        html.Li([_("The taxonomy builds on the OSCE/ODIHR hate crime reporting categories, "
                   "ECRI's general policy recommendations and other monitors' schemes; its "
                   "wording is the project's own.", lang)]),
        html.Li([_("The interface is in English, French and German; the taxonomy's labels are "
                   "translated, its definitions are in English. Data, downloads and the API "
                   "use English labels and the codes.", lang)]),
    ]), anchor="sources")


def _cite(context: AppContext, release: str, lang: str) -> html.Section:
    _ = translate
    today = dt.date.today().isoformat()
    root = flask.request.host_url.rstrip("/") if flask.has_request_context() else ""
    citation = (f"incidentmap: anti-migrant hate incidents in the EU-27, data release {release}"
                f" (taxonomy {context.taxonomy.version}). {root}/ (retrieved {today}).")
    return _section(_("How to cite", lang), html.P(_(
        "Cite the data release you used: every download and API response names it "
        "(data_release). It changes whenever the published data changes, so the release id "
        "and the filter (the page's URL, or the download's parameters) tell others exactly "
        "which records you counted.", lang
    )), html.Blockquote(citation, className="citation"), html.P([
        _("The current data release is", lang), " ", html.Code(release), ". ",
        _("Name the sources above with their attribution when you reuse the data.", lang)]),
        anchor="cite")


def _protection(lang: str) -> html.Section:
    _ = translate
    return _section(_("Data protection", lang), html.P([_(
        "The records concern people who were targeted for who they are. What is kept about "
        "them, who can see it, how long it is kept and how to ask for it or have it erased: ",
        lang), html.A(_("how we protect data", lang), href="/data-protection",
                      id="about-data-protection"), "."]), anchor="protection")


def layout(context: AppContext, search: str | None = None) -> html.Div:
    """The about page, in the language of the URL query ``search`` (other keys are ignored)."""
    snapshot = context.snapshot()
    lang = i18n.lang_of(search)
    contents = html.Nav(html.Ul([
        html.Li(html.A(translate(text, lang), href=f"#{anchor}")) for text, anchor in CONTENTS
    ]), className="toc", **{"aria-label": translate("On this page", lang)})
    return html.Div([
        html.Div(translate(DEMO_NOTICE, lang), className="demo-banner",
                 hidden=not snapshot.has_demo),
        html.Main([
            html.H2(translate("About this map", lang), className="page-title"),
            contents,
            _counted(context, lang),
            _taxonomy(context, lang),
            _precision(context, lang),
            _sources(context, snapshot.sources, lang),
            _cite(context, snapshot.fingerprint, lang),
            _protection(lang),
        ], className="about-page"),
    ])


def register(app) -> None:
    """The about page has no callbacks."""
