"""ingest.normalise.dates: every accepted form and language, day/month order, problems,
properties."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.normalise.dates import (
    DATE_ORDERS,
    PRECISIONS,
    PROBLEM_CODES,
    DateInterval,
    DateProblem,
    month_number,
    parse_date,
)

TODAY = dt.date(2025, 12, 31)
EARLIEST = dt.date(1990, 1, 1)


def parse(text, **kwargs):
    return parse_date(text, today=TODAY, **kwargs)


def day(y, m, d):
    return (dt.date(y, m, d), dt.date(y, m, d), "day")


def month(y, m, last):
    return (dt.date(y, m, 1), dt.date(y, m, last), "month")


def span(start, end, precision):
    return (dt.date(*start), dt.date(*end), precision)


def as_tuple(interval):
    return (interval.start, interval.end, interval.precision)


# --------------------------------------------------------------------------- accepted forms

ISO_AND_NUMERIC = [
    ("2016-03-05", day(2016, 3, 5)),
    ("2016-03-05T14:30:00Z", day(2016, 3, 5)),
    ("2016-03-05T14:30:00+01:00", day(2016, 3, 5)),
    ("2016-03-05T23:59:59.123-05:00", day(2016, 3, 5)),
    ("2016-03-05 14:30", day(2016, 3, 5)),
    ("  2016-03-05\t", day(2016, 3, 5)),
    ("2016/03/05", day(2016, 3, 5)),
    ("2016.03.05.", day(2016, 3, 5)),
    ("2016-3-5", day(2016, 3, 5)),
    ("20160305", day(2016, 3, 5)),
    ("2016-03", month(2016, 3, 31)),
    ("2016-02", month(2016, 2, 29)),
    ("2015-02", month(2015, 2, 28)),
    ("2016/04", month(2016, 4, 30)),
    ("2016", span((2016, 1, 1), (2016, 12, 31), "year")),
    ("2016-W09", span((2016, 2, 29), (2016, 3, 6), "week")),
    ("2016W09", span((2016, 2, 29), (2016, 3, 6), "week")),
    ("2016-w09", span((2016, 2, 29), (2016, 3, 6), "week")),
    ("2015-W53", span((2015, 12, 28), (2016, 1, 3), "week")),
    ("2016-W09-6", day(2016, 3, 5)),
    ("05.03.2016", day(2016, 3, 5)),
    ("05/03/2016", day(2016, 3, 5)),
    ("05-03-2016", day(2016, 3, 5)),
    ("5.3.2016", day(2016, 3, 5)),
    ("05.03.2016 14:30", day(2016, 3, 5)),
    ("13/04/2016", day(2016, 4, 13)),
    ("03.2016", month(2016, 3, 31)),
    ("3/2016", month(2016, 3, 31)),
    ("02-2016", month(2016, 2, 29)),
]

MONTH_NAMES = [
    # English
    ("5 March 2016", day(2016, 3, 5)),
    ("March 5, 2016", day(2016, 3, 5)),
    ("March 5th, 2016", day(2016, 3, 5)),
    ("the 5th of March 2016", day(2016, 3, 5)),
    ("Sept. 21, 2016", day(2016, 9, 21)),
    ("05-Mar-2016", day(2016, 3, 5)),
    ("MARCH 2016", month(2016, 3, 31)),
    ("Feb 2016", month(2016, 2, 29)),
    # French
    ("le 5 mars 2016", day(2016, 3, 5)),
    ("1er mars 2016", day(2016, 3, 1)),
    ("mars 2016", month(2016, 3, 31)),
    ("5 février 2016", day(2016, 2, 5)),
    ("5 fevrier 2016", day(2016, 2, 5)),
    ("5 févr. 2016", day(2016, 2, 5)),
    ("15 AOÛT 2016", day(2016, 8, 15)),
    ("3 déc. 2016", day(2016, 12, 3)),
    # German
    ("5. März 2016", day(2016, 3, 5)),
    ("5. Marz 2016", day(2016, 3, 5)),
    ("März 2016", month(2016, 3, 31)),
    ("3. Jänner 2016", day(2016, 1, 3)),
    ("am 24. Dezember 2016", day(2016, 12, 24)),
    # Italian
    ("5 marzo 2016", day(2016, 3, 5)),
    ("1º maggio 2016", day(2016, 5, 1)),
    ("il 2 giugno 2016", day(2016, 6, 2)),
    # Spanish
    ("5 de marzo de 2016", day(2016, 3, 5)),
    ("marzo de 2016", month(2016, 3, 31)),
    ("5 de setiembre de 2016", day(2016, 9, 5)),
    # Portuguese
    ("5 de março de 2016", day(2016, 3, 5)),
    ("5 de marco de 2016", day(2016, 3, 5)),
    ("5 de outubro de 2016", day(2016, 10, 5)),
    # Dutch
    ("5 maart 2016", day(2016, 3, 5)),
    ("5 mrt 2016", day(2016, 3, 5)),
    ("mei 2016", month(2016, 5, 31)),
    # Polish (nominative for month-year, genitive with a day)
    ("5 marca 2016", day(2016, 3, 5)),
    ("5 marca 2016 r.", day(2016, 3, 5)),
    ("5 kwietnia 2016", day(2016, 4, 5)),
    ("marzec 2016", month(2016, 3, 31)),
    ("5 października 2016", day(2016, 10, 5)),
    ("5 pazdziernika 2016", day(2016, 10, 5)),
    # Greek
    ("5 Μαρτίου 2016", day(2016, 3, 5)),
    ("5 ΜΑΡΤΙΟΥ 2016", day(2016, 3, 5)),
    ("5 Μαρτιου 2016", day(2016, 3, 5)),
    ("Μάρτιος 2016", month(2016, 3, 31)),
    ("1 Μαΐου 2016", day(2016, 5, 1)),
    ("15 Αυγ 2016", day(2016, 8, 15)),
    # Swedish and Danish
    ("den 5 mars 2016", day(2016, 3, 5)),
    ("5 augusti 2016", day(2016, 8, 5)),
    ("5. marts 2016", day(2016, 3, 5)),
    ("5. maj 2016", day(2016, 5, 5)),
    # Czech
    ("5. března 2016", day(2016, 3, 5)),
    ("5. brezna 2016", day(2016, 3, 5)),
    ("březen 2016", month(2016, 3, 31)),
    ("1. července 2016", day(2016, 7, 1)),
    ("1. června 2016", day(2016, 6, 1)),
    # Romanian
    ("5 martie 2016", day(2016, 3, 5)),
    ("5 noiembrie 2016", day(2016, 11, 5)),
    # Hungarian (year first)
    ("2016. március 5.", day(2016, 3, 5)),
    ("2016. marcius 5.", day(2016, 3, 5)),
    ("2016. márc. 5.", day(2016, 3, 5)),
    ("2016. március", month(2016, 3, 31)),
]

INTERVALS = [
    ("2016-03-05/2016-03-05", day(2016, 3, 5)),
    ("2016-03-05/2016-03-07", span((2016, 3, 5), (2016, 3, 7), "month")),
    ("2016-03-05/2016-03-11", span((2016, 3, 5), (2016, 3, 11), "month")),
    ("2016-03-05/2016-03-12", span((2016, 3, 5), (2016, 3, 12), "month")),
    ("2016-03-05 – 2016-03-08", span((2016, 3, 5), (2016, 3, 8), "month")),
    ("2016-03-05 - 2016-03-08", span((2016, 3, 5), (2016, 3, 8), "month")),
    ("2016-03-05--2016-03-08", span((2016, 3, 5), (2016, 3, 8), "month")),
    ("2016-03-05 to 2016-03-20", span((2016, 3, 5), (2016, 3, 20), "month")),
    ("2016-03-28/2016-04-03", span((2016, 3, 28), (2016, 4, 3), "week")),
    ("2016-03-05/2016-05-01", span((2016, 3, 5), (2016, 5, 1), "year")),
    ("2016-03-07/2016-03-13", span((2016, 3, 7), (2016, 3, 13), "week")),  # Mon-Sun
    ("2016-03/2016-03", month(2016, 3, 31)),
    ("2016-03/2016-04", span((2016, 3, 1), (2016, 4, 30), "year")),
    ("2016-W09/2016-W09", span((2016, 2, 29), (2016, 3, 6), "week")),
    ("5 March 2016 – 7 March 2016", span((2016, 3, 5), (2016, 3, 7), "month")),
    ("01.03.2016 - 31.03.2016", month(2016, 3, 31)),
    ("5–7 March 2016", span((2016, 3, 5), (2016, 3, 7), "month")),
    ("du 5 au 7 mars 2016", span((2016, 3, 5), (2016, 3, 7), "month")),
    ("del 5 al 7 de marzo de 2016", span((2016, 3, 5), (2016, 3, 7), "month")),
    ("28 February – 3 March 2016", span((2016, 2, 28), (2016, 3, 3), "year")),
    ("March – May 2016", span((2016, 3, 1), (2016, 5, 31), "year")),
]


@pytest.mark.parametrize(("text", "expected"), ISO_AND_NUMERIC + MONTH_NAMES + INTERVALS)
def test_accepted_forms(text, expected):
    assert as_tuple(parse(text)) == expected


def test_there_are_many_cases():
    assert len(ISO_AND_NUMERIC) + len(MONTH_NAMES) + len(INTERVALS) >= 100


# Every month in every language, nominative or the form used with a day (genitive).
LANGUAGES = {
    "en": "January February March April May June July August September October November "
    "December",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
    "dicembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro "
    "dezembro",
    "nl": "januari februari maart april mei juni juli augustus september oktober november "
    "december",
    "pl": "styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik "
    "listopad grudzień",
    "pl-gen": "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października "
    "listopada grudnia",
    "el": "Ιανουάριος Φεβρουάριος Μάρτιος Απρίλιος Μάιος Ιούνιος Ιούλιος Αύγουστος Σεπτέμβριος "
    "Οκτώβριος Νοέμβριος Δεκέμβριος",
    "el-gen": "Ιανουαρίου Φεβρουαρίου Μαρτίου Απριλίου Μαΐου Ιουνίου Ιουλίου Αυγούστου "
    "Σεπτεμβρίου Οκτωβρίου Νοεμβρίου Δεκεμβρίου",
    "sv": "januari februari mars april maj juni juli augusti september oktober november december",
    "da": "januar februar marts april maj juni juli august september oktober november december",
    "cs": "leden únor březen duben květen červen červenec srpen září říjen listopad prosinec",
    "cs-gen": "ledna února března dubna května června července srpna září října listopadu "
    "prosince",
    "ro": "ianuarie februarie martie aprilie mai iunie iulie august septembrie octombrie "
    "noiembrie decembrie",
    "hu": "január február március április május június július augusztus szeptember október "
    "november december",
}


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_month_in_every_language(language):
    names = LANGUAGES[language].split()
    assert len(names) == 12
    for number, name in enumerate(names, start=1):
        assert month_number(name) == number, name
        assert month_number(name.upper()) == number, name
        assert as_tuple(parse(f"7 {name} 2016")) == day(2016, number, 7), name
        last = (dt.date(2016 + number // 12, number % 12 + 1, 1) - dt.timedelta(days=1)).day
        assert as_tuple(parse(f"{name} 2016")) == month(2016, number, last), name


@pytest.mark.parametrize(
    ("name", "number"),
    [("marca", 3), ("kwietnia", 4), ("Μαρτίου", 3), ("března", 3), ("március", 3),
     ("MÄRZ", 3), ("Août", 8), ("paź.", 10), ("Sept.", 9), ("Jänner", 1), ("Marsch", None),
     ("", None), ("2016", None)],
)
def test_month_number(name, number):
    assert month_number(name) == number


# --------------------------------------------------------------------------- day/month order

@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("03/04/2016", "DMY", day(2016, 4, 3)),
        ("03/04/2016", "MDY", day(2016, 3, 4)),
        ("03.04.2016", "MDY", day(2016, 3, 4)),
        ("13/04/2016", "DMY", day(2016, 4, 13)),
        ("04/13/2016", "MDY", day(2016, 4, 13)),
        ("12/31/2016 08:00", "MDY", day(2016, 12, 31)),
        ("2016-03-04", "MDY", day(2016, 3, 4)),  # ISO does not depend on the order
        ("2016-03-04", "YMD", day(2016, 3, 4)),
        ("4 March 2016", "MDY", day(2016, 3, 4)),  # nor do month names
        ("March 4, 2016", "DMY", day(2016, 3, 4)),
        ("03/2016", "MDY", month(2016, 3, 31)),
    ],
)
def test_order(text, order, expected):
    assert as_tuple(parse(text, order=order)) == expected


@pytest.mark.parametrize(
    ("text", "order", "other", "reading"),
    [("13/04/2016", "MDY", "DMY", "2016-04-13"), ("04/13/2016", "DMY", "MDY", "2016-04-13")],
)
def test_impossible_in_the_declared_order_is_not_switched(text, order, other, reading):
    with pytest.raises(DateProblem) as caught:
        parse(text, order=order)
    problem = caught.value
    assert problem.code == "date_impossible"
    assert order in str(problem) and other in str(problem) and reading in str(problem)
    assert f"--date-order {other}" in problem.hint


def test_impossible_in_both_orders_names_no_alternative():
    with pytest.raises(DateProblem) as caught:
        parse("31/04/2016")
    assert caught.value.code == "date_impossible"
    assert "--date-order" not in caught.value.hint


def test_ymd_source_refuses_year_last_values():
    with pytest.raises(DateProblem) as caught:
        parse("03/04/2016", order="YMD")
    assert caught.value.code == "date_ambiguous"
    assert "--date-order" in caught.value.hint


def test_unknown_order_is_the_callers_error():
    with pytest.raises(ValueError, match="order must be one of") as caught:
        parse("2016-03-05", order="dmy")
    assert not isinstance(caught.value, DateProblem)


def test_non_text_is_a_type_error():
    with pytest.raises(TypeError):
        parse(42430)


# --------------------------------------------------------------------------- problems

PROBLEMS = [
    (None, {}, "date_missing"),
    ("", {}, "date_missing"),
    ("   ", {}, "date_missing"),
    ("\t\n\u00a0", {}, "date_missing"),
    ("yesterday", {}, "date_unparseable"),
    ("sometime in 2016", {}, "date_unparseable"),
    ("2016-03-05 foo", {}, "date_unparseable"),
    ("5 Marsch 2016", {}, "date_unparseable"),
    ("5 March April 2016", {}, "date_unparseable"),
    ("2016-03-05/P1W", {}, "date_unparseable"),
    ("a – b – c", {}, "date_unparseable"),
    ("42430", {}, "date_unparseable"),
    ("42430.0", {}, "date_unparseable"),
    ("2016-02-30", {}, "date_impossible"),
    ("2016-13-01", {}, "date_impossible"),
    ("2016-13", {}, "date_impossible"),
    ("30.02.2016", {}, "date_impossible"),
    ("29 February 2015", {}, "date_impossible"),
    ("31 April 2016", {}, "date_impossible"),
    ("2016-W53", {}, "date_impossible"),
    ("2016-W00", {}, "date_impossible"),
    ("0000", {}, "date_impossible"),
    ("2016-03-07/2016-03-05", {}, "date_impossible"),
    ("2026-01-01", {}, "date_future"),
    ("2026", {}, "date_future"),
    ("January 2026", {}, "date_future"),
    ("2026-01-01/2026-01-03", {}, "date_future"),
    ("03/04/16", {}, "date_ambiguous"),
    ("03.04.16", {}, "date_ambiguous"),
    ("16-03-05", {}, "date_ambiguous"),
    ("5 March 16", {}, "date_ambiguous"),
    ("March 16", {}, "date_ambiguous"),
    ("March", {}, "date_ambiguous"),
    ("1989-12-31", {}, "date_too_old"),
    ("1989", {}, "date_too_old"),
    ("1989-12/1990-02", {}, "date_ambiguous"),  # across calendar years
    ("2015-12-20/2016-01-10", {}, "date_ambiguous"),
    ("2016/2017", {}, "date_ambiguous"),
    ("1989-02/1989-03", {}, "date_too_old"),
    ("2009-12-31", {"earliest": dt.date(2010, 1, 1)}, "date_too_old"),
]


@pytest.mark.parametrize(("text", "kwargs", "code"), PROBLEMS)
def test_problems(text, kwargs, code):
    with pytest.raises(DateProblem) as caught:
        parse(text, **kwargs)
    problem = caught.value
    assert problem.code == code
    assert problem.value == (text or "")
    assert repr(problem.value) in str(problem)  # the message names the value
    assert problem.hint and problem.hint in str(problem)


def test_every_problem_code_is_exercised_and_stable():
    assert {code for _, _, code in PROBLEMS} == set(PROBLEM_CODES)
    assert PROBLEM_CODES == ("date_missing", "date_unparseable", "date_impossible",
                             "date_future", "date_ambiguous", "date_too_old")


def test_bare_number_hint_names_excel_serial_dates():
    with pytest.raises(DateProblem) as caught:
        parse("42430")
    assert "Excel serial" in caught.value.hint and "excel_serial" in caught.value.hint


def test_two_digit_year_hint_asks_for_four_digits():
    with pytest.raises(DateProblem) as caught:
        parse("03/04/16")
    assert "four digits" in caught.value.hint


def test_boundaries_are_included():
    assert parse("1990-01-01").start == EARLIEST
    assert parse("2025-12-31").start == TODAY
    assert parse("2025-12").end == TODAY
    assert parse("2025-W52").start <= TODAY  # starts on or before today; may end after it


def test_today_defaults_to_the_current_day():
    assert parse_date("2016-03-05").precision == "day"
    with pytest.raises(DateProblem) as caught:
        parse_date((dt.date.today() + dt.timedelta(days=1)).isoformat())
    assert caught.value.code == "date_future"


def test_problem_pickles():
    problem = DateProblem("date_impossible", "2016-02-30", "check the day", "no such day")
    copy = pickle.loads(pickle.dumps(problem))
    assert (copy.code, copy.value, copy.hint, copy.detail, str(copy)) == (
        problem.code, problem.value, problem.hint, problem.detail, str(problem))


def test_interval_rejects_inconsistent_values():
    with pytest.raises(ValueError):
        DateInterval(dt.date(2016, 3, 2), dt.date(2016, 3, 1), "day")
    with pytest.raises(ValueError):
        DateInterval(dt.date(2016, 3, 1), dt.date(2016, 3, 1), "season")


# --------------------------------------------------------------------------- Excel serials

EXCEL_EARLIEST = dt.date(1900, 1, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", day(1900, 1, 1)), ("59", day(1900, 2, 28)), ("61", day(1900, 3, 1)),
     ("42430", day(2016, 3, 1)), ("42430.75", day(2016, 3, 1)), ("45657", day(2024, 12, 31)),
     ("2016", span((2016, 1, 1), (2016, 12, 31), "year")), ("20160305", day(2016, 3, 5))],
)
def test_excel_serials_when_declared(text, expected):
    result = parse(text, excel_serial=True, earliest=EXCEL_EARLIEST)
    assert as_tuple(result) == expected


@pytest.mark.parametrize("text", ["60", "0", "9999999"])
def test_excel_serials_that_are_no_day(text):
    with pytest.raises(DateProblem) as caught:
        parse(text, excel_serial=True, earliest=EXCEL_EARLIEST)
    assert caught.value.code == "date_impossible"


# --------------------------------------------------------------------------- properties

DATES = st.dates(EARLIEST, TODAY)
NAMES = st.sampled_from(sorted(LANGUAGES)).map(lambda language: LANGUAGES[language].split())


@given(DATES)
def test_iso_day_round_trips(d):
    assert as_tuple(parse(d.isoformat())) == (d, d, "day")


@given(DATES)
def test_numeric_day_round_trips_in_the_declared_order(d):
    assert as_tuple(parse(f"{d:%d.%m.%Y}", order="DMY")) == (d, d, "day")
    assert as_tuple(parse(f"{d:%m/%d/%Y}", order="MDY")) == (d, d, "day")


@given(DATES, NAMES)
def test_month_name_round_trips(d, names):
    assert as_tuple(parse(f"{d.day} {names[d.month - 1]} {d.year}")) == (d, d, "day")


@given(DATES)
def test_month_only_never_invents_a_day(d):
    result = parse(f"{d:%Y-%m}")
    assert result.precision == "month"
    assert result.start == d.replace(day=1)
    assert result.end.month == d.month and (result.end + dt.timedelta(days=1)).day == 1


@given(DATES)
def test_iso_week_is_monday_to_sunday(d):
    year, week, _ = d.isocalendar()
    result = parse(f"{year}-W{week:02d}")
    assert result.precision == "week" and result.start <= d <= result.end
    assert result.start.isoweekday() == 1 and (result.end - result.start).days == 6


@given(DATES, DATES)
def test_interval_precision(a, b):
    a, b = min(a, b), max(a, b)
    if a.year != b.year:
        with pytest.raises(DateProblem, match="more than one calendar year"):
            parse(f"{a}/{b}")
        return
    result = parse(f"{a}/{b}")
    monday = a - dt.timedelta(days=a.weekday())
    if a == b:
        expected = "day"
    elif b - dt.timedelta(days=b.weekday()) == monday:
        expected = "week"
    elif (a.year, a.month) == (b.year, b.month):
        expected = "month"
    else:
        expected = "year"
    assert as_tuple(result) == (a, b, expected)


def _never_crashes(text, **kwargs):
    try:
        result = parse(text, **kwargs)
    except DateProblem as problem:
        assert problem.code in PROBLEM_CODES and problem.hint
        return None
    assert isinstance(result, DateInterval) and result.start <= result.end
    return result


@given(st.text(), st.sampled_from(DATE_ORDERS), st.booleans())
def test_arbitrary_text_gives_an_interval_or_a_date_problem(text, order, excel_serial):
    _never_crashes(text, order=order, excel_serial=excel_serial)


DATEISH = st.text(alphabet="0123456789 -–/.,:TWZ+ ermaichJunMärzΜαρτίουtolede", max_size=30)


@settings(max_examples=300)
@given(DATEISH, st.sampled_from(DATE_ORDERS), st.booleans())
def test_date_like_text_gives_an_interval_or_a_date_problem(text, order, excel_serial):
    _never_crashes(text, order=order, excel_serial=excel_serial)


FORMS = st.one_of(
    DATES.map(dt.date.isoformat),
    DATES.map(lambda d: f"{d:%Y-%m}"),
    DATES.map(lambda d: str(d.year)),
    DATES.map(lambda d: "{}-W{:02d}".format(*d.isocalendar()[:2])),
    st.tuples(DATES, DATES).map(lambda p: f"{min(p)}/{max(p)}"),
    st.tuples(DATES, DATES).map(lambda p: f"{min(p):%d.%m.%Y} – {max(p):%d.%m.%Y}"),
    st.tuples(DATES, NAMES).map(lambda p: f"{p[1][p[0].month - 1]} {p[0].year}"),
    st.tuples(DATES, NAMES).map(lambda p: f"{p[0].day}. {p[1][p[0].month - 1]} {p[0].year}"),
    st.tuples(DATES, DATES).map(lambda p: f"{min(p)}/{max(p)}"[:7]),
    st.text(),
)


@given(FORMS, st.sampled_from(DATE_ORDERS))
def test_results_are_consistent_intervals(text, order):
    result = _never_crashes(text, order=order)
    if result is None:
        return
    assert result.precision in PRECISIONS
    assert EARLIEST <= result.start <= TODAY
    days = (result.end - result.start).days
    if result.precision == "day":
        assert days == 0
    elif result.precision == "week":
        assert 0 < days < 7
    elif result.precision == "month":
        assert (result.start.year, result.start.month) == (result.end.year, result.end.month)
