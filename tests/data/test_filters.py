"""IncidentFilter: round trip through the URL, strict and lenient parsing, plain words."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.filters import FilterError, IncidentFilter, from_query, parse_query
from data.reference.taxonomy import load_taxonomy

TAX = load_taxonomy()
ISO2 = [c.iso2 for c in TAX.countries()]


def _codes(kind):
    return st.lists(st.sampled_from(TAX.codes(kind)), unique=True).map(lambda v: tuple(sorted(v)))


dates = st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)))
regions = st.lists(st.from_regex(r"\A[A-Z]{2}[0-9A-Z]{1,3}\Z"), unique=True, max_size=3)

filters = st.builds(
    IncidentFilter,
    date_from=dates,
    date_to=dates,
    country=st.lists(st.sampled_from(ISO2), unique=True).map(lambda v: tuple(sorted(v))),
    region=regions.map(lambda v: tuple(sorted(v))),
    bias=st.one_of(st.none(), _codes("bias")),
    indicator=_codes("indicator"),
    type=_codes("type"),
    source=st.lists(st.from_regex(r"\A[a-z0-9][a-z0-9_-]{0,20}\Z"), unique=True, max_size=3)
    .map(lambda v: tuple(sorted(v))),
).filter(lambda f: not (f.date_from and f.date_to and f.date_from > f.date_to))


@given(filters)
def test_round_trip_through_query(flt):
    assert from_query(flt.to_query(), TAX) == flt


@given(filters)
def test_round_trip_through_query_string(flt):
    from urllib.parse import parse_qs

    params = parse_qs(flt.to_query_string(), keep_blank_values=True)
    assert from_query(params, TAX) == flt


def test_absent_bias_differs_from_empty_bias():
    assert from_query({}, TAX).bias is None
    assert from_query({"bias": ""}, TAX).bias == ()
    scoped = from_query({}, TAX).with_default_bias(["bm.anti_roma"])
    assert scoped.bias == ("bm.anti_roma",)
    assert from_query({"bias": ""}, TAX).with_default_bias(["bm.anti_roma"]).bias == ()


def test_lists_are_comma_or_repeated_and_normalised():
    flt = from_query({"country": ["de,fr", "MT"], "date_from": "2016-03", "date_to": "2016-03"},
                     TAX)
    assert flt.country == ("DE", "FR", "MT")
    assert flt.date_from == dt.date(2016, 3, 1)
    assert flt.date_to == dt.date(2016, 3, 31)


@pytest.mark.parametrize("params, parameter, fragment", [
    ({"country": "XX"}, "country", "Allowed: BE"),
    ({"country": "EL"}, "country", "Greece is GR"),
    ({"bias": "bm.nope"}, "bias", "bm.anti_muslim"),
    ({"type": "violence"}, "type", "it.threat"),
    ({"date_from": "2016-13-45"}, "date_from", "not a real date"),
    ({"date_from": "yesterday"}, "date_from", "YYYY-MM-DD or YYYY-MM"),
    ({"date_from": "2017-01-01", "date_to": "2016-01-01"}, "date_to", "before date_from"),
    ({"region": "de-3"}, "region", "NUTS code"),
])
def test_malformed_values_name_the_parameter_and_allowed_values(params, parameter, fragment):
    with pytest.raises(FilterError) as caught:
        from_query(params, TAX)
    problem = caught.value.problems[0]
    assert problem.parameter == parameter
    assert fragment in str(caught.value)


def test_lenient_parsing_keeps_the_valid_part():
    flt, problems = parse_query({"country": "DE,XX", "bias": "bm.anti_muslim"}, TAX)
    assert flt.country == ("DE",)
    assert flt.bias == ("bm.anti_muslim",)
    assert [p.parameter for p in problems] == ["country"]


def test_unknown_source_is_rejected_when_sources_are_known():
    with pytest.raises(FilterError, match="Allowed: arvig, demo"):
        from_query({"source": "acled"}, TAX, sources=["demo", "arvig"])


def test_describe_in_plain_words():
    flt = IncidentFilter(date_from=dt.date(2016, 1, 1), country=("GR",),
                         bias=("bm.anti_muslim",))
    text = flt.describe(TAX)
    assert "Greece" in text and "Anti-Muslim" in text and "2016-01-01" in text
    assert IncidentFilter().describe(TAX) == "All incidents."
