"""Crawl every public route over a store seeded with canaries; no canary may ever show.

Every rule of the Flask url_map must be in one of the lists below, so a new route without
coverage fails :func:`test_every_route_is_classified`.
"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select, update

from data.people.access_log import log_access
from data.people.accounts import add_organisation, get_user
from data.people.vault import add_file, add_person
from data.records.reports import new_key, save_draft
from data.snapshot.model import GROUPS
from data.store.schema import incidents, sources
from tests import factories
from tests.data.export.export_store import CANARIES, CANARY_RECORDS, read_download, text_of
from tests.factories import add_record
from tests.protection.protection_store import CANARIES as VAULT_CANARIES
from tests.protection.protection_store import FILE_CANARY
from tests.security.web import log_in_as

#: Restricted values beyond the download tests' (organisation, reports, access log, users).
MORE = ("CANARY-ORG-NAME", "secret-org-members", "CANARY-REPORT-FORM", "CANARY-ACCESS",
        "draftrec1")
ALL_CANARIES = CANARIES + MORE + tuple(VAULT_CANARIES.values()) + (FILE_CANARY.decode(),
                                                                    "canary-file-name")
FORMATS = ("csv", "xlsx", "geojson", "gpkg", "parquet", "datapackage")
#: Routes crawled anonymously here (bodies and headers checked).
CRAWLED = {"/", "/<path:path>", "/incidents/<public_id>", "/_dash-layout",
           "/_dash-dependencies", "/_dash-update-component", "/api/v1/incidents",
           "/api/v1/releases", "/api/v1/releases/<name>", "/api/v1/stats",
           "/api/v1/<path:unknown>", "/api/v1/openapi.json", "/api/v1/taxonomy",
           "/account/login", "/account/password", "/account", "/account/two-factor",
           "/account/forgot", "/data-protection", "/api/v1/", "/healthz", "/readyz",
           "/metrics"}
#: Routes that need a login: anonymous callers get 401/403 or a redirect to the login.
NEEDS_LOGIN = {"/account/odihr.csv", "/admin", "/admin/access-log.csv", "/moderate",
               "/moderate/record/<int:incident_id>", "/my-records",
               "/my-records/<int:incident_id>", "/records/<int:incident_id>/personal",
               "/records/<int:incident_id>/files/<int:file_id>", "/moderate/subject-access"}
#: Write-only routes (POST): tests/security/test_writes.py.
WRITES = {"/account/logout", "/account/change-password", "/account/recovery-codes",
          "/admin/organisations", "/admin/users", "/admin/users/link", "/admin/users/active",
          "/admin/users/reset-second-factor", "/moderate/action",
          "/moderate/record/<int:incident_id>/duplicate", "/records/<int:incident_id>/consent",
          "/records/<int:incident_id>/people", "/records/<int:incident_id>/files",
          "/records/<int:incident_id>/people/<int:person_id>/erase",
          "/records/<int:incident_id>/anonymise", "/account/api-tokens",
          "/account/api-tokens/<int:token_id>/revoke"}
#: Files that hold no records (code, styles, reference geometry; /source: the program's code,
#: tests/dashboard/views/test_service.py).
STATIC = {"/source", "/static/<path:filename>", "/assets/<path:filename>", "/_favicon.ico",
          "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>",
          "/_reload-hash", "/geo/<name>",
          "/_dash-component-suites/plotly/package_data/plotly.min.js"}


def _organisation_records(engine) -> None:
    org = add_organisation(engine, "secret-org-members", "CANARY-ORG-NAME", "DE")
    add_record(engine, slug="secret-org-members", policy="member", status="published",
               public_id="orgrec1", place="CANARY-PLACE-2", day=__import__("datetime").date(
                   2020, 5, 17), summary="Reviewed summary two")
    with engine.begin() as conn:
        conn.execute(update(sources).where(sources.c.slug == "secret-org-members")
                     .values(kind="organisation", name="CANARY-ORG-NAME"))
        conn.execute(update(incidents).where(incidents.c.public_id.in_(
            ["orgrec1", "memberrec1"])).values(organisation_id=org))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with factories.site(tmp_path_factory.mktemp("crawl"), demo_rows=60, records=CANARY_RECORDS,
                        fill=_organisation_records) as built:
        yield _personal_data(built.engine, built.server)


def _personal_data(engine, server):
    """A reporter's draft, people and files in the vault, a logged read: all canaries."""
    client = server.test_client()
    log_in_as(client, engine, "secret-org-members-rep@example.org", "reporter",
              "secret-org-members")
    reporter = get_user(engine, email="secret-org-members-rep@example.org")
    save_draft(engine, reporter, new_key(), {"narrative": "CANARY-REPORT-FORM"})
    vault = server.extensions["incidentmap"].vault()
    for public_id in ("orgrec1", "memberrec1"):
        with engine.connect() as conn:
            rid = conn.execute(select(incidents.c.id).where(
                incidents.c.public_id == public_id)).scalar()
        person = add_person(engine, vault, reporter, rid, "victim", VAULT_CANARIES)
        add_file(engine, vault, reporter, rid, "canary-file-name.txt", "text/plain",
                 FILE_CANARY, person)
    log_access(engine, user_id=reporter.id, role="researcher", kind="csv",
               query="CANARY-ACCESS-QUERY", records=1, data_release="x")
    return engine, server


def _clean(response, where: str) -> str:
    body = response.get_data()
    text = body.decode("utf-8", "replace") + repr(list(response.headers))
    for canary in ALL_CANARIES:
        assert canary not in text, f"{canary!r} leaked by {where}"
    return text


def test_every_route_is_classified(site):
    _engine, server = site
    rules = {rule.rule for rule in server.url_map.iter_rules()}
    assert rules - (CRAWLED | NEEDS_LOGIN | WRITES | STATIC) == set(), \
        "new routes: add them to the crawler (or to NEEDS_LOGIN/WRITES with a test)"


def _components(node, found: dict) -> None:
    if isinstance(node, list):
        for item in node:
            _components(item, found)
    elif isinstance(node, dict) and "props" in node:
        props = node["props"]
        if isinstance(props.get("id"), str):
            found[props["id"]] = props
        _components(props.get("children"), found)


def _split(output: str) -> list[tuple[str, str]]:
    parts = output.strip(".").split("...") if output.startswith("..") else [output]
    return [tuple(p.rsplit(".", 1)) for p in parts]


def _fire(client, dep, components, where):
    """Send one callback as the renderer would on load; check the answer for canaries."""
    outs = [{"id": i, "property": p} for i, p in _split(dep["output"])]

    def values(items):
        return [{"id": d["id"], "property": d["property"],
                 "value": components.get(d["id"], {}).get(d["property"])} for d in items]
    body = {"output": dep["output"], "outputs": outs if len(outs) > 1 else outs[0],
            "inputs": values(dep["inputs"]), "state": values(dep["state"]),
            "changedPropIds": []}
    response = client.post("/_dash-update-component", json=body,
                           headers={"Origin": "http://localhost"})
    _clean(response, f"callback {dep['output'][:60]} on {where}")
    return response


def test_pages_and_their_initial_callbacks_leak_nothing(site):
    _engine, server = site
    client = server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    _clean(client.get("/_dash-dependencies"), "/_dash-dependencies")
    shell = {}
    _components(client.get("/_dash-layout").get_json(), shell)
    fired = 0
    for path in ("/", "/incidents", "/about", "/incidents/memberrec1", "/incidents/openrec1",
                 "/incidents/orgrec1", "/report", "/nowhere"):
        page = client.get(path)
        assert page.status_code in ((404,) if path == "/nowhere" else (200, 303)), path
        _clean(page, path)
        components = {k: dict(v) for k, v in shell.items()}
        for props in components.values():
            if "pathname" in props or props.get("id") in ("shell-url", "url"):
                props.update(pathname=path, search="", href="http://localhost" + path)
        layout = _fire(client, deps[0], {**components}, path)
        assert layout.status_code == 200, path
        _components(layout.get_json()["response"], components)
        for props in components.values():
            if props.get("id") == "url":
                props.update(pathname=path, search="", href="http://localhost" + path)
        for dep in deps[1:]:
            if dep.get("clientside_function") or "ALL" in dep["output"]:
                continue
            wanted = dep["output"].startswith("incident-grid.") and "incident-grid-spec" \
                in components
            if (dep.get("prevent_initial_call") and not wanted) or not all(
                    i["id"] in components for i in dep["inputs"]):
                continue
            if wanted:
                components.setdefault("incident-grid", {})["getRowsRequest"] = {
                    "startRow": 0, "endRow": 500, "sortModel": [], "filterModel": {}}
            fired += _fire(client, dep, components, path).status_code == 200
    assert fired >= 8  # the map, charts, tables, nav and the incidents grid ran


def test_api_and_downloads_leak_nothing(site, tmp_path):
    _engine, server = site
    client = server.test_client()
    urls = ["/api/v1/taxonomy", "/api/v1/releases", "/api/v1/releases/none",
            "/api/v1/openapi.json", "/api/v1/nothing-here", "/api/v1/", "/healthz",
            "/readyz"]
    urls += [f"/api/v1/stats?group_by={g}" for g in GROUPS]
    for fmt in ("json", "geojson"):
        page, pages = 1, 1
        while page <= pages:
            url = f"/api/v1/incidents?format={fmt}&per_page=25&page={page}"
            body = json.loads(_clean(client.get(url), url).rsplit("[(", 1)[0])
            pages, page = body["pages"], page + 1
        assert pages >= 3
    for url in urls:
        _clean(client.get(url), url)
    for fmt in FORMATS:
        url = f"/api/v1/incidents?format={fmt}"
        response = client.get(url)
        assert response.status_code == 200, url
        _clean(response, url)
        _cols, rows, meta = read_download(fmt, response.get_data(), tmp_path)
        text = text_of(rows, meta)
        assert "memberrec1" in text or fmt in ("gpkg",) or "orgrec1" in text
        for canary in ALL_CANARIES:
            assert canary not in text, f"{canary!r} inside the {fmt} download"
    metrics = client.get("/metrics")  # its labels after every request above
    assert metrics.status_code == 200
    _clean(metrics, "/metrics")


def test_login_only_routes_refuse_anonymous_callers(site):
    _engine, server = site
    client = server.test_client()
    for rule in sorted(NEEDS_LOGIN):
        url = re.sub(r"<int:[^>]+>", "1", rule)
        response = client.get(url)
        assert response.status_code in (303, 401, 403), url
        _clean(response, url)


def _no_vault_value(response, where: str, typed: str = "") -> None:
    """Staff may see a record's day or place; never a vault value they have no right to.

    ``typed`` is a value the caller typed into the page's form: it comes back in the form.
    """
    text = response.get_data().decode("utf-8", "replace") + repr(list(response.headers))
    for canary in (*VAULT_CANARIES.values(), FILE_CANARY.decode(), "canary-file-name"):
        if canary == typed:
            continue
        assert canary not in text, f"{canary!r} leaked by {where}"


def test_staff_pages_show_the_vault_only_where_role_and_consent_allow(site):
    engine, server = site
    with engine.begin() as conn:
        # both records of the organisation hold the vault canaries; neither is shared
        conn.execute(update(incidents).where(incidents.c.public_id.in_(
            ["orgrec1", "memberrec1"])).values(consent_share_network=False,
                                                consent_record=True))
        rid = conn.execute(select(incidents.c.id).where(
            incidents.c.public_id == "orgrec1")).scalar()
    add_organisation(engine, "another-org", "Another", "FR")
    pages = (f"/records/{rid}/personal", f"/records/{rid}/files/1", f"/moderate/record/{rid}",
             f"/my-records/{rid}", "/moderate/subject-access", "/moderate")
    for email, role, org in (("crawl-mod@example.org", "moderator", None),
                             ("crawl-admin@example.org", "admin", None),
                             ("crawl-res@example.org", "researcher", None),
                             ("crawl-other@example.org", "reporter", "another-org")):
        client = server.test_client()
        token = log_in_as(client, engine, email, role, org)
        for path in pages:
            _no_vault_value(client.get(path), f"{path} as {role}")
        found = client.post("/moderate/subject-access", headers={"Origin": "http://localhost"},
                            data={"csrf_token": token, "email": VAULT_CANARIES["email"],
                                  "action": "export"})
        _no_vault_value(found, f"subject access as {role}", typed=VAULT_CANARIES["email"])
    owner = server.test_client()
    log_in_as(owner, engine, "secret-org-members-rep@example.org")
    assert VAULT_CANARIES["email"] in owner.get(f"/records/{rid}/personal").get_data(
        as_text=True)  # the organisation itself does read it
