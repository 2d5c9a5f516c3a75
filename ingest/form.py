"""The web form's values -> a checked incident, by ingest's own rules (one code path).

:func:`validate_report` reads dates, country and taxonomy codes with
:func:`ingest.normalise.record.normalise_fields` and places the record with
:func:`ingest.normalise.locate.locate`, exactly as a file row is read; what is specific to the form
(choices from closed lists, the precision the recorder claims, consent) is checked here,
field by field as :data:`data.records.form_fields.FORM_FIELDS` declares them.
Problems are data: the form field they belong to, a stable code, a message and how to fix it.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path

from data.records import form_fields as v
from data.records.reports import Record
from data.reference.taxonomy import Taxonomy
from geo.assign import load_boundaries
from geo.nuts import usable_nuts_dir
from ingest.normalise.gazetteer import Place, lookup
from ingest.normalise.labels import LabelMatcher
from ingest.normalise.locate import Locator, locate
from ingest.normalise.record import Context, Normalised, normalise_fields, split_texts
from ingest.report import ISSUE_CODES, Issue
from ingest.sources.base import RawRow

#: Problem code -> (message, hint); codes of ingest issues use ingest's hint as the hint.
MESSAGES = {
    "required": ("This is needed.", "Fill it in or pick one of the choices."),
    "invalid_choice": ("This is not one of the choices.", "Pick one of the choices."),
    "primary_missing": ("Say which one is the main one.", "Pick the main one in the list."),
    "date_precision_mismatch": ("The date typed does not match how precisely you know it.",
                                "Type a day as 2024-03-05, a month as 2024-03, a year as "
                                "2024, or change the choice of precision."),
    "location_missing": ("Say where it happened.", "Search for the place or click the map, "
                         "or choose 'only the country'."),
    "count_invalid": ("Give a whole number from 1 to 10,000.", "Leave it empty if unknown."),
    "consent_required": ("The incident can be recorded only with consent.",
                         "Tick the box once the person agreed, or do not record it."),
    "too_long": ("This text is too long.", "Shorten it."),
    "date_missing": ("Say when it happened.", ""),
    "date_unparseable": ("This date cannot be read.", ""),
    "date_impossible": ("This date does not exist.", ""),
    "date_future": ("This date is after today.", ""),
    "date_too_old": ("This date is too long ago.", ""),
    "date_ambiguous": ("This date is ambiguous.", ""),
    "country_missing": ("Choose the country.", ""),
    "country_unknown": ("This country is not known.", ""),
    "country_out_of_scope": ("Only the 27 EU member states are mapped.", ""),
    "point_invalid": ("The point is not valid.", ""),
    "point_contradicts_country": ("The place is not in the chosen country.", ""),
    "place_not_found": ("This place is not in the offline list of towns.",
                        "Click the place on the map instead, or choose 'only the country'."),
    "label_unrecognised": ("This code is not in the taxonomy.", ""),
    "bias_missing": ("Choose at least one bias motivation.", ""),
    "type_missing": ("Choose at least one incident type.", ""),
}
#: Ingest issue field -> form field.
FORM_FIELD = {"date": "date", "date_end": "date_end", "country": "country", "bias": "bias",
              "indicator": "indicators", "type": "types", "lat/lon": "location",
              "place": "location", "region": "location"}
#: Kinds of field (:data:`data.records.form_fields.FIELD_KINDS`) answered with one choice.
SINGLE_CHOICES = ("radio", "dropdown", "language")
#: Kinds of field whose checked answer is stored as it is, in the field's column (except a
#: field that states how precisely another is known: that one stores it).
STORED_AS_ANSWERED = (*SINGLE_CHOICES, "checklist", "count", "check", "text", "textarea")
#: Kinds of field holding a text that the field's limit applies to.
TEXTS = ("text", "textarea", "account", "location")
#: Form fields, in the order of the form (DOMAIN §2.1); the page shows a message under each
#: (the problems of a field naming a main code belong to its code field).
FIELDS = tuple(f.name for f in v.FORM_FIELDS if f.kind != "primary")
#: The fields placed in time and space by ingest's rules, at the precision they claim.
DATE, LOCATION = v.FIELDS_BY_NAME["date"], v.FIELDS_BY_NAME["location"]
_CLAIMS = {f.precision for f in v.FORM_FIELDS if f.precision}


@dataclass(frozen=True)
class Problem:
    """One problem with one form field: ``message`` says what, ``hint`` how to fix it."""

    field: str
    code: str
    message: str
    hint: str


@dataclass
class Checked:
    """Outcome of :func:`validate_report`: a Record when valid, else blocking problems."""

    record: Record | None
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)


def problem(field_name: str, code: str, hint: str = "") -> Problem:
    """A :class:`Problem` with the standard message of ``code`` (and its hint by default)."""
    message, default_hint = MESSAGES.get(code, (code.replace("_", " "), ""))
    return Problem(field_name, code, message, hint or default_hint)


def _from_issue(found: Issue) -> Problem:
    return problem(FORM_FIELD.get(found.field, found.field), found.code, found.hint)


@functools.lru_cache(maxsize=2)
def form_locator(nuts_folder: Path | None) -> Locator:
    """The locator the form places points with, for the NUTS files in ``nuts_folder``.

    Member states only when the folder holds no usable NUTS files; kept per folder.
    """
    return Locator(load_boundaries(usable_nuts_dir(nuts_folder)))


def place_point(name: str, iso2: str) -> Place | None:
    """The town a recorder typed, from the offline gazetteer, within member state ``iso2``."""
    return lookup(name, iso2)


def form_context(taxonomy: Taxonomy, locator=None, today: dt.date | None = None) -> Context:
    """The normalisation context of the form: member policy, day-month-year order."""
    return Context(taxonomy=taxonomy, policy="member", date_order="DMY", today=today,
                   matchers={kind: LabelMatcher(taxonomy, kind)
                             for kind in ("bias", "indicator", "type")},
                   locator=locator)


def _text(form: dict, name: str) -> str:
    value = form.get(name)
    return "" if value is None else str(value).strip()


def _ordered(form: dict, name: str, primary: str, problems: list[Problem]) -> list[str]:
    chosen = [str(c) for c in form.get(name) or []]
    main = _text(form, primary)
    if main and main not in chosen:
        chosen.insert(0, main)
    if len(chosen) > 1 and not main:
        problems.append(problem(name, "primary_missing"))
    return [main, *[c for c in chosen if c != main]] if main else chosen


def _answers(form: dict, problems: list[Problem]) -> dict:
    """Field -> checked answer, for the fields of :data:`STORED_AS_ANSWERED` kinds."""
    values = {}
    for found in v.fields_of(*SINGLE_CHOICES):
        value = _text(form, found.name)
        if not value:
            if found.required:
                problems.append(problem(found.name, "required"))
            values[found.name] = None
        elif value not in found.values:
            problems.append(problem(found.name, "invalid_choice"))
        else:
            values[found.name] = value
    for found in v.fields_of("checklist"):
        picked = [str(x) for x in form.get(found.name) or []]
        if any(x not in found.values for x in picked):
            problems.append(problem(found.name, "invalid_choice"))
        values[found.name] = picked or None
    for found in v.fields_of(*TEXTS):
        if found.limit and len(_text(form, found.sent_as)) > found.limit:
            problems.append(problem(found.sent_as, "too_long",
                                    f"At most {found.limit:,} characters."))
        if found.kind in ("text", "textarea"):
            values[found.name] = _text(form, found.name) or None
        if found.required and not _text(form, found.sent_as):
            problems.append(problem(found.name, "required", found.hint))
    for found in v.fields_of("count"):
        count = _text(form, found.name)
        values[found.name] = None
        if count:
            if not count.isdigit() or not 1 <= int(count) <= found.limit:
                problems.append(problem(found.name, "count_invalid"))
            else:
                values[found.name] = int(count)
    for found in v.fields_of("check"):
        values[found.name] = bool(form.get(found.name))
        if found.required and not values[found.name]:
            problems.append(problem(found.name, "consent_required"))
    return values


def _precision(form: dict, ctx: Context, problems: list[Problem]) -> None:
    """The typed start date must be as precise as the recorder says (never invent a day)."""
    claim = v.FIELDS_BY_NAME[DATE.precision]
    claimed = _text(form, claim.name)
    parsed = ctx.date(_text(form, DATE.name) or None)
    if claimed in claim.values and hasattr(parsed, "precision") \
            and parsed.precision != claimed:
        problems.append(problem(DATE.name, "date_precision_mismatch"))


def _location_fields(form: dict, claim: str | None, online: bool) -> dict:
    if online or claim in (None, "country"):
        return {}
    found = {k: _text(form, k) for k in ("lat", "lon", LOCATION.sent_as)}
    return {k: value for k, value in found.items() if value}


def _stored_answers(answers: dict) -> dict:
    """Column -> value of the answers stored as they are (claims of precision are not)."""
    stored = {}
    for found in v.fields_of(*STORED_AS_ANSWERED):
        if found.name not in _CLAIMS:
            (column,) = found.columns
            stored[column] = answers[found.name]
    return stored


def validate_report(form: dict, ctx: Context) -> Checked:
    """Check a filled form with ingest's rules; build the Record to store when it passes.

    Parameters
    ----------
    form : dict
        Form field -> value as typed: texts, lists for multiple choices, booleans for check
        boxes; ``bias_primary`` and ``types_primary`` name the main code of each list;
        ``lat``/``lon`` come from the map or the place search.
    ctx : Context
        :func:`form_context` (with a locator to check points against the boundaries).

    Returns
    -------
    Checked
        ``record`` is None when there is any blocking problem; ``notes`` are kept with the
        record (``quality_notes``) without blocking it.
    """
    problems: list[Problem] = []
    codes = {f.name: _ordered(form, f.name, f.primary, problems)
             for f in v.FORM_FIELDS if f.primary}
    fields = {"date": _text(form, "date") or None, "date_end": _text(form, "date_end"),
              "country": _text(form, "country"), "bias": "; ".join(codes["bias"]),
              "indicator": "; ".join(str(c) for c in form.get("indicators") or []),
              "type": "; ".join(codes["types"]),
              "narrative": _text(form, "narrative") or None}
    core = normalise_fields(fields, 0, ctx)
    problems.extend(_from_issue(i) for i in core.issues)  # every label issue blocks here
    _precision(form, ctx, problems)
    answers = _answers(form, problems)
    located = _locate(form, ctx, core, answers, problems)
    if problems or located is None:
        return Checked(None, problems)
    _summary, narrative = split_texts(fields, ctx)
    notes = [_from_issue(i) for i in located.issues]
    record_values = {
        **located.values, "narrative": narrative, "raw_labels": core.raw_labels,
        "quality_notes": [{"code": n.code, "field": n.field, "hint": n.hint}
                          for n in notes] or None,
        **_stored_answers(answers),
    }
    return Checked(Record(record_values, dict(core.codes)), [], notes)


def _locate(form: dict, ctx: Context, core, answers: dict,
            problems: list[Problem]) -> Normalised | None:
    """Place the record with :func:`ingest.normalise.locate.locate` at the claimed precision."""
    if core.interval is None or core.iso2 is None:
        return None
    claim = answers.get(LOCATION.precision)
    online = answers["is_online"]
    loc = _location_fields(form, claim, online)
    if claim in ("exact", "municipality") and not online and not loc:
        problems.append(problem(LOCATION.name, "location_missing"))
        return None
    place = _text(form, LOCATION.sent_as) or None
    result = Normalised(RawRow(0, loc, {}), {
        "date_start": core.interval.start, "date_end": core.interval.end,
        "date_precision": core.interval.precision, "country": core.iso2,
        "place_name": place, "public_summary": None}, core.codes, core.raw_labels, [], [])
    ctx.point_precision = claim if claim in ("exact", "municipality") else "exact"
    locate([result], ctx)
    for found in result.issues:
        blocking = ISSUE_CODES.get(found.code, True) or found.code == "place_not_found"
        if blocking:
            problems.append(_from_issue(found))
    if result.values is None:
        return None
    result.issues = [i for i in result.issues if not ISSUE_CODES.get(i.code, True)
                     and i.code != "place_not_found"]
    return result
