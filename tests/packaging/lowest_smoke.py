"""Smoke test of the package installed with the lowest allowed versions of its dependencies.

Run by tests/run.sh with the Python of ``.venv-lowest`` (``pip install -c
tests/packaging/lowest-constraints.txt .``), from a folder outside the repository:

    python tests/packaging/lowest_smoke.py

It builds the app on a small embedded SQLite store (created, migrated and seeded with demo
data), renders the map page, calls the API, downloads CSV, XLSX, GeoPackage and Parquet files
and the country geometry, simplifies regions as regional maps do, and runs ``incidentmap
--help`` and ``incidentmap settings``. Exit
status 0 when all of that works; an assertion names what failed.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

FLOORS = Path(__file__).with_name("lowest-constraints.txt")


def _pinned() -> dict[str, str]:
    lines = (line.split("#")[0].strip() for line in FLOORS.read_text().splitlines())
    return dict(line.split("==") for line in lines if line)


def main() -> int:
    """Run the smoke test; 0 when everything answered as it should."""
    started = time.monotonic()
    for name, version in _pinned().items():
        assert metadata.version(name) == version, f"{name} {metadata.version(name)} != {version}"
    folder = Path(tempfile.mkdtemp(prefix="incidentmap-lowest-"))
    os.environ.update(INCIDENTMAP_INSTANCE_DIR=str(folder / "instance"),
                      INCIDENTMAP_DEMO_ROWS="200")
    os.chdir(folder)
    import app

    assert Path(sys.prefix) in Path(app.__file__).resolve().parents, app.__file__
    client = app.build_app().server.test_client()
    page = client.get("/")
    assert page.status_code == 200 and b"<html" in page.data, page.status_code
    stats = client.get("/api/v1/stats?group_by=country")
    assert stats.status_code == 200 and json.loads(stats.data)["total"] > 0, stats.data[:300]
    csv = client.get("/api/v1/incidents?format=csv")
    assert csv.status_code == 200 and csv.data.count(b"\n") > 100, csv.data[:300]
    for kind in ("xlsx", "gpkg", "parquet"):
        answer = client.get(f"/api/v1/incidents?format={kind}")
        assert answer.status_code == 200 and len(answer.data) > 1000, (kind, answer.data[:300])
    import pyarrow.parquet

    table = pyarrow.parquet.read_table(
        io.BytesIO(client.get("/api/v1/incidents?format=parquet").data))
    assert table.num_rows > 100, table.num_rows
    geometry = client.get("/geo/eu27.geojson")
    assert geometry.status_code == 200 and json.loads(geometry.data)["type"] == \
        "FeatureCollection"
    import shapely

    from geo.web_regions import frame_view

    squares = [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)]  # regional map geometry
    assert len(shapely.coverage_simplify(squares, 0.01)) == 2
    assert frame_view(squares)[1] > 0
    command = str(Path(sys.executable).parent / "incidentmap")
    for args in (["--help"], ["settings"]):
        done = subprocess.run([command, *args], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and "INCIDENTMAP_DATABASE_URL" in done.stdout, done.stderr
    print(f"lowest versions: the app builds and serves (page, API, CSV/XLSX/GeoPackage/Parquet "
          f"downloads, geometry) and the CLI runs, in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
