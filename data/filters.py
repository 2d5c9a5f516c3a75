"""IncidentFilter: one filter for the dashboard URL, the API and exports (DESIGN §3).

Parameters: ``date_from``, ``date_to`` (YYYY-MM-DD or YYYY-MM), ``country`` (ISO alpha-2),
``region`` (NUTS code), ``bias``, ``indicator``, ``type`` (taxonomy codes; a parent code
includes its children) and ``source`` (dataset or organisation slug). Lists are repeatable or
comma-separated. A record matches a date range when its whole date interval lies inside it.

``bias`` is the one parameter whose absence differs from an empty value: absent means
"unspecified" (the dashboard then applies its default scope; the API applies no bias filter),
while ``bias=`` means "every motivation" explicitly.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from data.reference.taxonomy import Taxonomy

FILTER_PARAMS = ("date_from", "date_to", "country", "region", "bias", "indicator", "type", "source")
CODE_PARAMS = ("bias", "indicator", "type")

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
#: What a NUTS code looks like (``DE3``, ``DE30``, ``DE300``).
REGION_PATTERN = re.compile(r"^[A-Z]{2}[0-9A-Z]{1,3}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class FilterProblem:
    """One rejected filter value: which parameter, what was given, what is allowed."""

    parameter: str
    value: str
    message: str
    allowed: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"{self.parameter}={self.value!r}: {self.message}"
        if self.allowed:
            shown = ", ".join(self.allowed[:40])
            more = f" (and {len(self.allowed) - 40} more)" if len(self.allowed) > 40 else ""
            text += f". Allowed: {shown}{more}"
        return text


class FilterError(ValueError):
    """One or more filter parameters are malformed or unknown."""

    def __init__(self, problems: list[FilterProblem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class IncidentFilter:
    """An immutable, normalised filter. Empty tuples mean "no restriction".

    Attributes
    ----------
    date_from, date_to : datetime.date or None
        Inclusive bounds on the record's date interval.
    country : tuple of str
        ISO 3166-1 alpha-2 codes, sorted.
    region : tuple of str
        NUTS codes, sorted.
    bias : tuple of str or None
        Bias motivation codes, sorted; ``None`` means unspecified (see module docstring).
    indicator, type, source : tuple of str
        Bias indicator codes, incident type codes and source slugs, sorted.
    """

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    country: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    bias: tuple[str, ...] | None = None
    indicator: tuple[str, ...] = ()
    type: tuple[str, ...] = field(default=())
    source: tuple[str, ...] = ()

    def with_default_bias(self, scope: Iterable[str]) -> IncidentFilter:
        """Return this filter with ``scope`` as bias when bias is unspecified."""
        if self.bias is not None:
            return self
        return replace(self, bias=tuple(sorted(set(scope))))

    def to_query(self) -> dict[str, str]:
        """Query parameters (comma lists) that :func:`from_query` turns back into this filter.

        Returns
        -------
        dict
            Only the parameters that restrict something, in DESIGN §3 order.
        """
        query: dict[str, str] = {}
        if self.date_from:
            query["date_from"] = self.date_from.isoformat()
        if self.date_to:
            query["date_to"] = self.date_to.isoformat()
        for name in ("country", "region", "bias", "indicator", "type", "source"):
            values = getattr(self, name)
            if values is None or (not values and name != "bias"):
                continue
            query[name] = ",".join(values)
        return query

    def to_query_string(self) -> str:
        """URL query string (without ``?``), commas kept readable."""
        return urlencode(self.to_query(), safe=",")

    def describe(self, taxonomy: Taxonomy) -> str:
        """The filter in plain words, e.g. for download READMEs and page summaries."""
        parts = []
        if self.date_from or self.date_to:
            start = self.date_from.isoformat() if self.date_from else "the first record"
            end = self.date_to.isoformat() if self.date_to else "the latest record"
            parts.append(f"dated from {start} to {end}")
        names = {c.iso2: c.names.get("en", c.iso2) for c in taxonomy.countries()}
        if self.country:
            parts.append("in " + ", ".join(names.get(c, c) for c in self.country))
        if self.region:
            parts.append("in NUTS region " + ", ".join(self.region))
        labels = {
            "bias": "bias motivation",
            "indicator": "bias indicator",
            "type": "incident type",
        }
        for name, noun in labels.items():
            codes = getattr(self, name)
            if codes:
                listed = "; ".join(taxonomy.label(c) for c in codes)
                parts.append(f"with {noun} {listed} (or a narrower one)")
        if self.source:
            parts.append("from source " + ", ".join(self.source))
        if not parts:
            return "All incidents."
        return "Incidents " + ", ".join(parts) + "."


def _values(raw: str | list[str] | tuple[str, ...]) -> list[str]:
    items = [raw] if isinstance(raw, str) else list(raw)
    out: list[str] = []
    for item in items:
        out.extend(v.strip() for v in str(item).split(",") if v.strip())
    return out


def _parse_date(name: str, text: str, *, end: bool) -> dt.date:
    day = _DAY.match(text)
    month = _MONTH.match(text)
    try:
        if day:
            return dt.date(int(day[1]), int(day[2]), int(day[3]))
        if month:
            year, mon = int(month[1]), int(month[2])
            last = calendar.monthrange(year, mon)[1] if 1 <= mon <= 12 else 1
            return dt.date(year, mon, last if end else 1)
    except ValueError as exc:
        raise ValueError(f"{text} is not a real date ({exc})") from exc
    raise ValueError("use YYYY-MM-DD or YYYY-MM")


def parse_query(
    params: Mapping[str, str | list[str] | tuple[str, ...]],
    taxonomy: Taxonomy,
    *,
    sources: Iterable[str] | None = None,
) -> tuple[IncidentFilter, list[FilterProblem]]:
    """Parse filter parameters leniently: keep what is valid, report every problem.

    Parameters
    ----------
    params : mapping
        Query parameters; values may be strings (comma lists) or lists of strings.
        Keys that are not filter parameters are ignored.
    taxonomy : Taxonomy
        Provides the allowed codes and countries.
    sources : iterable of str, optional
        Known source slugs; when given (even empty), other slugs are problems.

    Returns
    -------
    (IncidentFilter, list of FilterProblem)
    """
    problems: list[FilterProblem] = []
    values: dict[str, object] = {}
    for name in ("date_from", "date_to"):
        raw = params.get(name)
        if raw is None:
            continue
        texts = _values(raw)
        if not texts:
            continue
        try:
            values[name] = _parse_date(name, texts[-1], end=name == "date_to")
        except ValueError as exc:
            problems.append(FilterProblem(name, texts[-1], str(exc)))
    if "date_from" in values and "date_to" in values and values["date_from"] > values["date_to"]:
        problems.append(
            FilterProblem("date_to", str(values["date_to"]), "date_to is before date_from")
        )
        values.pop("date_to")
    countries = tuple(c.iso2 for c in taxonomy.countries())
    known = None if sources is None else tuple(sorted(sources))
    checks = {
        "country": (lambda v: v.upper(), lambda v: v in countries, countries,
                    "not an EU member state's ISO 3166-1 alpha-2 code (Greece is GR)"),
        "region": (lambda v: v.upper(), lambda v: bool(REGION_PATTERN.match(v)), (),
                   "not a NUTS code (e.g. DE3, DE30, DE300)"),
        "source": (lambda v: v.lower(),
                   (lambda v: bool(_SLUG.match(v))) if known is None else known.__contains__,
                   known or (), "unknown source"),
    }
    for kind in CODE_PARAMS:
        allowed = taxonomy.codes(kind)
        checks[kind] = (lambda v: v, allowed.__contains__, allowed, f"unknown {kind} code")
    for name, (norm, ok, allowed, message) in checks.items():
        raw = params.get(name)
        if raw is None:
            continue
        good: set[str] = set()
        given = _values(raw)
        for value in given:
            value = norm(value)
            if ok(value):
                good.add(value)
            else:
                problems.append(FilterProblem(name, value, message, tuple(allowed)))
        if name == "bias" and given and not good:
            continue  # nothing usable: unspecified (the default scope), not "every motivation"
        values[name] = tuple(sorted(good))
    return IncidentFilter(**values), problems


def from_query(
    params: Mapping[str, str | list[str] | tuple[str, ...]],
    taxonomy: Taxonomy,
    *,
    sources: Iterable[str] | None = None,
) -> IncidentFilter:
    """Parse filter parameters strictly.

    Raises
    ------
    FilterError
        Listing every malformed or unknown value, with the allowed values.
    """
    flt, problems = parse_query(params, taxonomy, sources=sources)
    if problems:
        raise FilterError(problems)
    return flt
