"""``incidentmap export``, ``release`` and ``odihr-export``: downloads from the CLI.

Both read the public projection, exactly as the API does. Filters are the API's parameters
(``--country DE --bias bm.anti_muslim`` or ``--query 'country=DE&bias=bm.anti_muslim'``),
parsed strictly: an unknown or malformed value stops the command with exit status 2.
The progress line is drawn by the caller's progress class (``ingest.progress.Progress``,
passed in by ``app.py`` so that ``data`` imports nothing from ``ingest``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs

from data.export import FORMATS
from data.filters import FILTER_PARAMS

FILTER_HELP = {
    "date_from": "records whose dates lie on or after this day (YYYY-MM-DD or YYYY-MM)",
    "date_to": "records whose dates lie on or before this day (YYYY-MM-DD or YYYY-MM)",
    "country": "ISO 3166-1 alpha-2 code(s) of member states (Greece is GR)",
    "region": "NUTS code(s), e.g. DE3 or DE300",
    "bias": "bias motivation code(s); a parent code includes its children",
    "indicator": "bias indicator code(s)",
    "type": "incident type code(s); a parent code includes its children",
    "source": "source slug(s) (member organisations' records are 'member')",
}


class CommandError(ValueError):
    """A user error of these commands (printed without a traceback, exit status 2)."""


def register(sub, progress: Callable) -> None:
    """Add ``export`` and ``release`` to the ``incidentmap`` sub-parsers.

    Parameters
    ----------
    sub : argparse sub-parsers action
    progress : callable
        ``progress(total, label=...)`` returns an object with ``update(done, total)`` and
        ``close()`` that draws a progress line on a terminal and stays quiet otherwise.
    """
    export = sub.add_parser(
        "export", help="write the public rows of a filter to a file (csv, xlsx, geojson, "
        "gpkg, parquet or a data-package zip)",
        description="Write the incidents matching a filter, in the public projection, to a "
        "file. Filters are the API's parameters; each option may be repeated or take a comma "
        "list. Without filters every public incident is written.")
    export.add_argument("--format", required=True, choices=FORMATS, help="file format")
    export.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="file to write ('-' writes to standard output)")
    for name in FILTER_PARAMS:
        export.add_argument("--" + name.replace("_", "-"), dest=name, action="append",
                            metavar="VALUE", help=FILTER_HELP[name])
    export.add_argument("--query", metavar="QUERY", help="filter as a URL query string, as in "
                        "the dashboard URL or the API, e.g. 'country=DE,FR&bias=bm.anti_muslim'")
    export.set_defaults(func=lambda args, settings: _cmd_export(args, settings, progress))
    release = sub.add_parser(
        "release", help="freeze the public dataset as a named, citable release "
        "(--list shows them)",
        description="Freeze the current public dataset as release NAME: Parquet and a "
        "data-package zip are written into INSTANCE_DIR/releases/NAME/ and stay downloadable "
        "at /api/v1/releases/NAME after the data change.")
    release.add_argument("name", nargs="?", metavar="NAME",
                         help="release name: letters, digits, '.', '_' or '-' (e.g. 2026-q1)")
    release.add_argument("--list", action="store_true", help="list the frozen releases")
    release.set_defaults(func=lambda args, settings: _cmd_release(args, settings, progress))
    odihr = sub.add_parser(
        "odihr-export", help="an organisation's published records in the shape of the "
        "OSCE/ODIHR civil-society call (CSV)",
        description="Write the published records an organisation logged as the OSCE/ODIHR "
        "civil-society call asks for them: Date (month), Country, Bias motivations, Type of "
        "incident, Source, Description (the reviewed public summary). Records ODIHR does not "
        "collect are left out and counted by reason.")
    odihr.add_argument("--organisation", required=True, metavar="SLUG",
                       help="the organisation (see `incidentmap orgs list`)")
    odihr.add_argument("--from", dest="month_from", metavar="YYYY-MM",
                       help="first month (e.g. 2025-01)")
    odihr.add_argument("--to", dest="month_to", metavar="YYYY-MM",
                       help="last month (e.g. 2025-12)")
    odihr.add_argument("-o", "--output", required=True, metavar="FILE",
                       help="CSV file to write ('-' writes to standard output)")
    odihr.set_defaults(func=_cmd_odihr)


def filter_params(args: argparse.Namespace) -> dict[str, list[str]]:
    """Filter parameters from ``--query`` and the filter options (options added last).

    Raises
    ------
    CommandError
        ``--query`` names a parameter that is not a filter.
    """
    params: dict[str, list[str]] = {}
    if args.query:
        parsed = parse_qs(args.query.lstrip("?"), keep_blank_values=True)
        unknown = sorted(set(parsed) - set(FILTER_PARAMS))
        if unknown:
            raise CommandError(f"--query: unknown parameter(s) {', '.join(unknown)}; filters "
                               f"are {', '.join(FILTER_PARAMS)}")
        params.update(parsed)
    for name in FILTER_PARAMS:
        values = getattr(args, name, None)
        if values:
            params.setdefault(name, []).extend(values)
    return params


def _output(text: str) -> Path | None:
    if text == "-":
        return None
    path = Path(text)
    if path.is_dir():
        raise CommandError(f"-o {path}: is a folder; give a file name")
    if not path.parent.is_dir():
        raise CommandError(f"-o {path}: folder {path.parent} does not exist")
    return path


def _open(settings):
    from data.reference.taxonomy import load_taxonomy
    from data.store.opening import open_store

    return open_store(settings, seed_demo=False), load_taxonomy()


def _cmd_export(args, settings, progress) -> int:
    from data.export import select, stream
    from data.export.files import write_file, write_stream
    from data.filters import FilterError, from_query
    from data.snapshot.model import build

    try:
        output = _output(args.output)
        params = filter_params(args)
        engine, taxonomy = _open(settings)
        snapshot = build(engine, taxonomy, settings.min_cell)
        flt = from_query(params, taxonomy, sources=snapshot.sources)
    except (CommandError, FilterError) as exc:
        print(f"incidentmap: error: {exc}", file=sys.stderr)
        return 2
    selection = select(engine, snapshot, flt)
    bar = progress(len(selection.ids), label="rows")
    chunks = stream(args.format, engine, taxonomy, selection, progress=bar.update)
    if output is None:
        written = write_stream(chunks, sys.stdout.buffer)
    else:
        written = write_file(chunks, output)
    bar.close()
    info = selection.info
    report = sys.stderr if output is None else sys.stdout
    print(f"wrote {info.total:,} incidents ({args.format}, {written.size:,} bytes) to "
          f"{output or 'standard output'}; data release {info.data_release}; "
          f"{info.description}", file=report)
    if info.notice:
        print(f"  note: {info.notice}", file=report)
    return 0


def _cmd_release(args, settings, progress) -> int:
    from data.export.releases import ReleaseError, freeze, list_releases

    if args.list == bool(args.name):
        print("incidentmap: error: give a release NAME to freeze, or --list",
              file=sys.stderr)
        return 2
    engine, taxonomy = _open(settings)
    if args.list:
        found = list_releases(engine)
        if not found:
            print("no frozen releases yet (incidentmap release NAME freezes one)")
        for rel in found:
            item = rel.as_dict()
            print(f"{rel.name:<24} {item['created_at']}  {rel.row_count:>10,} incidents  "
                  f"data release {rel.data_release}  ({', '.join(rel.files)})")
        return 0
    bar = progress(None, label="rows")
    try:
        rel = freeze(engine, taxonomy, settings.instance_dir, args.name, progress=bar.update,
                     min_cell=settings.min_cell)
    except ReleaseError as exc:
        print(f"incidentmap: error: {exc}", file=sys.stderr)
        return 2
    bar.close()
    print(f"froze release {rel.name}: {rel.row_count:,} incidents, data release "
          f"{rel.data_release}")
    for fmt, entry in rel.files.items():
        print(f"  {fmt:<12} {settings.instance_dir / entry['path']}  sha256 {entry['sha256']}")
    print(f"  served at /api/v1/releases/{rel.name}?format={'|'.join(rel.files)}")
    return 0


def _cmd_odihr(args, settings) -> int:
    from data.export.odihr import OdihrExportError, odihr_rows

    try:
        output = _output(args.output)
        engine, taxonomy = _open(settings)
        export = odihr_rows(engine, args.organisation, taxonomy, month_from=args.month_from,
                            month_to=args.month_to)
    except (CommandError, OdihrExportError) as exc:
        print(f"incidentmap: error: {exc}", file=sys.stderr)
        return 2
    text = export.csv_text()
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
    print(export.summary() + (f"\nwritten to {output}" if output else ""), file=sys.stderr)
    return 0
