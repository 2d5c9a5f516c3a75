"""Frozen releases: the public dataset of one moment, stored so a citation can be reproduced.

``incidentmap release NAME`` writes the whole public dataset (Parquet and the data-package
zip) into ``INSTANCE_DIR/releases/NAME/`` and records the release in the ``releases`` table
with the data release id, the row count and each file's SHA-256. The files are never
rewritten: ``/api/v1/releases/NAME?format=...`` serves the same bytes after the data change.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from data.export import filename, stream
from data.export import select as select_rows
from data.export.files import write_file
from data.filters import IncidentFilter
from data.reference.taxonomy import Taxonomy
from data.reference.vocab import DEMO_NOTICE
from data.snapshot.model import build
from data.store.db import data_version
from data.store.schema import releases

#: Formats a release is frozen in (the data package holds the CSV).
FROZEN_FORMATS = ("parquet", "datapackage")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
FOLDER = "releases"


class ReleaseError(ValueError):
    """A release cannot be frozen or found; the message says why (a user error)."""


@dataclass(frozen=True)
class Release:
    """One frozen release as recorded in the ``releases`` table."""

    name: str
    data_release: str
    created_at: dt.datetime
    row_count: int
    synthetic: bool
    files: dict

    def as_dict(self) -> dict:
        """The release as plain JSON-ready data (file paths left out)."""
        created = self.created_at
        if created.tzinfo is None:  # SQLite returns naive datetimes: they were stored in UTC
            created = created.replace(tzinfo=dt.UTC)
        return {
            "name": self.name,
            "data_release": self.data_release,
            "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "row_count": self.row_count,
            "notice": DEMO_NOTICE if self.synthetic else None,
            "files": {fmt: {"sha256": f["sha256"], "bytes": f["bytes"]}
                      for fmt, f in self.files.items()},
        }


def check_name(name: str) -> str:
    """Return ``name`` if it can name a release (letters, digits, ``._-``; 1-64 characters).

    Raises
    ------
    ReleaseError
    """
    if not NAME_PATTERN.match(name or ""):
        raise ReleaseError(f"release name {name!r}: use 1-64 letters, digits, '.', '_' or "
                           "'-', starting with a letter or digit (e.g. 2026-q1)")
    return name


def _row_to_release(row) -> Release:
    return Release(row.name, row.data_release, row.created_at, int(row.row_count),
                   bool(row.synthetic), dict(row.files))


def list_releases(engine: Engine) -> list[Release]:
    """Every frozen release, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(releases).order_by(releases.c.created_at, releases.c.id))
        return [_row_to_release(r) for r in rows]


def get_release(engine: Engine, name: str) -> Release | None:
    """The release called ``name``, or None."""
    with engine.connect() as conn:
        row = conn.execute(select(releases).where(releases.c.name == name)).first()
    return _row_to_release(row) if row is not None else None


def release_file(instance_dir: Path, release: Release, fmt: str) -> Path:
    """Path of a release's file in format ``fmt``.

    Raises
    ------
    ReleaseError
        The release was not frozen in ``fmt``, or its file is missing on this server.
    """
    entry = release.files.get(fmt)
    if entry is None:
        raise ReleaseError(f"release {release.name!r} has no {fmt} file; it has: "
                           + ", ".join(release.files))
    path = (Path(instance_dir) / entry["path"]).resolve()
    if not path.is_relative_to(Path(instance_dir).resolve()) or not path.is_file():
        raise ReleaseError(f"the {fmt} file of release {release.name!r} is missing from "
                           f"{Path(instance_dir) / FOLDER}")
    return path


def freeze(engine: Engine, taxonomy: Taxonomy, instance_dir: Path, name: str, *,
           progress: Callable[[int, int], None] | None = None,
           now: dt.datetime | None = None, min_cell: int) -> Release:
    """Freeze the current public dataset as release ``name``.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    taxonomy : Taxonomy
    instance_dir : pathlib.Path
        The files go to ``instance_dir/releases/name/``.
    name : str
        Unique release name (see :func:`check_name`).
    progress : callable, optional
        Called with (rows written, rows to write) across all frozen formats.
    now : datetime.datetime, optional
        Time recorded as the release's creation and retrieval time.
    min_cell : int
        The small-cell threshold (``Settings.min_cell``) member records are shown with.

    Returns
    -------
    Release

    Raises
    ------
    ReleaseError
        Bad or taken name, or the published data changed while the files were written.
    """
    check_name(name)
    if get_release(engine, name) is not None:
        raise ReleaseError(f"release {name!r} exists already (releases are never rewritten)")
    folder = Path(instance_dir) / FOLDER / name
    if folder.exists():
        raise ReleaseError(f"{folder} exists but no release {name!r} is recorded (left by an "
                           "interrupted run?): remove it or choose another name")
    version = data_version(engine)
    snapshot = build(engine, taxonomy, min_cell)
    selection = select_rows(engine, snapshot, IncidentFilter(), release_name=name, now=now)
    info = selection.info
    # written aside, then renamed into place: whoever renames first owns the name's folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=folder.parent))
    partial.chmod(0o755)  # readable like the instance folder, not mkdtemp's 0700
    rows = len(selection.ids)
    files: dict[str, dict] = {}
    try:
        for i, fmt in enumerate(FROZEN_FORMATS):
            def step(done: int, total: int, offset: int = i * rows) -> None:
                if progress is not None:
                    progress(offset + done, total * len(FROZEN_FORMATS))

            written = write_file(stream(fmt, engine, taxonomy, selection, progress=step),
                                 partial / filename(fmt, info))
            path = folder / filename(fmt, info)
            files[fmt] = {"path": path.relative_to(instance_dir).as_posix(),
                          "sha256": written.sha256, "bytes": written.size}
        if data_version(engine) != version and \
                build(engine, taxonomy, min_cell).fingerprint != snapshot.fingerprint:
            raise ReleaseError("the published data changed while the release was written; "
                               "run the command again")
        try:
            partial.rename(folder)
        except OSError as exc:
            raise ReleaseError(f"release {name!r} is being frozen by another run") from exc
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    try:
        with engine.begin() as conn:
            conn.execute(insert(releases).values(
                name=name, data_release=info.data_release, created_at=info.retrieved_at,
                row_count=rows, synthetic=info.has_demo, files=files))
    except IntegrityError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise ReleaseError(f"release {name!r} exists already") from exc
    return get_release(engine, name)
