"""API test stores: an in-process demo app, and a real ``incidentmap serve`` on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import factories
from tests.e2e.conftest import REPO, _answers, _free_port, _server_env
from tests.processes import stop

DEMO_ROWS = "400"
RELEASE = "2026-test"
START_TIMEOUT = 90.0
READY_PATH = "/api/v1/openapi.json"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """A Flask test client of the app over a small demo store."""
    with factories.site(tmp_path_factory.mktemp("api-client"), demo_rows=200, seed=4) as site:
        yield site.client()


def _cli(script: Path, env: dict[str, str], *args: str) -> None:
    done = subprocess.run([str(script), *args], cwd=REPO, env=env, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=300)
    if done.returncode:
        pytest.fail(f"incidentmap {' '.join(args)} failed ({done.returncode}):\n"
                    f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}", pytrace=False)


@pytest.fixture(scope="session")
def api_server(tmp_path_factory) -> str:
    """Seed a store (demo rows, release ``RELEASE``), serve it; yield the base URL."""
    script = Path(sys.executable).parent / "incidentmap"
    if not script.exists():
        pytest.fail(f"console script {script} not found: run `pip install -e .[test]`")
    root = tmp_path_factory.mktemp("api-server")
    instance = root / "instance"
    instance.mkdir()
    env = _server_env(instance, {"INCIDENTMAP_DEMO_ROWS": DEMO_ROWS})
    _cli(script, env, "demo", "--rows", DEMO_ROWS, "--seed", "11")
    _cli(script, env, "release", RELEASE)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = root / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(script), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(base + READY_PATH):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"incidentmap serve did not answer {READY_PATH} (status "
                            f"{proc.poll()}):\n{log.read_text(errors='replace')[-6000:]}",
                            pytrace=False)
            time.sleep(0.25)
        yield base
    finally:
        stop(proc)
