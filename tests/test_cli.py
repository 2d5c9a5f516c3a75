"""The incidentmap command line and start-up: migrate, seed only the embedded store, errors."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from importlib import metadata
from pathlib import Path

import pytest

from data.settings import Settings, settings_markdown
from data.store import db
from data.store.opening import open_store

CLI = str(Path(sys.executable).parent / "incidentmap")
ROOT = Path(__file__).resolve().parents[1]


def run(args, env_extra, cwd=None):
    # the throwaway instance folder of tests/conftest.py stays: an ./instance of an earlier
    # release in the working folder would otherwise be used (with a notice)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("INCIDENTMAP_") or k == "INCIDENTMAP_INSTANCE_DIR"}
    env.update(env_extra)
    return subprocess.run([CLI, *args], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=120)


def test_help_lists_the_commands():
    result = run(["--help"], {})
    assert result.returncode == 0
    for word in ("serve", "demo", "db", "INCIDENTMAP_DATABASE_URL"):
        assert word in result.stdout


def test_version_names_the_installed_release_and_the_licence():
    result = run(["--version"], {})
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"incidentmap {metadata.version('incidentmap')} (AGPL-3.0-or-later)\n"


def test_settings_markdown_prints_the_readme_table():
    result = run(["settings", "--markdown"], {})
    assert result.returncode == 0, result.stderr
    assert result.stdout == settings_markdown() + "\n"


def test_db_upgrade_and_demo_on_a_configured_database(tmp_path):
    env = {"INCIDENTMAP_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    missing = run(["db", "current"], env)  # only `db upgrade` (or serve, demo) creates it
    assert missing.returncode == 2 and "no store at" in missing.stderr
    assert not (tmp_path / "x.sqlite").exists()
    upgraded = run(["db", "upgrade"], env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "current schema" in upgraded.stdout
    assert "schema current" in run(["db", "current"], env).stdout
    demo = run(["demo", "--rows", "150", "--seed", "5"], env)
    assert demo.returncode == 0, demo.stderr
    assert "loaded 150 synthetic demo incidents" in demo.stdout
    engine = db.make_engine(env["INCIDENTMAP_DATABASE_URL"])
    assert db.incident_count(engine) == 150


def test_demo_without_rows_loads_the_configured_demo_rows(tmp_path):
    # incidentmap demo used its own default of 20000, not INCIDENTMAP_DEMO_ROWS
    env = {"INCIDENTMAP_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}",
           "INCIDENTMAP_DEMO_ROWS": "40"}
    assert run(["db", "upgrade"], env).returncode == 0
    demo = run(["demo", "--seed", "5"], env)
    assert demo.returncode == 0, demo.stderr
    assert "loaded 40 synthetic demo incidents" in demo.stdout
    none = run(["demo"], {**env, "INCIDENTMAP_DEMO_ROWS": "0"})
    assert none.returncode == 2 and "--rows" in none.stderr
    assert db.incident_count(db.make_engine(env["INCIDENTMAP_DATABASE_URL"])) == 40


def test_unreachable_database_stops_with_a_redacted_message():
    env = {"INCIDENTMAP_DATABASE_URL": "postgresql+psycopg://bob:hunter2@127.0.0.1:1/db"}
    result = run(["serve", "--port", "1"], env)
    assert result.returncode == 3  # the database failed (README's exit codes)
    assert "cannot open database" in result.stderr and "127.0.0.1:1/db" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_configured_database_is_never_seeded(database_url):
    engine = db.make_engine(database_url)
    with pytest.raises(db.StoreError, match="incidentmap db upgrade"):
        open_store(Settings(database_url=database_url))
    db.upgrade(engine)
    open_store(Settings(database_url=database_url))
    assert db.incident_count(engine) == 0


def test_importing_app_does_no_work(tmp_path):
    code = "import app, os; print(os.path.exists('instance'))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.stdout.strip() == "False", result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve_and_read_stats(tmp_path) -> dict:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("INCIDENTMAP_")}
    env.update({"INCIDENTMAP_INSTANCE_DIR": str(tmp_path / "instance"),
                "INCIDENTMAP_DEMO_ROWS": "400"})
    proc = subprocess.Popen([CLI, "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                url = f"http://127.0.0.1:{port}/api/v1/stats?group_by=source"
                with urllib.request.urlopen(url, timeout=5) as response:
                    return json.load(response)
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"server exited: {proc.stderr.read()}")
                time.sleep(0.5)
        pytest.fail("server did not answer within 90 s")
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_first_start_creates_migrates_and_seeds_the_embedded_store(tmp_path):
    first = _serve_and_read_stats(tmp_path)
    assert (tmp_path / "instance" / "incidentmap.sqlite").exists()
    assert first["data"] == [{"key": "demo", "count": first["total"]}]
    assert 350 < first["total"] <= 400  # ~95% of the demo records are published
    assert "SYNTHETIC" in first["notice"]
    second = _serve_and_read_stats(tmp_path)  # not seeded again
    assert second["data_release"] == first["data_release"]
    assert second["total"] == first["total"]


def test_backup_and_restore_from_the_command_line(tmp_path):
    source = {"INCIDENTMAP_DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite'}",
              "INCIDENTMAP_INSTANCE_DIR": str(tmp_path / "instance-a")}
    assert run(["db", "upgrade"], source).returncode == 0
    assert run(["demo", "--rows", "30"], source).returncode == 0
    made = run(["backup", "-o", str(tmp_path / "b.tar")], source, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "30 incidents" in made.stdout and "INCIDENTMAP_VAULT_KEY" in made.stderr
    target = {"INCIDENTMAP_DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite'}",
              "INCIDENTMAP_INSTANCE_DIR": str(tmp_path / "instance-c")}
    back = run(["restore", str(tmp_path / "b.tar")], target)
    assert back.returncode == 0, back.stderr
    assert "30 incidents" in back.stdout and "incidentmap db upgrade" in back.stdout
    again = run(["restore", str(tmp_path / "b.tar")], target)
    assert again.returncode == 2
    assert "already holds data" in again.stderr and "Traceback" not in again.stderr


@pytest.mark.postgres
def test_database_failures_exit_3_and_a_missing_postgis_is_one_line(tmp_path):
    import uuid

    from sqlalchemy import text

    from tests.conftest import POSTGRES_URL

    base = POSTGRES_URL.rsplit("/", 1)[0]
    missing = run(["db", "upgrade"], {"INCIDENTMAP_DATABASE_URL": f"{base}/im_missing_db"})
    assert missing.returncode == 3
    assert "createdb im_missing_db" in missing.stderr and "Traceback" not in missing.stderr
    name = f"im_nosuper_{uuid.uuid4().hex[:8]}"
    try:
        admin = db.make_engine(POSTGRES_URL)
    except db.StoreError as exc:
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE ROLE "{name}" LOGIN'))
        conn.execute(text(f'CREATE DATABASE "{name}" OWNER "{name}"'))
    try:
        url = base.replace("//postgres@", f"//{name}@") + f"/{name}"
        refused = run(["db", "upgrade"], {"INCIDENTMAP_DATABASE_URL": url})
        assert refused.returncode == 2, refused.stderr
        assert "Traceback" not in refused.stderr
        assert refused.stderr.count("\n") == 1  # one line, naming what to do
        assert "CREATE EXTENSION postgis" in refused.stderr
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
        admin.dispose()
