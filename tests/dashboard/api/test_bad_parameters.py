"""Odd parameter values the fuzzing does not reach are a 400 naming the parameter, not a 500."""

from __future__ import annotations

import pytest

HUGE = "1" * 5000  # past Python's 4300-digit limit of int()


@pytest.mark.parametrize("query, parameter", [
    (f"page={HUGE}", "page"),
    (f"per_page={HUGE}", "per_page"),
    (f"per_page=0000{HUGE}", "per_page"),
    ("per_page=%EF%BC%91", "per_page"),  # a fullwidth digit one
    (f"date_from={HUGE}-01", "date_from"),
    ("date_to=0000-00", "date_to"),
    ("per_page=all", "per_page"),  # only GeoJSON streams everything
])
def test_odd_values_are_a_400_naming_the_parameter(client, query, parameter):
    response = client.get(f"/api/v1/incidents?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["problems"][0]["parameter"] == parameter


def test_leading_zeros_still_count(client):
    body = client.get("/api/v1/incidents?per_page=0000000000003&page=0002").get_json()
    assert body["per_page"] == 3 and body["page"] == 2 and len(body["data"]) == 3
