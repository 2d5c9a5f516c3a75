"""Request bodies are bounded: a larger one is answered 413 before it is read.

Every request may carry at most ``INCIDENTMAP_MAX_REQUEST_MB`` (the largest legitimate body
measured is a Dash callback of about 1.2 MB: a brush over the whole weekly timeline); the
upload of a record's files (:data:`UPLOADS`) at most ``INCIDENTMAP_MAX_UPLOAD_MB`` plus
:data:`FORM_ALLOWANCE`. :func:`register` sets the limit on each request before anything
reads the body (Flask's ``Request.max_content_length``, which werkzeug applies to every
read) and

* refuses a declared ``Content-Length`` over it at once, without reading a byte;
* reads a chunked body (no ``Content-Length``) through werkzeug's limited stream into a
  spooled file (:func:`_spool`), refusing it as soon as it passes the limit: at most
  :data:`SPOOL_BYTES` are held in memory, never the whole body.

The answer is a 413 with a clear message: JSON ``{"error": {"code", "message"}}`` for the API
and Dash callbacks, a page in the site's look (and the visitor's language) otherwise.
A reverse proxy should refuse such bodies first (nginx ``client_max_body_size``): gunicorn
otherwise reads and discards the rest of a refused body before it reuses the connection.
"""

from __future__ import annotations

import tempfile

import flask
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wsgi import get_input_stream

from dashboard import i18n
from dashboard.i18n import N_
from dashboard.views.layout import render
from data.settings import Settings

MB = 1024 * 1024
#: Endpoints that take a file upload, with the upload limit instead of the request limit.
UPLOADS = ("vault.add_file",)
#: What an upload's request may carry beside the file (the form's fields and boundaries).
FORM_ALLOWANCE = MB
TITLE = N_("Too large")
MESSAGE = N_("The request is too large: this site accepts at most {limit} MB at once. "
             "Nothing was saved; shorten what you sent and try again.")
ENVIRON_KEY = "incidentmap.limit"
SPOOL_KEY = "incidentmap.spooled_body"
#: Bytes of a chunked body kept in memory while it is read (the rest goes to a file).
SPOOL_BYTES = 256 * 1024
#: Bytes read at a time.
CHUNK_BYTES = 64 * 1024


def limit_of(settings: Settings, endpoint: str | None) -> int:
    """The most bytes a request to ``endpoint`` may carry."""
    if endpoint in UPLOADS:
        return settings.max_upload_mb * MB + FORM_ALLOWANCE
    return settings.max_request_mb * MB


def _chunked(request: flask.Request) -> bool:
    return "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def too_large(_exc: Exception | None = None) -> flask.Response:
    """The 413 answer: JSON for the API and Dash callbacks, a page in the site's look else."""
    request = flask.request
    limit = request.environ.get(ENVIRON_KEY) or request.max_content_length or 0
    lang = i18n.lang_of(request.query_string.decode("latin-1"))
    wants_json = request.path.startswith(("/api/", "/_dash")) or \
        request.accept_mimetypes.best == "application/json"
    text = i18n.translate(MESSAGE, "en" if wants_json else lang).format(
        limit=i18n.number(limit / MB, "en" if wants_json else lang, 0 if limit % MB == 0 else 1))
    if wants_json:
        response = flask.make_response(
            {"error": {"code": "too_large", "message": text, "limit_bytes": limit}}, 413)
    else:
        response = render("notice.html", title=i18n.translate(TITLE, lang),
                          page_class="account-page", lang=lang, status=413, errors=[text],
                          forms=False, link=i18n.href("/", lang),
                          link_text=i18n.translate("Go to the map", lang))
    response.headers["Cache-Control"] = "no-store"
    return response


def _spool(request: flask.Request, limit: int) -> None:
    """Read a chunked body into a spooled file, refusing it (413) once past ``limit``.

    werkzeug's limited stream stops quietly at its limit, so it is asked for one byte more
    to tell a body of exactly the limit from a longer one. Up to :data:`SPOOL_BYTES` stay in
    memory, the rest goes to a temporary file; the request then reads the file as a body
    with a ``Content-Length``.
    """
    environ = request.environ
    source = get_input_stream(environ, max_content_length=limit + 1)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed at teardown)
    environ[SPOOL_KEY] = spool
    size = 0
    while chunk := source.read(CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            raise RequestEntityTooLarge()
        spool.write(chunk)
    spool.seek(0)
    environ.update({"wsgi.input": spool, "CONTENT_LENGTH": str(size)})
    environ.pop("HTTP_TRANSFER_ENCODING", None)


def _close_spool(_exc: BaseException | None = None) -> None:
    spool = flask.request.environ.pop(SPOOL_KEY, None)
    if spool is not None:
        spool.close()


def register(server: flask.Flask, settings: Settings) -> None:
    """Bound every request of ``server`` (see the module docstring); register last.

    The hook goes first among the ``before_request`` hooks, so none of them reads a body
    before its limit is set.
    """
    # a form's text fields may fill the request (Flask's own default is 500 KB)
    server.config.update(MAX_CONTENT_LENGTH=settings.max_request_mb * MB,
                         MAX_FORM_MEMORY_SIZE=settings.max_request_mb * MB)

    def _bounded():
        request = flask.request
        limit = limit_of(settings, request.endpoint)
        request.max_content_length = limit
        request.environ[ENVIRON_KEY] = limit
        if _chunked(request):  # before Content-Length is read: spooling sets it
            _spool(request, limit)
        if request.content_length is not None and request.content_length > limit:
            raise RequestEntityTooLarge()
        return None

    server.register_error_handler(RequestEntityTooLarge, too_large)
    server.teardown_request(_close_spool)
    server.before_request_funcs.setdefault(None, []).insert(0, _bounded)
