"""The server under test and how to talk to it: ``incidentmap serve`` and Dash's callbacks.

:class:`Server` runs ``incidentmap serve`` on a free loopback port, :func:`fetch` makes one
timed request on a fresh connection, and :class:`DashClient` builds the exact callback requests
the Dash renderer sends. Nothing here talks to any address other than 127.0.0.1.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

from lib.common import REPO, database_url, log, proc_status


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now.

    Returns
    -------
    int
        The port the kernel gave a socket bound to port 0.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``incidentmap serve`` on a free loopback port, on the benchmark's SQLite file.

    Parameters
    ----------
    db_path : Path or str
        The SQLite file, or a database URL (passed as ``INCIDENTMAP_DATABASE_URL``).
    logdir : Path
        Working directory of the server, which receives ``server.log``.
    """

    def __init__(self, db_path: Path, logdir: Path):
        self.db_path = db_path
        self.logdir = logdir
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.log_path = logdir / "server.log"

    def command(self) -> list[str]:
        """The ``incidentmap serve`` command (or ``app.py`` when the script is missing)."""
        script = Path(sys.executable).parent / "incidentmap"
        if script.exists():
            return [str(script), "serve"]
        return [sys.executable, str(REPO / "app.py")]

    def start(self, timeout: float = 300.0) -> float:
        """Start the server and wait until it answers ``/_dash-dependencies``.

        Parameters
        ----------
        timeout : float, default 300.0
            Seconds to wait for each attempt (up to five ports are tried).

        Returns
        -------
        float
            Seconds from starting the process to its first answer.
        """
        env = dict(os.environ)
        env["INCIDENTMAP_DATABASE_URL"] = database_url(self.db_path)
        env.pop("INCIDENTMAP_INSTANCE_DIR", None)
        env["INCIDENTMAP_API_RATE_LIMIT"] = "0"  # the benchmark is one client asking a lot
        for _attempt in range(5):
            self.port = free_port()
            cmd = [*self.command(), "--host", "127.0.0.1", "--port", str(self.port)]
            logfile = open(self.log_path, "w")  # noqa: SIM115 - closed with the process
            t0 = time.perf_counter()
            self.proc = subprocess.Popen(cmd, cwd=self.logdir, env=env, stdout=logfile,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            logfile.close()
            deadline = t0 + timeout
            while time.perf_counter() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    status, _, _, _ = fetch(self.port, "GET", "/_dash-dependencies", timeout=5)
                    if status == 200 and self.proc.poll() is None:
                        ready = time.perf_counter() - t0
                        log(f"server pid {self.proc.pid} ready on port {self.port} "
                            f"after {ready:.1f} s")
                        return ready
                except OSError:
                    pass
                time.sleep(0.2)
            text = self.log_path.read_text(errors="replace")
            self.stop()
            if "in use" not in text:
                raise RuntimeError(f"server did not become ready:\n{text[-3000:]}")
            log(f"port {self.port} was taken; retrying")
        raise RuntimeError("could not find a free port for the server")

    def rss(self) -> dict[str, int]:
        """The server process's ``Vm*`` figures (VmRSS, VmHWM, ...), in bytes."""
        return proc_status(self.proc.pid)

    def stop(self) -> None:
        """Terminate the server (kill it after 15 s) if it is running."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=15)


def fetch(port: int, method: str, path: str, body: bytes | None = None,
          headers: dict | None = None, timeout: float = 600.0):
    """One request on a fresh connection; returns (status, headers, wire bytes, seconds).

    Parameters
    ----------
    port : int
        Port on 127.0.0.1.
    method : str
        HTTP method.
    path : str
        Path and query.
    body : bytes, optional
        Request body.
    headers : dict, optional
        Request headers.
    timeout : float, default 600.0
        Socket timeout in seconds.

    Returns
    -------
    tuple
        The status, the response headers (lower-case names), the body as sent on the wire
        and the seconds from sending the request to having read the whole body.
    """
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        t0 = time.perf_counter()
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        elapsed = time.perf_counter() - t0
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data, elapsed
    finally:
        conn.close()


def decoded(headers: dict, data: bytes) -> bytes:
    """The body with its gzip content encoding undone.

    Parameters
    ----------
    headers : dict
        Response headers, lower-case names.
    data : bytes
        The body as received.

    Returns
    -------
    bytes
        The decoded body.

    Raises
    ------
    ValueError
        For an encoding other than gzip or identity.
    """
    encoding = headers.get("content-encoding", "")
    if encoding == "gzip":
        return gzip.decompress(data)
    if encoding in ("", "identity"):
        return data
    raise ValueError(f"unexpected content-encoding {encoding!r}")


class _PageAssets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.config: dict = {}
        self._in_config = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        elif tag == "link" and a.get("href") and a.get("rel") in ("stylesheet", "icon"):
            self.urls.append(a["href"])
        self._in_config = tag == "script" and a.get("id") == "_dash-config"

    def handle_data(self, data):
        if self._in_config and data.strip():
            self.config = json.loads(data)

    def handle_endtag(self, tag):
        self._in_config = False


class DashClient:
    """Builds the exact callback requests the Dash renderer sends (from /_dash-dependencies).

    Parameters
    ----------
    port : int
        The running server's port; its dependencies and page are read once here.
    """

    BROWSER_HEADERS = {"Content-Type": "application/json", "Accept": "application/json",
                       "Accept-Encoding": "gzip"}

    def __init__(self, port: int):
        self.port = port
        status, headers, data, _ = fetch(port, "GET", "/_dash-dependencies",
                                         headers={"Accept-Encoding": "identity"})
        if status != 200:
            raise RuntimeError(f"/_dash-dependencies answered {status}")
        self.deps = json.loads(data)
        status, headers, data, _ = fetch(port, "GET", "/", headers={"Accept-Encoding": "identity"})
        parser = _PageAssets()
        parser.feed(data.decode())
        self.page_assets = parser.urls
        self.config = parser.config
        end_id = self.config.get("end_id")
        self.update_path = "/_dash-update-component" + (f"?endId={end_id}" if end_id else "")

    def dependency(self, first_output: str) -> dict:
        """The callback whose first output is ``first_output`` (``"id.property"``)."""
        for dep in self.deps:
            if "." not in dep["output"]:  # a callback without outputs (a hash names it)
                continue
            outputs = self.outputs(dep)
            first = outputs[0] if isinstance(outputs, list) else outputs
            if f"{first['id']}.{first['property']}" == first_output:
                return dep
        raise KeyError(f"no callback whose first output is {first_output}")

    @staticmethod
    def outputs(dep: dict) -> list[dict] | dict:
        """The callback's outputs as the renderer sends them (a list for multi-output)."""
        text = dep["output"]
        if text.startswith("..") and text.endswith(".."):
            parts = text[2:-2].split("...")
            return [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)) for p in parts]
        return dict(zip(("id", "property"), text.rsplit(".", 1), strict=True))

    def body(self, dep: dict, values: dict, changed: list[str]) -> bytes:
        """The renderer's payload: output, outputs, inputs, changedPropIds (+ state).

        Parameters
        ----------
        dep : dict
            The callback, from :meth:`dependency`.
        values : dict
            Input and state values by ``"id.property"`` (missing ones are sent as null).
        changed : list of str
            The ``"id.property"`` that triggered the callback.

        Returns
        -------
        bytes
            The JSON body.
        """
        payload = {
            "output": dep["output"],
            "outputs": self.outputs(dep),
            "inputs": [{"id": i["id"], "property": i["property"],
                        "value": values.get(f"{i['id']}.{i['property']}")}
                       for i in dep["inputs"]],
            "changedPropIds": changed,
            "parsedChangedPropsIds": changed,
        }
        if dep.get("state"):
            payload["state"] = [{"id": s["id"], "property": s["property"],
                                 "value": values.get(f"{s['id']}.{s['property']}")}
                                for s in dep["state"]]
        return json.dumps(payload).encode()

    def post(self, body: bytes, encoding: str = "gzip"):
        """POST ``body`` to the update endpoint with the browser's headers; see :func:`fetch`."""
        headers = dict(self.BROWSER_HEADERS, **{"Accept-Encoding": encoding})
        return fetch(self.port, "POST", self.update_path, body=body, headers=headers)
