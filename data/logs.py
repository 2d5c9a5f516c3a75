"""How every incidentmap process writes its log: the CLI's and the server's, one configuration.

Lines go to standard error, which is gunicorn's error log under gunicorn (its own loggers do
not propagate, so nothing is written twice) and the journal under systemd. Two formats
(``INCIDENTMAP_LOG_FORMAT``):

- ``text``: ``2026-05-06T10:00:00Z INFO incidentmap.request: request method=GET ...``, the
  message followed by the event's fields as ``key=value``;
- ``json``: one object per line with ``time``, ``level``, ``logger``, ``message`` and the
  event's fields.

An event's fields are passed as ``extra={"fields": {...}}``. What a line may hold is decided
where it is written: never an e-mail address, a query string or a path beyond its route
template (one-time links carry their token there).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from typing import TextIO

#: Level of the libraries whose INFO lines would repeat ours or print what ours leave out:
#: werkzeug's development server logs every request with its query string.
QUIET = {"werkzeug": logging.WARNING, "alembic": logging.WARNING}
#: Marks the handler this module installs, so configuring again replaces it.
HANDLER_NAME = "incidentmap"
#: Functions giving fields every line gets while they apply (the server's request id).
CONTEXT: list[Callable[[], dict]] = []


def add_context(provider: Callable[[], dict]) -> None:
    """Add ``provider()``'s fields to every line from now on (once, however often called).

    Parameters
    ----------
    provider : callable
        Returns the fields that apply where the line is written (empty where none do); it
        must be cheap and never fail.
    """
    if provider not in CONTEXT:
        CONTEXT.append(provider)


def with_context(record: logging.LogRecord) -> bool:
    """Give ``record`` the fields of :data:`CONTEXT` as it is written (a handler's filter)."""
    if not hasattr(record, "incidentmap_context"):
        context = {}
        for provider in CONTEXT:
            context.update(provider())
        record.incidentmap_context = context
    return True


def _fields(record: logging.LogRecord) -> dict:
    fields = dict(getattr(record, "incidentmap_context", None) or {})
    given = getattr(record, "fields", None)
    if isinstance(given, dict):
        fields.update(given)
    return fields


def _timestamp(record: logging.LogRecord) -> str:
    moment = time.gmtime(record.created)
    return time.strftime("%Y-%m-%dT%H:%M:%S", moment) + f".{int(record.msecs):03d}Z"


class TextFormatter(logging.Formatter):
    """``time LEVEL logger: message key=value ...`` (values with blanks quoted)."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line (a traceback, when there is one, on the lines after it)."""
        parts = [_timestamp(record), record.levelname, f"{record.name}:", record.getMessage()]
        for key, value in _fields(record).items():
            text = str(value)
            parts.append(f"{key}={json.dumps(text) if not text or ' ' in text else text}")
        line = " ".join(parts)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the fields, any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        line = {"time": _timestamp(record), "level": record.levelname, "logger": record.name,
                "message": record.getMessage(), **_fields(record)}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


FORMATTERS = {"text": TextFormatter, "json": JsonFormatter}


def configure(level: str = "INFO", format: str = "text", stream: TextIO | None = None) -> None:
    """Send this process's log lines to ``stream`` in ``format`` from ``level`` up.

    Called by the command line and by the server (``app.build_app``); calling it again
    replaces the handler it installed, so it is safe in a process that builds several apps.

    Parameters
    ----------
    level : str
        ``DEBUG``, ``INFO``, ``WARNING`` or ``ERROR`` (``Settings.log_level``).
    format : {"text", "json"}
        ``Settings.log_format``.
    stream : file, optional
        Where lines go; standard error by default.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == HANDLER_NAME:
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.addFilter(with_context)
    handler.setFormatter(FORMATTERS[format]())
    root.addHandler(handler)
    root.setLevel(level)
    for name, quiet in QUIET.items():
        logging.getLogger(name).setLevel(max(quiet, logging.getLevelName(level)))
