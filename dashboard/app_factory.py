"""Build the Dash application (with its Flask server) from a ready application context."""

from __future__ import annotations

import dash
import flask
from dash import Input, Output, State, dcc, html

from dashboard import ids
from dashboard.api import blueprint as api_blueprint
from dashboard.context import AppContext, attach, current
from dashboard.pages import overview
from geo.boundaries import context_geojson_path, eu27_geojson_path

TITLE = "incidentmap: anti-migrant hate incidents in the EU-27"
PAGES = {"/": overview}
#: Responses gzip/brotli-compressed when the client accepts it (Flask-Compress).
COMPRESSED = ["text/html", "text/css", "text/csv", "text/javascript", "application/javascript",
              "application/json", "application/geo+json", "image/svg+xml"]


def _not_found(pathname: str) -> html.Div:
    return html.Div([html.H2("Page not found"),
                     html.P(["There is no page at ", html.Code(pathname), ". ",
                             dcc.Link("Go to the map", href="/"), "."])])


def _shell() -> html.Div:
    return html.Div([
        dcc.Location(id=ids.SHELL_URL, refresh=False),
        html.Header([
            html.H1(html.A("incidentmap", href="/")),
            html.P("Anti-migrant hate incidents recorded across the 27 EU member states",
                   className="tagline"),
        ], className="site-header"),
        html.Div(id=ids.PAGE),
    ], className="shell")


def route(pathname: str, search: str | None):
    """Return the layout of the page at ``pathname``, set up from the query ``search``."""
    page = PAGES.get(pathname or "/")
    if page is None:
        return _not_found(pathname)
    return page.layout(current(), search)


def _register_geometry(server: flask.Flask) -> None:
    files = {"eu27.geojson": eu27_geojson_path(), "context.geojson": context_geojson_path()}

    @server.get("/geo/<name>")
    def geometry(name: str):
        path = files.get(name)
        if path is None:
            flask.abort(404)
        response = flask.send_file(path, mimetype="application/geo+json", conditional=True,
                                   max_age=86400)
        return response


def create_app(context: AppContext) -> dash.Dash:
    """Create the Dash app serving the pages, the API and the geometry.

    Parameters
    ----------
    context : AppContext
        Settings, engine and taxonomy of this process.

    Returns
    -------
    dash.Dash
        Its Flask server is ``app.server`` (what gunicorn serves).
    """
    server = flask.Flask("incidentmap")
    server.json.sort_keys = False
    server.config["COMPRESS_MIMETYPES"] = COMPRESSED
    server.config["SECRET_KEY"] = context.settings.secret_key or None
    attach(server, context)
    app = dash.Dash(
        __name__, server=server, title=TITLE, serve_locally=True, compress=True,
        suppress_callback_exceptions=True, update_title=None,
    )
    app.layout = _shell
    app.callback(Output(ids.PAGE, "children"), Input(ids.SHELL_URL, "pathname"),
                 State(ids.SHELL_URL, "search"))(route)
    for page in PAGES.values():
        page.register(app)
    server.register_blueprint(api_blueprint)
    _register_geometry(server)
    return app
