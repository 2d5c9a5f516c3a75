"""The security headers of every response: one policy, written once, applied by one hook.

:func:`security_headers` is a pure function of the request's path, the settings and the
hashes of Dash's inline scripts; :func:`register` (called last in
:func:`dashboard.app_factory.create_app`) sets its headers on every response of the server:
Dash pages and callbacks, the Flask views, the API, assets, geometry, error pages.

What each header does, what the policy had to allow and why, and how to let another site
embed the ``/embed`` pages: ``docs/operations.md``, section "Security headers".
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import dash
import flask

#: Paths at and under this one may be framed by the sites of ``INCIDENTMAP_EMBED_ORIGINS``.
EMBED_PATH = "/embed"
#: Sources scripts may come from besides the hashes of Dash's inline scripts. No
#: ``'unsafe-inline'``: an injected ``<script>`` or ``onclick=`` does not run. No
#: ``'unsafe-eval'`` either: measured in Chromium, every page (the map with a filter change,
#: the incident table, the report form's map, the staff pages) runs without a violation, as
#: Dash's renderer, plotly.js with MapLibre and dash-ag-grid never evaluate strings here
#: (the grid interprets ``getRowId="params.data.public_id"`` itself; only a string holding a
#: whole ``function () {...}`` would reach ``Function()``: write those in assets/).
SCRIPT_SOURCES = ("'self'",)
#: Dash's core components and plotly.js insert ``<style>`` elements and ``style=`` attributes
#: (measured: without this, dash_core_components.js is refused its styles). A style cannot run
#: code.
STYLE_SOURCES = ("'self'", "'unsafe-inline'")
#: MapLibre (inside plotly.js) starts its workers from a ``blob:`` URL it creates; without
#: this the map stays empty.
WORKER_SOURCES = ("'self'", "blob:")
#: Images: the site's own, and ``data:`` URLs (AG Grid's icons are ``data:`` SVGs in its CSS).
IMAGE_SOURCES = ("'self'", "data:")
#: Browser features no page of the site uses: refused to every page and every frame.
PERMISSIONS_POLICY = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), "
                      "magnetometer=(), microphone=(), payment=(), usb=()")
#: A year; no ``includeSubDomains``: the operator's other hosts are not ours to decide.
HSTS = "max-age=31536000"
#: Full Referer on same-origin requests (the Origin/Referer check of state-changing routes
#: reads it), none to other sites: a visitor's trail through incidents stays here.
REFERRER_POLICY = "same-origin"


def is_embed(path: str) -> bool:
    """Whether ``path`` is :data:`EMBED_PATH` or below it (``/embedded`` is not)."""
    return path == EMBED_PATH or path.startswith(EMBED_PATH + "/")


def frame_ancestors(path: str, embed_origins: Sequence[str]) -> tuple[str, ...]:
    """Who may frame the page at ``path``: nobody, except the embed sites for ``/embed``."""
    if is_embed(path) and embed_origins:
        return tuple(embed_origins)
    return ("'none'",)


def content_security_policy(path: str, embed_origins: Sequence[str],
                            script_hashes: Sequence[str] = ()) -> str:
    """The ``Content-Security-Policy`` of the page at ``path``.

    Parameters
    ----------
    path : str
        The request's path.
    embed_origins : sequence of str
        The sites allowed to frame the ``/embed`` pages (already checked origins).
    script_hashes : sequence of str
        ``'sha256-...'`` sources of the inline scripts allowed to run (Dash's
        ``app.csp_hashes()``: the renderer's start and the clientside callbacks).

    Returns
    -------
    str
        The directives, ``; `` separated.
    """
    directives = {
        "default-src": ("'self'",),
        "script-src": (*SCRIPT_SOURCES, *script_hashes),
        "style-src": STYLE_SOURCES,
        "img-src": IMAGE_SOURCES,
        "worker-src": WORKER_SOURCES,
        "connect-src": ("'self'",),
        "object-src": ("'none'",),
        "base-uri": ("'self'",),
        "form-action": ("'self'",),
        "frame-ancestors": frame_ancestors(path, embed_origins),
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def security_headers(path: str, settings, script_hashes: Sequence[str] = ()) -> dict[str, str]:
    """The security headers of a response to a request for ``path``.

    Parameters
    ----------
    path : str
        The request's path.
    settings : Settings
        Reads ``embed_origins`` (who may frame ``/embed``) and ``secure_cookies`` (HTTPS:
        send ``Strict-Transport-Security``).
    script_hashes : sequence of str
        See :func:`content_security_policy`.

    Returns
    -------
    dict of str to str
        Header name -> value. ``X-Frame-Options`` is left out only where some site may frame
        the page (it cannot name sites; ``frame-ancestors`` does).
    """
    ancestors = frame_ancestors(path, settings.embed_origins)
    headers = {
        "Content-Security-Policy": content_security_policy(path, settings.embed_origins,
                                                           script_hashes),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": REFERRER_POLICY,
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": PERMISSIONS_POLICY,
    }
    if ancestors == ("'none'",):
        headers["X-Frame-Options"] = "DENY"
    if settings.secure_cookies:
        headers["Strict-Transport-Security"] = HSTS
    return headers


def register(app: dash.Dash, settings) -> None:
    """Set :func:`security_headers` on every response of ``app``'s server.

    Parameters
    ----------
    app : dash.Dash
        The app; the hashes of its inline scripts (``app.csp_hashes()``) are taken at the
        first response, once every clientside callback is registered and Dash has set itself
        up. A clientside callback added after that would be refused: add them in
        ``create_app``.
    settings : Settings
        As :func:`security_headers`.
    """
    @functools.cache
    def script_hashes() -> tuple[str, ...]:
        return tuple(app.csp_hashes())

    def add_headers(response: flask.Response) -> flask.Response:
        response.headers.update(security_headers(flask.request.path, settings,
                                                 script_hashes()))
        return response

    app.server.after_request(add_headers)
