"""The instance folder: one default whatever the working folder, an earlier ``./instance``
still found (with a notice), and no command but serve, db upgrade and demo making a store."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest

from data.settings import Settings, default_instance_dir, legacy_instance_notice

CLI = str(Path(sys.executable).parent / "incidentmap")


def _run(args: list[str], cwd: Path, data_home: Path, **settings: str):
    env = {k: v for k, v in os.environ.items() if not k.startswith("INCIDENTMAP_")}
    env["XDG_DATA_HOME"] = str(data_home)
    env.update({f"INCIDENTMAP_{k.upper()}": v for k, v in settings.items()})
    return subprocess.run([CLI, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=180)


def test_the_default_is_the_users_data_folder_whatever_the_working_folder(tmp_path,
                                                                          monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home"))
    expected = Path(platformdirs.user_data_dir("incidentmap", appauthor=False))
    assert expected == tmp_path / "home" / "incidentmap" == default_instance_dir()
    for folder in (tmp_path / "a", tmp_path / "b"):
        folder.mkdir()
        monkeypatch.chdir(folder)
        assert Settings.from_env({}).instance_dir == expected
        assert legacy_instance_notice({}) == ""
    setting = {"INCIDENTMAP_INSTANCE_DIR": str(tmp_path / "set")}
    assert Settings.from_env(setting).instance_dir == tmp_path / "set"


def test_an_earlier_instance_folder_in_the_working_folder_is_still_used(tmp_path,
                                                                       monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "vault_key").write_text("a key of a PostgreSQL install")
    assert Settings.from_env({}).instance_dir == tmp_path / "instance"
    notice = legacy_instance_notice({})
    assert str(tmp_path / "instance") in notice and str(tmp_path / "home" / "incidentmap") \
        in notice and "INCIDENTMAP_INSTANCE_DIR=" in notice and "\n" not in notice
    # a setting wins, and then nothing is said
    setting = {"INCIDENTMAP_INSTANCE_DIR": str(tmp_path / "set")}
    assert Settings.from_env(setting).instance_dir == tmp_path / "set"
    assert legacy_instance_notice(setting) == ""


def test_an_upgraded_install_finds_its_store_in_the_working_folder(tmp_path):
    home = tmp_path / "home"
    # an install of an earlier release, started in `site/`: its store is site/instance
    site = tmp_path / "site"
    site.mkdir()
    made = _run(["demo", "--rows", "30"], site, home, instance_dir=str(site / "instance"))
    assert made.returncode == 0, made.stderr
    # after the upgrade, the same command line without any setting
    found = _run(["export", "--format", "csv", "-o", "out.csv"], site, home)
    assert found.returncode == 0, found.stderr
    with (site / "out.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.reader(handle) if r and not r[0].startswith("#")]
    assert len(rows) > 20  # the header and the published demo incidents
    notice = [line for line in found.stderr.splitlines() if "notice" in line]
    assert len(notice) == 1 and str(site / "instance") in notice[0], found.stderr
    assert f"INCIDENTMAP_INSTANCE_DIR={site / 'instance'}" in notice[0]
    assert not (home / "incidentmap").exists()  # nothing made in the new default place


@pytest.mark.parametrize("command", [
    ["users", "list"],
    ["export", "--format", "csv", "-o", "x.csv"],
    ["backup", "-o", "b.tar"],
    ["db", "current"],
    ["retention", "run", "--dry-run"],
])
def test_commands_refuse_a_store_that_is_not_there(tmp_path, command):
    empty = tmp_path / "empty"
    empty.mkdir()
    home = tmp_path / "home"
    done = _run(command, empty, home)
    store = home / "incidentmap" / "incidentmap.sqlite"
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"no store at {store}" in done.stderr and "INCIDENTMAP_INSTANCE_DIR" in done.stderr
    assert "incidentmap db upgrade" in done.stderr and "Traceback" not in done.stderr
    assert not store.exists() and list(empty.iterdir()) == []


def test_a_configured_sqlite_file_that_is_not_there_is_refused_too(tmp_path):
    missing = tmp_path / "typo.sqlite"
    done = _run(["users", "list"], tmp_path, tmp_path / "home",
                database_url=f"sqlite:///{missing}")
    assert done.returncode == 2
    assert f"no store at {missing}" in done.stderr and "INCIDENTMAP_DATABASE_URL" in done.stderr
    assert not missing.exists()
