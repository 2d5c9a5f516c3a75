"""What the service says about itself: probes (``/healthz``, ``/readyz``) and its source.

``/healthz`` answers 200 as long as the process serves requests (a liveness probe: restart the
worker when it fails). ``/readyz`` answers 200 only when a request would be served now: the
store answers, its schema is the one this code needs, and the public snapshot is built; else
503 with ``Retry-After`` and the reason, written for the operator (a readiness probe: send no
traffic yet). Neither reveals anything about the records; both are never cached.

``/source`` offers the code this server runs, as the AGPL asks of a program used over a
network (:mod:`data.software`): a redirect to ``INCIDENTMAP_SOURCE_URL`` when the operator
publishes it, else an archive of the running code.
"""

from __future__ import annotations

import hashlib

import flask

from dashboard.context import AppContext, current
from dashboard.failures import RETRY_AFTER_S
from data import software
from data.store.failures import classify, database_errors
from data.store.opening import schema_is_current

blueprint = flask.Blueprint("service", __name__)


def not_ready_reason(context: AppContext) -> str | None:
    """Why this process cannot serve requests yet, or None when it can.

    Parameters
    ----------
    context : AppContext
        The process's settings, store and snapshot cache.

    Returns
    -------
    str or None
        A sentence naming what is missing and, where the operator has to act, what to do.
    """
    try:
        if not schema_is_current(context.engine):
            return ("the database is not migrated to this version's schema: run "
                    "`incidentmap db upgrade`")
    except database_errors() as exc:
        failure = classify(exc)  # its kind and hint only: the driver's text stays in the log
        return (f"the database does not answer ({failure.kind}): {failure.hint}" if failure
                else "the database does not answer")
    if not context.snapshots.ready():
        return "the public snapshot is being built; retry in a few seconds"
    return None


def _answer(body: dict, status: int) -> flask.Response:
    response = flask.jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    if status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


@blueprint.get("/healthz")
def healthz():
    """The process is alive and answers requests."""
    return _answer({"status": "ok"}, 200)


@blueprint.get("/readyz")
def readyz():
    """The store answers and is migrated, and the snapshot is built; else 503 and why."""
    reason = not_ready_reason(current())
    if reason is None:
        return _answer({"status": "ready"}, 200)
    return _answer({"status": "not ready", "reason": reason}, 503)


@blueprint.get("/source")
def source():
    """The source of the running code: the configured repository, else an archive of it."""
    configured = current().settings.source_url
    if configured:
        return flask.redirect(configured, 302)
    archive = software.source_archive()
    response = flask.make_response(archive)
    response.mimetype = "application/gzip"
    name = f"{software.NAME}-{software.version()}.tar.gz"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.set_etag(hashlib.sha256(archive).hexdigest())
    return response.make_conditional(flask.request)
