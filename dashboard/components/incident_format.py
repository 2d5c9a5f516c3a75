"""Public incident rows as people read them: dates at their precision, labels, names.

Pure functions (no database, no Dash): the incident table and the detail page share them, so
a record reads the same in both.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping

import pandas as pd

from dashboard.i18n import N_, translate
from dashboard.i18n_text import PERIODS
from data.privacy.publication import MEMBER_SOURCE

#: Grid field -> column title, in display order.
COLUMNS = {
    "public_id": N_("ID"),
    "date": N_("Date"),
    "date_precision": N_("Known to"),
    "country": N_("Country"),
    "region": N_("Region (NUTS)"),
    "bias": N_("Bias motivations"),
    "indicators": N_("Bias indicators"),
    "types": N_("Incident types"),
    "source": N_("Source"),
    "summary": N_("Public summary"),
}
MEMBER_SOURCE_TEXT = N_("member organisation")


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()


def format_period(start, end) -> str:
    """A record's public date interval, written no finer than it is known.

    Parameters
    ----------
    start, end : date-like
        First and last day of the interval (as projected for the public).

    Returns
    -------
    str
        ``2020-05-17`` for one day, ``2020`` for a whole year, ``2020-05`` or
        ``2020-03 to 2020-04`` for whole months, else ``2020-05-11 to 2020-05-17``.

    Examples
    --------
    >>> format_period("2016-03-01", "2016-03-31")
    '2016-03'
    """
    lo, hi = _date(start), _date(end)
    if lo == hi:
        return lo.isoformat()
    if lo == dt.date(lo.year, 1, 1) and hi == dt.date(lo.year, 12, 31):
        return str(lo.year)
    whole_months = lo.day == 1 and hi.day == calendar.monthrange(hi.year, hi.month)[1]
    if whole_months:
        first, last = lo.strftime("%Y-%m"), hi.strftime("%Y-%m")
        return first if first == last else f"{first} to {last}"
    return f"{lo.isoformat()} to {hi.isoformat()}"


def finest_region(row: Mapping) -> str:
    """The finest public NUTS code of a row, or an empty string."""
    for level in ("nuts3", "nuts2", "nuts1"):
        value = row.get(level)
        if isinstance(value, str) and value:
            return value
    return ""


def code_labels(joined: str | None, labels: Mapping[str, str]) -> list[str]:
    """Labels of the ``;``-joined codes of a row (primary first), unknown codes as given."""
    if not isinstance(joined, str) or not joined:
        return []
    return [labels.get(code, code) for code in joined.split(";") if code]


def source_text(value: str, lang: str = "en") -> str:
    """How the table names a row's source (member organisations are never named)."""
    return translate(MEMBER_SOURCE_TEXT, lang) if value == MEMBER_SOURCE else str(value or "")


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def grid_records(rows: pd.DataFrame, countries: Mapping[str, str],
                 labels: Mapping[str, str], lang: str = "en") -> list[dict]:
    """Rows of :func:`data.public.record.fetch_public_rows` as records for the incident table.

    Parameters
    ----------
    rows : pandas.DataFrame
        Public rows (already projected).
    countries : mapping
        Display name per ISO alpha-2 code.
    labels : mapping
        Display label per taxonomy code (every kind).
    lang : str, optional
        Interface language of the date precision and the member-source wording.

    Returns
    -------
    list of dict
        One dict per row with the keys of :data:`COLUMNS`; only public values.
    """
    def column(name: str) -> list:
        return rows[name].tolist() if name in rows else [None] * len(rows)

    def days(name: str) -> list:  # ISO text, dates or timestamps -> datetime.date
        return [dt.date.fromisoformat(str(v)[:10]) for v in column(name)]

    regions = [finest_region({"nuts3": a, "nuts2": b, "nuts1": c}) for a, b, c in
               zip(column("nuts3"), column("nuts2"), column("nuts1"), strict=True)]
    records = []
    for i, (pid, start, end, precision, country, bias, indicators, types, source,
            summary) in enumerate(zip(
                column("public_id"), days("date_start"), days("date_end"),
                column("date_precision"), column("country"), column("bias_motivations"),
                column("bias_indicators"), column("incident_types"), column("source"),
                column("public_summary"), strict=True)):
        records.append({
            "public_id": pid,
            "date": format_period(start, end),
            "date_precision": translate(PERIODS.get(precision, precision), lang)
            if isinstance(precision, str) else precision,
            "country": countries.get(country, country),
            "region": regions[i],
            "bias": "; ".join(code_labels(bias, labels)),
            "indicators": "; ".join(code_labels(indicators, labels)),
            "types": "; ".join(code_labels(types, labels)),
            "source": source_text(source, lang),
            "summary": _text(summary),
        })
    return records
