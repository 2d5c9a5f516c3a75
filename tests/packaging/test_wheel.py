"""The wheel, installed into a fresh virtual environment, works from another folder.

Tests that import the packages from the source tree see every file in it; an installed wheel
holds only what ``pyproject.toml`` ships. So this module builds the wheel from a clean copy of
the tree, checks that it carries every file of the packages, installs it with its dependencies
into a new virtual environment and, from a folder outside the repository (no ``PYTHONPATH``),
serves it and checks every public page in each language, the API, a download, the files the
pages load and the command line.

Building needs setuptools and installing needs the dependencies, from the package index or
pip's cache: when the index is unreachable (or ``venv`` is missing) the tests skip with the
reason, except with ``CI=true``, where that fails. ``-m "not wheel"`` leaves them out.
"""

from __future__ import annotations

import csv
import functools
import html
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest

from dashboard import ids, plotly_js
from dashboard.app_factory import TITLE
from dashboard.i18n import LANGUAGES, catalogue, translate
from tests.conftest import IN_CI
from tests.faults.private_postgres import free_port
from tests.processes import stop

#: The first test also builds and installs (a few minutes with a cold pip cache).
pytestmark = [pytest.mark.wheel, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
#: Files and folders a clean checkout does not have (.gitignore), left out of the copy built.
LOCAL_ONLY = {".git", ".venv", "build", "dist", "instance", "__pycache__", "node_modules",
              ".pytest_cache", ".hypothesis", ".ruff_cache"}
#: Files of the packages the wheel leaves out on purpose: the inputs of the partial plotly.js
#: bundle (the app reads only the built file).
NOT_SHIPPED = {f"dashboard/plotly_bundle/{name}" for name in (
    "README.md", "build.js", "entry.js", "package.json", "package-lock.json")}
#: What pip says when it cannot reach the package index.
UNREACHABLE = ("NewConnectionError", "Failed to establish a new connection",
               "Temporary failure in name resolution", "Name or service not known",
               "Network is unreachable", "Could not fetch URL", "ProxyError", "ConnectTimeout",
               "ReadTimeout", "timed out")
#: Pages drawn by Dash (``{public_id}``: a published incident; /report for a reporter).
DASH_PAGES = ("/", "/incidents", "/incidents/{public_id}", "/about", "/report")
#: Pages written by Flask (English only for now), with a text each shows.
FLASK_PAGES = {"/account/login": "Log in", "/data-protection": "How we protect data"}
API = ("/api/v1/incidents", "/api/v1/incidents?country=DE&per_page=5",
       "/api/v1/stats?group_by=country", "/api/v1/taxonomy", "/api/v1/openapi.json",
       "/api/v1/releases")
DEMO_ROWS = 300
REPORTER = "reporter@example.org"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SECRET = re.compile(r'class="totp-secret">([A-Z2-7]+)<')


@dataclass(frozen=True)
class Installed:
    """A virtual environment holding the wheel, and an empty folder outside the repository."""

    venv: Path
    elsewhere: Path

    def bin(self, name: str) -> Path:
        """The path of the environment's script ``name``."""
        return self.venv / "bin" / name

    @property
    def instance(self) -> Path:
        """The instance folder of the served app (its embedded store)."""
        return self.elsewhere / "instance"

    def env(self, **settings: str) -> dict[str, str]:
        """The environment of a process: no ``PYTHON*`` nor ``INCIDENTMAP_*`` from ours."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PYTHON", "INCIDENTMAP_")) and k != "VIRTUAL_ENV"}
        env.update(PYTHONUNBUFFERED="1", **{f"INCIDENTMAP_{k}": v for k, v in settings.items()})
        return env

    def run(self, *command: str, **settings: str) -> subprocess.CompletedProcess:
        """Run an installed script from the other folder."""
        return subprocess.run([str(self.bin(command[0])), *command[1:]], cwd=self.elsewhere,
                              env=self.env(**settings), capture_output=True, text=True,
                              timeout=300, stdin=subprocess.DEVNULL)


@dataclass(frozen=True)
class Served:
    """A running ``incidentmap serve`` of the installed wheel."""

    base: str
    public_id: str
    log: Path


def _cannot_run(message: str) -> None:
    if IN_CI:
        pytest.fail(message + " (CI=true: the wheel smoke test must run)")
    pytest.skip(message)


def _pip(python: Path, *args: str, what: str) -> None:
    """Run pip; skip (fail in CI) when the index is unreachable, fail on any other error."""
    done = subprocess.run([str(python), "-m", "pip", *args, "--disable-pip-version-check"],
                          capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    if done.returncode == 0:
        return
    output = done.stdout + done.stderr
    # without the warnings about configured package locations that do not exist
    tail = "\n".join(line for line in output.splitlines() if "is ignored" not in line)[-3000:]
    unreachable = [line for line in output.splitlines()
                   if any(marker in line for marker in UNREACHABLE)]
    if unreachable:
        _cannot_run(f"{what}: the package index is unreachable ({unreachable[-1].strip()})")
    pytest.fail(f"{what} failed:\n{tail}")


@functools.cache
def tree_version() -> str:
    """The checkout's version as setuptools-scm makes it from pyproject.toml and git."""
    done = subprocess.run([sys.executable, "-m", "setuptools_scm"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def _local_only(folder: str, names: list[str]) -> set[str]:
    here = Path(folder)
    return {n for n in names if n in LOCAL_ONLY or n.endswith((".egg-info", ".pyc"))
            or here / n == ROOT / "benchmarks" / "work"}


def _package_files(top: Path, names: list[str]) -> set[str]:
    """Files of the top-level packages and modules ``names`` under ``top``, as wheel paths."""
    found = set()
    for name in names:
        if (top / f"{name}.py").is_file():
            found.add(f"{name}.py")
        for folder, dirs, files in os.walk(top / name):
            dirs[:] = sorted(set(dirs) - _local_only(folder, dirs))
            found.update((Path(folder) / f).relative_to(top).as_posix()
                         for f in set(files) - _local_only(folder, files))
    return found


@pytest.fixture(scope="module")
def workspace():
    """A temporary folder, removed afterwards (the environment is about 1 GB)."""
    with tempfile.TemporaryDirectory(prefix="incidentmap-wheel-") as folder:
        yield Path(folder)


@pytest.fixture(scope="module")
def wheel(workspace) -> Path:
    """The wheel built from a copy of the tree without local files (stale build/, egg-info)."""
    source = workspace / "source"
    shutil.copytree(ROOT, source, ignore=_local_only)
    # the copy has no git metadata: the build is told the checkout's version (setuptools-scm)
    os.environ["SETUPTOOLS_SCM_PRETEND_VERSION"] = tree_version()
    try:
        _pip(Path(sys.executable), "wheel", "--no-deps", "-q", "-w", str(workspace / "dist"),
             str(source), what="building the wheel")
    finally:
        del os.environ["SETUPTOOLS_SCM_PRETEND_VERSION"]
    (built,) = (workspace / "dist").glob("incidentmap-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(workspace, wheel) -> Installed:
    """A new virtual environment with the wheel and its dependencies installed."""
    if importlib.util.find_spec("ensurepip") is None:
        _cannot_run("python has no ensurepip: install python3-venv")
    venv = workspace / "venv"
    made = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True,
                          text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    _pip(venv / "bin" / "python", "install", "-q", str(wheel),
         what="installing the wheel with its dependencies")
    elsewhere = workspace / "elsewhere"
    elsewhere.mkdir()
    assert not elsewhere.resolve().is_relative_to(ROOT)
    return Installed(venv, elsewhere)


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _get(url: str, browser: urllib.request.OpenerDirector | None = None,
         form: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    """Status, headers and body of ``url`` (redirects followed), of a POST when ``form``."""
    data = None if form is None else urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, data)
    if form is not None:  # a browser names the page's site on every form it posts
        request.add_header("Origin", _origin(url))
    try:
        with (browser or urllib.request.build_opener()).open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    except (urllib.error.URLError, OSError) as error:
        return -1, {}, str(error).encode()


@pytest.fixture(scope="module")
def served(installed) -> Served:
    """``incidentmap serve`` from the other folder, on a new embedded store with demo data."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = installed.elsewhere / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(installed.bin("incidentmap")), "serve", "--host", "127.0.0.1", "--port",
             str(port)], cwd=installed.elsewhere, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, env=installed.env(
                INSTANCE_DIR=str(installed.instance), DEMO_ROWS=str(DEMO_ROWS)))
    try:
        deadline = time.monotonic() + 120
        while (answer := _get(base + "/api/v1/incidents?per_page=1"))[0] != 200:
            assert proc.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
        yield Served(base, json.loads(answer[2])["data"][0]["public_id"], log)
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def reporter(installed, served) -> urllib.request.OpenerDirector:
    """A browser logged in as a reporter of an organisation, both added with the CLI."""
    store = {"INSTANCE_DIR": str(installed.instance)}
    done = installed.run("incidentmap", "orgs", "add", "ngo-smoke", "--name", "Smoke test NGO",
                         "--country", "AT", **store)
    assert done.returncode == 0, done.stderr
    done = installed.run("incidentmap", "users", "add", REPORTER, "--role", "reporter", "--org",
                         "ngo-smoke", "--base-url", served.base, **store)
    assert done.returncode == 0, done.stderr
    link = re.search(r"http://\S+/account/password\?token=\S+", done.stdout)
    assert link, done.stdout
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    password = "seven quiet herons over the wheel"
    status, _headers, form = _get(link.group(0), browser)
    assert status == 200
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(link.group(0)).query)["token"][0]
    status, _headers, saved = _get(served.base + "/account/password", browser, {
        "csrf_token": CSRF.search(form.decode()).group(1), "token": token,
        "password": password, "again": password})
    assert status == 200 and b"Your password is saved" in saved, saved.decode()[-1000:]
    status, _headers, form = _get(served.base + "/account/login", browser)
    status, _headers, page = _get(served.base + "/account/login", browser, {
        "csrf_token": CSRF.search(form.decode()).group(1), "email": REPORTER,
        "password": password, "next": "/report"})
    # reporters read personal data: the first login sets up the second factor (a real code)
    secret = SECRET.search(page.decode())
    assert status == 200 and secret, page.decode()[-1000:]
    status, _headers, codes = _get(served.base + "/account/two-factor", browser, {
        "csrf_token": CSRF.search(page.decode()).group(1),
        "code": pyotp.TOTP(secret.group(1)).now()})
    assert status == 200 and b"recovery-codes" in codes, codes.decode()[-1000:]
    assert b'<svg class="totp-qr"' in page  # the QR code, drawn by the installed package
    status, _headers, page = _get(served.base + "/report", browser)
    assert status == 200 and b"_dash-config" in page, page.decode()[-1000:]  # on /report
    return browser


def test_the_wheel_carries_every_file_of_the_packages(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        info = next(n for n in names if n.endswith(".dist-info/top_level.txt"))
        top_level = archive.read(info).decode().split()
    assert {"app", "dashboard", "data", "geo", "ingest"} <= set(top_level)
    shipped = {n for n in names if ".dist-info/" not in n}
    expected = _package_files(ROOT, top_level) - NOT_SHIPPED
    missing, extra = sorted(expected - shipped), sorted(shipped - expected)
    assert not missing, f"missing from the wheel: {missing}"
    assert not extra, f"in the wheel but not in the source packages: {extra}"


def test_the_installed_packages_are_imported_from_the_environment(installed):
    probe = ("import json, sys, sysconfig, app, dashboard, data, geo, ingest\n"
             "print(json.dumps({'purelib': sysconfig.get_paths()['purelib'], 'path': sys.path,"
             " 'files': [m.__file__ for m in (app, dashboard, data, geo, ingest)]}))")
    done = installed.run("python", "-c", probe)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    for file in found["files"]:
        assert Path(file).is_relative_to(found["purelib"]), file
    assert not any(entry and Path(entry).resolve().is_relative_to(ROOT)
                   for entry in found["path"]), found["path"]


def _strings(node) -> set[str]:
    """Every string in a decoded JSON document."""
    if isinstance(node, str):
        return {node}
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    return set().union(*map(_strings, children))


def _layout(base: str, pathname: str, search: str,
            browser: urllib.request.OpenerDirector) -> set[str]:
    """The strings of the page layout the shell's routing callback answers with."""
    payload = {
        "output": f"{ids.PAGE}.children",
        "outputs": {"id": ids.PAGE, "property": "children"},
        "inputs": [{"id": ids.SHELL_URL, "property": "pathname", "value": pathname}],
        "changedPropIds": [f"{ids.SHELL_URL}.pathname"],
        "state": [{"id": ids.SHELL_URL, "property": "search", "value": search}],
    }
    request = urllib.request.Request(base + "/_dash-update-component",
                                     data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json",
                                              "Origin": _origin(base)})
    try:
        with browser.open(request, timeout=30) as response:
            return _strings(json.loads(response.read()))
    except urllib.error.HTTPError as error:
        pytest.fail(f"{pathname}{search}: layout callback answered {error.code}")


def _translations(lang: str) -> set[str]:
    """The texts of ``lang`` of several words that are no English text.

    Words alone can be values too (French ``de`` is also the code of German).
    """
    texts = catalogue(lang)
    return {text for text in set(texts.values()) - set(texts) if " " in text.strip()}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", DASH_PAGES)
def test_every_dash_page_answers_in_each_language(served, reporter, page, lang):
    path = page.format(public_id=served.public_id)
    search = "" if lang == "en" else f"?lang={lang}"
    browser = reporter if path == "/report" else urllib.request.build_opener()
    status, _headers, body = _get(served.base + path + search, browser)
    assert status == 200, f"{path}{search}: {status}"
    index = body.decode()
    assert f'<html lang="{lang}">' in index
    title = re.search(r"<title>(.*?)</title>", index, re.S)
    assert title and html.unescape(title.group(1)) == translate(TITLE, lang)
    shown = _layout(served.base, path, search, browser)
    for other in LANGUAGES[1:]:
        in_other = shown & _translations(other)
        if other == lang:
            assert in_other, f"{path}{search} shows no {lang} text"
        else:
            assert not in_other, f"{path}{search} shows {other} text: {sorted(in_other)[:5]}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", FLASK_PAGES)
def test_every_flask_page_answers_in_each_language(served, path, lang):
    url = served.base + path + ("" if lang == "en" else f"?lang={lang}")
    status, headers, body = _get(url)
    assert status == 200, url
    assert headers["Content-Type"].startswith("text/html")
    assert FLASK_PAGES[path] in body.decode()


@pytest.mark.parametrize("path", API)
def test_the_api_answers_json(served, path):
    status, headers, body = _get(served.base + path)
    assert status == 200, f"{path}: {body[:500]!r}"
    assert headers["Content-Type"].startswith("application/json")
    assert isinstance(json.loads(body), dict)


def test_the_csv_download_has_a_header_and_every_row(served):
    status, headers, body = _get(served.base + "/api/v1/incidents?format=csv")
    assert status == 200
    assert headers["Content-Type"].startswith("text/csv")
    header, *rows = csv.reader(io.StringIO(body.decode("utf-8")))
    assert header[0] == "public_id" and {"date_start", "country"} <= set(header)
    assert 0 < len(rows) == int(headers["X-Incidentmap-Total"]) <= DEMO_ROWS
    assert served.public_id in {row[0] for row in rows}


def test_the_files_the_pages_load_are_served(served):
    _status, _headers, body = _get(served.base + "/")
    index = body.decode()
    loaded = re.findall(r'<(?:script|link)[^>]*? (?:src|href)="(/[^"]+)"', index)
    for name in sorted(p.name for p in (ROOT / "dashboard" / "assets").iterdir()):
        assert any(url.startswith(f"/assets/{name}") for url in loaded), name
    for url in loaded:
        assert _get(served.base + url)[0] == 200, url
    status, _headers, bundle = _get(served.base + plotly_js.DASH_URL)
    assert status == 200 and bundle == plotly_js.BUNDLE.read_bytes()
    for name in ("eu27.geojson", "context.geojson"):
        status, _headers, geometry = _get(f"{served.base}/geo/{name}")
        assert status == 200 and json.loads(geometry)["type"] == "FeatureCollection", name


def test_gunicorn_serves_the_installed_app(installed, served):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = installed.elsewhere / "gunicorn.log"
    # a working folder with modules named like the app's packages: gunicorn puts it first on
    # the path, and the app must still import its own (docs/operations.md §3)
    cluttered = installed.elsewhere / "cluttered"
    cluttered.mkdir(exist_ok=True)
    for name in ("data", "dashboard", "geo", "ingest"):
        (cluttered / f"{name}.py").write_text(f"raise SystemExit('{name}.py was imported')\n")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(installed.bin("gunicorn")), "--workers", "1", "--bind", f"127.0.0.1:{port}",
             "app:server"], cwd=cluttered, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, env=installed.env(
                INSTANCE_DIR=str(installed.instance)))  # the served store
    try:
        deadline = time.monotonic() + 120
        while (answer := _get(base + "/?lang=de"))[0] == -1:
            assert proc.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.3)
        assert answer[0] == 200 and b'<html lang="de">' in answer[2], log.read_text()[-3000:]
        assert _get(base + "/api/v1/stats?group_by=country")[0] == 200
    finally:
        stop(proc)


def test_the_command_line_works_from_another_folder(installed, workspace):
    done = installed.run("incidentmap", "--help")
    assert done.returncode == 0 and "Map anti-migrant hate incidents" in done.stdout
    done = installed.run("incidentmap", "--version")
    assert done.stdout == f"incidentmap {tree_version()} (AGPL-3.0-or-later)\n", done.stderr
    done = installed.run("incidentmap", "settings")
    assert done.returncode == 0 and "INCIDENTMAP_DATABASE_URL" in done.stdout
    url = f"sqlite:///{workspace / 'cli.sqlite'}"
    for command, said in (("upgrade", "is at the current schema"), ("current", "schema current")):
        done = installed.run("incidentmap", "db", command, DATABASE_URL=url)
        assert done.returncode == 0, done.stderr
        assert said in done.stdout, done.stdout
    done = installed.run("incidentmap", "demo", "--rows", "20", DATABASE_URL=url)
    assert done.returncode == 0 and "loaded 20 synthetic" in done.stdout, done.stderr


def test_the_server_logged_no_error(served):
    # last: after every request above, none of which may have failed inside the server
    assert "Traceback" not in served.log.read_text(), served.log.read_text()[-5000:]
