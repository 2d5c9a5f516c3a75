"""``incidentmap ingest`` and ``labels`` on the command line: summary, progress, errors."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.ingest.conftest import write_csv

CLI = str(Path(sys.executable).parent / "incidentmap")


def _env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("INCIDENTMAP_")}
    env["INCIDENTMAP_DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    return env


def run(args, tmp_path):
    return subprocess.run([CLI, *args], capture_output=True, text=True, env=_env(tmp_path),
                          timeout=300)


def _rows(n):
    return [{"id": str(i), "date": "2020-02-02", "country": "FR", "bias": "racisme",
             "type": "insulte"} for i in range(n)]


def test_ingest_summary_undo_and_labels(tmp_path):
    assert run(["db", "upgrade"], tmp_path).returncode == 0
    path = write_csv(tmp_path / "data.csv", _rows(3) + [
        {"id": "x", "date": "2020-02-02", "country": "Switzerland", "bias": "??", "type": "?"}])
    result = run(["ingest", "csv", str(path), "--rejects", str(tmp_path / "rej.csv")], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "read 4 rows: loaded 3, already in the store 0, rejected 1" in result.stdout
    assert "rejected 1: country_out_of_scope" in result.stdout
    assert (tmp_path / "rej.csv").read_text(encoding="utf-8").count("\n") == 2
    assert "rows/s" not in result.stderr  # piped: no progress line
    pending = run(["labels", "pending"], tmp_path)
    assert pending.returncode == 0
    undo = run(["ingest", "undo", "1"], tmp_path)
    assert undo.returncode == 0 and "3 incidents removed" in undo.stdout
    again = run(["ingest", "undo", "1"], tmp_path)
    assert again.returncode == 2 and "already undone" in again.stderr


def test_unknown_source_and_missing_file_are_clear_errors(tmp_path):
    run(["db", "upgrade"], tmp_path)
    unknown = run(["ingest", "acled", "x.csv"], tmp_path)
    assert unknown.returncode == 2
    assert "valid sources: arvig, csv, geojson, kml, odihr, ushahidi, xlsx" in unknown.stderr
    missing = run(["ingest", "csv", str(tmp_path / "nope.csv")], tmp_path)
    assert missing.returncode == 2 and "no such file" in missing.stderr
    assert "Traceback" not in unknown.stderr + missing.stderr


def test_progress_is_shown_on_a_terminal(tmp_path):
    run(["db", "upgrade"], tmp_path)
    path = write_csv(tmp_path / "many.csv", _rows(12_000))
    primary, secondary = pty.openpty()
    proc = subprocess.Popen([CLI, "ingest", "csv", str(path)], env=_env(tmp_path),
                            stdout=subprocess.PIPE, stderr=secondary, text=True)
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(primary, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data.decode(errors="replace"))
    proc.wait(timeout=300)
    os.close(primary)
    seen = "".join(chunks)
    assert proc.returncode == 0
    assert "rows/s" in seen and "12,000/12,000 rows (100%)" in seen and "left" in seen
