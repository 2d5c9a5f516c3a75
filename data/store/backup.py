"""Backups of the store: one consistent archive made while the site runs, and its restore.

A backup is a tar archive holding

- ``manifest.json``: the format, when and by which version it was made, the backend, the schema
  revision, the row count of every table and the SHA-256 of every other member;
- ``database.sqlite`` (SQLite: made with SQLite's online backup API, a consistent copy even
  while the site writes) or ``database.pgdump`` (PostgreSQL: ``pg_dump --format=custom`` of
  the store's schema, one consistent snapshot);
- ``files/<name>/...``: folders that belong with the data (the frozen releases).

It never holds the keys (``INCIDENTMAP_SECRET_KEY``, ``INCIDENTMAP_VAULT_KEY``): a backup and
its keys are kept apart, so a stolen backup reveals no name or contact from the vault.

A restore refuses to overwrite a store that holds data, checks every member against the
manifest first, and brings back a store at the backup's schema revision (``incidentmap db
upgrade`` then migrates it when the code is newer).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, create_engine, func, inspect, make_url, select, table

#: Bumped when the archive's layout changes; a restore refuses formats it does not know.
FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite"
POSTGRES_MEMBER = "database.pgdump"
FILES = "files"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says what to do."""


@dataclass(frozen=True)
class Manifest:
    """What a backup holds (the archive's ``manifest.json``)."""

    format: int
    created_at: str
    software_version: str
    backend: str
    schema_revision: str | None
    tables: dict[str, int]
    members: dict[str, str]

    def as_json(self) -> bytes:
        """The manifest as the archive stores it."""
        return json.dumps(self.__dict__, indent=2, sort_keys=True).encode("utf-8")


def table_counts(conn: Connection) -> dict[str, int]:
    """Rows in every table of the store as ``conn`` sees it (what a restore is checked against).

    PostGIS's own ``spatial_ref_sys`` is left out: it belongs to the extension.
    """
    names = sorted(set(inspect(conn).get_table_names()) - {"spatial_ref_sys"})
    return {name: int(conn.execute(select(func.count()).select_from(table(name))).scalar())
            for name in names}


def schema_revision(engine: Engine) -> str | None:
    """The store's Alembic revision (None for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _libpq_url(engine: Engine) -> str:
    """The engine's URL as libpq tools take it (no SQLAlchemy driver name)."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _schema(engine: Engine) -> str:
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT current_schema()").scalar()


def _run(command: list[str], what: str) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=24 * 3600)
    except FileNotFoundError as exc:
        raise BackupError(f"{what} needs `{command[0]}`: install the PostgreSQL client "
                          "(Debian: apt-get install postgresql-client)") from exc
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{what} failed: {last}")


def _dump_database(engine: Engine, folder: Path) -> tuple[Path, dict[str, int]]:
    """Copy the database into ``folder``; returns the copy and the row counts it holds."""
    if engine.dialect.name == "sqlite":
        target = folder / SQLITE_MEMBER
        source = sqlite3.connect(engine.url.database)
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)  # the online backup API: a consistent copy under writes
        finally:
            copy.close()
            source.close()
        copied = create_engine(f"sqlite:///{target}")
        try:
            with copied.connect() as conn:
                return target, table_counts(conn)
        finally:
            copied.dispose()
    target = folder / POSTGRES_MEMBER
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, \
            conn.begin():
        # pg_dump reads the snapshot this transaction sees, so the counts match the dump
        snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
        counts = table_counts(conn)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
              f"--snapshot={snapshot}", f"--schema={_schema(engine)}", f"--file={target}",
              f"--dbname={_libpq_url(engine)}"], "pg_dump")
    return target, counts


def backup(engine: Engine, target: Path, *, folders: Mapping[str, Path] = (),
           software_version: str = "unknown") -> Manifest:
    """Write a consistent backup of the store (and of ``folders``) to ``target``.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The store; the site may go on writing meanwhile.
    target : pathlib.Path
        The archive to write (``.tar``); written under a temporary name, then renamed, so a
        failed backup never leaves a half archive under the name.
    folders : mapping of str to pathlib.Path, optional
        Folders saved with the data, by name (missing ones are skipped).
    software_version : str, optional
        Recorded in the manifest.

    Returns
    -------
    Manifest
    """
    folders = dict(folders)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".backup-") as work:
        work = Path(work)
        revision = schema_revision(engine)
        dump, counts = _dump_database(engine, work)
        members = {dump.name: _sha256(dump)}
        extra = []
        for name, folder in sorted(folders.items()):
            for file in sorted(Path(folder).rglob("*")) if Path(folder).is_dir() else ():
                if file.is_file():
                    member = f"{FILES}/{name}/{file.relative_to(folder).as_posix()}"
                    members[member] = _sha256(file)
                    extra.append((member, file))
        manifest = Manifest(FORMAT, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                            software_version, engine.dialect.name, revision, counts, members)
        partial = work / "partial.tar"
        with tarfile.open(partial, "w") as archive:
            _add_bytes(archive, MANIFEST, manifest.as_json())
            archive.add(dump, arcname=dump.name)
            for member, file in extra:
                archive.add(file, arcname=member)
        partial.chmod(0o600)  # it holds restricted fields: readable by the owner only
        partial.replace(target)
    return manifest


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), 0o600
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def read_manifest(source: Path) -> Manifest:
    """The manifest of the backup at ``source``.

    Raises
    ------
    BackupError
        When ``source`` is not an incidentmap backup, or of a format this version cannot read.
    """
    try:
        with tarfile.open(source, "r") as archive:
            raw = archive.extractfile(MANIFEST).read()
    except (OSError, tarfile.TarError, KeyError, AttributeError) as exc:
        raise BackupError(f"{source} is not an incidentmap backup ({exc})") from exc
    values = json.loads(raw)
    if values.get("format") != FORMAT:
        raise BackupError(f"{source} is a backup of format {values.get('format')}; this "
                          f"version reads format {FORMAT}")
    return Manifest(**values)


def _holds_data(engine: Engine) -> bool:
    return schema_revision(engine) is not None or bool(
        set(inspect(engine).get_table_names()) - {"spatial_ref_sys"})


def restore(engine: Engine, source: Path, *, folders: Mapping[str, Path] = ()) -> Manifest:
    """Bring back the backup at ``source`` into the empty store of ``engine``.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        An empty database of the backup's backend (a SQLite file that does not exist yet, or
        a PostgreSQL database or schema without tables; PostGIS installed).
    source : pathlib.Path
        The archive :func:`backup` wrote.
    folders : mapping of str to pathlib.Path, optional
        Where the saved folders go back (by the names given to :func:`backup`); each must be
        empty or absent.

    Returns
    -------
    Manifest
        The backup's manifest; the restored tables hold exactly its row counts.

    Raises
    ------
    BackupError
        The archive is damaged or of the other backend, or the target already holds data.
    """
    manifest = read_manifest(source)
    if manifest.backend != engine.dialect.name:
        raise BackupError(f"{source} is a {manifest.backend} backup; the configured store is "
                          f"{engine.dialect.name}")
    if _holds_data(engine):
        raise BackupError("the configured store already holds data: restore into an empty "
                          "database (a new SQLite path, or a new PostgreSQL database with "
                          "PostGIS), then point INCIDENTMAP_DATABASE_URL at it")
    targets = {name: Path(path) for name, path in dict(folders).items()}
    for path in targets.values():
        if path.is_dir() and any(path.iterdir()):
            raise BackupError(f"{path} is not empty: move it aside before restoring")
    with tempfile.TemporaryDirectory(prefix="incidentmap-restore-") as work:
        work = Path(work)
        with tarfile.open(source, "r") as archive:
            archive.extractall(work, filter="data")
        for member, digest in manifest.members.items():
            if not (work / member).is_file() or _sha256(work / member) != digest:
                raise BackupError(f"{source} is damaged: {member} does not match its manifest")
        if engine.dialect.name == "sqlite":
            _restore_sqlite(engine, work / SQLITE_MEMBER)
        else:
            _restore_postgres(engine, work / POSTGRES_MEMBER)
        for name, path in targets.items():
            saved = work / FILES / name
            if saved.is_dir():
                shutil.copytree(saved, path, dirs_exist_ok=True)
    with engine.connect() as conn:
        restored = table_counts(conn)
    if restored != manifest.tables:
        wrong = sorted(k for k in set(restored) | set(manifest.tables)
                       if restored.get(k) != manifest.tables.get(k))
        raise BackupError(f"the restored store does not hold the backup's rows: {wrong}")
    return manifest


def _restore_sqlite(engine: Engine, dump: Path) -> None:
    engine.dispose()
    source = sqlite3.connect(dump)
    target = sqlite3.connect(make_url(str(engine.url)).database)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()


def _restore_postgres(engine: Engine, dump: Path) -> None:
    listing = dump.with_suffix(".list")
    done = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True, text=True,
                          timeout=3600)
    if done.returncode != 0:
        raise BackupError(f"pg_restore cannot read the dump: {done.stderr.strip()}")
    # the schema itself exists already (public, or the one the URL's search_path names)
    entries = [line for line in done.stdout.splitlines() if " SCHEMA - " not in line]
    listing.write_text("\n".join(entries) + "\n")
    engine.dispose()
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
          "--single-transaction", f"--use-list={listing}", f"--dbname={_libpq_url(engine)}",
          str(dump)], "pg_restore")
