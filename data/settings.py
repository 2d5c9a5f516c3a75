"""One settings object, read from the environment (prefix ``INCIDENTMAP_``).

This is the only module that reads ``os.environ``. Every setting has a default and a line of
help; ``incidentmap settings`` and the README list them from :data:`SETTINGS_HELP`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

PREFIX = "INCIDENTMAP_"

#: The dashboard's default bias scope: the racism and xenophobia family (which includes its
#: children: anti-migrant, anti-refugee, Afrophobia, other ethnic) plus anti-Muslim and
#: anti-Roma bias. DESIGN §5.
DEFAULT_BIAS_SCOPE = ("bm.racism_xenophobia", "bm.anti_muslim", "bm.anti_roma")
#: Small-cell threshold for member records in public outputs, and the lowest allowed
#: (DOMAIN §8.3 rule 4).
DEFAULT_MIN_CELL = 5
LOWEST_MIN_CELL = 3
#: Eurostat GISCO's distribution folder of the NUTS GeoJSON files (``incidentmap geo fetch-nuts``).
GISCO_NUTS_URL = "https://gisco-services.ec.europa.eu/distribution/v2/nuts/geojson/"
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


def _default_instance_dir() -> Path:
    return Path.cwd() / "instance"


@dataclass(frozen=True)
class Settings:
    """Runtime configuration of one incidentmap process.

    Attributes
    ----------
    database_url : str
        SQLAlchemy URL of the store. Empty means the embedded default: a SQLite file
        ``incidentmap.sqlite`` in ``instance_dir``.
    instance_dir : pathlib.Path
        Folder for the embedded SQLite file, frozen releases and downloaded boundaries.
    nuts_dir : pathlib.Path or None
        Folder holding GISCO NUTS 2024 GeoJSON files; ``None`` means the folder that
        ``incidentmap geo fetch-nuts`` fills (see :attr:`nuts_folder`).
    nuts_url : str
        Base URL that ``incidentmap geo fetch-nuts`` downloads the NUTS files from.
    secret_key : str
        Key for signing session cookies (required in production; without it a key is kept
        in ``instance_dir/secret_key``).
    secure_cookies : bool
        Send the session cookie only over HTTPS (set it behind a TLS proxy).
    proxies : int
        Reverse proxies in front of the app whose ``X-Forwarded-For``/``-Proto`` headers are
        trusted (0: none; the client address is then the socket's).
    vault_key : str
        Comma list of Fernet keys for the identity vault: the first encrypts, every one
        decrypts (key rotation). Empty: a key kept in ``instance_dir/vault_key``.
    retention : dict
        Days each kind of personal data is kept (:data:`RETENTION_DEFAULTS`); ``None``
        keeps it until erased by hand.
    min_cell : int
        Small-cell threshold for member records (never below 3).
    default_bias_scope : tuple of str
        Bias motivation codes the dashboard opens on.
    demo_rows : int
        Number of synthetic incidents seeded into an empty embedded store.
    host, port : str, int
        Where ``incidentmap serve`` listens.
    """

    database_url: str = ""
    instance_dir: Path = field(default_factory=_default_instance_dir)
    nuts_dir: Path | None = None
    nuts_url: str = GISCO_NUTS_URL
    secret_key: str = ""
    secure_cookies: bool = False
    proxies: int = 0
    vault_key: str = ""
    retention: dict[str, int | None] = field(default_factory=lambda: dict(RETENTION_DEFAULTS))
    min_cell: int = DEFAULT_MIN_CELL
    default_bias_scope: tuple[str, ...] = DEFAULT_BIAS_SCOPE
    demo_rows: int = 20_000
    host: str = "127.0.0.1"
    port: int = 8050

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
        for f in fields(cls):
            raw = env.get(PREFIX + f.name.upper())
            if raw is None or raw == "":
                continue
            values[f.name] = _parse(f.name, raw)
        settings = cls(**values)
        if settings.min_cell < LOWEST_MIN_CELL:
            raise SettingsError(f"{PREFIX}MIN_CELL must be at least {LOWEST_MIN_CELL}, got "
                                f"{settings.min_cell}")
        return settings


def _flag(name: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{PREFIX}{name.upper()}={raw!r}: use true or false")


def _parse(name: str, raw: str) -> object:
    try:
        if name in ("min_cell", "demo_rows", "port", "proxies"):
            return int(raw)
        if name in ("instance_dir", "nuts_dir"):
            return Path(raw).expanduser()
        if name == "secure_cookies":
            return _flag(name, raw)
        if name == "retention":
            return parse_retention(raw)
        if name == "default_bias_scope":
            return tuple(code.strip() for code in raw.split(",") if code.strip())
    except SettingsError:
        raise
    except ValueError as exc:
        raise SettingsError(f"{PREFIX}{name.upper()}={raw!r} is not a number") from exc
    return raw


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


#: One line of help per setting, in the order the README lists them.
SETTINGS_HELP: dict[str, str] = {
    "DATABASE_URL": "SQLAlchemy URL of the store, e.g. postgresql+psycopg://user@host/db. "
    "Default: SQLite file instance/incidentmap.sqlite, created, migrated and seeded with "
    "demo data on first start.",
    "INSTANCE_DIR": "Folder for the embedded SQLite file and other local state. Default: "
    "./instance",
    "NUTS_DIR": "Folder with GISCO NUTS 2024 GeoJSON files for regional maps. Default: "
    "INSTANCE_DIR/nuts2024, where `incidentmap geo fetch-nuts` puts them; without files there, "
    "country level only.",
    "NUTS_URL": "Base URL `incidentmap geo fetch-nuts` downloads the NUTS files from. Default: "
    + GISCO_NUTS_URL,
    "SECRET_KEY": "Secret for signing session cookies. Required for production (default: a "
    "random key kept in INSTANCE_DIR/secret_key).",
    "SECURE_COOKIES": "true behind HTTPS: the session cookie is only sent over TLS (default "
    "false).",
    "PROXIES": "Number of reverse proxies in front of the app whose X-Forwarded-For and "
    "X-Forwarded-Proto headers are trusted (default 0). Set it behind nginx, or every client "
    "looks like the proxy to the login rate limit.",
    "VAULT_KEY": "Comma list of Fernet keys encrypting the identity vault (names, contact "
    "details, files of victims, witnesses and reporters); the first encrypts, all decrypt. "
    "Generate one with `incidentmap vault new-key`. Default: a key kept in "
    "INSTANCE_DIR/vault_key. Back it up apart from the database: without it the vault is "
    "unreadable (the incidents are not).",
    "RETENTION": "How long personal data is kept, as kind=days pairs (or kind=never), e.g. "
    "people=180,narrative=365. Kinds and defaults: "
    + ", ".join(f"{k}={v or 'never'}" for k, v in RETENTION_DEFAULTS.items())
    + ". `incidentmap retention run` erases what is due.",
    "MIN_CELL": "Small-cell threshold for member records in public outputs (default 5, "
    "minimum 3).",
    "DEFAULT_BIAS_SCOPE": "Comma list of bias motivation codes the dashboard opens on. "
    "Default: " + ",".join(DEFAULT_BIAS_SCOPE),
    "DEMO_ROWS": "Synthetic incidents seeded into an empty embedded store (default 20000; 0 "
    "seeds nothing).",
    "HOST": "Address `incidentmap serve` listens on (default 127.0.0.1).",
    "PORT": "Port `incidentmap serve` listens on (default 8050).",
}
