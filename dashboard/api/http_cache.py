"""ETags for the API: clients revalidate cheaply and get 304 while the public data stay the same.

The tag combines the public data release (it changes whenever published data change, and only
then), the request's path and query, and the app's version (a new release of the app may
shape answers differently). It is weak: downloads that carry their retrieval time differ in
bytes but not in content. Responses say ``Cache-Control: no-cache``: caches may keep them but
must ask again, so nobody is served counts from an older release. Every tagged answer names
its release in ``X-Incidentmap-Data-Release``. Row answers depend on the caller's projection
(:mod:`dashboard.auth.caller`, from the session or an API token): the tag includes it, answers
say ``Vary: Cookie, Authorization``, and those of the researcher projection are ``private``.

There is no ``Last-Modified`` on these answers: the newest ``updated_at`` of the public records
moves backwards when records are withdrawn or deleted (an ingest undone, the demo reloaded), so
``If-Modified-Since`` would answer 304 over changed counts. The tag has no such gap. Frozen
release files, which never change, do carry ``Last-Modified`` (see ``api.release``).
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata

import flask

from dashboard.auth import caller
from dashboard.context import current
from data.privacy.publication import PUBLIC


@cache
def _app_version() -> str:
    try:
        return metadata.version("incidentmap")
    except metadata.PackageNotFoundError:
        return "dev"


def entity_tag(release: str, full_path: str, projection: str = PUBLIC) -> str:
    """The (weak) entity tag of the answer to ``full_path`` under data release ``release``.

    Parameters
    ----------
    release : str
        The public data release id (``Snapshot.fingerprint``).
    full_path : str
        Path and query string of the request.
    projection : str
        The caller's projection: the same URL answers differently per projection.

    Returns
    -------
    str
        The opaque tag, without quotes or the ``W/`` prefix.
    """
    request = hashlib.sha256(
        f"{_app_version()}\n{projection}\n{full_path}".encode()).hexdigest()[:16]
    return f"{release}-{request}"


def _cache_headers(response: flask.Response, projection: str) -> None:
    """Answers depend on the session or API token: shared caches must not mix projections."""
    response.headers["Vary"] = "Cookie, Authorization"
    response.headers.setdefault(
        "Cache-Control", "no-cache" if projection == PUBLIC else "private, no-cache")


def _check() -> flask.Response | None:
    """Answer 304 before any work when the client already holds this release's answer."""
    if flask.request.method not in ("GET", "HEAD"):
        return None
    release = current().snapshot().fingerprint
    flask.g.etag_release = release
    seen_as = caller.projection()
    tag = entity_tag(release, flask.request.full_path, seen_as)
    if flask.request.if_none_match.contains_weak(tag):
        response = flask.make_response("", 304)
        response.set_etag(tag, weak=True)
        _cache_headers(response, seen_as)
        return response
    return None


def _tag(response: flask.Response) -> flask.Response:
    """Tag successful answers (made from the request's one snapshot, see AppContext)."""
    release = flask.g.pop("etag_release", None)
    if release is None or response.status_code != 200 or "ETag" in response.headers:
        return response
    seen_as = caller.projection()
    response.set_etag(entity_tag(release, flask.request.full_path, seen_as), weak=True)
    _cache_headers(response, seen_as)
    response.headers.setdefault("X-Incidentmap-Data-Release", release)
    return response


def register(blueprint: flask.Blueprint) -> None:
    """Add conditional GET (ETag / If-None-Match) to every route of ``blueprint``."""
    blueprint.before_request(_check)
    blueprint.after_request(_tag)
