"""XSS payloads in stored text render inert; SQL-injection strings are refused or harmless."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from data.store.schema import incidents, organisations, users
from tests import factories
from tests.security.web import log_in_as

XSS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')
SQL = ("' OR 1=1 --", "1; DROP TABLE incidents", "%' --")
FILTERS = ("date_from", "date_to", "country", "region", "bias", "indicator", "type", "source",
           "group_by", "format", "page", "per_page")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    payload = " ".join(XSS)
    with factories.site(tmp_path_factory.mktemp("inject"), records=(
            {"slug": "xss-open", "policy": "open", "status": "published", "public_id": "xss1",
             "summary": payload, "place": payload, "licence": payload,
             "attribution": payload},),
            organisations=(("xss-org", payload, "DE"),)) as site:
        yield site.engine, site.server


def _counts(engine):
    with engine.connect() as conn:
        return [conn.execute(select(func.count()).select_from(t)).scalar()
                for t in (incidents, organisations, users)]


def _inert(text: str, where: str) -> None:
    for raw in XSS:
        assert raw not in text, f"raw payload {raw!r} in {where}"


def test_xss_payloads_render_escaped(site, tmp_path):
    engine, server = site
    admin = server.test_client()
    log_in_as(admin, engine, "admin@example.org", "admin")
    page = admin.get("/admin").get_data(as_text=True)
    _inert(page, "/admin")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown, but as text
    client = server.test_client()
    for url in ("/", "/incidents", "/about", "/incidents/xss1", "/account/login",
                "/api/v1/incidents?format=csv"):
        response = client.get(url)
        if response.mimetype == "text/html":
            _inert(response.get_data(as_text=True), url)
    import io
    import zipfile

    package = client.get("/api/v1/incidents?format=datapackage").get_data()
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        readme = archive.read("README.md").decode("utf-8")
    assert "<script>" not in readme and "onerror=alert" not in readme.replace(
        "\\", "").replace("&", "") or "`" in readme


@pytest.mark.parametrize("value", SQL)
def test_sql_injection_in_filters_and_forms_is_harmless(site, value):
    engine, server = site
    before = _counts(engine)
    client = server.test_client()
    for name in FILTERS:
        for path in ("/api/v1/incidents", "/api/v1/stats?group_by=country&"):
            sep = "&" if "?" in path and not path.endswith("&") else ("" if path.endswith(
                "&") else "?")
            response = client.get(f"{path}{sep}{name}={value}")
            assert response.status_code in (200, 400), (path, name)
    token = log_in_as(client, engine, "admin2@example.org", "admin")
    client.post("/admin/organisations", data={"slug": value, "name": value, "country": "DE",
                                              "csrf_token": token})
    client.post("/admin/users", data={"email": value, "role": value, "csrf_token": token})
    client.post("/account/login", data={"email": value, "password": value,
                                        "csrf_token": token})
    after = _counts(engine)
    assert after[0] == before[0] and after[1] == before[1]
    assert after[2] == before[2] + (0 if value != SQL[0] else 1) or after[2] >= before[2]
