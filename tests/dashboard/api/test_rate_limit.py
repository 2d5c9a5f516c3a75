"""The API's rate limit over HTTP: headers, 429 with Retry-After, per client, off at 0."""

from __future__ import annotations


def test_a_client_past_the_limit_gets_429_and_others_do_not(make_site):
    client = make_site(demo_rows=50, api_rate_limit=3).server.test_client()
    first = client.get("/api/v1/taxonomy")
    assert first.status_code == 200
    assert (first.headers["RateLimit-Limit"], first.headers["RateLimit-Remaining"]) == ("3", "2")
    assert [client.get("/api/v1/stats?group_by=country").status_code for _ in range(3)] == \
        [200, 200, 429]
    refused = client.get("/api/v1/incidents")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "requests a minute" in refused.get_json()["error"]["message"]
    other = client.get("/api/v1/taxonomy", environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert other.status_code == 200
    assert client.get("/").status_code == 200  # the pages are not the API


def test_no_limit_when_set_to_zero(make_site):
    client = make_site(api_rate_limit=0).server.test_client()
    answers = [client.get("/api/v1/taxonomy") for _ in range(20)]
    assert {a.status_code for a in answers} == {200}
    assert "RateLimit-Limit" not in answers[0].headers
