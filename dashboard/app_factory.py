"""Build the Dash application (with its Flask server) from a ready application context."""

from __future__ import annotations

import dash
import flask
from dash import Input, Output, State, dcc, html
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard import failures, i18n, ids, limits, monitoring, plotly_js, regions, theme
from dashboard.api.routes import blueprint as api_blueprint
from dashboard.auth import bearer, callback_body, headers, origin, sessions
from dashboard.components import footer as site_footer
from dashboard.components.footer import footer
from dashboard.components.nav import language_switch, nav
from dashboard.components.nav import register as register_nav
from dashboard.context import AppContext, attach, current
from dashboard.i18n import N_
from dashboard.pages import about, incident_detail, incidents
from dashboard.pages.overview import page as overview
from dashboard.pages.report import page as report
from dashboard.views import (
    account,
    admin,
    moderation,
    odihr,
    password_reset,
    protection,
    service,
    vault,
)
from dashboard.views.layout import render
from geo.boundaries import context_geojson_path, eu27_geojson_path

TITLE = N_("incidentmap: anti-migrant hate incidents in the EU-27")
PAGES = {"/": overview, "/incidents": incidents, "/about": about, "/report": report}
#: Responses gzip/brotli-compressed when the client accepts it (Flask-Compress).
#: The Flask pages of accounts and staff, each a blueprint.
VIEWS = (account, password_reset, odihr, moderation, admin, vault, protection, service)
COMPRESSED = ["text/html", "text/css", "text/csv", "text/javascript", "application/javascript",
              "application/json", "application/geo+json", "image/svg+xml"]


def _not_found(pathname: str, lang: str) -> html.Div:
    _ = i18n.translate
    return html.Div([html.H2(_("Page not found", lang)),
                     html.P([_("There is no page at", lang), " ", html.Code(pathname), ". ",
                             dcc.Link(_("Go to the map", lang), href=i18n.href("/", lang)),
                             "."])])


def _shell() -> html.Div:
    return html.Div([
        dcc.Location(id=ids.SHELL_URL, refresh=False),
        html.Header([
            html.H1(html.A("incidentmap", href="/")),
            html.P(id=ids.TAGLINE, className="tagline"),
            nav(),
            language_switch(),
        ], className="site-header"),
        html.Div(id=ids.PAGE),
        footer(current().settings),
    ], className="shell")


def route(pathname: str | None, search: str | None):
    """Return the layout of the page at ``pathname``, set up from the query ``search``."""
    page = PAGES.get(pathname or "/")
    public_id = incident_detail.public_id_of(pathname)
    lang = i18n.lang_of(search)
    if page is None and public_id is not None:
        found = incident_detail.layout(current(), public_id, lang)
        return incident_detail.not_found(public_id, lang) if found is None else found
    if page is None:
        return _not_found(pathname, lang)
    return page.layout(current(), search)


#: The rule under which Dash serves its page to every path it does not otherwise route.
DASH_CATCH_ALL = "/<path:path>"


def _not_found_page(error):
    """404 in the site's look (JSON for the API and Dash's own routes, which the client reads)."""
    if flask.request.path.startswith(("/api/", "/_dash")):
        return flask.jsonify(error={"code": "not_found", "message": "no such resource"}), 404
    lang = i18n.lang_of(flask.request.query_string.decode("latin-1"))
    _ = i18n.translate
    return render("notice.html", title=_("Page not found", lang), page_class="notice",
                  lang=lang, status=404, forms=False,
                  message=f"{_('There is no page at', lang)} {flask.request.path}.",
                  link=i18n.href("/", lang), link_text=_("Go to the map", lang))


def _register_not_found(server: flask.Flask) -> None:
    """Paths that are no page answer 404, not the map page with a 200 (a soft 404)."""
    server.register_error_handler(404, _not_found_page)

    @server.before_request
    def unknown_path():
        rule = flask.request.url_rule
        if rule is not None and rule.rule == DASH_CATCH_ALL and flask.request.path not in PAGES:
            flask.abort(404)


def _register_geometry(server: flask.Flask) -> None:
    files = {"eu27.geojson": eu27_geojson_path(), "context.geojson": context_geojson_path()}

    @server.get("/geo/<name>")
    def geometry(name: str):
        path = files.get(name)
        if path is None:  # a member state's regions (drill-down), or 404
            return regions.send_geometry(current().settings, name)
        response = flask.send_file(path, mimetype="application/geo+json", conditional=True,
                                   max_age=86400)
        return response


def _localise_index(app: dash.Dash) -> None:
    """Serve the page's HTML with ``<html lang>`` and the title in the URL's language."""
    interpolate = app.interpolate_index

    def localised(**kwargs) -> str:
        lang = i18n.lang_of(flask.request.query_string.decode("latin-1")) \
            if flask.has_request_context() else i18n.DEFAULT
        kwargs["title"] = i18n.translate(TITLE, lang)
        return interpolate(**kwargs).replace("<html>", f'<html lang="{lang}">', 1)

    app.interpolate_index = localised


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
    settings = context.settings
    sessions.configure(server, sessions.secret_key(settings.secret_key, settings.instance_dir),
                       settings.secure_cookies, sessions.Limits.from_settings(settings))
    if settings.proxies:
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=settings.proxies,
                                   x_proto=settings.proxies)
    attach(server, context)
    failures.register(server, context.engine)
    app = dash.Dash(
        __name__, server=server, title=TITLE, serve_locally=True, compress=True,
        suppress_callback_exceptions=True, update_title=None, assets_folder=str(theme.ASSETS),
        assets_url_path=theme.ASSETS_URL.strip("/"),
    )
    _localise_index(app)
    app.layout = _shell
    app.callback(Output(ids.PAGE, "children"), Input(ids.SHELL_URL, "pathname"),
                 State(ids.SHELL_URL, "search"))(route)
    for page in PAGES.values():
        page.register(app)
    incident_detail.register(app)
    register_nav(app)
    site_footer.register(app)
    # The request hooks that refuse, each inserted before the earlier ones, so that they run
    # in this order: body size (limits), then another site's write (origin), then an API
    # token outside reads of the API (bearer), then a malformed callback body.
    callback_body.register(app)
    bearer.register(server)
    origin.register(server)
    server.register_blueprint(api_blueprint)
    for view in VIEWS:
        server.register_blueprint(view.blueprint)
    _register_geometry(server)
    _register_not_found(server)
    plotly_js.register(server)
    limits.register(server, settings)
    monitoring.register(server, context, PAGES)
    headers.register(app, settings)  # last: every answer, whoever made it, gets the headers
    return app
