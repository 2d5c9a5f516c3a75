"""ETags: 304 while the public data stay the same, a new tag once published data change."""

from __future__ import annotations

import pytest

from dashboard.app_factory import create_app
from dashboard.context import AppContext
from data.records.demo import load_demo
from data.reference.taxonomy import load_taxonomy
from data.settings import Settings
from data.store import db
from tests.dashboard.test_api import _add_open_record

PATHS = ("/api/v1/stats?group_by=country", "/api/v1/incidents?country=DE&per_page=5",
         "/api/v1/incidents?format=csv&country=FR", "/api/v1/taxonomy")


@pytest.fixture
def store(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'cache.sqlite'}")
    engine = db.make_engine(settings.database_url)
    db.upgrade(engine)
    load_demo(engine, rows=400, seed=5)
    app = create_app(AppContext(settings, engine, load_taxonomy()))
    return engine, app.server.test_client()


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
