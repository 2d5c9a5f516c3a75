"""How much a person may type: one rule for the report form's drafts and the staff forms.

A typed value is refused when it is longer than its limit: a text by its characters, a list of
ticked values by its items (each item a short text). The limits come from what stores them:

* the report form's inputs, from the form-field table (:data:`INPUT_LIMITS`, derived from
  :data:`data.records.form_fields.FORM_FIELDS`: a free text's own ``limit``, otherwise
  :data:`SHORT_TEXT`), and a draft as a whole (:data:`DRAFT_MAX_BYTES`);
* staff forms (admin, moderation), from the length of the column a value is stored in
  (:func:`column_limits`; a column of unbounded ``Text`` gets :data:`LONG_TEXT`).

:func:`too_long` applies the rule; :func:`draft_too_long` and the data functions that store
staff input (accounts, workflow) ask it, so the pages show the same limits everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import String, Table

from data.records.form_fields import FORM_FIELDS

#: Characters of a typed value without a limit of its own (a date, a number, a choice, a code).
SHORT_TEXT = 200
#: Characters of a free text stored in a column without a length (a reason, a note).
LONG_TEXT = 5_000
#: Items of a list of ticked values (the largest vocabulary, the taxonomy, has about 100).
MAX_ITEMS = 500
#: Kinds of form field whose free text has a limit of its own (the field's ``limit``).
TEXT_KINDS = ("text", "textarea", "account", "location")
#: Input of the report form -> the most characters (or ticked items) it may send.
INPUT_LIMITS: dict[str, int] = {
    f.sent_as: f.limit if f.kind in TEXT_KINDS and f.limit else SHORT_TEXT
    for f in FORM_FIELDS}
#: The most bytes a saved draft takes as JSON (UTF-8). A draft whose every input is within
#: its limit always fits (even written in 4-byte characters or escapes); the total bounds
#: what has no limit of its own (the chosen point, keys no input sends).
DRAFT_MAX_BYTES = 6 * sum(INPUT_LIMITS.values()) + 16_384


@dataclass(frozen=True)
class TooLong:
    """A value over its limit.

    Attributes
    ----------
    name : str
        The input or column; ``""`` for a draft as a whole.
    limit : int
        The most characters, items or bytes (see ``unit``).
    length : int
        How many were sent.
    unit : str
        ``characters`` of a text, ``items`` of a list, ``bytes`` of a whole draft.
    """

    name: str
    limit: int
    length: int
    unit: str = "characters"


def _length(value: object) -> tuple[int, int]:
    """(length, its limit's unit): characters of a text, items of a list (else 0)."""
    if isinstance(value, str):
        return len(value), 0
    if isinstance(value, list | tuple):
        return len(value), 1
    return 0, 0


def too_long(values: Mapping[str, object], limits: Mapping[str, int],
             default: int = SHORT_TEXT) -> list[TooLong]:
    """The values of ``values`` over their limits, in the order given.

    Parameters
    ----------
    values : mapping
        Name -> value as typed: a text, a list of ticked values, or anything else (not
        counted).
    limits : mapping
        Name -> the most characters of its text; a name not there gets ``default``.
    default : int
        The limit of names without one.

    Returns
    -------
    list of TooLong
        A text over its limit; a list of more than :data:`MAX_ITEMS` items or holding an
        item longer than :data:`SHORT_TEXT`.
    """
    out = []
    for name, value in values.items():
        length, is_list = _length(value)
        if not is_list and length > limits.get(name, default):
            out.append(TooLong(name, limits.get(name, default), length))
        elif is_list and length > MAX_ITEMS:
            out.append(TooLong(name, MAX_ITEMS, length, "items"))
        elif is_list:
            longest = max((len(v) for v in value if isinstance(v, str)), default=0)
            if longest > SHORT_TEXT:
                out.append(TooLong(name, SHORT_TEXT, longest))
    return out


def draft_too_long(form: Mapping[str, object]) -> list[TooLong]:
    """What makes ``form`` (a draft as typed) too large to keep, or ``[]``.

    Each input is held to :data:`INPUT_LIMITS`; then the whole draft to
    :data:`DRAFT_MAX_BYTES` (a :class:`TooLong` named ``""``).
    """
    found = too_long(form, INPUT_LIMITS)
    if found:
        return found
    size = len(json.dumps(dict(form), ensure_ascii=False, default=str).encode("utf-8"))
    return [TooLong("", DRAFT_MAX_BYTES, size, "bytes")] if size > DRAFT_MAX_BYTES else []


def column_limits(table: Table, names: Iterable[str]) -> dict[str, int]:
    """Column name -> the most characters it stores (its length, or :data:`LONG_TEXT`)."""
    out = {}
    for name in names:
        kind = table.c[name].type
        length = kind.length if isinstance(kind, String) else None
        out[name] = length or LONG_TEXT
    return out


def describe(found: Iterable[TooLong]) -> str:
    """One English sentence naming each value over its limit (for errors of the data layer)."""
    return "; ".join(f"{f.name or 'the whole form'} is too long: at most {f.limit:,} "
                     f"{f.unit}, not {f.length:,}" for f in found)
