"""The one way tests build stores, settings and apps.

A *store* is a migrated database (a SQLite file in a folder, or a fresh schema on the
PostgreSQL test server), optionally loaded with demo rows, given records and accounts. A
*site* is a store, the settings for it and the Dash app built from them the way production
builds it (:func:`app.build_app`), with its Flask test client.

Module-scoped fixtures use the context managers directly::

    @pytest.fixture(scope="module")
    def site(tmp_path_factory):
        with factories.site(tmp_path_factory.mktemp("nav"), demo_rows=200) as built:
            yield built

Function-scoped tests use the ``make_store`` and ``make_site`` fixtures of
``tests/conftest.py``, which call the same functions on the test's ``tmp_path``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import dash
import flask
from flask.testing import FlaskClient
from sqlalchemy import JSON, Engine, String, insert

from app import build_app
from dashboard.context import EXTENSION_KEY, AppContext
from data.people.accounts import (
    User,
    add_organisation,
    add_user,
    get_user,
    issue_password_link,
    redeem_password_link,
)
from data.privacy.columns import PERSONAL_COLUMNS
from data.privacy.publication import RESTRICTED_COLUMNS
from data.records.demo import load_demo
from data.settings import Settings
from data.store import db
from data.store.schema import incident_bias_motivations, incident_types, incidents, sources
from tests.conftest import fresh_database

#: Time stamp of the records :func:`add_record` writes.
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
#: Seed of the demo rows unless a test names another.
DEMO_SEED = 11
#: The small-cell threshold tests build snapshots and public rows with unless they name
#: another: the setting's default, as a site's settings have it.
MIN_CELL = Settings().min_cell


@dataclass
class Store:
    """A migrated store built by :func:`build_store`.

    Attributes
    ----------
    url : str
        SQLAlchemy URL of the database.
    engine : sqlalchemy.Engine
        The engine the store was built with (tests write through it).
    users : dict of str to data.people.accounts.User
        The accounts made with it, by the part of the e-mail address before the ``@``.
    folder : pathlib.Path or None
        The folder :func:`store` made it in (None for a store built at a given URL).
    """

    url: str
    engine: Engine
    users: dict[str, User] = field(default_factory=dict)
    folder: Path | None = None
    _engines: list[Engine] = field(default_factory=list, repr=False)

    def close(self) -> None:
        """Dispose of the store's engine and of the engines of the apps built on it."""
        for engine in (*self._engines, self.engine):
            engine.dispose()
        self._engines.clear()


@dataclass
class Site:
    """A store with its settings and the app production would build for them.

    Attributes
    ----------
    store : Store
    settings : data.settings.Settings
    app : dash.Dash
        Built by :func:`app.build_app`; it opened its own engine on the store.
    """

    store: Store
    settings: Settings
    app: dash.Dash

    @property
    def engine(self) -> Engine:
        """The store's engine (the one tests write through)."""
        return self.store.engine

    @property
    def users(self) -> dict[str, User]:
        """The store's accounts (:attr:`Store.users`)."""
        return self.store.users

    @property
    def server(self) -> flask.Flask:
        """The app's Flask server."""
        return self.app.server

    @property
    def context(self) -> AppContext:
        """The app's context (settings, its own engine, taxonomy, snapshots)."""
        return self.app.server.extensions[EXTENSION_KEY]

    def client(self):
        """A new Flask test client of the app (no session)."""
        return self.app.server.test_client()


#: Where :class:`SiteClient` says its requests come from: the test client's own host.
SITE_ORIGIN = "http://localhost"


class SiteClient(FlaskClient):
    """The Flask test client of a site, as a browser on the site's own pages.

    Browsers send ``Origin`` with every POST, and the app refuses state-changing requests
    from another site or, with a cookie, from no named site (:mod:`dashboard.auth.origin`).
    So every request says it comes from :data:`SITE_ORIGIN` unless the test says otherwise:
    ``headers={"Origin": "https://evil.example"}`` is another site's page, and
    ``headers={"Origin": ""}`` sends none (an empty header counts as absent).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_ORIGIN"] = SITE_ORIGIN


def canaries() -> dict:
    """A canary in every restricted column of personal data (data.privacy.columns).

    Text columns get ``CANARY-<COLUMN>`` (cut to the column's length), JSON columns a list
    of it; every public output, download and log line is checked for ``CANARY``.
    """
    out = {}
    for name in (c for c in RESTRICTED_COLUMNS if c in PERSONAL_COLUMNS):
        kind, text = incidents.c[name].type, f"CANARY-{name.upper()}"
        if isinstance(kind, String):
            out[name] = text[:kind.length] if kind.length else text
        elif isinstance(kind, JSON):
            out[name] = [text]
    return out


def add_record(engine: Engine, *, slug: str, policy: str, status: str, public_id: str,
               summary: str = "A public summary", lat=None, lon=None, place=None,
               nuts=(None, None, None), day=dt.date(2016, 2, 3), precision="day",
               geo="municipality", country="DE", bias="bm.racism_xenophobia.anti_refugee",
               licence="", attribution="") -> None:
    """Insert one record (creating its source when needed) and bump the data version.

    The record's identifiers and every restricted column of personal data hold canaries
    (``CANARY-UUID-...``, ``CANARY-SRID-...``, ``CANARY-NARRATIVE``, ...: :func:`canaries`)
    that no public output may contain; its incident type is arson.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    slug : str
        The source's slug; a new source is named after it and gets ``policy``.
    policy, status, public_id : str
        The record's.
    summary, place : str
        Public summary and place name.
    lat, lon : float, optional
        The point.
    nuts : tuple of three str or None
        NUTS 1, 2 and 3 codes.
    day : datetime.date
        Start and end date.
    precision, geo : str
        Date and location precision.
    country, bias : str
        Country code and primary bias motivation.
    licence, attribution : str
        Of a newly created source.
    """
    with engine.begin() as conn:
        src = conn.execute(sources.select().where(sources.c.slug == slug)).first()
        src_id = src.id if src else conn.execute(insert(sources).values(
            slug=slug, name=slug.replace("-", " ").title(), kind="dataset", policy=policy,
            licence=licence, attribution=attribution,
            url=f"https://example.org/{slug}")).inserted_primary_key[0]
        row = conn.execute(insert(incidents).values(
            uuid=f"CANARY-UUID-{public_id}", public_id=public_id, source_id=src_id,
            source_record_id=f"CANARY-SRID-{public_id}", policy=policy, status=status,
            date_start=day, date_end=day, date_precision=precision, country=country,
            nuts1=nuts[0], nuts2=nuts[1], nuts3=nuts[2], geo_precision=geo, lat=lat, lon=lon,
            place_name=place, is_online=False, location_type="street_public_space",
            classification="hate_crime", public_summary=summary, **canaries(),
            taxonomy_version="0.2.0", created_at=NOW, updated_at=NOW)).inserted_primary_key[0]
        conn.execute(insert(incident_bias_motivations).values(
            incident_id=row, code=bias, is_primary=True))
        conn.execute(insert(incident_types).values(
            incident_id=row, code="it.attack_property.arson", is_primary=True))
        db.bump_version(conn)


def add_accounts(engine: Engine, organisations: Iterable[tuple[str, str, str]] = (),
                 accounts: Iterable[tuple[str, str, str | None]] = (),
                 password: str | None = None) -> dict[str, User]:
    """Create organisations, then accounts (each with ``password`` when one is given).

    Parameters
    ----------
    engine : sqlalchemy.Engine
    organisations : iterable of (slug, name, country)
    accounts : iterable of (email, role, organisation slug or None)
    password : str, optional
        Set through a redeemed one-time link, as a new user sets it; None leaves the
        accounts without a password.

    Returns
    -------
    dict of str to data.people.accounts.User
        The accounts by the part of the e-mail address before the ``@``.
    """
    for slug, name, country in organisations:
        add_organisation(engine, slug, name, country)
    users = {}
    for email, role, organisation in accounts:
        add_user(engine, email, role, organisation)
        if password is not None:
            redeem_password_link(engine, issue_password_link(engine, email), password)
        users[email.split("@")[0]] = get_user(engine, email=email)
    return users


def build_store(url: str, *, revision: str = "head", demo_rows: int = 0,
                seed: int = DEMO_SEED, nuts_dir: Path | None = None,
                records: Iterable[Mapping] = (),
                organisations: Iterable[tuple[str, str, str]] = (),
                accounts: Iterable[tuple[str, str, str | None]] = (),
                password: str | None = None,
                fill: Callable[[Engine], object] | None = None) -> Store:
    """Migrate the database at ``url`` and load it, in this order.

    Parameters
    ----------
    url : str
        SQLAlchemy URL of an empty database.
    revision : str
        Migrate to this revision (``head``: the current schema).
    demo_rows : int
        Synthetic demo incidents to load (:func:`data.records.demo.load_demo`); 0 loads none.
    seed : int
        Seed of the demo rows.
    nuts_dir : pathlib.Path, optional
        NUTS files that give the demo records regions.
    records : iterable of dict
        Keyword arguments of :func:`add_record`, one record each.
    organisations, accounts, password
        As :func:`add_accounts`.
    fill : callable, optional
        Called with the engine last: a test module's own rows.

    Returns
    -------
    Store
        Its engine stays open: :meth:`Store.close` it (the context managers do).
    """
    engine = db.make_engine(url)
    db.upgrade(engine, revision)
    if demo_rows:
        load_demo(engine, rows=demo_rows, seed=seed, nuts_dir=nuts_dir)
    for record in records:
        add_record(engine, **record)
    users = add_accounts(engine, organisations, accounts, password)
    if fill is not None:
        fill(engine)
    return Store(url, engine, users)


@contextlib.contextmanager
def store_at(url: str, **load) -> Iterator[Store]:
    """A store built at ``url`` (:func:`build_store` with ``load``), closed afterwards."""
    built = build_store(url, **load)
    try:
        yield built
    finally:
        built.close()


@contextlib.contextmanager
def store(folder: Path, backend: str = "sqlite", **load) -> Iterator[Store]:
    """A store in a new database of ``backend``, removed afterwards.

    Parameters
    ----------
    folder : pathlib.Path
        Holds the SQLite file (``store.sqlite``).
    backend : {"sqlite", "postgresql"}
        ``postgresql``: a fresh schema on the test server, dropped afterwards (the test
        skips when the server is unreachable, or fails when ``CI=true``).
    **load
        As :func:`build_store`.

    Yields
    ------
    Store
    """
    with fresh_database(backend, folder) as url, store_at(url, **load) as built:
        built.folder = folder
        yield built


def settings_for(url: str, folder: Path, *, instance_dir: Path | None = None,
                 **values) -> Settings:
    """Settings of an app over the store at ``url``.

    Parameters
    ----------
    url : str
        The store's URL (a configured database: never seeded, must be migrated).
    folder : pathlib.Path
        The instance folder is ``folder / "instance"`` unless ``instance_dir`` is given.
    instance_dir : pathlib.Path, optional
        Where the session key, the vault key and frozen releases are kept.
    **values
        Further :class:`data.settings.Settings` fields (``min_cell``, ``nuts_dir``,
        ``secret_key``, ``proxies``, ``retention``, ...).

    Returns
    -------
    data.settings.Settings
    """
    return Settings(database_url=url, instance_dir=instance_dir or folder / "instance",
                    **values)


def build_site(store: Store, folder: Path | None = None, **settings) -> Site:
    """Build the app for ``store`` as production does (:func:`app.build_app`).

    Parameters
    ----------
    store : Store
        The app's own engine is disposed of with the store (:meth:`Store.close`).
    folder : pathlib.Path, optional
        Passed to :func:`settings_for`; by default the store's folder.
    **settings
        As :func:`settings_for`.

    Returns
    -------
    Site
    """
    folder = folder if folder is not None else store.folder
    if folder is None:
        raise ValueError("a store built at a given URL needs the folder of its app")
    values = settings_for(store.url, folder, **settings)
    app = build_app(values)
    app.server.test_client_class = SiteClient
    store._engines.append(app.server.extensions[EXTENSION_KEY].engine)
    return Site(store, values, app)


@contextlib.contextmanager
def site(folder: Path, backend: str = "sqlite", *, demo_rows: int = 0, seed: int = DEMO_SEED,
         nuts_dir: Path | None = None, records: Iterable[Mapping] = (),
         organisations: Iterable[tuple[str, str, str]] = (),
         accounts: Iterable[tuple[str, str, str | None]] = (), password: str | None = None,
         fill: Callable[[Engine], object] | None = None, instance_dir: Path | None = None,
         **settings) -> Iterator[Site]:
    """A new store of ``backend`` and the app over it; both removed afterwards.

    Parameters
    ----------
    folder : pathlib.Path
        Holds the SQLite file and, unless ``instance_dir`` is given, the instance folder
        (``folder / "instance"``).
    backend : {"sqlite", "postgresql"}
        As :func:`store`.
    demo_rows, seed, records, organisations, accounts, password, fill
        As :func:`build_store`.
    nuts_dir : pathlib.Path, optional
        NUTS files: they give the demo records regions and the app its regional maps.
    instance_dir : pathlib.Path, optional
        The app's instance folder.
    **settings
        Further :class:`data.settings.Settings` fields (``min_cell``, ``secret_key``, ...).

    Yields
    ------
    Site
    """
    with store(folder, backend, demo_rows=demo_rows, seed=seed, nuts_dir=nuts_dir,
               records=records, organisations=organisations, accounts=accounts,
               password=password, fill=fill) as built:
        yield build_site(built, folder, instance_dir=instance_dir, nuts_dir=nuts_dir,
                         **settings)
