"""ETags: 304 while the public data stay the same, a new tag once published data change."""

from __future__ import annotations

import pytest

from tests.dashboard.api.test_api import _add_open_record

PATHS = ("/api/v1/stats?group_by=country", "/api/v1/incidents?country=DE&per_page=5",
         "/api/v1/incidents?format=csv&country=FR", "/api/v1/taxonomy")


@pytest.fixture
def store(make_site):
    site = make_site(demo_rows=400, seed=5)
    return site.engine, site.client()


@pytest.mark.parametrize("path", PATHS)
def test_revalidation_gives_304_until_published_data_change(store, path):
    engine, client = store
    first = client.get(path)
    assert first.status_code == 200 and first.get_data()
    tag = first.headers["ETag"]
    assert tag.startswith('W/"') and first.headers["Cache-Control"] == "no-cache"
    again = client.get(path, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == tag
    _add_open_record(engine, "A newly published incident.")
    changed = client.get(path, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.get_data()
    assert changed.headers["ETag"] != tag


def test_tags_differ_between_queries_and_errors_are_not_tagged(store):
    _engine, client = store
    one = client.get("/api/v1/stats?group_by=country").headers["ETag"]
    other = client.get("/api/v1/stats?group_by=bias").headers["ETag"]
    assert one != other
    bad = client.get("/api/v1/stats?group_by=planet")
    assert bad.status_code == 400 and "ETag" not in bad.headers
