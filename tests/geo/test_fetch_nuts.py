"""`incidentmap geo fetch-nuts` against a local HTTP server serving ../shared NUTS files."""

from __future__ import annotations

import functools
import http.server
import shutil
import socket
import threading
from pathlib import Path

import pytest

import app
from geo.fetch_nuts import FetchNutsError, fetch_nuts, nuts_file_names
from geo.nuts import find_nuts_files, load_nuts


@pytest.fixture(scope="module")
def nuts_source(shared_data) -> Path:
    folder = shared_data / "geo" / "nuts2024"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    return folder


def _serve(folder: Path):
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    return httpd, thread


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def gisco(nuts_source):
    """Base URL of a local server standing in for GISCO's distribution folder."""
    httpd, thread = _serve(nuts_source)
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    thread.join(timeout=5)
    httpd.server_close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed once the socket is: nobody listens there


def test_downloads_the_three_levels_that_load_nuts_reads(gisco, nuts_source, tmp_path):
    target = tmp_path / "instance" / "nuts2024"
    seen = []
    fetched = fetch_nuts(target, gisco, progress=seen.append)

    assert [f.name for f in fetched] == nuts_file_names("20M") == [f.name for f in seen]
    assert [f.regions for f in fetched] == [115, 299, 1345]
    for name in nuts_file_names("20M"):
        assert (target / name).read_bytes() == (nuts_source / name).read_bytes()
    assert sorted(p.name for p in target.iterdir()) == nuts_file_names("20M")
    assert find_nuts_files(target) == {n: target / nuts_file_names()[n - 1] for n in (1, 2, 3)}
    assert len(load_nuts(target)[3]) > 1000
    assert [p.name for p in target.parent.iterdir()] == ["nuts2024"]  # no staging left


def test_an_existing_folder_keeps_other_files(gisco, tmp_path):
    target = tmp_path / "nuts"
    target.mkdir()
    (target / "README.txt").write_text("mine")
    fetch_nuts(target, gisco.rstrip("/"), scale="60M")
    assert (target / "README.txt").read_text() == "mine"
    assert all((target / n).is_file() for n in nuts_file_names("60M"))


def test_offline_is_a_clear_error_and_changes_nothing(tmp_path):
    target = tmp_path / "nuts"
    with pytest.raises(FetchNutsError, match="offline.*INCIDENTMAP_NUTS_DIR"):
        fetch_nuts(target, f"http://127.0.0.1:{_closed_port()}/", timeout=5)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_missing_file_leaves_the_previous_files_in_place(nuts_source, tmp_path):
    partial = tmp_path / "server"
    partial.mkdir()
    for name in nuts_file_names("20M")[:2]:  # level 3 is missing on this server
        shutil.copy(nuts_source / name, partial / name)
    httpd, thread = _serve(partial)
    target = tmp_path / "nuts"
    target.mkdir()
    (target / nuts_file_names("20M")[0]).write_text("previous")
    try:
        with pytest.raises(FetchNutsError, match="HTTP 404"):
            fetch_nuts(target, f"http://127.0.0.1:{httpd.server_address[1]}/")
    finally:
        httpd.shutdown()
        thread.join(timeout=5)
        httpd.server_close()
    assert [p.name for p in target.iterdir()] == [nuts_file_names("20M")[0]]
    assert (target / nuts_file_names("20M")[0]).read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nuts", "server"]


def test_a_file_of_the_wrong_kind_is_refused(nuts_source, tmp_path):
    wrong = tmp_path / "server"
    wrong.mkdir()
    names = nuts_file_names("20M")
    for name in names:  # level 2 regions where level 1 belongs
        shutil.copy(nuts_source / names[1], wrong / name)
    httpd, thread = _serve(wrong)
    try:
        with pytest.raises(FetchNutsError, match="level-1"):
            fetch_nuts(tmp_path / "nuts", f"http://127.0.0.1:{httpd.server_address[1]}/")
    finally:
        httpd.shutdown()
        thread.join(timeout=5)
        httpd.server_close()
    assert not (tmp_path / "nuts").exists()


def test_unknown_scale_is_refused():
    with pytest.raises(FetchNutsError, match="unknown scale"):
        nuts_file_names("5M")


def test_cli_fills_the_instance_folder_from_the_url_setting(gisco, tmp_path, monkeypatch,
                                                            capsys):
    for name in ("INCIDENTMAP_NUTS_DIR", "INCIDENTMAP_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INCIDENTMAP_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("INCIDENTMAP_NUTS_URL", gisco)
    assert app.main(["geo", "fetch-nuts"]) == 0
    assert find_nuts_files(tmp_path / "nuts2024")
    out = capsys.readouterr().out
    assert "1,345 regions" in out and "EuroGeographics" in out

    monkeypatch.setenv("INCIDENTMAP_NUTS_URL", f"http://127.0.0.1:{_closed_port()}/")
    assert app.main(["geo", "fetch-nuts", "--dir", str(tmp_path / "other")]) == 2
    assert "offline" in capsys.readouterr().err
    assert not (tmp_path / "other").exists()
