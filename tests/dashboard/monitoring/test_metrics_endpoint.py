"""/metrics: who may read it, and that its labels name routes, never paths or people."""

from __future__ import annotations

import re
import time

import pytest

from dashboard.monitoring.endpoint import holds_token
from ingest.pipeline import run_ingest

TOKEN = "metrics-token-for-tests"
OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}


@pytest.fixture
def site(make_site):
    return make_site(demo_rows=50, metrics_token=TOKEN)


def _ready(client) -> None:
    deadline = time.monotonic() + 60
    while client.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "the snapshot was not built"
        time.sleep(0.2)


def _value(body: str, sample: str) -> float | None:
    found = re.search(rf"^{re.escape(sample)} ([0-9.e+-]+)$", body, re.M)
    return float(found.group(1)) if found else None


def test_only_this_machine_or_the_token_holder_reads_the_metrics(site):
    client = site.server.test_client()
    local = client.get("/metrics")
    assert local.status_code == 200
    assert local.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert local.headers["Cache-Control"] == "no-store"
    outside = client.get("/metrics", environ_base=OUTSIDE)
    assert outside.status_code == 404 and "Page not found" in outside.get_data(as_text=True)
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get("/metrics", environ_base=OUTSIDE, headers=bearer).status_code == 200
    for wrong in (f"Bearer {TOKEN}x", f"Basic {TOKEN}", "Bearer ", TOKEN):
        refused = client.get("/metrics", environ_base=OUTSIDE, headers={"Authorization": wrong})
        assert refused.status_code == 404, wrong
    # a proxy on this machine that is not trusted (INCIDENTMAP_PROXIES=0) forwards outsiders
    forwarded = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert forwarded.status_code == 404


def test_behind_a_trusted_proxy_the_real_client_decides(make_site):
    client = make_site(proxies=1).server.test_client()
    via_proxy = {"REMOTE_ADDR": "127.0.0.1"}
    outsider = client.get("/metrics", environ_base=via_proxy,
                          headers={"X-Forwarded-For": "203.0.113.9"})
    assert outsider.status_code == 404
    local = client.get("/metrics", environ_base=via_proxy, headers={"X-Forwarded-For": "::1"})
    assert local.status_code == 200


def test_without_a_token_setting_no_bearer_opens_the_metrics():
    class Request:
        headers = {"Authorization": "Bearer "}

    assert not holds_token(Request(), "")


def test_labels_name_route_templates_and_the_store_is_read_at_scrape(site, tmp_path):
    client = site.server.test_client()
    _ready(client)
    for path in ("/incidents/SECRETID?token=SECRETQUERY", "/no/such/SECRETPATH",
                 "/account/password?token=SECRETTOKEN", "/api/v1/stats?group_by=country",
                 "/about"):
        client.get(path)
    new = tmp_path / "new.csv"
    new.write_text("date,country,type,bias,description\n"
                   "2024-05-06,MT,arson,xenophobia,an ingested incident\n", encoding="utf-8")
    run_ingest(site.engine, "csv", str(new), policy="open")
    body = client.get("/metrics").get_data(as_text=True)
    assert "SECRET" not in body
    for route in ("/incidents/<public_id>", "(unmatched)", "/account/password",
                  "/api/v1/stats", "/about", "/readyz"):
        assert f'route="{route}"' in body, route
    assert _value(body, 'incidentmap_http_requests_total{method="GET",route="/about",'
                        'status="200"}') == 1
    assert _value(body, 'incidentmap_http_request_duration_seconds_count{route="/about"}') == 1
    assert _value(body, 'incidentmap_ingest_runs{status="done"}') == 1
    assert _value(body, 'incidentmap_ingest_last_finished_timestamp_seconds{status="done"}') \
        == pytest.approx(time.time(), abs=120)
    assert _value(body, "incidentmap_store_up") == 1
    assert _value(body, "incidentmap_snapshot_build_duration_seconds_count") >= 1
    assert 0 <= _value(body, "incidentmap_snapshot_age_seconds") < 120
    assert _value(body, 'incidentmap_snapshot_built_timestamp_seconds{snapshot="public"}') \
        == pytest.approx(time.time(), abs=120)
    assert re.search(r'^incidentmap_build_info\{version="[^"]+"\} 1\.0$', body, re.M)


def test_failed_logins_are_counted_without_the_address(site):
    client = site.server.test_client()
    page = client.get("/account/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    for _ in range(2):
        refused = client.post("/account/login", data={
            "email": "nobody-canary@example.org", "password": "wrong", "csrf_token": csrf})
        assert refused.status_code == 401
    body = client.get("/metrics").get_data(as_text=True)
    assert _value(body, 'incidentmap_logins_total{outcome="failed",step="password"}') == 2
    assert "canary" not in body
