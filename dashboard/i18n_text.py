"""Sentences the interface builds from data, in the interface language.

Pure functions: counts, filters and codes in, text out. English output is word for word what
the pages said before they had other languages (the filter description is
:meth:`data.filters.IncidentFilter.describe` itself).
"""

from __future__ import annotations

from dashboard.i18n import DECIMAL, N_, THOUSANDS, number, translate
from data.filters import IncidentFilter
from data.reference.taxonomy import Taxonomy

#: Date precisions and timeline periods (the same words).
PERIODS = {"day": N_("day"), "week": N_("week"), "month": N_("month"), "year": N_("year")}
MONTHS = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
          N_("July"), N_("August"), N_("September"), N_("October"), N_("November"),
          N_("December"))
#: Plotly's short month names on date axes (locale data, not interface texts).
SHORT_MONTHS = {
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
           "nov.", "déc."),
    "de": ("Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.",
           "Nov.", "Dez."),
}
_KIND_PHRASES = {
    "bias": N_("with bias motivation {labels} (or a narrower one)"),
    "indicator": N_("with bias indicator {labels} (or a narrower one)"),
    "type": N_("with incident type {labels} (or a narrower one)"),
}
_UNPLACED = {
    "month": N_("{count} incidents known to the year only are not shown in this monthly "
                "view; switch the timeline to 'year' to include them."),
    "week": N_("{count} incidents known to the month or year only are not shown in this "
               "weekly view; switch the timeline to 'year' to include them."),
    "year": N_("{count} incidents are not shown in this yearly view."),
}


def month_name(month: int, lang: str) -> str:
    """``March 2016`` for month number ``month`` (months since 1970-01), in ``lang``."""
    return translate("{month} {year}", lang).format(
        month=translate(MONTHS[month % 12], lang), year=1970 + month // 12)


def plotly_config(lang: str) -> dict:
    """``dcc.Graph`` config keys that make plotly write dates in ``lang`` (none for English).

    Plotly takes the locale with the figure's config (``locale`` and ``locales``), so no
    locale script has to be loaded.
    """
    if lang not in SHORT_MONTHS:
        return {}
    months = [translate(name, lang) for name in MONTHS]
    return {"locale": lang, "locales": {lang: {"format": {
        "months": months, "shortMonths": list(SHORT_MONTHS[lang]),
        "decimal": DECIMAL[lang], "thousands": THOUSANDS[lang]}}}}


def describe_filter(flt: IncidentFilter, taxonomy: Taxonomy, lang: str) -> str:
    """The filter in plain words, in ``lang`` (English: ``flt.describe(taxonomy)``).

    Parameters
    ----------
    flt : IncidentFilter
    taxonomy : Taxonomy
        Labels of the codes, names of the member states.
    lang : str
        Interface language.
    """
    if lang not in ("fr", "de"):
        return flt.describe(taxonomy)
    parts = []
    if flt.date_from or flt.date_to:
        start = flt.date_from.isoformat() if flt.date_from else translate("the first record",
                                                                          lang)
        end = flt.date_to.isoformat() if flt.date_to else translate("the latest record", lang)
        parts.append(translate("dated from {start} to {end}", lang).format(start=start,
                                                                            end=end))
    names = {c.iso2: c.names.get(lang, c.iso2) for c in taxonomy.countries()}
    if flt.country:
        parts.append(translate("in {places}", lang).format(
            places=", ".join(names.get(c, c) for c in flt.country)))
    if flt.region:
        parts.append(translate("in NUTS region {regions}", lang).format(
            regions=", ".join(flt.region)))
    for kind, phrase in _KIND_PHRASES.items():
        codes = getattr(flt, kind)
        if codes:
            listed = "; ".join(taxonomy.label(c, lang) for c in codes)
            parts.append(translate(phrase, lang).format(labels=listed))
    if flt.source:
        parts.append(translate("from source {sources}", lang).format(
            sources=", ".join(flt.source)))
    if not parts:
        return translate("All incidents.", lang)
    return translate("Incidents {parts}.", lang).format(parts=", ".join(parts))


def summary(total: int, flt: IncidentFilter, taxonomy: Taxonomy, lang: str) -> str:
    """``1,234 incidents. Incidents dated from ...`` (the page's result line)."""
    return translate("{count} incidents.", lang).format(count=number(total, lang)) + " " + \
        describe_filter(flt, taxonomy, lang)


def timeline_note(unplaced: int, granularity: str, lang: str) -> str:
    """What a timeline cannot place (records known only to a coarser period); empty if none."""
    if not unplaced:
        return ""
    return translate(_UNPLACED[granularity], lang).format(count=number(unplaced, lang))


def level_problem(level: str, regions_available: bool, lang: str) -> str:
    """Why a ``level`` in the URL was not applied (no NUTS files, or not one member state)."""
    if not regions_available:
        text = N_("level={level}: regional maps are not available on this server (no NUTS "
                  "boundary files); showing member states")
    else:
        text = N_("level={level}: a regional map needs exactly one member state in "
                  "'country'; showing member states")
    return translate(text, lang).format(level=level)


def problems_notice(problems: list[str], lang: str) -> str:
    """The notice listing the parts of a link that were left out; empty when none were."""
    if not problems:
        return ""
    return translate("Some filters in the link were not understood and were left out: ",
                     lang) + "; ".join(problems)
