"""Request bodies are bounded: 413 before the body is read, with or without Content-Length.

The bodies are generated lazily (:class:`Zeros`): nothing here holds them in memory. In the
app's test client the test counts how much of a body the app read; under gunicorn (run as
docs/operations.md runs it, one worker) an anonymous 300 MB body is sent over a socket, with
``Content-Length`` and chunked, and the worker's peak memory is read from ``/proc``.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dashboard.limits import MB
from tests.processes import stop

CALLBACK = "/_dash-update-component"
REPO = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
HUGE = 300 * MB
_CHUNK = bytes(64 * 1024)


class Zeros(io.RawIOBase):
    """``size`` zero bytes, made as they are read; counts how many were read."""

    def __init__(self, size: int):
        self.size = self.left = size
        self._at_end = False

    @property
    def consumed(self) -> int:
        return self.size - self.left

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:  # the test client asks the length by seeking to the end
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self._at_end = whence == io.SEEK_END
        return self.tell()

    def tell(self) -> int:
        return self.size if self._at_end else self.consumed

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.left, len(_CHUNK))
        buffer[:n] = _CHUNK[:n]
        self.left -= n
        return n


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from tests import factories

    with factories.site(tmp_path_factory.mktemp("limits")) as built:
        yield built


def _post(client, path: str, body: io.RawIOBase, chunked: bool, content_type: str):
    if chunked:  # no Content-Length: read until the (terminated) stream ends
        return client.open(path, method="POST", input_stream=body, content_type=content_type,
                           headers={"Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})
    return client.post(path, input_stream=body, content_type=content_type)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("path", [CALLBACK, "/api/v1/incidents", "/account/login",
                                  "/moderate/action", "/no-such-page"])
def test_a_huge_body_is_refused_before_it_is_read(site, path, chunked):
    body = Zeros(HUGE)
    answer = _post(site.client(), path, body, chunked, "application/json")
    assert answer.status_code == 413
    limit = site.settings.max_request_mb * MB
    assert body.consumed <= (limit + 1 if chunked else 0)
    assert answer.headers["Cache-Control"] == "no-store"
    if path.startswith(("/api/", "/_dash")):
        error = answer.get_json()["error"]
        assert error["code"] == "too_large" and error["limit_bytes"] == limit
        assert "at most 4 MB" in error["message"]
    else:  # a page in the site's look
        page = answer.get_data(as_text=True)
        assert 'class="site-header"' in page and "at most 4 MB" in page


def test_the_page_speaks_the_visitors_language(site):
    answer = site.client().post("/account/login?lang=de", input_stream=Zeros(5 * MB),
                                content_type="application/x-www-form-urlencoded")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 413 and '<html lang="de"' in page
    assert "höchstens 4 MB" in page and "Zu groß" in page


def test_bodies_within_the_limit_are_served_also_chunked(site):
    key = "nav-roles.children"
    body = {"output": key, "outputs": {"id": "nav-roles", "property": "children"},
            "inputs": [{"id": "shell-url", "property": "pathname", "value": "/"},
                       {"id": "shell-url", "property": "search", "value": ""}],
            "changedPropIds": ["shell-url.pathname"]}
    raw = json.dumps(body).encode()
    for chunked in (False, True):
        answer = _post(site.client(), CALLBACK, io.BytesIO(raw), chunked, "application/json")
        assert answer.status_code == 200, answer.get_data()[:200]
    padded = raw[:-1] + b', "pad": "' + b" " * (4 * MB - len(raw) - 20) + b'"}'
    assert len(padded) <= 4 * MB
    for chunked in (False, True):  # just below the limit: read, checked, answered
        answer = _post(site.client(), CALLBACK, io.BytesIO(padded), chunked,
                       "application/json")
        assert answer.status_code == 200, answer.get_data()[:200]


def test_uploads_have_their_own_larger_limit(site):
    upload = "/records/1/files"
    upload_limit = site.settings.max_upload_mb * MB
    between = Zeros(upload_limit - MB)  # over the request limit, under the upload limit
    answer = _post(site.client(), upload, between, False, "multipart/form-data; boundary=x")
    assert answer.status_code != 413
    over = Zeros(upload_limit + 2 * MB)
    answer = _post(site.client(), upload, over, False, "multipart/form-data; boundary=x")
    assert answer.status_code == 413 and over.consumed == 0


# --- the real server -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (the peak since the last reset) of process ``pid``, in kB."""
    fields = dict(line.split(":", 1) for line in
                  Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {name: int(fields[name].split()[0]) for name in ("VmRSS", "VmHWM")}


def _send(port: int, path: str, size: int, chunked: bool) -> tuple[int, bytes]:
    """POST ``size`` zero bytes, made while sending; the answer's status and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
        length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                     f"Content-Type: application/json\r\n{length}\r\n\r\n".encode())
        sent = 0
        with contextlib.suppress(OSError):  # the server may close once it has answered
            while sent < size:
                part = _CHUNK[:min(len(_CHUNK), size - sent)]
                sock.sendall(f"{len(part):x}\r\n".encode() + part + b"\r\n" if chunked
                             else part)
                sent += len(part)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        answer = http.client.HTTPResponse(sock)
        answer.begin()
        return answer.status, answer.read()


@contextlib.contextmanager
def _gunicorn(folder: Path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("INCIDENTMAP_")}
    env.update(INCIDENTMAP_INSTANCE_DIR=str(folder / "instance"), INCIDENTMAP_DEMO_ROWS="100")
    with open(folder / "gunicorn.log", "wb") as log:
        proc = subprocess.Popen(
            [str(GUNICORN), "--workers", "1", "--worker-class", "gthread", "--threads", "4",
             "--timeout", "300", "--bind", f"127.0.0.1:{port}", "app:server"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError):
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request("GET", "/")
                if connection.getresponse().status == 200:
                    break
            assert proc.poll() is None and time.monotonic() < deadline, \
                (folder / "gunicorn.log").read_text()[-3000:]
            time.sleep(0.3)
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        yield port, int(children[0])
    finally:
        stop(proc)


def test_gunicorn_refuses_300_mb_without_the_worker_growing(tmp_path):
    if not GUNICORN.exists():
        pytest.fail(f"{GUNICORN} is missing: gunicorn is a dependency of the package")
    with _gunicorn(tmp_path) as (port, worker):
        for chunked in (False, True):  # warm up: the worker has served both kinds
            assert _send(port, CALLBACK, 1_000, chunked)[0] == 400
        Path(f"/proc/{worker}/clear_refs").write_text("5")  # the peak starts from now
        before = _memory_kb(worker)
        for chunked in (False, True):
            status, body = _send(port, CALLBACK, HUGE, chunked)
            assert status == 413, body[:300]
            assert json.loads(body)["error"]["code"] == "too_large"
        after = _memory_kb(worker)
    grown_mb = (after["VmHWM"] - before["VmRSS"]) / 1024
    assert grown_mb < 4, f"the worker's peak memory grew by {grown_mb:.1f} MB"
