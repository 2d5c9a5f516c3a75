"""``incidentmap retention ...`` and ``incidentmap vault ...``: data protection chores."""

from __future__ import annotations

import sys


def register(sub) -> None:
    """Add the ``retention`` and ``vault`` commands to the ``incidentmap`` sub-parsers."""
    retention = sub.add_parser("retention", help="erase personal data past its retention "
                               "period (INCIDENTMAP_RETENTION)")
    retention_sub = retention.add_subparsers(dest="retention_command", required=True,
                                             metavar="RETENTION_COMMAND")
    run = retention_sub.add_parser("run", help="erase what is due and report it (schedule "
                                   "it daily)")
    run.add_argument("--dry-run", action="store_true",
                     help="count what is due; erase nothing")
    run.set_defaults(func=_retention_run)

    vault = sub.add_parser("vault", help="the identity vault's keys")
    vault_sub = vault.add_subparsers(dest="vault_command", required=True,
                                     metavar="VAULT_COMMAND")
    vault_sub.add_parser("new-key", help="print a new key for INCIDENTMAP_VAULT_KEY"
                         ).set_defaults(func=_vault_new_key)
    vault_sub.add_parser("rotate", help="re-encrypt the vault with the first key of "
                         "INCIDENTMAP_VAULT_KEY (put the old keys after it first)"
                         ).set_defaults(func=_vault_rotate)


def _retention_run(args, settings) -> int:
    from data.people.retention import run
    from data.people.sessions import Limits, purge_sessions
    from data.store.opening import open_migrated

    engine = open_migrated(settings)
    results = run(engine, settings.retention, dry_run=args.dry_run)
    verb = "due" if args.dry_run else "erased"
    for r in results:
        period = "kept until erased by hand" if r.days is None else f"after {r.days} days"
        print(f"{r.kind:15} {r.due if args.dry_run else r.erased:>7,} {verb}  ({period})")
    ended = purge_sessions(engine, Limits.from_settings(settings), dry_run=args.dry_run)
    print(f"{'sessions':15} {ended:>7,} {verb}  (once ended or expired)")
    if args.dry_run:
        print("dry run: nothing was erased")
    return 0


def _vault_new_key(_args, _settings) -> int:
    from cryptography.fernet import Fernet

    print(Fernet.generate_key().decode("ascii"))
    print("keep it apart from the database backups; without it the vault is unreadable",
          file=sys.stderr)
    return 0


def _vault_rotate(_args, settings) -> int:
    from data.people.vault import Vault, rotate_keys
    from data.store.opening import open_migrated

    done = rotate_keys(open_migrated(settings), Vault.from_settings(settings))
    print(f"re-encrypted {done:,} vault entries and files with the first key; the other keys "
          "can now be removed from INCIDENTMAP_VAULT_KEY")
    return 0
