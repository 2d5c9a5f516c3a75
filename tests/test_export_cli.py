"""``incidentmap export`` and ``incidentmap release``: filters, files, errors, frozen bytes."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

import app
from data.cli import export as export_cli
from data.export.releases import get_release
from data.filters import IncidentFilter
from data.reference.taxonomy import load_taxonomy
from data.settings import Settings
from data.snapshot.model import build
from ingest.progress import Progress
from tests.data.export.export_store import CANARY_RECORDS, read_download
from tests.factories import MIN_CELL, add_record

TAX = load_taxonomy()


@pytest.fixture
def store(tmp_path, monkeypatch, make_store):
    built = make_store(demo_rows=200, records=CANARY_RECORDS)
    for name in ("DATABASE_URL", "INSTANCE_DIR"):
        monkeypatch.delenv(f"INCIDENTMAP_{name}", raising=False)
    monkeypatch.setenv("INCIDENTMAP_DATABASE_URL", built.url)
    monkeypatch.setenv("INCIDENTMAP_INSTANCE_DIR", str(tmp_path / "instance"))
    return built.engine


def _rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_export_with_filter_options_writes_the_filtered_rows(store, tmp_path, capsys):
    out = tmp_path / "de.csv"
    status = app.main(["export", "--format", "csv", "--country", "DE", "--date-from", "2015-01",
                       "--date-to", "2019-12", "--bias", "bm.racism_xenophobia", "-o", str(out)])
    assert status == 0
    snapshot = build(store, TAX, MIN_CELL)
    flt = IncidentFilter(date_from=dt.date(2015, 1, 1), date_to=dt.date(2019, 12, 31),
                         country=("DE",), bias=("bm.racism_xenophobia",))
    rows = _rows(out)
    assert len(rows) == snapshot.count(snapshot.mask(flt)) > 5
    assert all(r["country"] == "DE" for r in rows)
    printed = capsys.readouterr().out
    assert f"wrote {len(rows):,} incidents" in printed and snapshot.fingerprint in printed
    assert not (tmp_path / "de.csv.partial").exists()


def test_query_string_and_options_select_the_same_rows(store, tmp_path):
    by_query = tmp_path / "q.parquet"
    by_options = tmp_path / "o.parquet"
    assert app.main(["export", "--format", "parquet", "--query",
                     "country=FR,IT&type=it.attack_property", "-o", str(by_query)]) == 0
    assert app.main(["export", "--format", "parquet", "--country", "FR", "--country", "IT",
                     "--type", "it.attack_property", "-o", str(by_options)]) == 0
    _, first, _ = read_download("parquet", by_query.read_bytes(), tmp_path)
    _, second, _ = read_download("parquet", by_options.read_bytes(), tmp_path)
    assert [r["public_id"] for r in first] == [r["public_id"] for r in second]
    assert first and {r["country"] for r in first} <= {"FR", "IT"}


@pytest.mark.parametrize("args, message", [
    (["--country", "XX"], "country='XX'"),
    (["--bias", "bm.nope"], "unknown bias code"),
    (["--date-from", "2016-13"], "date_from"),
    (["--source", "secret-drafts"], "unknown source"),
    (["--query", "colour=red"], "unknown parameter"),
])
def test_bad_filters_stop_with_status_2_and_a_message(store, tmp_path, capsys, args, message):
    out = tmp_path / "x.csv"
    assert app.main(["export", "--format", "csv", *args, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "incidentmap: error:" in err and message in err and "Traceback" not in err
    assert not out.exists()


def test_output_in_a_missing_folder_is_a_user_error(store, tmp_path, capsys):
    assert app.main(["export", "--format", "csv", "-o", str(tmp_path / "no" / "x.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_release_freezes_lists_and_keeps_its_bytes(store, tmp_path, capsys):
    assert app.main(["release", "2026-q1"]) == 0
    assert "froze release 2026-q1" in capsys.readouterr().out
    rel = get_release(store, "2026-q1")
    paths = {fmt: tmp_path / "instance" / entry["path"] for fmt, entry in rel.files.items()}
    digests = {fmt: hashlib.sha256(p.read_bytes()).hexdigest() for fmt, p in paths.items()}
    assert digests == {fmt: entry["sha256"] for fmt, entry in rel.files.items()}
    _, rows, meta = read_download("datapackage", paths["datapackage"].read_bytes(), tmp_path)
    assert len(rows) == rel.row_count
    assert meta["package"]["incidentmap"]["release_name"] == "2026-q1"

    add_record(store, slug="late-monitor", policy="open", status="published",
               public_id="laterec1")
    assert build(store, TAX, MIN_CELL).fingerprint != rel.data_release
    assert app.main(["release", "2026-q1"]) == 2  # never rewritten
    assert "exists already" in capsys.readouterr().err
    assert {fmt: hashlib.sha256(p.read_bytes()).hexdigest() for fmt, p in paths.items()} \
        == digests
    assert app.main(["release", "2026-q2"]) == 0
    assert get_release(store, "2026-q2").row_count == rel.row_count + 1
    capsys.readouterr()
    assert app.main(["release", "--list"]) == 0
    listed = capsys.readouterr().out
    assert "2026-q1" in listed and "2026-q2" in listed


@pytest.mark.parametrize("args", [["../evil"], [], ["x", "--list"]])
def test_release_usage_errors_are_status_2(store, capsys, args):
    assert app.main(["release", *args]) == 2
    assert "incidentmap: error:" in capsys.readouterr().err



def test_export_progress_line_when_forced_on(store, tmp_path):
    """The bar the command draws, forced on: rows, percentage and rate, ending at 100 %."""
    drawn = io.StringIO()
    made = []

    def progress(total, label="rows"):
        made.append(Progress(total, stream=drawn, enabled=True, label=label))
        return made[-1]

    parser = argparse.ArgumentParser()
    export_cli.register(parser.add_subparsers(dest="command"), progress=progress)
    out = tmp_path / "all.csv"
    args = parser.parse_args(["export", "--format", "csv", "-o", str(out)])
    assert args.func(args, Settings.from_env()) == 0
    total = len(_rows(out))
    text = drawn.getvalue()
    assert len(made) == 1 and made[0].total == total > 100
    assert text.startswith("\r") and text.endswith("\n")
    assert f"{total:,}/{total:,} rows (100%)" in text and "rows/s" in text


def _run_export(tmp_path, stderr) -> subprocess.CompletedProcess:
    script = Path(sys.executable).parent / "incidentmap"
    return subprocess.run([str(script), "export", "--format", "csv", "-o",
                           str(tmp_path / "x.csv")], stdout=subprocess.PIPE, stderr=stderr,
                          env=dict(os.environ), timeout=120, check=False)


def _read_all(fd: int) -> bytes:
    drawn = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO once the terminal's other end is closed
            return drawn
        if not chunk:
            return drawn
        drawn += chunk


def test_export_draws_progress_on_a_terminal_and_stays_quiet_when_piped(store, tmp_path):
    main_fd, child_fd = pty.openpty()
    try:
        proc = _run_export(tmp_path, child_fd)
    finally:
        os.close(child_fd)
    try:
        drawn = _read_all(main_fd)
    finally:
        os.close(main_fd)
    assert proc.returncode == 0, drawn
    assert b"\r" in drawn and b"rows (100%)" in drawn and b"rows/s" in drawn
    assert b"rows/s" not in proc.stdout  # the bar goes to standard error only

    piped = _run_export(tmp_path, subprocess.PIPE)
    assert piped.returncode == 0
    assert b"rows/s" not in piped.stderr and b"\r" not in piped.stderr
    assert b"wrote " in piped.stdout
