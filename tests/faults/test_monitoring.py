"""Logs and metrics under real gunicorn with two workers: /metrics sums them, and gunicorn's
output holds the start-up line and one line per request, never a one-time link's token."""

from __future__ import annotations

import json
import re
import subprocess
import urllib.request
from pathlib import Path

import pytest

from tests.faults.private_postgres import free_port
from tests.faults.test_faults import _cli, _env, _get, _wait_for
from tests.faults.test_workers import GUNICORN, REPO
from tests.processes import stop

WORKERS = 2
STALE = "999999-1"  # the metrics folder of a server that no longer runs
HEALTHZ = re.compile(r'^incidentmap_http_requests_total\{method="GET",route="/healthz",'
                     r'status="200"\} ([0-9.e+]+)$', re.M)


def _workers_with_counters(folder: Path) -> set[str]:
    return {path.stem.rsplit("_", 1)[1] for path in folder.glob("*/counter_*.db")
            if path.parent.name != STALE}


def _started(log: Path) -> int:
    return log.read_text(errors="replace").count(' starting", ')


def test_metrics_sum_two_workers_and_the_log_holds_requests_not_tokens(tmp_path):
    if not GUNICORN.exists():
        pytest.fail(f"{GUNICORN} is missing: gunicorn is a dependency of the package")
    env = _env(f"sqlite:///{tmp_path / 'store.sqlite'}", tmp_path)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # the app's own folder under the instance
    env.update(INCIDENTMAP_LOG_FORMAT="json")
    assert _cli(env, "db", "upgrade").returncode == 0
    added = _cli(env, "users", "add", "admin@example.org", "--role", "admin")
    assert added.returncode == 0, added.stderr
    link = re.search(r"(/account/password\?token=(\S+))", added.stdout)
    path, token = link.group(1), link.group(2)
    stale = tmp_path / "metrics" / STALE
    stale.mkdir(parents=True)
    (stale / "counter_12.db").write_bytes(b"")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(GUNICORN), "--workers", str(WORKERS), "--worker-class", "gthread",
             "--threads", "2", "--timeout", "300", "--bind", f"127.0.0.1:{port}", "app:server"],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        # every worker built its app before the first request: none is lost to a timeout
        _wait_for(lambda: _started(log) == WORKERS or proc.poll() is not None, 180,
                  "both workers to start")
        assert proc.poll() is None, log.read_text()[-3000:]
        made = 0
        metrics = tmp_path / "metrics"
        while len(_workers_with_counters(metrics)) < WORKERS:  # new connections spread out
            assert made < 2000, "one worker answered every request"
            assert _get(base + "/healthz")[0] == 200
            made += 1
        assert _get(base + path)[0] == 200  # the one-time link
        asked = urllib.request.Request(base + "/healthz", headers={"X-Request-Id": "probe-7"})
        with urllib.request.urlopen(asked, timeout=10) as response:
            assert response.headers["X-Request-Id"] == "probe-7"
        made += 1
        status, headers, body = _get(base + "/metrics")
        assert status == 200, body
        assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
        assert float(HEALTHZ.search(body).group(1)) == made  # summed over both workers
        assert 'route="/account/password"' in body and token not in body
        assert not stale.exists()  # cleaned at start
    finally:
        stop(proc, timeout=30)
    text = log.read_text()
    assert token not in text
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    started = [line for line in lines if line["message"].startswith("incidentmap ")
               and line["message"].endswith(" starting")]
    assert {line["pid"] for line in started} == {int(p) for p in
                                                  _workers_with_counters(metrics)}
    assert all(line["backend"] == "sqlite" and line["metrics"] == "summed over workers"
               for line in started)
    requests = [line for line in lines if line["message"] == "request"]
    assert sum(line["route"] == "/healthz" for line in requests) == made
    assert {"request_id", "method", "route", "status", "duration_ms"} <= set(requests[0])
    link_line = next(line for line in requests if line["route"] == "/account/password")
    assert link_line["status"] == 200 and link_line["method"] == "GET"
    assert any(line["request_id"] == "probe-7" for line in requests)
