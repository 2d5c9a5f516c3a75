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


def test_a_token_has_its_own_budget_apart_from_its_address(tmp_path):
    from tests import factories
    from tests.dashboard.api.test_bearer_tokens import _bearer, _new_token

    with factories.site(tmp_path, demo_rows=20, api_rate_limit=2, api_token_rate_limit=3,
                        accounts=(("res@example.org", "researcher", None),)) as site:
        token = _new_token(site)
        client = site.server.test_client()
        assert [client.get("/api/v1/taxonomy").status_code for _ in range(3)] == [200, 200, 429]
        with_token = [client.get("/api/v1/taxonomy", headers=_bearer(token)) for _ in range(4)]
        assert [a.status_code for a in with_token] == [200, 200, 200, 429]
        assert with_token[0].headers["RateLimit-Limit"] == "3"
