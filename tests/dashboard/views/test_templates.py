"""The Flask pages' templates: one base layout, the site's look, escaping, texts kept in Python."""

from __future__ import annotations

import re

import pytest

from dashboard.components.nav import LINKS
from dashboard.views.layout import TEMPLATES
from data.people.accounts import get_user
from data.people.sessions import end_sessions
from tests import factories
from tests.data.records.workflow_store import STAFF
from tests.security.web import log_in_as

VIEWS = TEMPLATES.parent
#: Templates that are parts of pages (imported or included), not pages of their own.
PARTS = {"base.html", "form_fields.html", "record_fields.html", "edit_history.html"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with factories.site(tmp_path_factory.mktemp("templates"), **STAFF) as built:
        yield built.engine, built.server


def _sources() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in TEMPLATES.iterdir()}


def _stylesheets(page: str) -> list[str]:
    hrefs = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    return [href.split("?")[0] for href in hrefs]


def test_every_template_is_html_and_escapes_what_it_shows(site):
    _engine, server = site
    for name, source in _sources().items():
        assert name.endswith(".html") and server.select_jinja_autoescape(name), name
        compact = source.replace(" ", "")
        assert "|safe" not in compact and "autoescape" not in source, name


def test_every_page_extends_the_base_layout_and_every_template_is_used():
    sources = _sources()
    python = "\n".join(path.read_text(encoding="utf-8") for path in VIEWS.glob("*.py"))
    for name, source in sources.items():
        if name not in PARTS:
            assert source.startswith('{% extends "base.html" %}'), name
            assert f'"{name}"' in python, f"{name}: no view renders it"
        else:
            assert name == "base.html" or any(f'"{name}"' in other
                                              for other in sources.values()), name


def test_templates_mark_no_text_for_translation():
    """The texts stay in Python, where tests/dashboard/i18n_scan.py finds them."""
    for name, source in _sources().items():
        assert not re.search(r"\b(_|N_|translate|gettext)\(", source), name


def test_the_flask_pages_link_the_stylesheets_of_the_dash_pages(site):
    _engine, server = site
    client = server.test_client()
    dash = _stylesheets(client.get("/").get_data(as_text=True))
    assert "/assets/style.css" in dash
    for path in ("/account/login", "/data-protection"):
        assert _stylesheets(client.get(path).get_data(as_text=True)) == dash, path


def test_the_header_has_the_site_navigation_in_the_page_language(site):
    engine, server = site
    client = server.test_client()
    log_in_as(client, engine, "mod@example.org")
    page = client.get("/moderate?lang=fr").get_data(as_text=True)
    header = page.split("<header", 1)[1].split("</header>", 1)[0]
    links = re.findall(r'<a class="([^"]+)" href="([^"]+)">([^<]+)</a>', header)
    assert [href for _, href, _ in links] == [
        *(f"{path}?lang=fr" if path != "/" else "/?lang=fr" for _, _, path in LINKS),
        "/moderate?lang=fr", "/moderate/subject-access?lang=fr", "/account?lang=fr"]
    assert [text for _, _, text in links][:3] == ["Carte", "Incidents", "À propos"]
    assert [css for css, href, _ in links if "current" in css] == ["nav-link current"]
    assert '<html lang="fr">' in page and 'href="/?lang=fr">incidentmap</a>' in header


def test_anonymous_visitors_get_the_account_link_and_no_role_links(site):
    _engine, server = site
    response = server.test_client().get("/data-protection")
    header = response.get_data(as_text=True).split("</header>", 1)[0]
    assert 'class="role-links"><li><a class="nav-link" href="/account">Your account</a></li>' \
        '</ul>' in header
    assert "Cookie" in response.headers.get("Vary", "")  # the header depends on the session


def test_a_stale_session_gets_a_login_form_that_works(site):
    engine, server = site
    client = server.test_client()
    log_in_as(client, engine, "rep@example.org")
    end_sessions(engine, get_user(engine, email="rep@example.org").id)  # e.g. a new password
    form = client.get("/account/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    answer = client.post("/account/login", data={"csrf_token": token, "email": "x@example.org",
                                                 "password": "not it"})
    assert answer.status_code == 401  # the form's token was accepted; the password was not
