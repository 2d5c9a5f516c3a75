"""Request log lines, their id, the shared log configuration and the metrics folder."""

from __future__ import annotations

import io
import json
import logging
import os

import pytest

from dashboard.monitoring.metrics import process_key, server_folder
from dashboard.monitoring.routes import request_id
from data import logs
from data.settings import Settings, SettingsError


@pytest.fixture
def root_handlers():
    """Put the root logger back as it was (the tests below configure it)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _lines(records) -> list[str]:
    return [formatter.format(record) for record in records
            for formatter in (logs.TextFormatter(), logs.JsonFormatter())]


def test_each_request_is_one_line_with_its_route_never_its_path_or_query(make_site, caplog):
    client = make_site().server.test_client()
    with caplog.at_level(logging.INFO, logger="incidentmap"):
        answered = client.get("/account/password?token=SECRET-ONE-TIME-TOKEN")
        client.get("/records/12345/files/SECRET-PATH")
    requests = [r for r in caplog.records if r.name == "incidentmap.request"]
    assert len(requests) == 2
    first = requests[0].fields
    assert first == {"request_id": answered.headers["X-Request-Id"], "method": "GET",
                     "route": "/account/password", "status": 200,
                     "duration_ms": first["duration_ms"]}
    assert first["duration_ms"] >= 0
    assert requests[1].fields["route"] == "(unmatched)"
    assert not any("SECRET" in line for line in _lines(caplog.records))


def test_a_sane_incoming_request_id_is_kept_and_any_other_replaced(make_site):
    client = make_site().server.test_client()
    kept = client.get("/healthz", headers={"X-Request-Id": "edge-4f2a.91:x"})
    assert kept.headers["X-Request-Id"] == "edge-4f2a.91:x"
    for bad in ("two words", "x" * 65, "<script>", "token=abc&b"):
        replaced = client.get("/healthz", headers={"X-Request-Id": bad}).headers["X-Request-Id"]
        assert replaced != bad and len(replaced) == 16
    assert request_id(None) != request_id(None)


def test_account_events_are_logged_without_the_address(make_site, caplog):
    client = make_site().server.test_client()
    with caplog.at_level(logging.INFO, logger="incidentmap"):
        client.post("/account/login", data={"email": "person-canary@example.org",
                                             "password": "x"})
    event = next(r for r in caplog.records if r.name == "incidentmap.accounts")
    assert event.fields["event"] == "login, password step"
    assert event.fields["outcome"] == "failed"
    assert not any("canary" in line for line in _lines(caplog.records))


def test_json_lines_are_one_object_each_and_configuring_twice_keeps_one_handler(root_handlers):
    stream = io.StringIO()
    logs.configure("INFO", "json", stream)
    logs.configure("INFO", "json", stream)
    log = logging.getLogger("incidentmap.test")
    log.info("snapshot made", extra={"fields": {"duration_ms": 12.5}})
    log.debug("not written at INFO")
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("it failed")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["message"] == "snapshot made" and first["duration_ms"] == 12.5
    assert first["level"] == "INFO" and first["logger"] == "incidentmap.test"
    assert first["time"].endswith("Z")
    assert "ValueError: boom" in second["exception"]
    logs.configure("WARNING", "text", stream)
    log.warning("text now", extra={"fields": {"route": "/a b", "status": 500}})
    assert stream.getvalue().splitlines()[-1].endswith(
        'WARNING incidentmap.test: text now route="/a b" status=500')
    assert logging.getLogger("werkzeug").level == logging.WARNING  # its lines hold queries


def test_log_settings_accept_their_choices_only():
    settings = Settings.from_env({"INCIDENTMAP_LOG_FORMAT": "JSON",
                                  "INCIDENTMAP_LOG_LEVEL": "debug"})
    assert (settings.log_format, settings.log_level) == ("json", "DEBUG")
    assert (Settings().log_format, Settings().log_level) == ("text", "INFO")
    with pytest.raises(SettingsError, match="INCIDENTMAP_LOG_FORMAT='xml': use one of text, json"):
        Settings.from_env({"INCIDENTMAP_LOG_FORMAT": "xml"})
    assert "metrics_token" not in repr(Settings(metrics_token="hidden-token"))


def test_metric_folders_of_stopped_servers_are_removed_and_running_ones_kept(tmp_path):
    running = tmp_path / process_key(os.getppid())
    running.mkdir()
    stopped = tmp_path / "999999-1"
    stopped.mkdir()
    other = tmp_path / "notes"
    other.mkdir()
    own = server_folder(tmp_path, os.getpid())
    assert own.name == process_key(os.getpid()) and own.is_dir()
    assert running.is_dir() and other.is_dir() and not stopped.exists()


def test_lines_written_during_a_request_name_it_and_a_failure_is_logged_as_500(make_site,
                                                                                caplog):
    server = make_site().server

    def noting():
        logging.getLogger("dashboard.test").warning("something to note")
        return "noted"

    def failing(secret):
        raise RuntimeError("a bug")

    server.add_url_rule("/test-only/note", "test_note", noting)
    server.add_url_rule("/test-only/fail/<secret>", "test_fail", failing)
    client = server.test_client()
    with caplog.at_level(logging.INFO):
        noted = client.get("/test-only/note")
        failed = client.get("/test-only/fail/SECRET-IN-PATH")
    assert failed.status_code == 500
    note = next(r for r in caplog.records if r.getMessage() == "something to note")
    assert json.loads(logs.JsonFormatter().format(note))["request_id"] == \
        noted.headers["X-Request-Id"]
    lines = [r.fields for r in caplog.records if r.name == "incidentmap.request"]
    assert lines[-1]["route"] == "/test-only/fail/<secret>" and lines[-1]["status"] == 500
    assert lines[-1]["request_id"] == failed.headers["X-Request-Id"]
    failure = next(r for r in caplog.records if r.exc_info)
    assert failure.getMessage() == "request to /test-only/fail/<secret> failed"
    assert not any("SECRET" in r.getMessage() for r in caplog.records)
