"""The page's state as a URL query: the shared filter names plus three view settings.

``metric`` (count or per million residents), ``granularity`` of the timeline and ``level``
of the map: ``country`` (the EU-27 map) or ``nuts1``/``nuts2``/``nuts3``, the regions of the
one member state in ``country`` (the drill-down). ``lang`` is the interface language
(:mod:`dashboard.i18n`): a query parameter like the view settings, so every link that keeps
the query keeps the language, and English (the default) adds nothing to the URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode

from dashboard import i18n
from data.filters import FilterProblem, IncidentFilter, parse_query
from data.reference.taxonomy import Taxonomy

METRICS = ("count", "per_million")
GRANULARITIES = ("month", "week", "year")
LEVELS = ("country", "nuts1", "nuts2", "nuts3")


@dataclass(frozen=True)
class ViewState:
    """What the overview page shows: a filter, a map metric, a timeline granularity, a level.

    A ``level`` other than ``country`` shows the regions of the filter's one member state;
    with no or several member states it means nothing (see :attr:`drilled_country`).
    """

    filter: IncidentFilter
    metric: str = "count"
    granularity: str = "month"
    level: str = "country"
    lang: str = i18n.DEFAULT

    @property
    def drilled_country(self) -> str | None:
        """The member state whose regions the map shows, or None for the EU-27 map."""
        if self.level != "country" and len(self.filter.country) == 1:
            return self.filter.country[0]
        return None

    @property
    def map_level(self) -> str:
        """The level the map (and its level control) shows: ``country`` unless drilled down."""
        return self.level if self.drilled_country else "country"

    def to_search(self) -> str:
        """The URL query (with ``?``, or empty) that reproduces this state."""
        query = self.filter.to_query()
        if self.metric != "count":
            query["metric"] = self.metric
        if self.granularity != "month":
            query["granularity"] = self.granularity
        if self.level != "country":
            query["level"] = self.level
        if self.lang != i18n.DEFAULT:
            query[i18n.PARAM] = self.lang
        return "?" + urlencode(query, safe=",") if query else ""


def parse_search(search: str | None, taxonomy: Taxonomy,
                 sources: tuple[str, ...] | None = None) -> tuple[ViewState, list[FilterProblem]]:
    """Read a page URL's query leniently: invalid values are dropped and reported.

    Parameters
    ----------
    search : str or None
        ``location.search``, with or without the leading ``?``.
    taxonomy : Taxonomy
    sources : tuple of str, optional
        Known source slugs.

    Returns
    -------
    (ViewState, list of FilterProblem)
    """
    params = parse_qs((search or "").lstrip("?"), keep_blank_values=True)
    flt, problems = parse_query(params, taxonomy, sources=sources)
    view = {}
    for name, allowed in (("metric", METRICS), ("granularity", GRANULARITIES),
                          ("level", LEVELS), (i18n.PARAM, i18n.LANGUAGES)):
        values = params.get(name)
        if not values:
            continue
        if values[-1] in allowed:
            view[name] = values[-1]
        else:
            problems.append(FilterProblem(name, values[-1], "not an allowed value", allowed))
    return ViewState(flt, **view), problems
