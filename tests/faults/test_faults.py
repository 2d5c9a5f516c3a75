"""Faults: database restarts under load, killed ingests, a full disk, a read-only database.

PostgreSQL faults use a private cluster this module starts itself (its own folder and port):
the shared server at 127.0.0.1:5432 is never stopped.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from dashboard import ids
from data.store.db import make_engine
from data.store.schema import incidents, ingest_runs
from tests.conftest import IN_CI
from tests.faults.private_postgres import PrivatePostgres, free_port, postgres_bin
from tests.processes import stop

CLI = Path(sys.executable).parent / "incidentmap"
ROWS = 20_000


def _env(database_url: str, instance: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INCIDENTMAP_")}
    env.update(INCIDENTMAP_DATABASE_URL=database_url, INCIDENTMAP_INSTANCE_DIR=str(instance),
               PYTHONUNBUFFERED="1")
    return env


def _cli(env: dict, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(CLI), *args], env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def _write_incidents(path: Path, rows: int) -> Path:
    """``rows`` plain incidents without coordinates (country-level; fast to normalise)."""
    countries = ("DE", "FR", "IT", "ES", "PL", "AT")
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "date", "country", "type", "bias", "description"])
        for i in range(rows):
            out.writerow([i, f"20{15 + i % 9}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                          countries[i % len(countries)], "arson", "xenophobia",
                          f"incident number {i} with some words to fill the row " * 2])
    return path


@pytest.fixture(scope="module")
def incidents_csv(tmp_path_factory) -> Path:
    return _write_incidents(tmp_path_factory.mktemp("faults") / "incidents.csv", ROWS)


#: Rows per backend that make a run last many seconds (SQLite loads far faster); 300,000
#: also takes the two-process ingest.
MANY = {"sqlite": 300_000, "postgresql": 60_000}


@pytest.fixture(scope="module")
def many_incidents_csv(tmp_path_factory):
    """Per backend, a file big enough that a run takes many seconds."""
    folder = tmp_path_factory.mktemp("faults")
    made: dict[str, Path] = {}

    def of(backend: str) -> Path:
        if backend not in made:
            made[backend] = _write_incidents(folder / f"many-{backend}.csv", MANY[backend])
        return made[backend]
    return of


@pytest.fixture(scope="module")
def private_postgres():
    bindir = postgres_bin()
    if bindir is None:
        message = "no PostgreSQL server binaries (initdb) under /usr/lib/postgresql"
        if IN_CI:
            pytest.fail(message + " (CI=true: fault tests must run)")
        pytest.skip(message)
    cluster = PrivatePostgres(bindir)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def _counts(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return (conn.execute(select(func.count()).select_from(incidents)).scalar(),
                    conn.execute(select(func.count()).select_from(ingest_runs)).scalar())
    finally:
        engine.dispose()


def _get(url: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()
    except (urllib.error.URLError, OSError) as error:
        return -1, {}, str(error)


@contextlib.contextmanager
def _serving(env: dict, folder: Path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(folder / "serve.log", "wb") as log:
        proc = subprocess.Popen([str(CLI), "serve", "--host", "127.0.0.1", "--port", str(port)],
                                env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while _get(base + "/api/v1/taxonomy")[0] != 200:
            assert proc.poll() is None, (folder / "serve.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.3)
        yield base
    finally:
        stop(proc)


def _route_callback(base: str) -> tuple[int, str]:
    """POST the shell's page-routing callback for ``/`` as the browser does."""
    payload = {
        "output": f"{ids.PAGE}.children",
        "outputs": {"id": ids.PAGE, "property": "children"},
        "inputs": [{"id": ids.SHELL_URL, "property": "pathname", "value": "/"}],
        "changedPropIds": [f"{ids.SHELL_URL}.pathname"],
        "state": [{"id": ids.SHELL_URL, "property": "search", "value": ""}],
    }
    request = urllib.request.Request(base + "/_dash-update-component",
                                     data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {seconds:.0f} s waiting for {what}"
        time.sleep(0.2)


@pytest.mark.postgres
def test_database_restart_under_load_gives_503_then_recovers(private_postgres, tmp_path):
    env = _env(private_postgres.url, tmp_path)
    assert _cli(env, "db", "upgrade").returncode == 0
    assert _cli(env, "demo", "--rows", "2000").returncode == 0
    paths = ("/api/v1/stats?group_by=country", "/api/v1/incidents?per_page=5&country=DE",
             "/api/v1/stats?group_by=bias&date_from=2016-01")
    with _serving(env, tmp_path) as base:
        seen: list[tuple[float, int]] = []
        stop = threading.Event()

        def load(offset: int) -> None:
            n = offset
            while not stop.is_set():
                status, _headers, _body = _get(base + paths[n % len(paths)])
                seen.append((time.monotonic(), status))
                n += 1

        workers = [threading.Thread(target=load, args=(i,), daemon=True) for i in range(4)]
        for worker in workers:
            worker.start()
        try:
            _wait_for(lambda: len(seen) >= 20, 60, "requests before the restart")
            private_postgres.stop()
            down_at = time.monotonic()
            _wait_for(lambda: any(s == 503 for t, s in seen if t > down_at), 30, "a 503")
            status, headers, body = _get(base + paths[0])
            assert status == 503
            assert headers.get("Retry-After") == "5"
            error = json.loads(body)["error"]
            assert error["code"] == "database_unavailable"
            assert "try again" in error["message"] and "postgres" not in error["message"]
            # Dash callbacks go through the same handler: a page whose layout needs the
            # database gets the same 503 (one that doesn't renders as usual), never a 500.
            callback_status, callback = _route_callback(base)
            assert callback_status in (200, 503), callback[:2000]
            if callback_status == 503:
                assert json.loads(callback)["error"]["code"] == "database_unavailable"
            private_postgres.start()
            up_at = time.monotonic()
            _wait_for(lambda: sum(s == 200 for t, s in seen if t > up_at) >= 20, 60,
                      "recovery after the restart")
        finally:
            stop.set()
            for worker in workers:
                worker.join(timeout=15)
    statuses = {status for _t, status in seen}
    assert statuses <= {200, 503}, f"unexpected statuses {statuses}"


def _processes_reading(path: Path) -> list[int]:
    """Pids of processes whose command line names ``path`` (an ingest and its helper)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if str(path).encode() in command:
                found.append(int(entry.name))
    return found


def _kill_mid_load(env: dict, csv_path: Path, writing) -> None:
    proc = subprocess.Popen([str(CLI), "ingest", "csv", str(csv_path)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL)
    try:
        _wait_for(lambda: writing() or proc.poll() is not None, 120, "the ingest to write")
        time.sleep(0.5)  # into the batches, far from the end of the file
        assert proc.poll() is None, "the ingest finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert b"loaded" not in proc.stdout.read(), "the run had committed before the kill"
    # the reading/normalising helper process notices its writer is gone and exits
    _wait_for(lambda: not _processes_reading(csv_path), 20, "the helper process to exit")


def _sqlite_writing(path: Path):
    def writing() -> bool:
        if not path.exists():
            return False
        probe = sqlite3.connect(path, timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:  # "database is locked": the ingest holds the write lock
            return True
        finally:
            probe.close()
    return writing


def _postgres_writing(cluster: PrivatePostgres):
    def writing() -> bool:
        return cluster.psql(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'incidents' AND l.mode = 'RowExclusiveLock'").strip() != "0"
    return writing


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql",
                                                            marks=pytest.mark.postgres)])
def test_ingest_killed_half_way_leaves_nothing_and_reruns_cleanly(
        backend, many_incidents_csv, tmp_path, request):
    if backend == "sqlite":
        path = tmp_path / "store.sqlite"
        url, writing = f"sqlite:///{path}", _sqlite_writing(path)
    else:
        cluster = request.getfixturevalue("private_postgres")
        cluster.psql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        url, writing = cluster.url, _postgres_writing(cluster)
    env = _env(url, tmp_path)
    assert _cli(env, "db", "upgrade").returncode == 0
    csv_path = many_incidents_csv(backend)
    _kill_mid_load(env, csv_path, writing)
    assert _counts(url) == (0, 0)
    again = _cli(env, "ingest", "csv", str(csv_path))
    assert again.returncode == 0, again.stderr
    assert _counts(url) == (MANY[backend], 1)


def _mount_tmpfs(folder: Path, size: str) -> bool:
    folder.mkdir()
    if os.geteuid() != 0:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True)
    return done.returncode == 0


def test_full_disk_gives_a_clear_error_and_leaves_the_store_as_it_was(incidents_csv, tmp_path):
    disk = tmp_path / "small-disk"
    if not _mount_tmpfs(disk, "4m"):
        pytest.skip("cannot mount a small tmpfs here (needs root and mount rights)")
    try:
        url = f"sqlite:///{disk / 'store.sqlite'}"
        env = _env(url, tmp_path)
        assert _cli(env, "db", "upgrade").returncode == 0
        done = _cli(env, "ingest", "csv", str(incidents_csv))
        assert done.returncode == 3, done.stderr
        assert "database out of disk space" in done.stderr
        assert "Free space on the disk" in done.stderr
        assert "Traceback" not in done.stderr
        assert _counts(url) == (0, 0)
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql",
                                                            marks=pytest.mark.postgres)])
def test_read_only_database_gives_a_clear_error(backend, incidents_csv, tmp_path, request):
    if backend == "sqlite":
        path = tmp_path / "store.sqlite"
        assert _cli(_env(f"sqlite:///{path}", tmp_path), "db", "upgrade").returncode == 0
        url = f"sqlite:///file:{path}?mode=ro&uri=true"
    else:
        cluster = request.getfixturevalue("private_postgres")
        cluster.psql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        url = cluster.url
        assert _cli(_env(url, tmp_path), "db", "upgrade").returncode == 0
        cluster.psql("ALTER DATABASE postgres SET default_transaction_read_only = on")
    env = _env(url, tmp_path)
    try:
        done = _cli(env, "ingest", "csv", str(incidents_csv))
    finally:
        if backend == "postgresql":
            engine = make_engine(url)
            with engine.begin() as conn:
                conn.execute(text("SET TRANSACTION READ WRITE"))
                conn.execute(text("ALTER DATABASE postgres SET default_transaction_read_only "
                                  "= off"))
            engine.dispose()
    assert done.returncode == 3, done.stderr
    assert "database is read-only" in done.stderr
    assert "Traceback" not in done.stderr
    assert _counts(url) == (0, 0)


def test_failures_are_classified_from_wrapped_and_raw_driver_errors():
    import psycopg
    from sqlalchemy.exc import IntegrityError, OperationalError

    from data.store.failures import classify

    raw = psycopg.OperationalError("connection failed: Connection refused")
    wrapped = OperationalError("SELECT 1", {}, raw)
    assert classify(raw).kind == classify(wrapped).kind == "unavailable"
    assert classify(sqlite3.OperationalError("database or disk is full")).kind == "disk_full"
    assert classify(sqlite3.OperationalError(
        "attempt to write a readonly database")).kind == "read_only"
    assert classify(sqlite3.OperationalError("no such table: x")).kind == "other"
    assert classify(IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE"))) is None
    assert classify(sqlite3.IntegrityError("UNIQUE")) is None
    assert classify(ValueError("not a database error")) is None
    assert "postgresql://" not in str(classify(wrapped))
