"""What this program is: its name, version and licence, and the source code it runs from.

The version comes from the installed package's metadata, which setuptools-scm writes from the
git tags when the package is built (``v0.2.0`` -> ``0.2.0``; commits after a tag ->
``0.2.1.devN+gHASH``). It names the code in ``incidentmap --version``, in the page footer and
in the API's entity tags (an answer cached by a client is not reused across versions).

The programme is free software under the GNU Affero General Public License, version 3 or
later. Its section 13 asks that everyone using a modified version over a network be offered
its source: :func:`source_archive` packs the files this process really runs from (the four
packages and ``app.py``, with LICENSE), so the footer's "Source code" link offers the running
code, modified or not, unless ``INCIDENTMAP_SOURCE_URL`` points to a published repository.
"""

from __future__ import annotations

import functools
import gzip
import io
import tarfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

NAME = "incidentmap"
LICENCE = "AGPL-3.0-or-later"
#: The top-level packages of the programme (pyproject.toml lists the same).
PACKAGES = ("app", "dashboard", "data", "ingest", "geo")
#: The kinds of file the programme is made of; anything else a folder may hold (a store, a
#: key, a download left by a test) is never packed.
SOURCE_SUFFIXES = {".py", ".html", ".js", ".css", ".yaml", ".md", ".json", ".geojson", ".mako",
                   ".csv", ".txt", ".svg"}
#: Folders never packed: byte code, caches, npm's downloads.
SKIPPED = {"__pycache__", ".pytest_cache", "node_modules"}


@functools.cache
def version() -> str:
    """The installed version, or ``"unknown"`` when the code runs without being installed."""
    try:
        return metadata.version(NAME)
    except metadata.PackageNotFoundError:
        return "unknown"


def _licence_file() -> Path | None:
    """The LICENSE shipped in the distribution's metadata, else the checkout's."""
    try:
        for file in metadata.files(NAME) or ():
            if file.name == "LICENSE":
                return Path(file.locate())
    except metadata.PackageNotFoundError:
        pass
    checkout = Path(__file__).resolve().parents[1] / "LICENSE"
    return checkout if checkout.is_file() else None


def source_files() -> Iterator[tuple[str, Path]]:
    """Every file of the running programme as (name in the archive, path on disk).

    Yields
    ------
    (str, pathlib.Path)
        ``app.py``, every file under the packages' folders (templates, styles, migrations and
        reference data included; byte code and files of other kinds left out), then
        ``LICENSE``.
    """
    import importlib

    for name in PACKAGES:
        module = importlib.import_module(name)
        path = Path(module.__file__).resolve()
        if path.name != "__init__.py":  # app.py, a module
            yield path.name, path
            continue
        root = path.parent
        for file in sorted(root.rglob("*")):
            parts = file.relative_to(root).parts
            if file.suffix in SOURCE_SUFFIXES and file.is_file() and \
                    not SKIPPED.intersection(parts) and not file.name.startswith("."):
                yield f"{name}/{file.relative_to(root).as_posix()}", file
    licence = _licence_file()
    if licence is not None:
        yield "LICENSE", licence


@functools.cache
def source_archive() -> bytes:
    """The running programme's source as a ``.tar.gz`` (made once per process).

    Returns
    -------
    bytes
        A gzip-compressed tar archive whose members sit under ``incidentmap-<version>/``,
        with fixed times and owners so that the same code gives the same archive.
    """
    prefix = f"{NAME}-{version()}"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, path in source_files():
            info = tarfile.TarInfo(f"{prefix}/{name}")
            data = path.read_bytes()
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            archive.addfile(info, io.BytesIO(data))
    return gzip.compress(buffer.getvalue(), mtime=0)
