"""The interface languages: lookup and fallback, catalogue completeness, translated pages."""

from __future__ import annotations

import re
import string

import pytest

from dashboard import i18n, i18n_text
from dashboard.app_factory import route
from dashboard.pages.overview import page as overview
from dashboard.pages.overview.controls import state_from_controls
from dashboard.url_state import ViewState, parse_search
from data.filters import IncidentFilter
from data.reference.taxonomy import load_taxonomy
from tests import factories
from tests.dashboard.i18n_scan import marked_in_source, marked_texts

TAX = load_taxonomy()
OTHERS = [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


# --- lookup and fallback -------------------------------------------------------------------

def test_translate_looks_up_and_falls_back_to_english():
    assert i18n.translate("Over time", "fr") == "Au fil du temps"
    assert i18n.translate("Over time", "de") == "Im Zeitverlauf"
    assert i18n.translate("Over time", "en") == "Over time"
    assert i18n.translate("Over time") == "Over time"
    assert i18n.translate("A text nobody marked", "fr") == "A text nobody marked"
    for unknown in ("it", "xx", None, ""):
        assert i18n.translate("Over time", unknown) == "Over time"


def test_catalogues_are_read_once_and_english_has_none():
    i18n.catalogue.cache_clear()
    assert i18n.catalogue("en") == {}
    first = i18n.catalogue("fr")
    assert i18n.catalogue("fr") is first and i18n.catalogue.cache_info().misses == 2


def test_numbers_urls_and_languages():
    assert i18n.number(1234567, "en") == "1,234,567"
    assert i18n.number(1234567, "fr") == "1\u202f234\u202f567"
    assert i18n.number(1234.5, "de", 1) == "1.234,5"
    assert i18n.plotly_separators("de") == ",."
    assert i18n.lang_of("?country=DE&lang=fr") == "fr"
    assert i18n.lang_of("lang=de") == "de"
    assert i18n.lang_of("?lang=xx") == "en" and i18n.lang_of(None) == "en"
    assert i18n.href("/about", "de") == "/about?lang=de"
    assert i18n.href("/?country=DE", "fr") == "/?country=DE&lang=fr"
    assert i18n.href("/incidents", "en") == "/incidents"


def test_the_language_lives_in_the_url_state():
    state, problems = parse_search("?country=DE&lang=fr", TAX)
    assert state.lang == "fr" and not problems
    assert state.to_search() == "?country=DE&lang=fr"
    assert parse_search(state.to_search(), TAX)[0] == state
    assert ViewState(IncidentFilter()).to_search() == ""  # English adds nothing
    state, problems = parse_search("?lang=xx", TAX)
    assert state.lang == "en" and [p.parameter for p in problems] == ["lang"]


def test_the_controls_keep_the_language_of_the_url():
    controls = {"start_date": None, "end_date": None, "country": ["DE"], "bias": [],
                "indicator": [], "type": [], "metric": "count", "granularity": "month",
                "level": None}
    state = state_from_controls(controls, ViewState(IncidentFilter(), lang="de"))
    assert state.lang == "de" and state.to_search().endswith("lang=de")


# --- the catalogues cannot rot --------------------------------------------------------------

def test_the_scanner_finds_marked_texts():
    source = (
        "from dashboard.i18n import N_, translate\n"
        "A = N_('Marked early')\n"
        "def f(lang):\n"
        "    return translate('Used ' 'at once', lang), i18n.translate('dotted', lang), \\\n"
        "        _('a' if lang else 'b', lang), print('not marked'), translate(A, lang)\n"
    )
    assert marked_in_source(source) == {"Marked early", "Used at once", "dotted", "a", "b"}


def test_the_dashboard_marks_its_texts():
    marked = marked_texts()
    for text in ("Over time", "Bias motivation", "Download CSV", "Incidents",
                 "Primary bias motivation (each incident once)", "Public summary"):
        assert text in marked, text


@pytest.mark.parametrize("lang", OTHERS)
def test_every_marked_text_is_translated(lang):
    wanted = dict(marked_texts())
    for text in i18n.external_texts():
        wanted.setdefault(text, {"i18n.external_texts()"})
    catalogue = i18n.catalogue(lang)
    missing = {text: sorted(files) for text, files in wanted.items() if text not in catalogue}
    assert not missing, (f"dashboard/locales/{lang}.yaml lacks {len(missing)} text(s):\n"
                         + "\n".join(f"  {t!r} (in {', '.join(f)})" for t, f in missing.items()))
    stale = sorted(set(catalogue) - set(wanted))
    assert not stale, f"dashboard/locales/{lang}.yaml has texts no code uses: {stale}"


@pytest.mark.parametrize("lang", OTHERS)
def test_translations_keep_the_placeholders(lang):
    wrong = {text: translated for text, translated in i18n.catalogue(lang).items()
             if _fields(text) != _fields(translated)}
    assert not wrong, f"placeholders differ in dashboard/locales/{lang}.yaml: {wrong}"


# --- taxonomy labels --------------------------------------------------------------------------

def test_every_taxonomy_code_has_french_and_german_labels():
    for kind in ("bias", "indicator", "type"):
        for term in TAX.terms(kind):
            for lang in OTHERS:
                label = term.labels.get(lang, "")
                assert label.strip(), f"{term.code} has no {lang} label"
                assert TAX.label(term.code, lang) == label
            assert TAX.label(term.code) == term.label  # English unchanged by default
    assert TAX.label("bm.racism_xenophobia", "fr").startswith("Racisme et xénophobie")
    assert TAX.label("bm.racism_xenophobia", "de").startswith(
        "Rassismus und Fremdenfeindlichkeit")
    assert TAX.label("bm.anti_muslim", "it") == TAX.term("bm.anti_muslim").label  # fallback


def test_labels_of_one_taxonomy_level_are_distinct_per_language():
    for kind in ("bias", "indicator", "type"):
        for lang in OTHERS:
            labels = [TAX.label(code, lang) for code in TAX.codes(kind)]
            assert len(set(labels)) == len(labels), (kind, lang)


def test_a_malformed_label_translation_is_a_taxonomy_problem():
    import copy

    import yaml

    from data.reference.taxonomy import DEFAULT_PATH, Taxonomy, TaxonomyError

    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    broken = copy.deepcopy(raw)
    broken["bias_motivations"][0]["labels"] = {"fr": ""}
    with pytest.raises(TaxonomyError, match="labels"):
        Taxonomy(broken)


def test_filter_descriptions():
    flt = IncidentFilter(country=("DE",), bias=("bm.anti_muslim",))
    assert i18n_text.describe_filter(flt, TAX, "en") == flt.describe(TAX)
    assert i18n_text.describe_filter(flt, TAX, "fr") == (
        "Incidents pays : Allemagne, avec la motivation Haine anti-musulmane (ou une plus "
        "précise).")
    assert "Muslimfeindlichkeit" in i18n_text.describe_filter(flt, TAX, "de")
    assert i18n_text.summary(1234, IncidentFilter(), TAX, "de") == "1.234 Vorfälle. Alle Vorfälle."
    assert i18n_text.month_name(552, "fr") == "janvier 2016"


# --- pages ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("i18n")
    with factories.site(folder, demo_rows=300, seed=11, instance_dir=folder) as site:
        yield site.app


def test_the_html_page_says_its_language(app):
    client = app.server.test_client()
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    french = client.get("/?lang=fr").get_data(as_text=True)
    assert '<html lang="fr">' in french and "incidents de haine anti-migrants" in french
    assert '<html lang="de">' in client.get("/about?lang=de").get_data(as_text=True)


def test_overview_renders_in_the_url_language(app):
    with app.server.test_request_context("/"):
        layout = str(overview.layout(app.server.extensions["incidentmap"], "?lang=de"))
        assert "Vorurteilsmotiv" in layout and "Im Zeitverlauf" in layout
        assert "Muslimfeindlichkeit" in layout  # a taxonomy label in a dropdown
        assert "Bias motivation" not in layout
        out = overview.render("?lang=fr")
    summary, timeline = out["summary"]["text"], out["timeline"]["figure"]
    assert re.match(r"^[\d\u202f]+ incidents\. ", summary)
    assert timeline["layout"]["yaxis"]["title"]["text"] == "Incidents"
    assert timeline["layout"]["legend"]["title"]["text"].startswith("Motivation")
    names = {trace["name"] for trace in timeline["data"]}
    assert "Xénophobie anti-migrants" in names


def test_other_pages_render_in_the_url_language(app):
    with app.server.test_request_context("/"):
        about = str(route("/about", "?lang=fr"))
        table = str(route("/incidents", "?lang=de&country=DE"))
        missing = str(route("/nowhere", "?lang=de"))
        english = str(route("/about", ""))
    assert "À propos de cette carte" in about and "Haine anti-musulmane" in about
    assert "Öffentliche Zusammenfassung" in table and "Diese auf der Karte zeigen" in table
    assert "lang=de" in table  # the link to the map keeps the language
    assert "Seite nicht gefunden" in missing and "/?lang=de" in missing
    assert "About this map" in english and "lang=" not in english


def test_the_api_stays_in_english(app):
    body = app.server.test_client().get("/api/v1/taxonomy?lang=fr").get_json()
    labels = {t["code"]: t["label"] for t in body["kinds"]["bias"]}
    assert labels["bm.anti_muslim"] == TAX.term("bm.anti_muslim").label
    assert set(body["kinds"]["bias"][0]) == {"code", "label", "parent", "description"}


def test_plotly_writes_dates_in_the_interface_language():
    assert i18n_text.plotly_config("en") == {}
    config = i18n_text.plotly_config("de")
    assert config["locale"] == "de"
    assert config["locales"]["de"]["format"]["months"][2] == "März"
