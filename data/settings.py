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
        Folder holding GISCO NUTS 2024 GeoJSON files; ``None`` means country level only.
    secret_key : str
        Key for signing session cookies (required in production).
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
    secret_key: str = ""
    min_cell: int = 5
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
        if settings.min_cell < 3:
            raise SettingsError(f"{PREFIX}MIN_CELL must be at least 3, got {settings.min_cell}")
        return settings


def _parse(name: str, raw: str) -> object:
    try:
        if name in ("min_cell", "demo_rows", "port"):
            return int(raw)
        if name in ("instance_dir", "nuts_dir"):
            return Path(raw).expanduser()
        if name == "default_bias_scope":
            return tuple(code.strip() for code in raw.split(",") if code.strip())
    except ValueError as exc:
        raise SettingsError(f"{PREFIX}{name.upper()}={raw!r} is not a number") from exc
    return raw


#: One line of help per setting, in the order the README lists them.
SETTINGS_HELP: dict[str, str] = {
    "DATABASE_URL": "SQLAlchemy URL of the store, e.g. postgresql+psycopg://user@host/db. "
    "Default: SQLite file instance/incidentmap.sqlite, created, migrated and seeded with "
    "demo data on first start.",
    "INSTANCE_DIR": "Folder for the embedded SQLite file and other local state. Default: "
    "./instance",
    "NUTS_DIR": "Folder with GISCO NUTS 2024 GeoJSON files for regional maps. Default: none "
    "(country level only).",
    "SECRET_KEY": "Secret for signing session cookies. Required for production.",
    "MIN_CELL": "Small-cell threshold for member records in public outputs (default 5, "
    "minimum 3).",
    "DEFAULT_BIAS_SCOPE": "Comma list of bias motivation codes the dashboard opens on. "
    "Default: " + ",".join(DEFAULT_BIAS_SCOPE),
    "DEMO_ROWS": "Synthetic incidents seeded into an empty embedded store (default 20000; 0 "
    "seeds nothing).",
    "HOST": "Address `incidentmap serve` listens on (default 127.0.0.1).",
    "PORT": "Port `incidentmap serve` listens on (default 8050).",
}
