"""incidentmap: build the app from settings, and the ``incidentmap`` command line.

``incidentmap serve --production`` runs gunicorn on :func:`build_app` (see
:func:`serve_production`); ``gunicorn app:server`` is its documented equivalent (``server`` is
built on first access, not at import); ``python app.py`` runs the development server like
``incidentmap serve``.
"""

from __future__ import annotations

import os
import sys


def _ignore_the_working_folder() -> None:
    """Keep modules in the working folder from standing in for the app's packages.

    gunicorn puts its working folder first on ``sys.path`` (and ``python -m`` the current
    one), so a ``data.py`` or ``dashboard.py`` there would be imported instead of the
    ``data`` or ``dashboard`` package. Unless the working folder is this source tree, it is
    taken off the path before any of them is imported.
    """
    try:
        here, cwd = os.path.dirname(os.path.realpath(__file__)), os.path.realpath(os.getcwd())
    except OSError:  # the working folder was deleted
        return
    if here != cwd:
        sys.path[:] = [p for p in sys.path if os.path.realpath(p or os.curdir) != cwd]


_ignore_the_working_folder()

# The imports below come after the path is cleaned (E402 is off for this file).
import argparse
import logging
from pathlib import Path

from data import logs, software
from data.cli import accounts as accounts_cli
from data.cli import backup as backup_cli
from data.cli import export as export_cli
from data.cli import protection as protection_cli
from data.people.vault import VaultError
from data.settings import (
    SETTINGS,
    Settings,
    SettingsError,
    legacy_instance_notice,
    settings_list,
    settings_markdown,
)
from data.store.backup import BackupError
from data.store.db import StoreError, StoreUnreachable
from data.store.failures import classify, database_errors
from ingest import cli as ingest_cli
from ingest.errors import USER_ERRORS
from ingest.progress import Progress

log = logging.getLogger("incidentmap")


def build_app(settings: Settings | None = None):
    """Open the store and build the Dash app for ``settings`` (environment by default).

    Returns
    -------
    dash.Dash
    """
    from dashboard.app_factory import create_app
    from dashboard.context import AppContext
    from data.reference.taxonomy import load_taxonomy
    from data.store.opening import open_store

    settings = settings or Settings.from_env()
    logs.configure(settings.log_level, settings.log_format)
    # behind: 503 until `db upgrade`; serving is one of the commands that create a store
    engine = open_store(settings, allow_behind=True, create=True)
    return create_app(AppContext(settings, engine, load_taxonomy()))


def __getattr__(name: str):
    if name == "server":  # lazily, so importing app.py does no work
        if notice := legacy_instance_notice():
            log.warning(notice)
        return build_app().server
    raise AttributeError(name)


def gunicorn_options(settings: Settings, host: str, port: int,
                     workers: int | None = None) -> dict[str, object]:
    """The gunicorn settings of ``incidentmap serve --production`` (docs/operations.md §3).

    Threaded workers (``gthread``): a long download streams in one thread while the others
    answer pages, and ``timeout`` is only the worker's heartbeat, covering its start-up.
    """
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return {"bind": bind, "workers": workers or settings.workers, "worker_class": "gthread",
            "threads": settings.threads, "timeout": settings.worker_timeout}


def serve_production(settings: Settings, options: dict[str, object]) -> int:
    """Run gunicorn in this process on :func:`build_app` with ``options``, until stopped.

    The store is opened (created, migrated and seeded when it is the embedded default) once,
    here, before the workers start; each worker then builds its own app and snapshot. The
    application comes from this function, never from a module looked up in the working
    folder. ``GUNICORN_CMD_ARGS`` adds other gunicorn settings (e.g. ``--graceful-timeout``).
    SIGTERM stops it gracefully (exit status 0), SIGHUP restarts the workers.
    """
    from gunicorn.app.base import BaseApplication

    from data.store.opening import open_store

    open_store(settings, allow_behind=True, create=True).dispose()  # before forking workers

    class Production(BaseApplication):
        def load_config(self) -> None:
            for name, value in options.items():
                self.cfg.set(name, value)
            extra = self.cfg.parser().parse_args(self.cfg.get_cmd_args_from_env())
            for name, value in vars(extra).items():
                if value is not None and name != "args":
                    self.cfg.set(name.lower(), value)

        def load(self):
            return build_app(settings).server

    Production().run()
    return 0


def _cmd_serve(args, settings: Settings) -> int:
    host = args.host or settings.host
    port = args.port or settings.port
    if args.production:
        options = gunicorn_options(settings, host, port, args.workers)
        print(f"incidentmap is running on http://{host}:{port}/ with gunicorn: "
              f"{options['workers']} workers of {options['threads']} threads (SIGTERM stops "
              "it)", flush=True)
        return serve_production(settings, options)
    if args.workers is not None:
        print("incidentmap: error: --workers needs --production", file=sys.stderr)
        return 2
    app = build_app(settings)
    print(f"incidentmap is running on http://{host}:{port}/ (Ctrl+C stops it)", flush=True)
    app.run(host=host, port=port, debug=args.debug)
    return 0


def _cmd_demo(args, settings: Settings) -> int:
    from data.records.demo import load_demo
    from data.store.opening import open_migrated

    count = args.rows if args.rows is not None else settings.demo_rows
    if count < 1:
        print("incidentmap: error: INCIDENTMAP_DEMO_ROWS is 0: give the number of incidents "
              "with --rows", file=sys.stderr)
        return 2
    engine = open_migrated(settings, create=True)
    tty = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if tty:
            print(f"\r  {done:,}/{total:,} incidents", end="", file=sys.stderr, flush=True)

    from geo.nuts import usable_nuts_dir

    nuts_dir = usable_nuts_dir(settings.nuts_folder)  # gives the records NUTS regions
    rows = load_demo(engine, rows=count, seed=args.seed, progress=progress,
                     nuts_dir=nuts_dir)
    if tty:
        print(file=sys.stderr)
    print(f"loaded {rows:,} synthetic demo incidents (seed {args.seed}) into source 'demo'")
    return 0


def _cmd_db(args, settings: Settings) -> int:
    from data.store.db import analyze, make_engine, redact, upgrade
    from data.store.opening import require_store, schema_is_current

    if args.db_command != "upgrade":
        require_store(settings)  # only `db upgrade` creates one
    engine = make_engine(settings.effective_database_url)
    url = redact(settings.effective_database_url)
    if args.db_command == "upgrade":
        upgrade(engine)
        with engine.begin() as conn:
            analyze(conn)  # fresh planner statistics, e.g. after restoring a dump
        print(f"database {url} is at the current schema")
    else:
        state = "current" if schema_is_current(engine) else "NOT current (run db upgrade)"
        print(f"database {url}: schema {state}")
    return 0


def _cmd_geo(args, settings: Settings) -> int:
    from geo.fetch_nuts import ATTRIBUTION, FetchNutsError, fetch_nuts

    target = args.dir or settings.nuts_folder
    url = args.url or settings.nuts_url
    print(f"downloading NUTS 2024 boundaries ({args.scale}) from {url} into {target}")
    try:
        fetch_nuts(target, url, scale=args.scale, progress=lambda f: print(
            f"  {f.name}: {f.regions:,} regions, {f.size / 1e6:.1f} MB", flush=True))
    except FetchNutsError as exc:
        print(f"incidentmap: error: {exc}", file=sys.stderr)
        return 2
    if args.dir is not None and args.dir != settings.nuts_folder:
        print(f"set INCIDENTMAP_NUTS_DIR={target} so that the app uses them")
    print(f"done ({ATTRIBUTION}); restart the dashboard to offer regional maps")
    return 0


def _cmd_settings(args, _settings: Settings) -> int:
    print(settings_markdown() if args.markdown else settings_list())
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def parser() -> argparse.ArgumentParser:
    """The ``incidentmap`` argument parser."""
    settings_lines = "\n".join(f"  {s.variable}" for s in SETTINGS)
    top = argparse.ArgumentParser(
        prog="incidentmap",
        description="Map anti-migrant hate incidents across the EU-27.",
        epilog="Settings come from environment variables (see `incidentmap settings`):\n"
        + settings_lines,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--version", action="version",
                     version=f"{software.NAME} {software.version()} ({software.LICENCE})")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = sub.add_parser("serve", help="run the dashboard (creates and seeds the default "
                           "SQLite store on first start)")
    serve.add_argument("--host", help="address to listen on (default INCIDENTMAP_HOST)")
    serve.add_argument("--port", type=int, help="port to listen on (default INCIDENTMAP_PORT)")
    serve.add_argument("--debug", action="store_true", help="Dash debug mode (development)")
    serve.add_argument("--production", action="store_true",
                       help="serve with gunicorn: INCIDENTMAP_WORKERS gthread workers of "
                       "INCIDENTMAP_THREADS threads, INCIDENTMAP_WORKER_TIMEOUT "
                       "(docs/operations.md)")
    serve.add_argument("--workers", type=_positive,
                       help="gunicorn workers with --production (default INCIDENTMAP_WORKERS)")
    serve.set_defaults(func=_cmd_serve)
    demo = sub.add_parser("demo", help="load the synthetic demo dataset (replaces earlier "
                          "demo records)")
    demo.add_argument("--rows", type=_positive, help="incidents (default INCIDENTMAP_DEMO_ROWS)")
    demo.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    demo.set_defaults(func=_cmd_demo)
    db = sub.add_parser("db", help="database schema")
    db.add_argument("db_command", choices=("upgrade", "current"),
                    help="upgrade: apply migrations; current: report the schema state")
    db.set_defaults(func=_cmd_db)
    geo = sub.add_parser("geo", help="boundary files")
    geo_sub = geo.add_subparsers(dest="geo_command", required=True, metavar="GEO_COMMAND")
    fetch = geo_sub.add_parser("fetch-nuts", help="download the GISCO NUTS 2024 regions "
                               "(levels 1-3) for regional maps and for placing points")
    fetch.add_argument("--url", help="base URL of the files (default INCIDENTMAP_NUTS_URL)")
    fetch.add_argument("--dir", type=Path, help="folder to fill (default INCIDENTMAP_NUTS_DIR, "
                       "else INSTANCE_DIR/nuts2024)")
    fetch.add_argument("--scale", default="20M", choices=("01M", "03M", "10M", "20M", "60M"),
                       help="GISCO scale (default 20M)")
    fetch.set_defaults(func=_cmd_geo)
    settings = sub.add_parser("settings", help="list the settings and what they do")
    settings.add_argument("--markdown", action="store_true",
                          help="print them as the README's table")
    settings.set_defaults(func=_cmd_settings)
    ingest_cli.register(sub)
    accounts_cli.register(sub)
    protection_cli.register(sub)
    backup_cli.register(sub)
    export_cli.register(sub, progress=Progress)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run the ``incidentmap`` command line; returns the exit status."""
    logs.configure()  # until the settings are read
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        logs.configure(settings.log_level, settings.log_format)
        if notice := legacy_instance_notice():
            print(f"incidentmap: notice: {notice}", file=sys.stderr)
        return args.func(args, settings)
    except StoreUnreachable as exc:  # the database failed: exit status 3, as documented
        print(f"incidentmap: error: {exc}", file=sys.stderr)
        return 3
    except (StoreError, SettingsError, VaultError, BackupError, *USER_ERRORS) as exc:
        print(f"incidentmap: error: {exc}", file=sys.stderr)
        return 2
    except database_errors() as exc:
        failure = classify(exc)
        if failure is None:
            raise
        print(f"incidentmap: error: {failure}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
