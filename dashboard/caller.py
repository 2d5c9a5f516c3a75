"""Who is asking, and what they may see: the projection of record-level outputs.

The incident table, the API's rows and downloads call :func:`projection` once per request;
answers in the researcher projection are logged with :func:`log_if_restricted`.
"""

from __future__ import annotations

import flask

from dashboard.context import current
from dashboard.sessions import current_user
from data.access_log import log_access
from data.privacy import PUBLIC, projection_for


def projection() -> str:
    """The caller's projection (``public`` without a session)."""
    if not flask.has_request_context():
        return PUBLIC
    user = current_user(current().engine)
    return projection_for(user.role if user else None)


def log_if_restricted(kind: str, records: int, data_release: str,
                      query: str | None = None) -> None:
    """Log an answer of the researcher projection (who, what, how many, from which release).

    Parameters
    ----------
    kind : str
        ``api-page``, ``table-page`` or a download format.
    records : int
        Records in the answer.
    data_release : str
        The snapshot's fingerprint.
    query : str, optional
        The filter and paging read (default: the request's query string).
    """
    if projection() == PUBLIC:
        return
    user = current_user(current().engine)
    if query is None:
        query = flask.request.query_string.decode("utf-8", "replace")
    log_access(current().engine, user_id=user.id, role=user.role, kind=kind, query=query,
               records=records, data_release=data_release)
