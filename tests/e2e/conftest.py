"""Browser-test harness: the real server in a subprocess and Debian's headless Chromium.

Every test in this folder is marked ``e2e``. The page fixture lets requests to 127.0.0.1
through, aborts and records everything else, records console errors, and fails the test at
teardown if the page tried to leave the machine or logged an error.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.processes import stop

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_ROWS = "3000"
START_TIMEOUT = 90.0
READY_PATH = "/api/v1/stats?group_by=country"
#: Base URL of each server started by :func:`_serve` -> its (stdout, stderr) log files.
SERVER_LOGS: dict[str, tuple[Path, Path]] = {}
LOCAL_HOSTS = {"127.0.0.1"}
# Software WebGL reports performance hints ("GL Driver Message ... GPU stall") on the console.
IGNORED_CONSOLE = ("GL Driver",)


def pytest_collection_modifyitems(config, items):
    """Mark the tests collected from this folder (and only those) as ``e2e``."""
    for item in items:
        if item.path.parent == HERE or HERE in item.path.parents:
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(instance_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    # Drop inherited INCIDENTMAP_* settings (a DATABASE_URL would bypass the seeded store).
    env = {k: v for k, v in os.environ.items() if not k.startswith("INCIDENTMAP_")}
    env["INCIDENTMAP_INSTANCE_DIR"] = str(instance_dir)
    env["INCIDENTMAP_DEMO_ROWS"] = DEMO_ROWS
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> str:
    """Start ``incidentmap serve`` on a free local port; yield its base URL."""
    yield from _serve(tmp_path_factory)


@pytest.fixture(scope="session")
def nuts_server(tmp_path_factory) -> str:
    """Like ``server``, with NUTS files (``../shared/data/geo/nuts2024``): regional maps."""
    nuts = REPO.parent / "shared" / "data" / "geo" / "nuts2024"
    if not nuts.is_dir():
        pytest.skip(f"NUTS folder {nuts} is absent")
    yield from _serve(tmp_path_factory, {"INCIDENTMAP_NUTS_DIR": str(nuts)})


def _serve(tmp_path_factory, extra_env: dict[str, str] | None = None):
    script = Path(sys.executable).parent / "incidentmap"
    if not script.exists():
        pytest.fail(f"console script {script} not found: run `pip install -e .[test]`")
    root = tmp_path_factory.mktemp("e2e-server")
    instance = root / "instance"
    instance.mkdir()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    # Log to files, not pipes: nobody drains a pipe, and werkzeug logs every request.
    out_path, err_path = root / "stdout.log", root / "stderr.log"
    SERVER_LOGS[base] = (out_path, err_path)
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(
            [str(script), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO, env=_server_env(instance, extra_env), stdout=out, stderr=err,
            stdin=subprocess.DEVNULL,
        )

    def logs() -> str:
        return (f"--- stdout ---\n{out_path.read_text(errors='replace')[-4000:]}\n"
                f"--- stderr ---\n{err_path.read_text(errors='replace')[-8000:]}")

    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(base + READY_PATH):
            if proc.poll() is not None:
                pytest.fail(f"incidentmap serve exited with status {proc.returncode} before "
                            f"answering {READY_PATH}\n{logs()}", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"incidentmap serve did not answer {READY_PATH} within "
                            f"{START_TIMEOUT:.0f} s\n{logs()}", pytrace=False)
            time.sleep(0.25)
        yield base
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (no `playwright install`)."""
    if not CHROMIUM.exists():
        reason = (f"{CHROMIUM} is missing: install the Debian packages chromium and "
                  "chromium-driver (apt-get install chromium chromium-driver)")
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class PageLog:
    """What a page did that a test must not allow: outside requests and console errors."""

    def __init__(self) -> None:
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []


@pytest.fixture
def page_log() -> PageLog:
    """The outside requests, console errors and every request URL of the test's page."""
    return PageLog()


@pytest.fixture
def page(browser, server, page_log):
    """A fresh page that may only talk to 127.0.0.1; fails the test on a leak or an error."""
    yield from _guarded_page(browser, page_log)


@pytest.fixture
def nuts_page(browser, nuts_server, page_log):
    """Like ``page``, for tests against ``nuts_server``."""
    yield from _guarded_page(browser, page_log)


def _guarded_page(browser, page_log):
    context = browser.new_context(viewport={"width": 1280, "height": 1000},
                                  accept_downloads=True)
    context.set_default_timeout(20_000)
    pg = context.new_page()

    def route(route):
        url = route.request.url
        page_log.requests.append(url)
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or parts.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            page_log.outside.append(url)
            route.abort()

    def console(message):
        if message.type == "error" and not any(s in message.text for s in IGNORED_CONSOLE):
            location = message.location or {}
            page_log.errors.append(f"console: {message.text} ({location.get('url', '')})")

    context.route("**/*", route)  # the context's route also sees popups and workers
    pg.on("console", console)
    pg.on("pageerror", lambda exc: page_log.errors.append(f"uncaught: {exc}"))
    yield pg
    context.close()
    problems = []
    if page_log.outside:
        problems.append("requests left 127.0.0.1:\n  " + "\n  ".join(page_log.outside))
    if page_log.errors:
        problems.append("console errors:\n  " + "\n  ".join(page_log.errors))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
