"""One code path from a raw record (file row or web form) to a normalised incident.

:func:`normalise_batch` turns raw rows into incident values, code links and issues: dates to
an interval with its precision, country to ISO alpha-2, labels to taxonomy codes (raw labels
kept with their match method), and — for the whole batch at once — places to a point,
member state and NUTS regions (:mod:`ingest.normalise.locate`). Nothing is guessed: what cannot be
read becomes an :class:`~ingest.report.Issue` with a hint.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass, field

from data.reference.taxonomy import KINDS, Taxonomy
from ingest.normalise.countries import parse_country
from ingest.normalise.dates import DateInterval, DateProblem, parse_date, span
from ingest.normalise.labels import LabelMatcher
from ingest.normalise.locate import locate
from ingest.report import Issue, issue
from ingest.sources.base import RawRow

COUNTRY_HINTS = {
    "missing": "give the country of the incident (name or ISO code) in a country column, or "
               "a default country in the mapping file",
    "unknown": "use an EU member state's name or ISO code (e.g. DE, Germany, Deutschland)",
    "out_of_scope": "this product maps the 27 EU member states; the row is kept in the "
                    "rejects file",
}


@dataclass
class Context:
    """Everything normalisation needs for one run (build once, reuse for every batch)."""

    taxonomy: Taxonomy
    policy: str
    date_order: str = "DMY"
    defaults: dict[str, str] = field(default_factory=dict)
    matchers: dict[str, LabelMatcher] = field(default_factory=dict)
    today: dt.date | None = None
    summary_from_narrative: bool = False
    point_precision: str = "exact"
    classification: str = "unclear"
    locator: object = None  # ingest.normalise.locate.Locator, or None: no points are placed
    _dates: dict = field(default_factory=dict, repr=False)
    _countries: dict = field(default_factory=dict, repr=False)

    def date(self, text: str | None) -> DateInterval | DateProblem:
        """Parse a date cell (cached per run: files repeat their dates)."""
        if text not in self._dates:
            try:
                self._dates[text] = parse_date(text, order=self.date_order, today=self.today)
            except DateProblem as problem:
                self._dates[text] = problem
        return self._dates[text]

    def country(self, text: str | None):
        """Read a country cell (cached per run)."""
        if text not in self._countries:
            self._countries[text] = parse_country(text, self.taxonomy)
        return self._countries[text]


@dataclass
class Normalised:
    """The outcome for one raw row; ``values`` is None when the row is rejected."""

    raw: RawRow
    values: dict | None
    codes: dict[str, list[str]]
    raw_labels: dict
    issues: list[Issue]
    unrecognised: list[tuple[str, str]]

    @property
    def rejected(self) -> bool:
        """True when an issue keeps this row out of the store."""
        return self.values is None


def _parsed(ctx: Context, text: str | None) -> DateInterval:
    result = ctx.date(text)
    if isinstance(result, DateProblem):
        raise result
    return result


def _dates(fields: dict, row: int, ctx: Context) -> tuple[DateInterval | None, list[Issue]]:
    try:
        start = _parsed(ctx, fields.get("date"))
        if fields.get("date_end"):
            end = _parsed(ctx, fields["date_end"])
            if end.end < start.start:
                return None, [issue("date_impossible", row, "date_end", fields["date_end"],
                                    "the end date is before the start date")]
            start = span(start.start, end.end)
        return start, []
    except DateProblem as problem:
        name = "date_end" if fields.get("date_end") and problem.value == fields["date_end"] \
            else "date"
        return None, [issue(problem.code, row, name, problem.value, problem.hint)]


def _labels(fields: dict, row: int, ctx: Context):
    codes: dict[str, list[str]] = {}
    raw_labels: dict[str, list[dict]] = {}
    issues: list[Issue] = []
    unrecognised: list[tuple[str, str]] = []
    for kind in KINDS:
        text = fields.get(kind)
        if not text:
            codes[kind] = []
            continue
        cell = ctx.matchers[kind].cell(text)
        codes[kind] = list(cell.codes)
        raw_labels[kind] = cell.described
        for found in cell.matches:
            if not found.recognised:
                unrecognised.append((kind, found.raw))
                issues.append(issue(
                    "label_unrecognised", row, kind, found.raw,
                    f"no {kind} code matches this label; it is kept as received. Map it "
                    f"with: incidentmap labels map {kind} \"{found.raw}\" CODE"))
    if not codes["bias"]:
        issues.append(issue("bias_missing", row, "bias", fields.get("bias", ""),
                            "no bias motivation recognised; the record is kept without one"))
    if not codes["type"]:
        issues.append(issue("type_missing", row, "type", fields.get("type", ""),
                            "no incident type recognised; the record is kept without one"))
    return codes, raw_labels, issues, unrecognised


def split_texts(fields: dict, ctx: Context) -> tuple[str | None, str | None]:
    """The public summary and the restricted narrative of a record, by its source's policy.

    An open source's summary is public (or its narrative, when the mapping says the summary
    comes from it); a member record publishes nothing until a moderator reviews a summary, so
    what it gives goes to the narrative.
    """
    summary = fields.get("summary")
    narrative = fields.get("narrative")
    if ctx.policy == "open":
        if not summary and ctx.summary_from_narrative:
            summary = narrative
        return summary, narrative
    # member records: nothing is public until a moderator reviews a summary
    parts = [p for p in (summary, narrative) if p]
    return None, "\n\n".join(parts) if parts else None


@dataclass
class Core:
    """What every record needs read the same way, from a file row or from the web form.

    ``interval`` is None when the dates were refused; ``iso2`` None when the country was.
    """

    interval: DateInterval | None
    iso2: str | None
    codes: dict[str, list[str]]
    raw_labels: dict
    issues: list[Issue]
    unrecognised: list[tuple[str, str]]


def normalise_fields(fields: dict, row: int, ctx: Context) -> Core:
    """Read the dates, the country and the taxonomy labels of one record's canonical fields.

    The one code path for these rules: :func:`normalise_row` (ingest) and
    :func:`ingest.form.validate_report` (the web form) both call it.

    Parameters
    ----------
    fields : dict
        Canonical field name (:data:`ingest.sources.fields.FIELDS`) -> text.
    row : int
        Row number the issues carry.
    ctx : Context

    Returns
    -------
    Core
        Issues of dates, country and labels, in that order.
    """
    interval, issues = _dates(fields, row, ctx)
    country = ctx.country(fields.get("country"))
    if country.reason and not (country.reason == "missing" and fields.get("lat")):
        detail = f" ({country.detail})" if country.detail else ""
        issues.append(issue(f"country_{country.reason}", row, "country",
                            str(fields.get("country", "")) + detail,
                            COUNTRY_HINTS[country.reason]))
    codes, raw_labels, label_issues, unrecognised = _labels(fields, row, ctx)
    issues.extend(label_issues)
    return Core(interval, country.iso2, codes, raw_labels, issues, unrecognised)


def normalise_row(raw: RawRow, ctx: Context) -> Normalised:
    """Normalise everything about one row except its location (see :func:`normalise_batch`)."""
    fields = {**ctx.defaults, **raw.fields}
    if "_error" in fields:
        problem = issue("row_malformed", raw.row, "row", fields["_error"],
                        "check quoting and delimiters around this line")
        return Normalised(raw, None, {}, {}, [problem], [])
    core = normalise_fields(fields, raw.row, ctx)
    interval, issues = core.interval, core.issues
    codes, raw_labels, unrecognised = core.codes, core.raw_labels, core.unrecognised
    if any(p.rejects for p in issues):
        return Normalised(raw, None, codes, raw_labels, issues, unrecognised)
    summary, narrative = split_texts(fields, ctx)
    values = {
        "date_start": interval.start,
        "date_end": interval.end,
        "date_precision": interval.precision,
        "country": core.iso2,
        "place_name": fields.get("place"),
        "public_summary": summary,
        "narrative": narrative,
        "classification": ctx.classification,
        "policy": ctx.policy,
        "status": "published" if ctx.policy == "open" else "submitted",
        "is_online": False,
        "location_type": "unknown",
    }
    return Normalised(raw, values, codes, raw_labels, issues, unrecognised)


def normalise_batch(rows: list[RawRow], ctx: Context,
                    clock: Counter | None = None) -> list[Normalised]:
    """Normalise a batch of raw rows; locations are assigned for the batch in one pass.

    Parameters
    ----------
    rows : list of RawRow
    ctx : Context
    clock : collections.Counter, optional
        Adds the seconds spent placing the batch under ``"locate"``.

    Returns
    -------
    list of Normalised
        One per row, in order.
    """
    results = [normalise_row(raw, ctx) for raw in rows]
    started = time.perf_counter()
    locate(results, ctx)
    if clock is not None:
        clock["locate"] += time.perf_counter() - started
    return results
