"""The page's state as a URL query: the shared filter names plus two view settings."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode

from data.filters import FilterProblem, IncidentFilter, parse_query
from data.taxonomy import Taxonomy

METRICS = ("count", "per_million")
GRANULARITIES = ("month", "week", "year")


@dataclass(frozen=True)
class ViewState:
    """What the overview page shows: a filter, a map metric and a timeline granularity."""

    filter: IncidentFilter
    metric: str = "count"
    granularity: str = "month"

    def to_search(self) -> str:
        """The URL query (with ``?``, or empty) that reproduces this state."""
        query = self.filter.to_query()
        if self.metric != "count":
            query["metric"] = self.metric
        if self.granularity != "month":
            query["granularity"] = self.granularity
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
    for name, allowed in (("metric", METRICS), ("granularity", GRANULARITIES)):
        values = params.get(name)
        if not values:
            continue
        if values[-1] in allowed:
            view[name] = values[-1]
        else:
            problems.append(FilterProblem(name, values[-1], "not an allowed value", allowed))
    return ViewState(flt, **view), problems
