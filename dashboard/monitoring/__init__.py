"""What an operator watches: request logs, app events and Prometheus metrics (``/metrics``).

:func:`register` wires it into the Flask server: every request gets an id and a log line and
is counted (:mod:`.events`), snapshot builds are timed (:mod:`.metrics`), and ``/metrics``
answers the machine itself or the holder of the token (:mod:`.endpoint`). docs/operations.md
("Monitoring and logs") lists the metrics and what a log line holds.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Collection

import flask

from dashboard.context import AppContext
from dashboard.monitoring import endpoint, events, metrics
from data import logs, software

log = logging.getLogger("incidentmap")


def register(server: flask.Flask, context: AppContext, pages: Collection[str]) -> None:
    """Log and count ``server``'s requests, time its snapshots and serve ``/metrics``.

    Parameters
    ----------
    server : flask.Flask
    context : AppContext
        The app's settings, store and snapshot cache.
    pages : collection of str
        The Dash pages' paths (a request for one is called by its path).
    """
    recorder = metrics.for_app(context.settings)
    server.extensions[endpoint.EXTENSION_KEY] = recorder
    context.snapshots.listeners.append(recorder.snapshot_made)
    flask.request_started.connect(lambda _sender, **_extra: events.started(), server,
                                  weak=False)
    server.after_request(lambda response: _finished(response, recorder, pages))
    server.register_blueprint(endpoint.blueprint)
    logs.add_context(events.current_fields)  # a line written during a request names it
    server.log_exception = lambda exc_info: events.log_failure(exc_info, pages)
    engine = context.engine
    log.info("incidentmap %s starting", software.version(), extra={"fields": {
        "version": software.version(), "pid": os.getpid(), "backend": engine.dialect.name,
        "store": engine.url.render_as_string(hide_password=True),
        "metrics": "summed over workers" if recorder.folder else "this process"}})


def _finished(response: flask.Response, recorder, pages) -> flask.Response:
    events.finished(response, recorder, pages)
    return response
