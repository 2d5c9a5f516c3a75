"""Per-process application context: settings, engine, taxonomy and the analytic snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import flask

from data.outbox import MailError, Outbox
from data.people.vault import Vault
from data.reference.taxonomy import Taxonomy
from data.settings import Settings, SettingsError
from data.snapshot.cache import SnapshotCache
from data.snapshot.model import Snapshot

if TYPE_CHECKING:
    from sqlalchemy import Engine

EXTENSION_KEY = "incidentmap"
SNAPSHOT_KEY = "incidentmap.snapshot"


@dataclass
class AppContext:
    """What every request handler needs; one per app, stored on the Flask server."""

    settings: Settings
    engine: Engine
    taxonomy: Taxonomy
    snapshots: SnapshotCache = field(init=False)
    #: Outgoing e-mail (disabled when ``INCIDENTMAP_SMTP_URL`` is empty).
    outbox: Outbox = field(init=False)
    _vault: Vault | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        try:
            self.taxonomy.expand("bias", self.settings.default_bias_scope)
        except ValueError as exc:
            raise SettingsError(f"INCIDENTMAP_DEFAULT_BIAS_SCOPE: {exc}") from exc
        self.snapshots = SnapshotCache(self.engine, self.taxonomy, self.settings.min_cell)
        try:
            self.outbox = Outbox.from_config(self.settings.smtp_url, self.settings.mail_from)
        except MailError as exc:
            raise SettingsError(f"INCIDENTMAP_SMTP_URL: {exc}") from exc

    def vault(self) -> Vault:
        """The identity vault with the configured keys (opened on first use)."""
        if self._vault is None:
            self._vault = Vault.from_settings(self.settings)
        return self._vault

    def snapshot(self) -> Snapshot:
        """The public snapshot for the current data version, one per request.

        Within a request every caller (hooks such as ETags, then the handler) gets the same
        snapshot, so counts, validation and tags agree and the version is asked once. It is
        kept in the request's WSGI environ: ``flask.g`` would outlive the request when an
        application context is already active (see ``dashboard.auth.sessions.USER_KEY``).
        """
        if not flask.has_request_context():
            return self.snapshots.get()
        environ = flask.request.environ
        if SNAPSHOT_KEY not in environ:
            environ[SNAPSHOT_KEY] = self.snapshots.get()
        return environ[SNAPSHOT_KEY]

    def country_names(self, lang: str = "en") -> dict[str, str]:
        """Display name per ISO alpha-2 code."""
        return {c.iso2: c.names.get(lang, c.iso2) for c in self.taxonomy.countries()}

    def labels(self, kind: str, lang: str = "en") -> dict[str, str]:
        """Display label per code of ``kind`` in ``lang`` (English where none is given)."""
        return {code: self.taxonomy.label(code, lang) for code in self.taxonomy.codes(kind)}


def current() -> AppContext:
    """The context of the app serving the current request."""
    return flask.current_app.extensions[EXTENSION_KEY]


def attach(server: flask.Flask, context: AppContext) -> None:
    """Store ``context`` on ``server`` so handlers find it with :func:`current`."""
    server.extensions[EXTENSION_KEY] = context
