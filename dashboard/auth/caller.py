"""Who is asking, and what they may see: the projection of record-level outputs.

The incident table, the API's rows and downloads call :func:`projection` once per request;
answers in the researcher projection are logged with :func:`log_if_restricted`, and the
staff pages log what personal data they show with :func:`log_restricted_read`.
"""

from __future__ import annotations

import flask

from dashboard.auth.bearer import mark_logged, request_token
from dashboard.auth.sessions import current_user
from dashboard.context import current
from data.people.access_log import log_access
from data.privacy.publication import PUBLIC, RESEARCHER_MEMBER_COLUMNS, projection_for


def projection() -> str:
    """The caller's projection (``public`` without a session or an API token)."""
    if not flask.has_request_context():
        return PUBLIC
    user = current_user(current().engine)
    return projection_for(user)


def log_if_restricted(kind: str, records: int, data_release: str,
                      query: str | None = None, record_ids=()) -> None:
    """Log an answer of the researcher projection (who, what, how many, from which release).

    An answer to a request made with a personal API token names the token.

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
    record_ids : sequence of str, optional
        Public ids of the records in the answer (pages; downloads are named by the query).
    """
    if projection() == PUBLIC:
        return
    user = current_user(current().engine)
    if query is None:
        query = flask.request.query_string.decode("utf-8", "replace")
    token = request_token()
    log_access(current().engine, user_id=user.id, role=user.role, kind=kind, query=query,
               records=records, data_release=data_release, record_ids=record_ids,
               fields=RESEARCHER_MEMBER_COLUMNS, token_id=token.id if token else None)
    mark_logged()


def log_restricted_read(user, kind: str, public_ids, fields) -> None:
    """Log that ``user`` was shown restricted fields of some records (not a download).

    Parameters
    ----------
    user : data.people.accounts.User
    kind : str
        What was read, e.g. ``record-view``, ``vault``, ``attachment``, ``subject-access``.
    public_ids : sequence of str
        The records.
    fields : sequence of str
        The restricted fields shown.
    """
    ids = list(public_ids)
    log_access(current().engine, user_id=user.id, role=user.role, kind=kind,
               query=flask.request.path, records=len(ids), data_release="live",
               record_ids=ids, fields=fields)
