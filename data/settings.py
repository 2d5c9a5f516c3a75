"""One settings object, read from the environment (prefix ``INCIDENTMAP_``).

Every setting is written once, as a row of :data:`SETTINGS` (name, type, default, help). The
rest derives from that table: the fields of :class:`Settings`, the parsing of ``INCIDENTMAP_*``
variables (:meth:`Settings.from_env`; the row's type decides how), ``incidentmap settings``
(:func:`settings_list`) and the README's settings table (:func:`settings_markdown`, printed by
``incidentmap settings --markdown``; ``tests/data/test_settings.py`` fails when the README's
copy differs).

This is the only module that reads ``os.environ``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, make_dataclass
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

PREFIX = "INCIDENTMAP_"
#: The lowest small-cell threshold allowed (DOMAIN §8.3 rule 4).
LOWEST_MIN_CELL = 3
#: How long personal data is kept, in days, per kind (``None``: kept until erased by hand).
#: ``incidentmap retention run`` erases what is older (``data.people.retention``).
RETENTION_DEFAULTS: dict[str, int | None] = {
    "people": 365,          # identity and contact details in the vault
    "attachments": 365,     # files in the vault
    "narrative": 730,       # the recorder's account and bias indicator notes
    "exact_location": 365,  # point and place name of member records (regions stay)
    "drafts": 90,           # unsubmitted report forms
    "login_attempts": 90,   # addresses and hashed e-mails of login attempts
}


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


@dataclass(frozen=True)
class Text:
    """A setting taken as written."""

    annotation: ClassVar[str] = "str"
    #: What the help adds about allowed values (nothing for text).
    rule: ClassVar[str] = ""

    def parse(self, variable: str, raw: str) -> object:
        """The value of ``raw``, the text of environment variable ``variable``."""
        return raw

    def show(self, value: object) -> str:
        """``value`` as the help writes it (Markdown)."""
        return f"`{value}`"


@dataclass(frozen=True)
class Whole(Text):
    """A whole number, at least ``minimum`` when one is given."""

    minimum: int | None = None
    annotation: ClassVar[str] = "int"

    @property
    def rule(self) -> str:
        """The bound, as the help says it."""
        return "" if self.minimum is None else f"At least {self.minimum}."

    def parse(self, variable: str, raw: str) -> int:
        """See :meth:`Text.parse`; a value that is no number or below ``minimum`` is an error."""
        try:
            value = int(raw)
        except ValueError as exc:
            raise SettingsError(f"{variable}={raw!r} is not a number") from exc
        if self.minimum is not None and value < self.minimum:
            raise SettingsError(f"{variable} must be at least {self.minimum}, got {value}")
        return value

    def show(self, value: object) -> str:
        """See :meth:`Text.show`."""
        return str(value)


@dataclass(frozen=True)
class Flag(Text):
    """True or false (also 1/0, yes/no, on/off)."""

    annotation: ClassVar[str] = "bool"

    def parse(self, variable: str, raw: str) -> bool:
        """See :meth:`Text.parse`."""
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise SettingsError(f"{variable}={raw!r}: use true or false")

    def show(self, value: object) -> str:
        """See :meth:`Text.show`."""
        return f"`{str(value).lower()}`"


@dataclass(frozen=True)
class Folder(Text):
    """A folder (``~`` expanded); ``optional``: the default is ``None``, a folder derived later."""

    optional: bool = False

    @property
    def annotation(self) -> str:
        """``Path``, or ``Path | None`` when optional."""
        return "Path | None" if self.optional else "Path"

    def parse(self, variable: str, raw: str) -> Path:
        """See :meth:`Text.parse`."""
        return Path(raw).expanduser()


@dataclass(frozen=True)
class Choice(Text):
    """One of ``choices`` (compared without regard to case; the value is the choice's spelling)."""

    choices: tuple[str, ...] = ()

    @property
    def rule(self) -> str:
        """The allowed values, as the help says them."""
        return "One of " + ", ".join(f"`{choice}`" for choice in self.choices) + "."

    def parse(self, variable: str, raw: str) -> str:
        """See :meth:`Text.parse`; a value not among the choices is an error naming them."""
        for choice in self.choices:
            if raw.strip().lower() == choice.lower():
                return choice
        raise SettingsError(f"{variable}={raw!r}: use one of {', '.join(self.choices)}")


@dataclass(frozen=True)
class CommaList(Text):
    """A comma list of words (blanks around them and empty items dropped)."""

    annotation: ClassVar[str] = "tuple[str, ...]"

    def parse(self, variable: str, raw: str) -> tuple[str, ...]:
        """See :meth:`Text.parse`."""
        return tuple(word.strip() for word in raw.split(",") if word.strip())

    def show(self, value: object) -> str:
        """See :meth:`Text.show`."""
        return f"`{','.join(value)}`"


#: A web origin a setting may name: scheme, host (``*.`` allows its subdomains), maybe a port.
ORIGIN_RE = re.compile(r"https?://(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*"
                       r"(:[0-9]{1,5})?")


@dataclass(frozen=True)
class Origins(CommaList):
    """A comma list of web origins (``https://example.org``), each checked (see ``ORIGIN_RE``)."""

    rule: ClassVar[str] = ("Each is `https://host` or `http://host`, maybe with `:port`; "
                           "`https://*.host` allows its subdomains.")

    def parse(self, variable: str, raw: str) -> tuple[str, ...]:
        """See :meth:`Text.parse`; a value that is not an origin is an error naming it."""
        origins = tuple(word.lower().rstrip("/") for word in super().parse(variable, raw))
        for origin in origins:
            if not ORIGIN_RE.fullmatch(origin):
                raise SettingsError(f"{variable}: {origin!r} is not a web origin such as "
                                    "https://example.org (scheme and host, maybe :port, "
                                    "no path)")
        return origins


@dataclass(frozen=True)
class Url(Text):
    """A URL with one of ``schemes`` and a host; empty means not set."""

    schemes: tuple[str, ...] = ("http", "https")

    @property
    def rule(self) -> str:
        """The schemes allowed, as the help says them."""
        return "A URL starting " + " or ".join(f"`{s}://`" for s in self.schemes) + "."

    def parse(self, variable: str, raw: str) -> str:
        """See :meth:`Text.parse`; the error never repeats a password given in the URL."""
        text = raw.strip()
        parts = urlsplit(text)
        shown = f"{parts.scheme}://{parts.hostname or ''}" if parts.scheme else repr(text)
        try:
            parts.port  # noqa: B018 (urlsplit checks the port when it is read)
        except ValueError as exc:
            raise SettingsError(f"{variable}: the port of {shown} is not a number from 1 "
                                "to 65535") from exc
        if parts.scheme not in self.schemes or not parts.hostname:
            raise SettingsError(f"{variable}: {shown if parts.hostname else 'the value'} is "
                                "not a URL starting " + " or ".join(
                                    f"{s}://HOST" for s in self.schemes))
        return text


@dataclass(frozen=True)
class RetentionPeriods(Text):
    """``kind=days`` pairs over :data:`RETENTION_DEFAULTS` (see :func:`parse_retention`)."""

    annotation: ClassVar[str] = "dict[str, int | None]"

    def parse(self, variable: str, raw: str) -> dict[str, int | None]:
        """See :meth:`Text.parse`."""
        return parse_retention(raw)

    def show(self, value: object) -> str:
        """See :meth:`Text.show`."""
        return "`" + ",".join(f"{k}={v or 'never'}" for k, v in value.items()) + "`"


def parse_retention(raw: str) -> dict[str, int | None]:
    """Parse ``kind=days`` pairs (comma separated) over :data:`RETENTION_DEFAULTS`.

    ``days`` is a whole number of at least 1, or ``never``. Kinds not named keep their
    default.

    Raises
    ------
    SettingsError
        An unknown kind or a value that is not a number of days; the message lists the
        allowed kinds.
    """
    out = dict(RETENTION_DEFAULTS)
    for part in (p.strip() for p in raw.split(",") if p.strip()):
        kind, sep, value = part.partition("=")
        kind, value = kind.strip(), value.strip().lower()
        if not sep or kind not in RETENTION_DEFAULTS:
            raise SettingsError(f"{PREFIX}RETENTION: {part!r} is not kind=days; kinds: "
                                + ", ".join(RETENTION_DEFAULTS))
        if value == "never":
            out[kind] = None
            continue
        if not value.isdigit() or int(value) < 1:
            raise SettingsError(f"{PREFIX}RETENTION: {kind}={value!r} must be a number of "
                                "days (at least 1) or 'never'")
        out[kind] = int(value)
    return out


@dataclass(frozen=True)
class Setting:
    """One setting: the one place its name, type, default and help are written.

    Attributes
    ----------
    name : str
        The :class:`Settings` attribute; the variable is ``INCIDENTMAP_`` + ``name`` in
        capitals.
    type : Text
        How the variable's text is parsed and the default shown (:class:`Text` or a subclass).
    default : object
        The value when the variable is unset or empty; a callable makes it anew for each
        :class:`Settings`.
    help : str
        What it does (Markdown, one paragraph, without the default).
    default_text : str
        How the help describes the default, where the value alone does not say it.
    secret : bool
        Never printed: left out of the :class:`Settings` repr.
    """

    name: str
    type: Text
    default: object
    help: str
    default_text: str = ""
    secret: bool = False

    @property
    def variable(self) -> str:
        """The environment variable, e.g. ``INCIDENTMAP_MIN_CELL``."""
        return PREFIX + self.name.upper()

    def describe(self) -> str:
        """The help with the allowed values and the default (Markdown, one line)."""
        default = self.default_text or self.type.show(self.default)
        return " ".join(part for part in (self.help, self.type.rule, f"Default: {default}.")
                        if part)


#: The instance folder of earlier releases, inside the working folder of the command.
LEGACY_INSTANCE = Path("instance")
#: Files in it that mark an install made before the instance folder moved: its store, or the
#: keys a PostgreSQL install kept there (a new vault key would leave the vault unreadable).
LEGACY_MARKERS = ("incidentmap.sqlite", "vault_key", "secret_key")


def default_instance_dir() -> Path:
    """The instance folder when ``INCIDENTMAP_INSTANCE_DIR`` is unset: the user's data folder.

    ``platformdirs.user_data_dir("incidentmap")``: ``~/.local/share/incidentmap`` on Linux
    (``$XDG_DATA_HOME/incidentmap`` when that is set), whatever the working folder. A system
    service sets ``INCIDENTMAP_INSTANCE_DIR`` (``/var/lib/incidentmap`` in
    ``docs/deploy/incidentmap.service``).
    """
    import platformdirs

    return Path(platformdirs.user_data_dir("incidentmap", appauthor=False))


def legacy_instance_dir(environ: dict[str, str] | None = None) -> Path | None:
    """``./instance`` when an earlier release's store is there and no setting says otherwise.

    Releases before the move kept their store and keys in ``./instance`` under the working
    folder. When ``INCIDENTMAP_INSTANCE_DIR`` is unset and ``./instance`` holds one of
    :data:`LEGACY_MARKERS`, that folder (absolute) stays the instance folder so an upgraded
    install still finds its store and keys; :func:`legacy_instance_notice` says how to move it.
    """
    env = os.environ if environ is None else environ
    if env.get(PREFIX + "INSTANCE_DIR"):
        return None
    found = any((LEGACY_INSTANCE / name).exists() for name in LEGACY_MARKERS)
    return LEGACY_INSTANCE.absolute() if found else None


def legacy_instance_notice(environ: dict[str, str] | None = None) -> str:
    """One line on the ``./instance`` store in use and how to move it ("" when none)."""
    legacy = legacy_instance_dir(environ)
    if legacy is None:
        return ""
    return (f"using the instance folder of an earlier release in the working folder, {legacy}; "
            f"move it to {default_instance_dir()} (the default now) or set "
            f"{PREFIX}INSTANCE_DIR={legacy} to keep it there")


#: Every setting, in the order ``incidentmap settings`` and the README list them.
SETTINGS: tuple[Setting, ...] = (
    Setting("database_url", Text(), "",
            "SQLAlchemy URL of the store, e.g. `postgresql+psycopg://user@host/db`. A URL that "
            "cannot be opened stops start-up with a message naming it (password hidden).",
            default_text="SQLite file `INSTANCE_DIR/incidentmap.sqlite`, created, migrated "
            "and seeded with demo data on first start"),
    Setting("instance_dir", Folder(), default_instance_dir,
            "Folder for the embedded SQLite file and other local state (session and vault "
            "keys, frozen releases, downloaded boundaries). A system service sets it (e.g. "
            "`/var/lib/incidentmap`). Without it an `./instance/incidentmap.sqlite` of an "
            "earlier release in the working folder is still used, with a notice.",
            default_text="the user's data folder, `~/.local/share/incidentmap` on Linux "
            "(`platformdirs`)"),
    Setting("nuts_dir", Folder(optional=True), None,
            "Folder with GISCO NUTS 2024 GeoJSON files for regional maps; without files "
            "there, country level only.",
            default_text="`INSTANCE_DIR/nuts2024`, where `incidentmap geo fetch-nuts` puts "
            "them"),
    # Eurostat GISCO's distribution folder of the NUTS GeoJSON files
    Setting("nuts_url", Text(),
            "https://gisco-services.ec.europa.eu/distribution/v2/nuts/geojson/",
            "Base URL `incidentmap geo fetch-nuts` downloads the NUTS files from."),
    Setting("secret_key", Text(), "",
            "Secret for signing session cookies. Required in production.",
            default_text="a random key kept in `INSTANCE_DIR/secret_key` (mode 600)",
            secret=True),
    Setting("secure_cookies", Flag(), False,
            "`true` behind HTTPS: the session cookie is only sent over TLS."),
    Setting("embed_origins", Origins(), (),
            "Comma list of sites allowed to show the `/embed` pages in a frame, e.g. "
            "`https://www.example.org`; every other page may never be framed.",
            default_text="none (no site may frame any page)"),
    Setting("proxies", Whole(minimum=0), 0,
            "Number of reverse proxies in front of the app whose `X-Forwarded-For` and "
            "`X-Forwarded-Proto` headers are trusted (0: none; the client address is then the "
            "socket's). Set it behind nginx, or every client looks like the proxy to the login "
            "rate limit."),
    Setting("reporter_two_factor", Flag(), True,
            "Reporters log in with a one-time code (TOTP) as well as their password, like "
            "every role that reads personal data. `false` lets reporters in with the password "
            "alone: a reporter's leaked or guessed password then opens their organisation's "
            "records with the victims' and witnesses' names and contact details. Moderators "
            "and admins always need the code."),
    Setting("session_idle_minutes", Whole(minimum=1), 120,
            "Minutes without a request after which a login session ends on the server (the "
            "next page asks to log in again)."),
    Setting("session_hours", Whole(minimum=1), 12,
            "Hours after logging in at which a session ends however active it is (its "
            "absolute lifetime; also the session cookie's)."),
    Setting("vault_key", Text(), "",
            "Comma list of Fernet keys encrypting the identity vault (names, contact details, "
            "files of victims, witnesses and reporters); the first encrypts, all decrypt (key "
            "rotation). Generate one with `incidentmap vault new-key`. Back it up apart from "
            "the database: without it the vault is unreadable (the incidents are not).",
            default_text="a key kept in `INSTANCE_DIR/vault_key`", secret=True),
    Setting("retention", RetentionPeriods(), RETENTION_DEFAULTS,
            "How long personal data is kept, as `kind=days` pairs (or `kind=never`), e.g. "
            "`people=180,narrative=365`; kinds not named keep their default. `incidentmap "
            "retention run` erases what is due."),
    Setting("base_url", Url(), "http://127.0.0.1:8050",
            "Address people reach the dashboard at: the start of the links in e-mails and of "
            "those `incidentmap users add|link` print (never taken from a request's `Host`)."),
    Setting("smtp_url", Url(schemes=("smtp", "smtps")), "",
            "Mail server for outgoing e-mail (password-reset links): "
            "`smtp://user:password@host:587` (STARTTLS, required when a user is given), "
            "`smtps://user:password@host:465` (TLS from the start) or `smtp://host:25` (plain, "
            "for a relay on this machine). Empty: no e-mail is sent, and the login page tells "
            "people to ask an admin.",
            default_text="empty (no e-mail)", secret=True),
    Setting("mail_from", Text(), "",
            "From address of outgoing e-mail, e.g. `incidentmap <noreply@example.org>`; "
            "required when `INCIDENTMAP_SMTP_URL` is set.", default_text="empty"),
    Setting("password_reset_minutes", Whole(minimum=5), 60,
            "How long a password-reset link sent by e-mail stays valid, in minutes (it works "
            "once)."),
    # the small-cell threshold for member records in public outputs (DOMAIN §8.3 rule 4)
    Setting("min_cell", Whole(minimum=LOWEST_MIN_CELL), 5,
            "Small-cell threshold for member records in public outputs."),
    # the racism and xenophobia family (which includes its children: anti-migrant,
    # anti-refugee, Afrophobia, other ethnic) plus anti-Muslim and anti-Roma bias. DESIGN §5.
    Setting("default_bias_scope", CommaList(),
            ("bm.racism_xenophobia", "bm.anti_muslim", "bm.anti_roma"),
            "Comma list of bias motivation codes the dashboard opens on (a code includes its "
            "children)."),
    Setting("demo_rows", Whole(minimum=0), 20_000,
            "Synthetic incidents seeded into an empty embedded store (0 seeds nothing), and "
            "loaded by `incidentmap demo` without `--rows`."),
    Setting("api_rate_limit", Whole(minimum=0), 600,
            "Requests a minute each client address may make to the API (`/api/v1/`); past it "
            "the API answers 429 with `Retry-After` until the minute ends. The workers of one "
            "machine share the counts (`INSTANCE_DIR/rate_limits.sqlite`). 0: no limit."),
    Setting("api_token_rate_limit", Whole(minimum=0), 1200,
            "Requests a minute each personal API token may make to the API, counted apart "
            "from its address. 0: no limit."),
    Setting("source_url", Text(), "",
            "Where the footer's \"Source code\" link leads: the published repository or "
            "archive of the code this server runs (AGPL-3.0 section 13 asks that its users be "
            "offered it). Empty: `/source`, an archive of the code the server runs, modified "
            "or not.", default_text="`/source`"),
    # the largest legitimate request measured: a brush over the whole weekly timeline of the
    # demo data, a 1.2 MB Dash callback body (the report form at every limit: 126 KB)
    Setting("max_request_mb", Whole(minimum=1), 4,
            "Largest request body accepted, in MB (pages, Dash callbacks, the API); a larger "
            "one, with or without `Content-Length`, is answered 413 before it is read. Keep "
            "the proxy's limit (nginx `client_max_body_size`) at least as large."),
    Setting("max_upload_mb", Whole(minimum=1), 10,
            "Largest file accepted by the upload of a record's files (the vault), in MB; its "
            "request may be 1 MB larger (the form around the file)."),
    Setting("log_level", Choice(choices=("DEBUG", "INFO", "WARNING", "ERROR")), "INFO",
            "Least severe log lines written (to standard error: gunicorn's error log, the "
            "journal under systemd)."),
    Setting("log_format", Choice(choices=("text", "json")), "text",
            "`text`: one readable line per event; `json`: one JSON object per line."),
    Setting("metrics_token", Text(), "",
            "Bearer token that opens `/metrics` to clients other than this machine's "
            "(`Authorization: Bearer TOKEN`); personal API tokens do not.",
            default_text="none: loopback clients only", secret=True),
    Setting("metrics_dir", Folder(optional=True), None,
            "Folder where gunicorn's workers keep their metrics so `/metrics` sums them (one "
            "subfolder per server, those of stopped servers removed at start).",
            default_text="`INSTANCE_DIR/metrics`"),
    Setting("host", Text(), "127.0.0.1", "Address `incidentmap serve` listens on."),
    Setting("port", Whole(minimum=1), 8050, "Port `incidentmap serve` listens on."),
    # gunicorn, as docs/operations.md §3 explains: gthread workers, each with its own snapshot
    Setting("workers", Whole(minimum=1), 3,
            "Worker processes of `incidentmap serve --production` (gunicorn); each holds its "
            "own snapshot of the published data, so memory grows with it."),
    Setting("threads", Whole(minimum=1), 4,
            "Threads per worker of `incidentmap serve --production` (gthread): one worker "
            "streams a download and still answers pages."),
    Setting("worker_timeout", Whole(minimum=10), 300,
            "Seconds a `serve --production` worker may stay silent (gunicorn `--timeout`: the "
            "heartbeat of a gthread worker, which covers its start-up; no request length is "
            "limited by it)."),
)


def _field(setting: Setting):
    default, shown = setting.default, not setting.secret
    if callable(default):
        return field(default_factory=default, repr=shown)
    if isinstance(default, dict):
        return field(default_factory=lambda: dict(default), repr=shown)
    return field(default=default, repr=shown)


class SettingsDerived:
    """What a :class:`Settings` object tells beyond its values (the base of the class)."""

    @property
    def uses_embedded_store(self) -> bool:
        """True when no database URL was configured (the seeded SQLite default)."""
        return not self.database_url

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file's URL."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.instance_dir / 'incidentmap.sqlite'}"

    @property
    def nuts_folder(self) -> Path:
        """Where NUTS files are looked for: ``nuts_dir``, else ``instance_dir / "nuts2024"``.

        The second is where ``incidentmap geo fetch-nuts`` puts them; without usable files
        there the product works at country level.
        """
        return self.nuts_dir if self.nuts_dir is not None else self.instance_dir / "nuts2024"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Build settings from ``INCIDENTMAP_*`` environment variables.

        Parameters
        ----------
        environ : dict, optional
            Mapping to read instead of ``os.environ`` (for tests).

        Returns
        -------
        Settings

        Raises
        ------
        SettingsError
            When a value cannot be parsed; the message names the variable.
        """
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        legacy = legacy_instance_dir(env)
        if legacy is not None:
            values["instance_dir"] = legacy
        for setting in SETTINGS:
            raw = env.get(setting.variable)
            if raw is None or raw == "":
                continue
            values[setting.name] = setting.type.parse(setting.variable, raw)
        return cls(**values)


def _settings_doc() -> str:
    attributes = "\n".join(f"    {s.name} : {s.type.annotation}\n        {s.describe()}"
                           for s in SETTINGS)
    return ("Runtime configuration of one incidentmap process (fields from :data:`SETTINGS`)."
            f"\n\n    Attributes\n    ----------\n{attributes}\n    ")


#: Runtime configuration of one incidentmap process: one field per row of :data:`SETTINGS`.
Settings: type[SettingsDerived] = make_dataclass(
    "Settings", [(s.name, s.type.annotation, _field(s)) for s in SETTINGS],
    bases=(SettingsDerived,), frozen=True,
    namespace={"__module__": __name__, "__doc__": _settings_doc()})


def settings_list() -> str:
    """What ``incidentmap settings`` prints: each variable and, indented, its help."""
    return "\n".join(f"{s.variable}\n    {s.describe()}" for s in SETTINGS)


def settings_markdown() -> str:
    """The README's settings table (``incidentmap settings --markdown``)."""
    rows = (f"| `{s.variable}` | {s.describe()} |" for s in SETTINGS)
    return "\n".join(("| variable | meaning |", "|---|---|", *rows))


#: prometheus-client's variable naming the folder its multiprocess mode keeps metrics in (not
#: a setting: the operator may set it, else the app does, from ``metrics_dir``).
PROMETHEUS_FOLDER = "PROMETHEUS_MULTIPROC_DIR"


def multiprocess_folder() -> Path | None:
    """The folder of prometheus-client's multiprocess mode, when the environment names one."""
    value = os.environ.get(PROMETHEUS_FOLDER)
    return Path(value) if value else None


def use_multiprocess_folder(folder: Path) -> None:
    """Name ``folder`` to prometheus-client, which reads the variable when it opens a file."""
    os.environ[PROMETHEUS_FOLDER] = str(folder)


def under_gunicorn() -> bool:
    """Whether gunicorn runs this process (its master exports ``SERVER_SOFTWARE``)."""
    return os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn")
