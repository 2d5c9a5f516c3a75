"""Production start: ``incidentmap serve --production`` runs gunicorn with the configured
workers, answers /healthz and stops cleanly on SIGTERM; no start-up command is thrown off by
modules in the working folder that share a name with the app's packages."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.processes import stop

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]
#: Modules a working folder may well hold, named like the app's module and packages.
DECOYS = ("app", "data", "dashboard", "geo", "ingest")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def cluttered(tmp_path) -> Path:
    """A working folder whose ``data.py``, ``app.py``... stop any process that imports them."""
    folder = tmp_path / "cwd"
    folder.mkdir()
    for name in DECOYS:
        (folder / f"{name}.py").write_text(
            f"raise SystemExit('the working folder\\'s {name}.py was imported')\n")
    return folder


def _env(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("INCIDENTMAP_", "GUNICORN_")) and k != "PYTHONPATH"}
    env.update({"INCIDENTMAP_INSTANCE_DIR": str(tmp_path / "instance"),
                "INCIDENTMAP_DEMO_ROWS": "40"})
    env.update({f"INCIDENTMAP_{k.upper()}": v for k, v in settings.items()})
    return env


def _healthy(port: int, proc: subprocess.Popen, log: Path, wait: float = 180) -> dict:
    deadline = time.monotonic() + wait
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                return json.load(r)
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"exited with {proc.returncode}: {log.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"no answer within {wait} s: {log.read_text()[-3000:]}")
            time.sleep(0.5)


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(p) for p in text.split()]


def _start(command: list[str], cwd: Path, env: dict, log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=cwd, env=env, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def test_serve_production_runs_gunicorn_workers_and_stops_on_sigterm(tmp_path, cluttered):
    port = _free_port()
    log = tmp_path / "serve.log"
    proc = _start([str(BIN / "incidentmap"), "serve", "--production"], cluttered,
                  _env(tmp_path, port=str(port), workers="2", threads="2"), log)
    try:
        assert _healthy(port, proc, log) == {"status": "ok"}
        deadline = time.monotonic() + 60
        while len(_children(proc.pid)) != 2:  # the master forks the workers one by one
            assert time.monotonic() < deadline, _children(proc.pid)
            time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            stop(proc)
    text = log.read_text()
    assert f"http://127.0.0.1:{port}/ with gunicorn: 2 workers of 2 threads" in text
    assert "Using worker: gthread" in text and text.count("Booting worker with pid") == 2
    assert "Shutting down: Master" in text
    assert "Traceback" not in text and "was imported" not in text
    assert (tmp_path / "instance" / "incidentmap.sqlite").exists()  # made before the workers


def test_the_documented_gunicorn_command_ignores_the_working_folder(tmp_path, cluttered):
    # The first `gunicorn` line of docs/operations.md, with one worker on a free port; app.py
    # in the working folder would stand in for the app (gunicorn imports `app` from there),
    # so that one decoy is left out: the docs say to start it from the instance folder.
    line = next(x.strip() for x in (ROOT / "docs" / "operations.md").read_text().splitlines()
                if x.strip().startswith("gunicorn "))
    args = shlex.split(line)
    port = _free_port()
    args[args.index("--bind") + 1] = f"127.0.0.1:{port}"
    args[args.index("--workers") + 1] = "1"
    (cluttered / "app.py").unlink()
    log = tmp_path / "gunicorn.log"
    env = _env(tmp_path)
    # the editable install maps the packages to the source tree; the installed wheel's case is
    # tests/packaging/test_wheel.py
    proc = _start([str(BIN / "gunicorn"), *args[1:]], cluttered, env, log)
    try:
        assert _healthy(port, proc, log) == {"status": "ok"}
    finally:
        stop(proc, timeout=30)
    assert "was imported" not in log.read_text()


def test_the_development_server_ignores_the_working_folder(tmp_path, cluttered):
    port = _free_port()
    log = tmp_path / "serve.log"
    proc = _start([str(BIN / "incidentmap"), "serve", "--port", str(port)], cluttered,
                  _env(tmp_path), log)
    try:
        assert _healthy(port, proc, log) == {"status": "ok"}
    finally:
        stop(proc, timeout=30)
    assert "was imported" not in log.read_text()


def test_workers_without_production_is_a_mistake(tmp_path):
    done = subprocess.run([str(BIN / "incidentmap"), "serve", "--workers", "2"],
                          capture_output=True, text=True, env=_env(tmp_path), timeout=120)
    assert done.returncode == 2 and "--workers needs --production" in done.stderr
