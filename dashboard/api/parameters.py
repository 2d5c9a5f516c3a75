"""Parameters of the API's routes: formats, page limits, and the checks that answer a 400.

The OpenAPI document (:mod:`dashboard.api.openapi`) reads the same constants, so the document
and the checks cannot disagree.
"""

from __future__ import annotations

import flask

from data.export import FORMATS
from data.filters import FILTER_PARAMS, FilterError, FilterProblem, IncidentFilter, from_query
from data.snapshot.model import Snapshot

#: ``format=`` values of /incidents: paged JSON, and every download format (DESIGN §3).
ROW_FORMATS = ("json", *FORMATS)
#: Formats always answered as one streamed file; GeoJSON is paged unless ``per_page=all``.
FILE_FORMATS = tuple(f for f in FORMATS if f != "geojson")
#: Largest ``per_page`` of the paged formats.
MAX_PER_PAGE = 1000


class ApiError(Exception):
    """A client error answered with a JSON body naming the parameter."""

    def __init__(self, problems: list[FilterProblem], status: int = 400):
        super().__init__(str(problems))
        self.problems = problems
        self.status = status


def query_params(extra: tuple[str, ...]) -> dict[str, list[str]]:
    """The request's query as lists of values; a 400 for a parameter the route does not take.

    Parameters
    ----------
    extra : tuple of str
        The route's own parameters, besides the filter parameters every route takes.
    """
    args = flask.request.args
    allowed = (*FILTER_PARAMS, *extra)
    unknown = [k for k in args if k not in allowed]
    if unknown:
        raise ApiError([FilterProblem(k, args.get(k, ""), "unknown parameter", allowed)
                        for k in unknown])
    return {key: args.getlist(key) for key in args}


def incident_filter(params: dict[str, list[str]], snapshot: Snapshot) -> IncidentFilter:
    """The filter of ``params``; only sources with public records are known to the public."""
    try:
        return from_query(params, snapshot.taxonomy, sources=snapshot.sources)
    except FilterError as exc:
        raise ApiError(exc.problems) from exc


def choice(params: dict, name: str, allowed: tuple[str, ...], default: str | None) -> str:
    """The last value of ``name`` (or ``default``), which must be one of ``allowed``."""
    values = params.get(name) or ([default] if default else [])
    if not values:
        raise ApiError([FilterProblem(name, "", "this parameter is required", allowed)])
    if values[-1] not in allowed:
        raise ApiError([FilterProblem(name, values[-1], "not an allowed value", allowed)])
    return values[-1]


def positive_int(params: dict, name: str, default: int, maximum: int) -> int:
    """The last value of ``name`` (or ``default``): a whole number from 1 to ``maximum``."""
    raw = (params.get(name) or [str(default)])[-1]
    digits = raw.lstrip("0")  # int() refuses over 4300 digits: bound the length first
    if (not (raw.isascii() and raw.isdigit()) or len(digits) > len(str(maximum))
            or not 1 <= int(raw) <= maximum):
        raise ApiError([FilterProblem(name, raw, f"must be a whole number from 1 to {maximum}")])
    return int(raw)
