"""The web form's values -> a checked incident, by ingest's own rules (one code path).

:func:`validate_report` reads dates, country and taxonomy codes with
:func:`ingest.normalise.record.normalise_fields` and places the record with
:func:`ingest.normalise.locate.locate`, exactly as a file row is read; what is specific to the form
(choices from closed lists, the precision the recorder claims, consent) is checked here.
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
from data.reference.vocab import CLASSIFICATIONS, LOCATION_TYPES
from geo.assign import load_boundaries
from geo.nuts import usable_nuts_dir
from ingest.normalise.gazetteer import Place, lookup
from ingest.normalise.labels import LabelMatcher
from ingest.normalise.locate import Locator
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
#: Form field -> allowed values, for single choices stored as they are.
CHOICES = {
    "date_precision": v.FORM_DATE_PRECISIONS, "time_of_day": v.TIMES_OF_DAY,
    "location_type": LOCATION_TYPES, "geo_precision": v.FORM_GEO_PRECISIONS,
    "classification": CLASSIFICATIONS, "harm_severity": v.HARM_SEVERITIES,
    "property_damage": v.PROPERTY_DAMAGES, "weapon_used": v.YES_NO_UNKNOWN,
    "target_type": v.TARGET_TYPES, "victim_gender": v.VICTIM_GENDERS,
    "victim_age_band": v.AGE_BANDS, "perpetrator_type": v.PERPETRATOR_TYPES,
    "perpetrator_count": v.PERPETRATOR_COUNTS, "reported_to_police": v.REPORTED_TO_POLICE,
    "police_flagged_hate": v.YES_NO_UNKNOWN, "justice_outcome": v.JUSTICE_OUTCOMES,
    "source_type": v.SOURCE_TYPES, "narrative_lang": v.NARRATIVE_LANGUAGES,
}
REQUIRED = ("date_precision", "location_type", "geo_precision", "classification",
            "harm_severity", "target_type", "perpetrator_type", "reported_to_police",
            "source_type", "narrative_lang")
MULTI = {"victim_groups": v.VICTIM_GROUPS, "reasons_not_reported": v.REASONS_NOT_REPORTED}
TEXT_LIMITS = {"narrative": 20_000, "bias_indicator_notes": 5_000,
               "national_offence_label": 300, "place": 300}
#: Form fields, in the order of the form (DOMAIN §2.1); the page shows a message under each.
FIELDS = ("date", "date_precision", "date_end", "time_of_day", "country", "is_online",
          "location_type", "location", "geo_precision", "types", "attempted",
          "national_offence_label", "harm_severity", "property_damage", "weapon_used",
          "classification", "bias", "indicators", "bias_indicator_notes", "target_type",
          "victim_count", "victim_groups", "victim_gender", "victim_age_band",
          "perpetrator_type", "perpetrator_count", "reported_to_police",
          "police_flagged_hate", "reasons_not_reported", "justice_outcome", "source_type",
          "narrative", "narrative_lang", *v.CONSENTS)


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


def _choices(form: dict, problems: list[Problem]) -> dict:
    values = {}
    for name, allowed in CHOICES.items():
        value = _text(form, name)
        if not value:
            if name in REQUIRED:
                problems.append(problem(name, "required"))
            values[name] = None
        elif value not in allowed:
            problems.append(problem(name, "invalid_choice"))
        else:
            values[name] = value
    for name, allowed in MULTI.items():
        picked = [str(x) for x in form.get(name) or []]
        if any(x not in allowed for x in picked):
            problems.append(problem(name, "invalid_choice"))
        values[name] = picked or None
    for name, limit in TEXT_LIMITS.items():
        if len(_text(form, name)) > limit:
            problems.append(problem(name, "too_long", f"At most {limit:,} characters."))
    if not _text(form, "narrative"):
        problems.append(problem("narrative", "required", "Describe what happened, in the "
                                "words of the person who told you if possible."))
    count = _text(form, "victim_count")
    values["victim_count"] = None
    if count:
        if not count.isdigit() or not 1 <= int(count) <= 10_000:
            problems.append(problem("victim_count", "count_invalid"))
        else:
            values["victim_count"] = int(count)
    for name in v.CONSENTS:
        values[name] = bool(form.get(name))
    if not values["consent_record"]:
        problems.append(problem("consent_record", "consent_required"))
    return values


def _precision(form: dict, ctx: Context, problems: list[Problem]) -> None:
    """The typed start date must be as precise as the recorder says (never invent a day)."""
    claimed = _text(form, "date_precision")
    parsed = ctx.date(_text(form, "date") or None)
    if claimed in v.FORM_DATE_PRECISIONS and hasattr(parsed, "precision") \
            and parsed.precision != claimed:
        problems.append(problem("date", "date_precision_mismatch"))


def _location_fields(form: dict, claim: str | None, online: bool) -> dict:
    if online or claim in (None, "country"):
        return {}
    found = {k: _text(form, k) for k in ("lat", "lon", "place")}
    return {k: value for k, value in found.items() if value}


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
    bias = _ordered(form, "bias", "bias_primary", problems)
    types = _ordered(form, "types", "types_primary", problems)
    fields = {"date": _text(form, "date") or None, "date_end": _text(form, "date_end"),
              "country": _text(form, "country"), "bias": "; ".join(bias),
              "indicator": "; ".join(str(c) for c in form.get("indicators") or []),
              "type": "; ".join(types), "narrative": _text(form, "narrative") or None}
    core = normalise_fields(fields, 0, ctx)
    problems.extend(_from_issue(i) for i in core.issues)  # every label issue blocks here
    _precision(form, ctx, problems)
    values = _choices(form, problems)
    online = bool(form.get("is_online"))
    located = _locate(form, ctx, core, values, online, problems)
    if problems or located is None:
        return Checked(None, problems)
    _summary, narrative = split_texts(fields, ctx)
    notes = [_from_issue(i) for i in located.issues]
    record_values = {
        **located.values, "narrative": narrative, "is_online": online,
        "narrative_lang": values.pop("narrative_lang"), "classification":
        values.pop("classification"), "location_type": values.pop("location_type"),
        "attempted": bool(form.get("attempted")), "raw_labels": core.raw_labels,
        "national_offence_label": _text(form, "national_offence_label") or None,
        "bias_indicator_notes": _text(form, "bias_indicator_notes") or None,
        "quality_notes": [{"code": n.code, "field": n.field, "hint": n.hint}
                          for n in notes] or None,
    }
    for name in ("date_precision", "geo_precision"):
        values.pop(name)
    record_values.update(values)
    return Checked(Record(record_values, dict(core.codes)), [], notes)


def _locate(form: dict, ctx: Context, core, values: dict, online: bool,
            problems: list[Problem]) -> Normalised | None:
    """Place the record with :func:`ingest.normalise.locate.locate` at the claimed precision."""
    from ingest.normalise.locate import locate

    if core.interval is None or core.iso2 is None:
        return None
    claim = values.get("geo_precision")
    loc = _location_fields(form, claim, online)
    if claim in ("exact", "municipality") and not online and not loc:
        problems.append(problem("location", "location_missing"))
        return None
    place = _text(form, "place") or None
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
