"""Freshness across gunicorn workers: a published incident shows in every worker within 2 s.

Each worker keeps its own in-memory snapshot; it is keyed by the data version that every
write bumps in the database, so no worker can keep answering from an old snapshot.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.faults.private_postgres import free_port
from tests.faults.test_faults import CLI, _cli, _env, _get, _wait_for

GUNICORN = Path(sys.executable).parent / "gunicorn"
REPO = Path(__file__).resolve().parents[2]
WORKERS = 3
STATS = "/api/v1/stats?group_by=country&country=MT&bias="


@contextlib.contextmanager
def _gunicorn(env: dict, folder: Path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(folder / "gunicorn.log", "wb") as log:
        proc = subprocess.Popen(
            [str(GUNICORN), "--workers", str(WORKERS), "--worker-class", "gthread",
             "--threads", "4", "--timeout", "300", "--bind", f"127.0.0.1:{port}",
             "app:server"],  # the settings of docs/operations.md
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        _wait_for(lambda: _get(base + STATS)[0] == 200 or proc.poll() is not None, 120,
                  "gunicorn to answer")
        assert proc.poll() is None, (folder / "gunicorn.log").read_text()[-3000:]
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _malta_total(base: str, log: Path) -> int:
    status, _headers, body = _get(base + STATS)
    assert status == 200, f"{body}\n--- gunicorn log ---\n{log.read_text()[-3000:]}"
    return json.loads(body)["total"]


def test_published_incident_is_visible_from_every_worker_within_2_s(tmp_path):
    if not GUNICORN.exists():
        pytest.fail(f"{GUNICORN} is missing: gunicorn is a dependency of the package")
    env = _env(f"sqlite:///{tmp_path / 'store.sqlite'}", tmp_path)
    assert _cli(env, "db", "upgrade").returncode == 0
    assert _cli(env, "demo", "--rows", "3000").returncode == 0
    new = tmp_path / "new.csv"
    new.write_text("date,country,type,bias,description\n"
                   "2024-05-06,MT,arson,xenophobia,a newly published incident\n",
                   encoding="utf-8")
    log = tmp_path / "gunicorn.log"
    with _gunicorn(env, tmp_path) as base:
        before = {_malta_total(base, log) for _ in range(WORKERS * 10)}  # warms every worker
        assert len(before) == 1
        done = subprocess.run([str(CLI), "ingest", "csv", str(new), "--policy", "open"],
                              env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        expected = before.pop() + 1
        # every one of many consecutive answers (spread over all workers) is fresh
        _wait_for(lambda: all(_malta_total(base, log) == expected for _ in range(WORKERS * 10)),
                  2.0, "every worker to show the new incident")
