"""Parse the incident dates found in other monitors' datasets into dated intervals.

A value becomes a :class:`DateInterval` or raises a :class:`DateProblem` (stable ``code``,
``hint`` saying how to fix it). A day is never invented (DESIGN.md §4, DOMAIN.md §7.4):
``2016-03`` is the whole of March 2016, not 1 March. Spreadsheet artefacts (DOMAIN.md §9)
are refused, not guessed: the day/month order is the source's declared ``order``, and a bare
number is an Excel serial date only when the source says so.

Accepted forms (surrounding and repeated white space is ignored, NFKC is applied first):

* ``YYYY-MM-DD`` (also ``/`` or ``.``, one-digit parts, a time ``T14:30[:00][Z|+01:00]``
  or `` 14:30``), ``YYYYMMDD``, ``YYYY-Www-D``: day. ``YYYY-Www``, ``YYYYWww``: ISO week
  (Monday to Sunday). ``YYYY-MM``: month. ``YYYY``: year.
* ``DD.MM.YYYY``, ``DD/MM/YYYY``, ``DD-MM-YYYY`` (optional time): day, read in the declared
  ``order``; ``MM.YYYY``, ``MM/YYYY``, ``MM-YYYY``: month. Two-digit years are refused.
* A month name or abbreviation (any case, accents optional) in English, French, German,
  Italian, Spanish, Portuguese, Dutch, Polish, Greek, Swedish, Danish, Czech, Romanian or
  Hungarian, nominative or genitive: ``5 March 2016``, ``5. März 2016``, ``March 5, 2016``,
  ``le 5 mars 2016``, ``1er mars 2016``, ``5 de marzo de 2016``, ``5 marca 2016 r.``,
  ``2016. március 5.``: day; ``mars 2016``, ``2016. március``: month.
* An interval ``A/B`` (ISO: both sides start with a four-digit year), ``A--B``, ``A – B``,
  ``A - B``, ``A to B`` (also ``until``, ``bis``, ``au``, ``al``, ``tot``): see
  :func:`parse_date`. ``5–7 March 2016`` and ``28 February – 3 March 2016`` borrow the
  missing month and year of the start from the end.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime
import re
import unicodedata
from dataclasses import dataclass

from ingest.normalise.month_names import fold, month_number, month_table

__all__ = ["DATE_ORDERS", "PRECISIONS", "PROBLEM_CODES", "DateInterval", "DateProblem",
           "month_number", "parse_date"]

#: Day/month orders a source can declare for its numeric ``NN/NN/YYYY`` dates.
DATE_ORDERS = ("DMY", "MDY", "YMD")
#: Values of :attr:`DateInterval.precision`, finest first (DOMAIN.md §7.4 codes T1-T4).
PRECISIONS = ("day", "week", "month", "year")
#: Stable values of :attr:`DateProblem.code`.
PROBLEM_CODES = ("date_missing", "date_unparseable", "date_impossible", "date_future",
                 "date_ambiguous", "date_too_old")

_FORMS_HINT = ("use YYYY-MM-DD (or YYYY-MM, YYYY, YYYY-Www, an interval A/B), or a day, a "
               "month name and a four-digit year such as 5 March 2016")
_EXCEL_HINT = ("a bare number is not a date; if it is an Excel serial date (days counted from "
               "1900-01-00), export the column as text dates (YYYY-MM-DD) or declare that the "
               "source uses Excel serial dates (excel_serial=True)")
_YEAR_HINT = "write the year with four digits, e.g. 03/04/2016 or 5 March 2016"

# Words allowed around a month-name date: articles and prepositions ("le 5 mars", "5 de
# marzo de 2016", "the 5th of March", "am 5. März") and Polish "r." (roku, "in the year").
_FILLERS = frozenset({"le", "du", "the", "of", "on", "de", "del", "den", "am", "il", "el", "r"})
_TIME = (r"(?:[T ](?:[01][0-9]|2[0-4]):[0-5][0-9](?::[0-5][0-9](?:[.,][0-9]+)?)?"
         r"(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?")
_NUMBER = r"[0-9]+(?:[.,][0-9]+)?"
_ISO_DAY = r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})\.?" + _TIME
_ISO_MONTH = r"([0-9]{4})[-/.]([0-9]{1,2})\.?"
_ISO_WEEK = r"([0-9]{4})-?[Ww]([0-9]{2})(?:-?([1-7]))?"
_NUMERIC_DAY = r"([0-9]{1,2})([-/.])([0-9]{1,2})\2([0-9]{4})\.?" + _TIME
_TWO_DIGIT_YEAR = r"[0-9]{1,2}([-/.])[0-9]{1,2}\1[0-9]{2}\.?" + _TIME
_NUMERIC_MONTH = r"([0-9]{1,2})[-/.]([0-9]{4})"
_TOKEN = r"[0-9]+(?:st|nd|rd|th|er|re|eme|o)?(?![^\W\d_])|[^\W\d_]+"
_RANGE_SEP = r"\s+(?i:to|until|till|bis|au|al|tot|-)\s+|\s*[–—]\s*|--"
_ISO_SLASH = r"([0-9]{4}[^/\s]*)\s*/\s*([0-9]{4}[^/\s]*)"


@dataclass(frozen=True)
class DateInterval:
    """The period in which an incident happened, both ends included (``start <= end``).

    ``precision`` is one of :data:`PRECISIONS`: ``"day"`` (``start == end``), ``"week"`` (at
    most 7 days), ``"month"`` (within one calendar month) or ``"year"`` (anything longer).
    """

    start: datetime.date
    end: datetime.date
    precision: str

    def __post_init__(self) -> None:
        if self.start > self.end or self.precision not in PRECISIONS:
            raise ValueError(f"invalid DateInterval {self.start}..{self.end} {self.precision!r}")


class DateProblem(ValueError):
    """A date value that cannot be stored; the message names the value, problem and hint.

    Parameters
    ----------
    code : str
        One of :data:`PROBLEM_CODES`; stable, used to count rejects by reason.
    value : str
        The value as received (``""`` for ``None``).
    hint : str
        How to fix it, e.g. ``"... declare the source's day/month order with --date-order"``.
    detail : str, optional
        What is wrong.
    """

    def __init__(self, code: str, value: str, hint: str, detail: str = "") -> None:
        self.code, self.value, self.hint, self.detail = code, value, hint, detail
        what = detail or code.removeprefix("date_").replace("_", " ")
        super().__init__(f"date {value!r}: {what} [{code}]; {hint}")

    def __reduce__(self) -> tuple:
        return (type(self), (self.code, self.value, self.hint, self.detail))


def _bad(code: str, detail: str, hint: str) -> DateProblem:
    """A problem found inside the parser; :func:`parse_date` re-raises it with the value."""
    return DateProblem(code, "", hint, detail)


def _day(year: int, month: int, day: int) -> datetime.date:
    """``datetime.date`` or a ``date_impossible`` problem."""
    try:
        return datetime.date(year, month, day)
    except ValueError:
        detail = f"day {day} of month {month} of year {year} does not exist"
        raise _bad("date_impossible", detail, "check the day, the month and the year") from None


def _month(year: int, month: int) -> DateInterval:
    first = _day(year, month, 1)
    return DateInterval(first, first.replace(day=calendar.monthrange(year, month)[1]), "month")


def _numeric(first: int, second: int, year: int, order: str) -> datetime.date:
    """Read ``first/second/year`` in the declared ``order``; never switch silently."""
    if order == "YMD":
        detail = "the source is declared YMD but this value ends with the year"
        raise _bad("date_ambiguous", detail, "use YYYY-MM-DD, or declare --date-order DMY or MDY")
    day, month = (first, second) if order == "DMY" else (second, first)
    with contextlib.suppress(ValueError):
        return datetime.date(year, month, day)
    other = "MDY" if order == "DMY" else "DMY"
    detail = f"read as {order} (--date-order {order}) it is day {day} of month {month}, "
    detail += "which does not exist"
    try:
        detail += f"; read as {other} it would be {datetime.date(year, day, month)}"
        hint = f"if the source is {other}, declare it with --date-order {other}; else fix it"
    except ValueError:
        hint = "check the day and the month"
    raise _bad("date_impossible", detail, hint)


def _excel(text: str) -> DateInterval:
    """Convert an Excel 1900-system serial (see :func:`parse_date`)."""
    serial = int(float(text.replace(",", ".")))
    day = None
    if serial not in (0, 60):  # 1900-01-00 and Excel's non-existent 1900-02-29
        with contextlib.suppress(OverflowError):
            day = datetime.date(1899, 12, 31 if serial < 60 else 30) + datetime.timedelta(serial)
    if day is None:
        detail = f"Excel serial {serial} is no real day (0, 60 = 1900-02-29, or past 9999)"
        raise _bad("date_impossible", detail, "correct the value in the source")
    return DateInterval(day, day, "day")


def _name_date(text: str, context: DateInterval | None = None) -> DateInterval:
    """Parse a date written with a month name; ``context`` supplies a missing year/month.

    ``context`` is the end of an interval: ``March`` in ``March – May 2016`` takes its year,
    ``5`` in ``5–7 March 2016`` (when the end is a day) its month and year.
    """
    folded = fold(text)
    leftover = re.sub(_TOKEN, " ", folded)
    if not all(c.isspace() or c in ".,-/" for c in leftover):
        raise _bad("date_unparseable", "not a recognised date form", _FORMS_HINT)
    kinds, values = "", []
    for token in re.findall(_TOKEN, folded):
        digits = re.match(r"[0-9]+", token)
        if digits:
            kinds += {1: "D", 2: "D", 4: "Y"}.get(len(digits.group()), "?")
            values.append(int(digits.group()) if len(digits.group()) <= 4 else 0)
        elif token not in _FILLERS:
            number = month_table().get(token)
            kinds += "?" if number is None else "M"
            values.append(number or 0)
    bad = "?" in kinds or kinds.count("M") > 1 or kinds.count("Y") > 1
    if bad or "M" not in kinds and not (context and kinds == "D"):
        raise _bad("date_unparseable", "not a recognised date form", _FORMS_HINT)
    if "Y" not in kinds:
        year = context.start.year if context else 0
        if context and kinds == "M":
            return _month(year, values[0])
        if context and (kinds in ("DM", "MD") or kinds == "D" and context.precision == "day"):
            month = values[kinds.index("M")] if "M" in kinds else context.start.month
            day = _day(year, month, values[kinds.index("D")])
            return DateInterval(day, day, "day")
        raise _bad("date_ambiguous", "no four-digit year", _YEAR_HINT)
    fields = dict(zip(kinds, values, strict=True))
    if kinds in ("MY", "YM"):
        return _month(fields["Y"], fields["M"])
    if kinds in ("DMY", "MDY", "YMD"):
        day = _day(fields["Y"], fields["M"], fields["D"])
        return DateInterval(day, day, "day")
    raise _bad("date_unparseable", "not a recognised date form", _FORMS_HINT)


def _single(text: str, order: str, excel_serial: bool) -> DateInterval:
    """Parse one date (not an interval)."""
    if match := re.fullmatch(_ISO_DAY, text):
        day = _day(int(match[1]), int(match[3]), int(match[4]))
        return DateInterval(day, day, "day")
    if match := re.fullmatch(_ISO_MONTH, text):
        return _month(int(match[1]), int(match[2]))
    if match := re.fullmatch(_ISO_WEEK, text):
        try:
            monday = datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)
            sunday = monday + datetime.timedelta(days=6)
        except (ValueError, OverflowError):
            detail = f"year {match[1]} has no ISO week {match[2]}"
            raise _bad("date_impossible", detail, "check the week number") from None
        if match[3]:
            day = monday + datetime.timedelta(days=int(match[3]) - 1)
            return DateInterval(day, day, "day")
        return DateInterval(monday, sunday, "week")
    if match := re.fullmatch(_NUMERIC_DAY, text):
        day = _numeric(int(match[1]), int(match[3]), int(match[4]), order)
        return DateInterval(day, day, "day")
    if re.fullmatch(_TWO_DIGIT_YEAR, text):
        raise _bad("date_ambiguous", "a two-digit year (which century? which order?)", _YEAR_HINT)
    if match := re.fullmatch(_NUMERIC_MONTH, text):
        return _month(int(match[2]), int(match[1]))
    if re.fullmatch(_NUMBER, text):
        if len(text) == 4 and text.isdigit():
            year = int(text)
            return DateInterval(_day(year, 1, 1), _day(year, 12, 31), "year")
        if len(text) == 8 and text.isdigit():
            day = _day(int(text[:4]), int(text[4:6]), int(text[6:]))
            return DateInterval(day, day, "day")
        if excel_serial and len(text) <= 12:
            return _excel(text)
        raise _bad("date_unparseable", "a bare number, not a date", _EXCEL_HINT)
    return _name_date(text)


def _interval(first: str, last: str, order: str, excel_serial: bool) -> DateInterval:
    """Parse ``first`` to ``last`` as one interval (see :func:`parse_date`)."""
    end = _single(last, order, excel_serial)
    start = None
    if end.precision in ("day", "month") and not re.search("[0-9]{4}", first):
        with contextlib.suppress(DateProblem):  # "5–7 March 2016": borrow month and year
            start = _name_date(first, context=end)
    if start is None:
        start = _single(first, order, excel_serial)
    if end.end < start.start:
        detail = f"the interval ends ({end.end}) before it starts ({start.start})"
        raise _bad("date_impossible", detail, "put the earlier date first; write both years")
    return span(start.start, end.end)


def span(lo: datetime.date, hi: datetime.date) -> DateInterval:
    """The interval ``lo``..``hi`` with the finest precision whose one period contains it.

    ``day`` for one day, ``week`` within one Monday-to-Sunday week, ``month`` within one
    calendar month, ``year`` within one calendar year; an interval spanning two calendar
    years fits no period and is refused, so no view places it in the wrong one.

    Raises
    ------
    DateProblem
        ``date_ambiguous`` for intervals across calendar years.
    """
    if lo == hi:
        return DateInterval(lo, hi, "day")
    if lo - datetime.timedelta(days=lo.weekday()) == hi - datetime.timedelta(days=hi.weekday()):
        return DateInterval(lo, hi, "week")
    if (lo.year, lo.month) == (hi.year, hi.month):
        return DateInterval(lo, hi, "month")
    if lo.year == hi.year:
        return DateInterval(lo, hi, "year")
    raise _bad("date_ambiguous", f"the interval {lo}..{hi} spans more than one calendar year",
               "split it into one record per year, or give the year the incident happened")


def parse_date(text: str | None, *, order: str = "DMY", today: datetime.date | None = None,
               earliest: datetime.date = datetime.date(1990, 1, 1),
               excel_serial: bool = False) -> DateInterval:
    """Parse one date value of a source dataset into the interval it stands for.

    Parameters
    ----------
    text : str or None
        The value as found in the source (see the module docstring for the forms).
    order : {"DMY", "MDY", "YMD"}, default "DMY"
        The source's declared day/month order, used only for ``NN/NN/YYYY`` values. When a
        value is impossible in this order it is refused (``date_impossible``, naming the
        other order when that reading would exist), never silently read the other way.
        Under ``"YMD"`` such values are ``date_ambiguous``.
    today : datetime.date, optional
        Dates starting after this day are ``date_future``; default: the current day.
    earliest : datetime.date, default 1990-01-01
        Dates starting before this day are ``date_too_old``.
    excel_serial : bool, default False
        Read bare numbers as Excel serial dates, 1900 system (a fraction, the time, is
        dropped). Excel's 1900 leap-year bug (kept from Lotus 1-2-3): serial 60 is the
        non-existent 1900-02-29 (``date_impossible``), 1-59 count from 1899-12-31, 61 on
        from 1899-12-30. No 1904 system. Four digits stay a year, eight ``YYYYMMDD``.

    Returns
    -------
    DateInterval
        Precision from the form. An interval ``A/B`` runs from the start of ``A`` to the
        end of ``B``, precision ``"day"`` if that is one day, ``"week"`` if it covers at most
        7 days, ``"month"`` if it lies within one calendar month, else ``"year"``: an
        interval across months or years keeps its true span under the coarsest code.

    Raises
    ------
    DateProblem
        With ``code`` ``date_missing`` (``None``, empty or blank), ``date_unparseable``,
        ``date_impossible`` (``2016-02-30``, month 13, an interval ending before it starts),
        ``date_ambiguous`` (two-digit or missing year), ``date_future`` or ``date_too_old``.
    ValueError
        If ``order`` is not one of :data:`DATE_ORDERS` (the caller's error, not the data's).

    Examples
    --------
    >>> parse_date("2016-03", today=datetime.date(2020, 1, 1)).end
    datetime.date(2016, 3, 31)
    """
    if order not in DATE_ORDERS:
        raise ValueError(f"order must be one of {', '.join(DATE_ORDERS)}, not {order!r}")
    if text is not None and not isinstance(text, str):
        raise TypeError(f"a date value must be a str or None, not {type(text).__name__}")
    if text is None or not text.strip():
        hint = "fill in when the incident happened (at least the year), or leave the record out"
        raise DateProblem("date_missing", text or "", hint, "no date given")
    value = " ".join(unicodedata.normalize("NFKC", text).split())
    today = datetime.date.today() if today is None else today
    try:
        parts = re.split(_RANGE_SEP, value)
        if len(parts) != 2 and (match := re.fullmatch(_ISO_SLASH, value)):
            parts = [match[1], match[2]]
        result = (_interval(parts[0], parts[1], order, excel_serial) if len(parts) == 2
                  else _single(value, order, excel_serial))
        if result.start > today:
            detail = f"it starts on {result.start}, after today ({today})"
            raise _bad("date_future", detail, "check the year and the day/month order")
        if result.start < earliest:
            detail = f"it starts on {result.start}, before the earliest accepted day {earliest}"
            hint = "check the year (a typo such as 1916 for 2016?), or lower `earliest`"
            raise _bad("date_too_old", detail, hint)
    except DateProblem as problem:
        raise DateProblem(problem.code, text, problem.hint, problem.detail) from None
    return result
