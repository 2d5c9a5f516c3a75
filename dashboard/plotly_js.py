"""plotly.js for the browser: a partial bundle holding only the trace types the app draws.

Dash serves the full plotly.js (4.6 MB, every trace type, WebGL 2-D and 3-D included) and
``dcc.Graph`` loads it from ``/_dash-component-suites/plotly/package_data/plotly.min.js`` the
first time a graph mounts. Evaluating it was the largest single cost of the map page's first
load: headless Chromium on the 2-core benchmark machine became interactive in 1.9 s with the
partial bundle against 2.8 s with the full one (median of 7 fresh loads each, alternated).
``plotly_bundle/plotly-incidentmap.min.js`` is the plotly.js release the installed plotly
package ships (pyproject pins plotly to that minor release; a test checks), built from its
npm package with only ``bar``, ``choroplethmap`` and ``scattermap``
(``plotly_bundle/README.md`` says how to rebuild it), and :func:`register` serves it at the
URL ``dcc.Graph`` asks for. Figures with any other trace type would not draw: :data:`TRACES`
lists what the bundle holds, and a test checks every figure the app makes against it.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
from pathlib import Path

import flask

#: The partial bundle (built by ``plotly_bundle/build.js``).
BUNDLE = Path(__file__).with_name("plotly_bundle") / "plotly-incidentmap.min.js"
#: Trace types it registers (``plotly_bundle/entry.js``).
TRACES = ("bar", "choroplethmap", "scattermap")
#: Where ``dcc.Graph`` loads plotly.js from when the app serves its scripts itself.
DASH_URL = "/_dash-component-suites/plotly/package_data/plotly.min.js"
#: Seconds browsers may reuse it before asking again (an ETag answers the question).
MAX_AGE = 3600


def bundle_version(path: Path = BUNDLE) -> str:
    """The plotly.js version named in the bundle's first comment (``4.1.1``)."""
    with path.open(encoding="utf-8") as handle:
        head = handle.read(200)
    return head.split("plotly.js v", 1)[1].split(" ", 1)[0]


def register(server: flask.Flask) -> None:
    """Serve the partial bundle at :data:`DASH_URL` (before Dash's own route for it).

    Werkzeug tries a rule made only of fixed text before one with variable parts, so this
    answers for that one file and Dash keeps serving every other component script. Sent
    gzip-compressed when the client accepts it (compressed once per process), with an ETag.
    """
    server.add_url_rule(DASH_URL, endpoint="plotly_js", view_func=_bundle)


@functools.cache
def _payload(gzipped: bool) -> tuple[bytes, str]:
    """The bundle's bytes (gzip-compressed once per process when asked) and their ETag."""
    data = BUNDLE.read_bytes()
    if gzipped:
        data = gzip.compress(data, compresslevel=9, mtime=0)
    return data, hashlib.sha256(data).hexdigest()[:20]


def _bundle() -> flask.Response:
    gzipped = "gzip" in flask.request.headers.get("Accept-Encoding", "")
    data, etag = _payload(gzipped)
    response = flask.Response(data, mimetype="application/javascript")
    if gzipped:  # set here, so Flask-Compress leaves it alone
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response.make_conditional(flask.request)
