"""Label matching: whole labels, parts, longest phrases, stewards, crosswalks; no guesses."""

from __future__ import annotations

import pytest

from data.reference.taxonomy import load_taxonomy
from ingest.normalise.countries import parse_country
from ingest.normalise.labels import LabelMatcher, codes_of

TAX = load_taxonomy()


@pytest.mark.parametrize("label, codes", [
    ("Racist and xenophobic hate crime", ["bm.racism_xenophobia"]),
    ("Racist and xenophofic hate crime", ["bm.racism_xenophobia"]),  # ODIHR's own typo
    ("Anti-Muslim hate crime, Racist and xenophobic hate crime",
     ["bm.anti_muslim", "bm.racism_xenophobia"]),
    ("Bias against Christians and members of other religions",
     ["bm.anti_christian", "bm.other_religion_belief"]),
    ("FREMDENFEINDLICH", ["bm.racism_xenophobia.anti_migrant"]),
    ("xénophobie", ["bm.racism_xenophobia.anti_migrant"]),
    ("Antiziganismus; Islamfeindlichkeit", ["bm.anti_roma", "bm.anti_muslim"]),
    ("fremdenfeindlich motivierte Sachbeschädigung", ["bm.racism_xenophobia.anti_migrant"]),
])
def test_bias_labels(label, codes):
    assert codes_of(LabelMatcher(TAX, "bias").match(label)) == codes


def test_unrecognised_parts_are_kept_not_guessed():
    matches = LabelMatcher(TAX, "type").match("Tätlicher Übergriff/Körperverletzung")
    assert [m.method for m in matches] == ["unrecognised", "synonym"]
    assert matches[0].raw == "Tätlicher Übergriff" and matches[0].codes == ()
    assert codes_of(matches) == ["it.violent_attack.physical_assault"]
    nothing = LabelMatcher(TAX, "bias").match("purple elephants")
    assert nothing[0].method == "unrecognised" and not nothing[0].codes


def test_steward_mapping_and_crosswalk_win():
    matcher = LabelMatcher(TAX, "type", steward={"Verdachtsfall": ("it.other",)},
                           crosswalk={"assault": ("it.violent_attack.physical_assault",)})
    assert matcher.match("verdachtsfall")[0].method == "steward"
    assert matcher.match("ASSAULT")[0].codes == ("it.violent_attack.physical_assault",)
    assert matcher.match("ASSAULT")[0].method == "source_crosswalk"


def test_bare_group_names_are_not_bias_labels():
    # "Roma" is Italian for Rome: a group name alone is not a bias label
    assert not codes_of(LabelMatcher(TAX, "bias").match("Roma"))


@pytest.mark.parametrize("text, iso2, reason", [
    ("EL", "GR", None), ("Greece", "GR", None), ("Ελλάδα", "GR", None), ("grc", "GR", None),
    ("Czech Republic", "CZ", None), ("Deutschland", "DE", None), ("Holland", "NL", None),
    ("Kıbrıs", "CY", None), ("Russian Federation", None, "out_of_scope"),
    ("UK", None, "out_of_scope"), ("Bosnia and Herzegovina", None, "out_of_scope"),
    ("Atlantis", None, "unknown"), ("", None, "missing"),
])
def test_countries(text, iso2, reason):
    result = parse_country(text, TAX)
    assert (result.iso2, result.reason) == (iso2, reason)
