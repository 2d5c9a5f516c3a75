"""``incidentmap ingest``, ``incidentmap ingest undo`` and ``incidentmap labels``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ingest.sources import SOURCES


def register(sub) -> None:
    """Add the ingest and labels commands to the ``incidentmap`` sub-parsers."""
    sources = "\n".join(f"  {name:<9} {src.title} [default policy: {src.policy}]"
                        for name, src in SOURCES.items())
    ingest = sub.add_parser(
        "ingest", help="load a dataset (file or URL) into the store; 'ingest undo RUN' "
        "removes what one run added",
        description="Load a dataset into the store, normalising every record by bias and "
        "location.\n\nsources:\n" + sources + "\n\nincidentmap ingest undo RUN removes "
        "exactly what ingest run RUN added.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ingest.add_argument("source", metavar="SOURCE", help="source name (see above), or 'undo'")
    ingest.add_argument("location", metavar="PATH_OR_URL",
                        help="file path or http(s) URL; with 'undo', the run number")
    ingest.add_argument("--mapping", type=Path, help="YAML file naming columns, date order, "
                        "defaults, label crosswalk, dataset (see docs/ingest.md)")
    ingest.add_argument("--dry-run", action="store_true", help="check everything, write "
                        "nothing")
    ingest.add_argument("--rejects", type=Path, help="write rejected rows and their reasons "
                        "to this CSV file")
    ingest.add_argument("--notes", type=Path, help="write every issue (rejecting or not) to "
                        "this CSV file")
    ingest.add_argument("--policy", choices=("open", "member"), help="publication policy of "
                        "the records (overrides the source's default)")
    ingest.set_defaults(func=_cmd_ingest)
    labels = sub.add_parser("labels", help="review labels ingest could not map")
    labels_sub = labels.add_subparsers(dest="labels_command", required=True)
    pending = labels_sub.add_parser("pending", help="list unrecognised labels, most "
                                    "frequent first")
    pending.set_defaults(func=_cmd_labels_pending)
    mapped = labels_sub.add_parser("map", help="map a label to taxonomy codes and "
                                   "re-normalise the records that carry it")
    mapped.add_argument("kind", choices=("bias", "indicator", "type"))
    mapped.add_argument("label", help="the raw label, as listed by 'labels pending'")
    mapped.add_argument("codes", nargs="+", help="taxonomy codes")
    mapped.set_defaults(func=_cmd_labels_map)


def _engine(settings):
    from data.store.opening import open_migrated

    return open_migrated(settings)


def _boundaries(settings):
    """Boundaries for placing points, at the finest level the machine has.

    INCIDENTMAP_NUTS_DIR when set (its problems are errors), else the files ``incidentmap geo
    fetch-nuts`` put in the instance folder, else country level only.
    """
    from geo.assign import load_boundaries
    from geo.nuts import usable_nuts_dir

    if settings.nuts_dir is not None:
        return load_boundaries(settings.nuts_dir)
    return load_boundaries(usable_nuts_dir(settings.nuts_folder))


def _cmd_ingest(args, settings) -> int:
    from ingest.load.runs import undo_run
    from ingest.pipeline import run_ingest

    engine = _engine(settings)
    if args.source == "undo":
        if not args.location.isdigit():
            print("incidentmap: error: usage: incidentmap ingest undo RUN (a run number)",
                  file=sys.stderr)
            return 2
        try:
            removed = undo_run(engine, int(args.location))
        except LookupError as exc:
            print(f"incidentmap: error: {exc}", file=sys.stderr)
            return 2
        print(f"ingest run {args.location} undone: {removed:,} incidents removed")
        return 0
    for option, path in (("--rejects", args.rejects), ("--notes", args.notes)):
        if path and (path.is_dir() or not path.parent.is_dir()):
            print(f"incidentmap: error: {option} {path}: not a file in an existing folder",
                  file=sys.stderr)
            return 2
    from ingest.progress import Progress

    bar = Progress(None)
    report = run_ingest(engine, args.source, args.location, mapping_path=args.mapping,
                        policy=args.policy, dry_run=args.dry_run,
                        boundaries=_boundaries(settings), progress=bar.update)
    bar.close()
    print(report.summary())
    if args.rejects:
        report.write_rejects(args.rejects)
        print(f"  rejected rows written to {args.rejects}")
    if args.notes:
        report.write_issues(args.notes)
        print(f"  every issue written to {args.notes}")
    return 0


def _cmd_labels_pending(args, settings) -> int:
    from ingest.load.review import pending_labels

    rows = pending_labels(_engine(settings))
    if not rows:
        print("no unrecognised labels are waiting for review")
        return 0
    print(f"{'kind':<10} {'records':>8}  label")
    for kind, label, count in rows:
        print(f"{kind:<10} {count:>8,}  {label}")
    print("\nmap one with: incidentmap labels map KIND \"LABEL\" CODE [CODE ...]")
    return 0


def _cmd_labels_map(args, settings) -> int:
    from ingest.load.review import map_label

    try:
        updated = map_label(_engine(settings), args.kind, args.label, args.codes)
    except ValueError as exc:
        print(f"incidentmap: error: {exc}", file=sys.stderr)
        return 2
    print(f"mapped {args.kind} label {args.label!r} to {', '.join(args.codes)}; "
          f"{updated:,} records re-normalised")
    return 0
