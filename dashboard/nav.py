"""The small navigation on every page: map, incidents, about.

The map and table links carry the current URL query, so switching between the two views keeps
the filter. The links are updated in the browser (no server round trip per filter change).
"""

from __future__ import annotations

from dash import Input, Output, dcc, html

from dashboard import ids

LINKS = ((ids.NAV_MAP, "Map", "/"), (ids.NAV_TABLE, "Incidents", "/incidents"),
         (ids.NAV_ABOUT, "About", "/about"))
#: Carries the query over between the map and the table, and marks the current page.
UPDATE_JS = """
function (pathname, search) {
    const path = pathname || '/';
    const onView = path === '/' || path === '/incidents';
    const query = onView ? (search || '') : '';
    const current = function (href) {
        const here = href === '/' ? path === '/' : path === href || path.startsWith(href + '/');
        return here ? 'nav-link current' : 'nav-link';
    };
    return ['/' + query, '/incidents' + query, current('/'), current('/incidents'),
            current('/about')];
}
"""


def nav() -> html.Nav:
    """The navigation links (plain hrefs until the browser updates them)."""
    return html.Nav(html.Ul([
        html.Li(dcc.Link(text, href=href, id=link_id, className="nav-link"))
        for link_id, text, href in LINKS
    ]), id=ids.NAV, className="site-nav", **{"aria-label": "Pages"})


def register(app) -> None:
    """Register the clientside callback that keeps the links' query and current page."""
    app.clientside_callback(
        UPDATE_JS,
        Output(ids.NAV_MAP, "href"), Output(ids.NAV_TABLE, "href"),
        Output(ids.NAV_MAP, "className"), Output(ids.NAV_TABLE, "className"),
        Output(ids.NAV_ABOUT, "className"),
        Input(ids.SHELL_URL, "pathname"), Input(ids.SHELL_URL, "search"),
    )
