"""Tests for data/reference/taxonomy.py and data/reference/taxonomy.yaml."""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from data.reference.taxonomy import (
    DEFAULT_PATH,
    KINDS,
    SECTIONS,
    Taxonomy,
    TaxonomyError,
    load_taxonomy,
    normalise_label,
)
from tests.conftest import ROOT

SHARED_TAXONOMY = ROOT.parent / "shared" / "taxonomy.yaml"
LANGUAGES = ("en", "fr", "de", "it", "es", "el", "pl")
ADDED_TYPES = {
    "it.anti_migrant_demonstration": None,
    "it.hate_speech_public.public_figure": "it.hate_speech_public",
    "it.discrimination.authorities": "it.discrimination",
}


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tax() -> Taxonomy:
    return load_taxonomy()


# --- the project's file ---------------------------------------------------------------------


def test_meta(raw, tax):
    assert tax.version == raw["meta"]["version"] == "0.3.0"
    assert raw["meta"]["name"] == "incidentmap-taxonomy"
    assert raw["meta"]["date"] == "2026-11-24"
    assert len(raw["meta"]["changes"]) >= 5
    assert load_taxonomy() is tax  # cached


def test_codes_unique_across_the_file(raw):
    codes = [entry["code"] for kind in KINDS for entry in raw[SECTIONS[kind]]]
    assert [code for code, n in Counter(codes).items() if n > 1] == []


def test_prefixes_and_parents(tax):
    prefixes = {"bias": "bm.", "indicator": "bi.", "type": "it."}
    for kind in KINDS:
        for term in tax.terms(kind):
            assert term.kind == kind and tax.kind_of(term.code) == kind
            assert term.code.startswith(prefixes[kind])
            if term.parent is not None:
                assert tax.kind_of(term.parent) == kind
                assert term.code.startswith(term.parent + ".")
                assert term.code in tax.children(term.parent)
            for child in tax.children(term.code):
                assert tax.term(child).parent == term.code


def test_incident_types_have_severity_rank(tax):
    assert all(isinstance(term.severity_rank, int) for term in tax.terms("type"))


def test_codes_of_the_researched_file_are_kept():
    if not SHARED_TAXONOMY.exists():
        pytest.skip("../shared/taxonomy.yaml not present")
    shared = yaml.safe_load(SHARED_TAXONOMY.read_text(encoding="utf-8"))
    tax = load_taxonomy()
    for kind in KINDS:
        for entry in shared[SECTIONS[kind]]:
            assert tax.kind_of(entry["code"]) == kind
            assert tax.term(entry["code"]).parent == entry.get("parent")


@pytest.mark.parametrize(("code", "parent"), sorted(ADDED_TYPES.items()))
def test_added_incident_types(tax, code, parent):
    term = tax.term(code)
    assert term.kind == "type" and term.parent == parent
    assert term.label and term.description
    assert term.odihr is None  # not an ODIHR type
    assert isinstance(term.severity_rank, int)
    for lang in LANGUAGES:
        assert term.synonyms.get(lang), f"{code} has no {lang} synonyms"
    if parent:
        assert code in tax.expand("type", [parent])


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("demonstration", "it.anti_migrant_demonstration"),  # ARVIG category_en
        ("Kundgebung/Demo", "it.anti_migrant_demonstration"),  # ARVIG category_de
        ("asylfeindliche Demonstration", "it.anti_migrant_demonstration"),
        ("Manifestation anti-migrants", "it.anti_migrant_demonstration"),
        ("Contrôle au faciès", "it.discrimination.authorities"),
        ("Racial Profiling", "it.discrimination.authorities"),
        ("Hetze durch Politiker", "it.hate_speech_public.public_figure"),
        ("Violent attacks against people", "it.violent_attack"),  # ODIHR export
        ("Threats", "it.threat"),
        ("Attacks against property", "it.attack_property"),
    ],
)
def test_type_labels(tax, label, code):
    assert tax.match("type", label)[0] == (code,)


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("Racist and xenophobic hate crime", "bm.racism_xenophobia"),  # ODIHR export values
        ("Anti-Christian", "bm.anti_christian"),
        ("Anti-LGBTI", "bm.anti_lgbti"),
        ("Anti-Muslim", "bm.anti_muslim"),
        ("Anti-Semitic", "bm.antisemitism"),
        ("Gender-based", "bm.gender"),
        ("Anti-Roma", "bm.anti_roma"),
        ("Disability", "bm.disability"),
        ("Other religion or belief", "bm.other_religion_belief"),
        ("Racism and xenophobia", "bm.racism_xenophobia"),
        ("Bias against other groups", "bm.other"),
        ("FREMDENFEINDLICHKEIT", "bm.racism_xenophobia.anti_migrant"),
    ],
)
def test_bias_labels(tax, label, code):
    assert tax.match("bias", label)[0] == (code,)


def _labels_by_key(entries: list[dict], kind: str) -> dict[str, set[str]]:
    """Recompute normalised label -> codes from the raw YAML, independently of the loader."""
    by_code = {entry["code"]: entry for entry in entries}
    odihr_field = {"bias": "odihr_category", "type": "odihr_type"}.get(kind)
    keys: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        texts = [entry["label"], *entry.get("odihr_legacy_labels", [])]
        for group in ("synonyms", "target_group_terms"):
            texts += [text for values in (entry.get(group) or {}).values() for text in values]
        odihr = entry.get(odihr_field) if odihr_field else entry.get("crosswalk", {}).get("odihr")
        parent = by_code.get(entry.get("parent"), {})
        if odihr and odihr != (parent.get(odihr_field) if odihr_field else None):
            texts.append(odihr)  # a child's category equal to its parent's is the roll-up
        for text in texts:
            keys[normalise_label(text)].add(entry["code"])
    return keys


def test_each_normalised_label_maps_to_one_code_unless_declared(raw, tax):
    declared = {
        (item["kind"], normalise_label(item["label"])): set(item["codes"])
        for item in raw["multi_code_labels"]
    }
    for kind in KINDS:
        for key, codes in _labels_by_key(raw[SECTIONS[kind]], kind).items():
            if len(codes) > 1:
                assert (kind, key) in declared, f"{kind}: {key!r} -> {sorted(codes)}"
                assert codes <= declared[(kind, key)]
        for key, codes in tax.synonym_index(kind).items():
            assert len(codes) == 1 or (kind, key) in declared, key


def test_odihr_legacy_multi_code_label(raw, tax):
    both = ("bm.anti_christian", "bm.other_religion_belief")
    entry = next(item for item in raw["multi_code_labels"] if item["codes"] == list(both))
    assert entry["kind"] == "bias" and entry["note"]
    for label in (
        "Bias against Christians and members of other religions",
        "bias against christians and members of other religions.",
        "BIAS AGAINST CHRISTIANS AND MEMBERS OF OTHER RELIGIONS",
    ):
        assert tax.match("bias", label) == (both, "multi_code_label")
    assert tax.synonym_index("bias")[normalise_label(entry["label"])] == both


def test_countries(tax):
    countries = tax.countries()
    assert len(countries) == 27
    assert len({c.iso2 for c in countries}) == 27
    assert (countries[0].iso2, countries[-1].iso2) == ("BE", "SE")  # protocol order
    greece = next(c for c in countries if c.iso3 == "GRC")
    assert (greece.iso2, greece.eurostat, greece.num) == ("GR", "EL", "300")
    assert all(c.eurostat == c.iso2 for c in countries if c.iso2 != "GR")
    assert all(len(c.names) == 7 for c in countries)


# --- API ------------------------------------------------------------------------------------


def test_expand_includes_children(tax):
    assert tax.expand("type", ["it.hate_speech_public"]) == {
        "it.hate_speech_public",
        "it.hate_speech_public.public_figure",
    }
    racism = tax.expand("bias", "bm.racism_xenophobia")
    assert "bm.racism_xenophobia.anti_refugee" in racism and len(racism) == 5
    assert tax.expand("type", ["it.threat.harassment"]) == {"it.threat.harassment"}
    assert tax.expand("indicator", []) == frozenset()


def test_expand_rejects_unknown_codes(tax):
    with pytest.raises(ValueError) as info:
        tax.expand("type", ["it.threat", "it.nope", "bm.anti_muslim"])
    message = str(info.value)
    assert "'it.nope'" in message and "'bm.anti_muslim'" in message
    assert "it.anti_migrant_demonstration" in message  # lists the allowed codes
    assert "'it.threat'" not in message
    with pytest.raises(ValueError, match="kind"):
        tax.expand("motivation", ["bm.other"])


def test_term_lookup_errors(tax):
    with pytest.raises(KeyError, match="bm.anti_muslim"):
        tax.term("bm.anti_muslin")
    assert tax.label("it.discrimination.authorities") == "Discriminatory practices by authorities"


def test_match(tax):
    assert tax.match("bias", " BM.Anti_Muslim ") == (("bm.anti_muslim",), "code")
    assert tax.match("type", "bm.anti_muslim") is None  # a code of another kind
    assert tax.match("bias", "Anti-Roma hate crime") == (("bm.anti_roma",), "odihr_label")
    assert tax.match("bias", "Muslims") == (("bm.anti_muslim",), "target_group")
    assert tax.match("type", "Hetze") == (("it.hate_speech_public",), "synonym")
    assert tax.match("indicator", "Hetze") == (("bi.context_incitement",), "synonym")
    assert tax.match("type", "no such label at all") is None
    assert tax.match("type", "  ") is None
    with pytest.raises(ValueError):
        tax.match("nope", "Hetze")


def test_taxonomy_is_immutable(tax):
    with pytest.raises(AttributeError):
        tax.version = "9"
    index = tax.synonym_index("bias")
    index.clear()
    assert tax.synonym_index("bias")


# --- normalise_label ------------------------------------------------------------------------


@given(st.text())
def test_normalise_is_idempotent(text):
    once = normalise_label(text)
    assert normalise_label(once) == once
    assert once == once.strip() and "  " not in once


EUROPEAN_LATIN = "aàáâäãåąăbcçćčdďeèéêëęěfghiìíîïjklłĺľmnñńňoòóôöõőpqrŕřsśšșßtťțuùúûüůűvwxyýÿzźżž"


@given(st.text(alphabet=EUROPEAN_LATIN + EUROPEAN_LATIN.upper() + " -_/'.,"))
def test_european_latin_keys_are_plain_ascii_and_case_blind(text):
    key = normalise_label(text)
    assert key.isascii() and key == key.lower()
    assert normalise_label(text.upper()) == key == normalise_label(text.lower())


@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_keys_have_no_marks_or_punctuation(text):
    key = normalise_label(text)
    categories = {unicodedata.category(char) for char in key}
    assert not categories & {"Mn", "Me", "Cf", "Cc", "Zl", "Zp"}
    assert not any(category.startswith("P") for category in categories)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Fremdenfeindlichkeit", "FREMDENFEINDLICHKEIT"),
        ("Xénophobie", "xenophobie"),
        ("Straße", "strasse"),
        ("ΡΑΤΣΙΣΜΟΣ", "ρατσισμός"),  # Greek final sigma and tonos
        ("ξενοφοβίας", "ΞΕΝΟΦΟΒΙΑΣ"),
        ("anti-Muslim", "Anti_Muslim"),
        ("anti / muslim", "anti muslim"),
        ("Fremden\u00adfeindlichkeit", "fremdenfeindlichkeit"),  # soft hyphen
        ("ＡＮＴＩ－ＲＯＭＡ", "anti roma"),  # full-width forms (NFKC)
        ("Kıbrıs", "kibris"),
    ],
)
def test_normalise_examples(left, right):
    assert normalise_label(left) == normalise_label(right)


def test_normalise_specifics():
    assert "lotwa" in normalise_label("Łotwa")
    assert normalise_label("ŁÓDŹ") == "lodz"
    assert normalise_label("Straße") == "strasse"
    assert normalise_label("  Migrant*innen  ") == "migrant innen"
    assert normalise_label("ρατσισμός") == normalise_label("ρατσισμοσ") == "ρατσισμοσ"
    assert normalise_label("-/_") == ""


# --- broken files ---------------------------------------------------------------------------


def _minimal(**extra) -> dict:
    term = {"parent": None, "label": "X", "description": "", "severity_rank": 1}
    data = {
        "meta": {"version": "0.0.1"},
        "bias_motivations": [
            {**term, "code": "bm.a", "label": "A", "synonyms": {"en": ["alpha"]}},
            {**term, "code": "bm.b", "label": "B", "synonyms": {"en": ["beta"]}},
        ],
        "bias_indicators": [{**term, "code": "bi.a", "label": "A"}],
        "incident_types": [{**term, "code": "it.a", "label": "A"}],
    }
    data.update(extra)
    return data


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "taxonomy.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_minimal_file_loads(tmp_path):
    tax = load_taxonomy(_write(tmp_path, _minimal()))
    assert tax.codes("bias") == ("bm.a", "bm.b") and tax.countries() == ()


def test_broken_file_lists_duplicate_code_and_synonym_clash(tmp_path):
    data = _minimal()
    data["bias_motivations"][1]["synonyms"]["fr"] = ["ALPHA"]  # clash with bm.a's "alpha"
    data["incident_types"].append(dict(data["incident_types"][0]))  # duplicate it.a
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(_write(tmp_path, data))
    message = str(info.value)
    assert "duplicate code 'it.a'" in message
    assert "synonym clash: 'alpha'" in message and "bm.a" in message and "bm.b" in message
    assert len(info.value.problems) == 2


def test_broken_file_lists_every_problem(tmp_path):
    data = _minimal()
    data["bias_motivations"] += [
        {"code": "it.wrong_prefix", "label": "W"},
        {"code": "bm.orphan", "label": "O", "parent": "bm.missing"},
        {"code": "bm.cross", "label": "C", "parent": "it.a"},
    ]
    data["incident_types"].append({"code": "it.no_rank", "label": "N"})
    data["incident_types"][0]["synonyms"] = {"en": [True]}  # YAML `yes` read as a boolean
    with pytest.raises(TaxonomyError) as info:
        Taxonomy(data, source="test")
    message = str(info.value)
    for expected in ("it.wrong_prefix", "bm.missing", "it.a' is a type code", "it.no_rank",
                     "severity_rank", "[True]"):
        assert expected in message
    assert len(info.value.problems) == 5


def test_declared_multi_code_label(tmp_path):
    data = _minimal(multi_code_labels=[
        {"label": "Alpha-Beta", "kind": "bias", "codes": ["bm.a", "bm.b"], "note": "both"},
    ])
    data["bias_motivations"][0]["odihr_legacy_labels"] = ["alpha beta"]
    data["bias_motivations"][1]["odihr_legacy_labels"] = ["Alpha/Beta"]
    tax = Taxonomy(data)
    assert tax.match("bias", "ALPHA BETA") == (("bm.a", "bm.b"), "multi_code_label")
    data["multi_code_labels"][0]["codes"] = ["bm.a", "it.a"]
    with pytest.raises(TaxonomyError, match="it.a"):
        Taxonomy(data)


def test_invalid_yaml(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("meta: [unclosed\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="not valid YAML"):
        load_taxonomy(path)
