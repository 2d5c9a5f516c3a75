"""Settings from the environment, and clear errors for unusable databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.settings import DEFAULT_BIAS_SCOPE, Settings, SettingsError
from data.store.db import StoreError, make_engine, redact


def test_defaults_use_the_embedded_store(tmp_path):
    settings = Settings.from_env({"INCIDENTMAP_INSTANCE_DIR": str(tmp_path)})
    assert settings.uses_embedded_store
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'incidentmap.sqlite'}"
    assert settings.default_bias_scope == DEFAULT_BIAS_SCOPE
    assert settings.min_cell == 5


def test_values_are_parsed():
    settings = Settings.from_env({
        "INCIDENTMAP_MIN_CELL": "10", "INCIDENTMAP_NUTS_DIR": "/tmp/nuts",
        "INCIDENTMAP_DEFAULT_BIAS_SCOPE": "bm.anti_roma, bm.anti_muslim",
        "INCIDENTMAP_DATABASE_URL": "postgresql+psycopg://u@h/db",
    })
    assert settings.min_cell == 10
    assert settings.nuts_dir == Path("/tmp/nuts")
    assert settings.default_bias_scope == ("bm.anti_roma", "bm.anti_muslim")
    assert not settings.uses_embedded_store


@pytest.mark.parametrize("env, fragment", [
    ({"INCIDENTMAP_MIN_CELL": "2"}, "at least 3"),
    ({"INCIDENTMAP_PORT": "eighty"}, "INCIDENTMAP_PORT"),
])
def test_bad_values_name_the_variable(env, fragment):
    with pytest.raises(SettingsError, match=fragment):
        Settings.from_env(env)


def test_unreachable_database_names_url_without_password():
    url = "postgresql+psycopg://alice:s3cret-pw@127.0.0.1:1/nowhere"
    with pytest.raises(StoreError) as caught:
        make_engine(url)
    message = str(caught.value)
    assert "127.0.0.1:1/nowhere" in message and "alice" in message
    assert "s3cret-pw" not in message
    assert "s3cret-pw" not in redact(url)


def test_malformed_database_url_is_reported():
    with pytest.raises(StoreError, match="not a valid database URL"):
        make_engine("not a url at all")
