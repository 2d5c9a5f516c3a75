"""Probes and not-found answers: /healthz, /readyz, the API's index, 404 for unknown paths."""

from __future__ import annotations

import io
import json
import tarfile
import time
from pathlib import Path

import pytest

from dashboard.api.openapi import paths as api_paths
from dashboard.components.footer import texts as footer_texts
from data import software
from data.store.db import downgrade


@pytest.fixture
def site(make_site):
    return make_site(demo_rows=200)


def _ready(client, within_s: float = 60.0):
    deadline = time.monotonic() + within_s
    while True:
        response = client.get("/readyz")
        if response.status_code == 200 or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


def test_liveness_and_readiness_once_the_snapshot_is_built(site):
    client = site.server.test_client()
    alive = client.get("/healthz")
    assert (alive.status_code, alive.get_json()) == (200, {"status": "ok"})
    assert alive.headers["Cache-Control"] == "no-store"
    first = client.get("/readyz")  # a new process holds no snapshot yet: the probe starts it
    if first.status_code == 503:
        assert first.get_json()["reason"].startswith("the public snapshot is being built")
        assert first.headers["Retry-After"]
    ready = _ready(client)
    assert (ready.status_code, ready.get_json()) == (200, {"status": "ready"})


def test_an_unmigrated_store_is_not_ready_and_names_the_command(site):
    client = site.server.test_client()
    assert _ready(client).status_code == 200
    downgrade(site.engine, "-1")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "`incidentmap db upgrade`" in response.get_json()["reason"]
    assert response.headers["Retry-After"]


def test_the_api_index_lists_every_documented_endpoint(site):
    response = site.server.test_client().get("/api/v1/")
    assert response.status_code == 200
    body = response.get_json()
    assert body["documentation"] == "/api/v1/openapi.json"
    listed = {e["path"] for e in body["endpoints"]}
    assert listed == {"/api/v1" + p for p in api_paths() if p != "/"}
    assert all(e["description"] for e in body["endpoints"])


@pytest.mark.parametrize("path", ["/nope", "/api", "/incidents/", "/report/x", "/about/more",
                                  "/.env", "/wp-login.php", "/moderate/record/abc"])
def test_unknown_paths_answer_404_in_the_sites_look(site, path):
    response = site.server.test_client().get(path)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html and 'class="site-header"' in html


def test_the_404_page_speaks_the_requested_language(site):
    response = site.server.test_client().get("/nulle-part?lang=fr")
    assert response.status_code == 404
    assert '<html lang="fr"' in response.get_data(as_text=True)
    assert "Page introuvable" in response.get_data(as_text=True)


def test_unknown_api_and_dash_paths_answer_404_in_json(site):
    client = site.server.test_client()
    for path in ("/api/v1/nope", "/_dash-nope"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.is_json


@pytest.mark.parametrize("path", ["/", "/incidents", "/about"])
def test_pages_still_answer(site, path):
    assert site.server.test_client().get(path).status_code == 200


def test_the_source_link_offers_the_running_code(site):
    client = site.server.test_client()
    page = client.get("/about?lang=de")
    assert page.status_code == 200
    response = client.get("/source")
    assert response.status_code == 200
    assert response.mimetype == "application/gzip"
    name = f"incidentmap-{software.version()}"
    assert f'filename="{name}.tar.gz"' in response.headers["Content-Disposition"]
    with tarfile.open(fileobj=io.BytesIO(response.data)) as archive:
        members = {m.name: m for m in archive.getmembers()}
        for part in ("app.py", "LICENSE", "dashboard/views/service.py",
                     "dashboard/views/templates/base.html", "data/reference/taxonomy.yaml"):
            assert f"{name}/{part}" in members, part
        assert not [m for m in members if "__pycache__" in m or m.endswith((".pyc", "key"))]
        served = archive.extractfile(f"{name}/data/software.py").read()
        licence = archive.extractfile(f"{name}/LICENSE").read()
    assert licence.startswith(b"GNU AFFERO GENERAL PUBLIC LICENSE")
    assert served == Path(software.__file__).read_bytes()  # the very code that runs
    again = client.get("/source", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_a_published_repository_replaces_the_archive(make_site):
    built = make_site(source_url="https://git.example.org/network/incidentmap")
    response = built.server.test_client().get("/source")
    assert response.status_code == 302
    assert response.headers["Location"] == "https://git.example.org/network/incidentmap"


@pytest.mark.parametrize(("path", "lang", "words"), [
    ("/account/login", "en", "Source code"), ("/nowhere?lang=fr", "fr", "Code source"),
    ("/nowhere?lang=de", "de", "Quellcode")])
def test_flask_pages_carry_the_footer_in_their_language(site, path, lang, words):
    html = site.server.test_client().get(path).get_data(as_text=True)
    assert f"incidentmap {software.version()}" in html
    assert f'<a href="/source" rel="license source">{words}</a>' in html


def test_dash_pages_carry_the_footer(site):
    layout = json.dumps(site.server.test_client().get("/_dash-layout").get_json())
    assert f"incidentmap {software.version()}" in layout
    assert '"href": "/source"' in layout
    assert footer_texts("de") == ("Freie Software unter der GNU Affero General Public License",
                                  "Quellcode")


def test_a_store_behind_the_code_answers_503_until_it_is_upgraded(make_site, tmp_path):
    from app import build_app
    from data.settings import Settings
    from data.store.db import upgrade

    built = make_site()
    downgrade(built.engine, "-1")
    settings = Settings.from_env({"INCIDENTMAP_DATABASE_URL": built.store.url,
                                  "INCIDENTMAP_INSTANCE_DIR": str(tmp_path / "instance")})
    assert not settings.uses_embedded_store
    client = build_app(settings).server.test_client()  # starts: no traceback, no refusal
    for path in ("/", "/api/v1/stats?group_by=country", "/account/login"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert "incidentmap db upgrade" in response.get_data(as_text=True)
        assert response.headers["Retry-After"]
    assert client.get("/healthz").status_code == 200
    assert "incidentmap db upgrade" in client.get("/readyz").get_json()["reason"]
    upgrade(built.engine)
    assert client.get("/api/v1/stats?group_by=country").status_code == 200  # no restart
