"""``incidentmap backup`` and ``incidentmap restore``: the store and its releases, as one file.

See :mod:`data.store.backup` for what the archive holds and how a restore is checked.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from data.settings import Settings

KEYS_REMINDER = (
    "The backup holds restricted fields (narratives, organisations' records): keep it "
    "encrypted and off this server, no longer than the shortest retention period. It does "
    "not hold the keys: back up INCIDENTMAP_VAULT_KEY (or INSTANCE_DIR/vault_key) and "
    "INCIDENTMAP_SECRET_KEY separately; without the vault key the restored vault is "
    "unreadable."
)


def register(sub) -> None:
    """Add ``backup`` and ``restore`` to the ``incidentmap`` sub-parsers."""
    backup = sub.add_parser("backup", help="write a consistent copy of the store and its "
                            "releases to one file (safe while the site runs)")
    backup.add_argument("-o", "--output", type=Path,
                        help="the archive to write (default: incidentmap-backup-<UTC time>.tar "
                        "in the working folder)")
    backup.set_defaults(func=_backup)
    restore = sub.add_parser("restore", help="bring a backup back into an empty store "
                             "(INCIDENTMAP_DATABASE_URL), then run `incidentmap db upgrade`")
    restore.add_argument("archive", type=Path, help="a file written by `incidentmap backup`")
    restore.set_defaults(func=_restore)


def _folders(settings: Settings) -> dict[str, Path]:
    from data.export.releases import FOLDER

    return {FOLDER: Path(settings.instance_dir) / FOLDER}


def _backup(args, settings: Settings) -> int:
    from data import software
    from data.store.backup import backup
    from data.store.db import make_engine
    from data.store.opening import require_store

    require_store(settings)  # a backup of a store that is not there would be an empty one
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = args.output or Path(f"incidentmap-backup-{stamp}.tar")
    manifest = backup(make_engine(settings.effective_database_url), target,
                      folders=_folders(settings), software_version=software.version())
    incidents = manifest.tables.get("incidents", 0)
    files = sum(1 for m in manifest.members if m.startswith("files/"))
    print(f"wrote {target}: {manifest.backend} store at schema {manifest.schema_revision}, "
          f"{incidents:,} incidents, {len(manifest.tables)} tables, {files} release files")
    print(KEYS_REMINDER, file=sys.stderr)
    return 0


def _restore(args, settings: Settings) -> int:
    from data.store.backup import restore
    from data.store.db import make_engine, redact

    url = settings.effective_database_url
    manifest = restore(make_engine(url), args.archive, folders=_folders(settings))
    print(f"restored {args.archive} (made {manifest.created_at} by incidentmap "
          f"{manifest.software_version}) into {redact(url)}: "
          f"{manifest.tables.get('incidents', 0):,} incidents; now run `incidentmap db "
          "upgrade`")
    return 0
