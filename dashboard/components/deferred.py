"""Component libraries that only the pages using them load (dash-ag-grid on ``/incidents``).

Dash lists the bundle of every imported component library in the HTML of every page, so
importing dash-ag-grid would add its main bundle (1.3 MB, about 350 KB gzipped) to the first
load of the map. Here a library is *deferred*: its scripts are left out of the page HTML, its
files stay servable under ``/_dash-component-suites/`` (registered by ``Dash.get_dist``), and
a page that needs it renders a :func:`placeholder` whose clientside callback loads the bundle
(once per browser page) and then mounts the component. The library's own lazy chunks (the AG
Grid code itself) are fetched by its bundle as usual, from the same path.
"""

from __future__ import annotations

import dash
import flask
from dash import Input, Output, dcc, html

#: Namespaces of the component libraries loaded only where used.
DEFERRED = ("dash_ag_grid",)
EXTENSION_KEY = "incidentmap_deferred"
#: Mounts ``spec.component`` once every script in ``spec.src`` ran (once per browser page).
LOADER_JS = """
async function (spec) {
    if (!spec) { return window.dash_clientside.no_update; }
    const loads = window.__incidentmapLoads = window.__incidentmapLoads || {};
    for (const src of spec.src) {
        if (!loads[src]) {
            loads[src] = new Promise(function (resolve, reject) {
                const script = document.createElement('script');
                script.src = src;
                script.onload = resolve;
                script.onerror = function () {
                    delete loads[src];
                    reject(new Error('could not load ' + src));
                };
                document.head.appendChild(script);
            });
        }
        await loads[src];
    }
    return spec.component;
}
"""


def defer_libraries(app: dash.Dash, namespaces: tuple[str, ...] = DEFERRED) -> dict:
    """Leave ``namespaces`` out of every page's scripts; return their bundle URLs.

    Parameters
    ----------
    app : dash.Dash
        The app; its ``scripts.get_all_scripts`` is wrapped (this app only, no global state).
    namespaces : tuple of str
        Imported component libraries to defer.

    Returns
    -------
    dict
        Namespace -> list of script URLs (with Dash's cache-busting fingerprint) to load
        before mounting one of its components; also kept on the Flask server for
        :func:`scripts`.
    """
    known = app.server.extensions.setdefault(EXTENSION_KEY, {})
    todo = tuple(ns for ns in namespaces if ns not in known)
    if not todo:
        return known
    listed = app.scripts.get_all_scripts

    def scripts_without_deferred(dev_bundles: bool = False) -> list:
        return [r for r in listed(dev_bundles) if r.get("namespace") not in todo]

    app.scripts.get_all_scripts = scripts_without_deferred
    for ns in todo:  # get_dist also registers the files (lazy chunks too) for serving
        known[ns] = [d["url"] for d in app.get_dist([ns]) if d["type"] == "_js_dist"]
    return known


def scripts(namespace: str) -> list[str]:
    """Script URLs of a deferred library, for the app serving the current request."""
    return list(flask.current_app.extensions[EXTENSION_KEY][namespace])


def placeholder(component_id: str, store_id: str, component, src: list[str],
                waiting: str) -> html.Div:
    """A holder the loader fills with ``component`` once its library's scripts ran.

    Parameters
    ----------
    component_id : str
        Id of the holder ``Div``.
    store_id : str
        Id of the ``dcc.Store`` carrying what the loader mounts.
    component : dash.development.base_component.Component
        The component of a deferred library.
    src : list of str
        Its scripts (from :func:`defer_libraries`).
    waiting : str
        Text shown until the component is mounted.
    """
    spec = {"src": list(src), "component": component.to_plotly_json()}
    return html.Div([
        dcc.Store(id=store_id, data=spec),
        html.Div(html.P(waiting, className="hint"), id=component_id),
    ])


def register_loader(app: dash.Dash, component_id: str, store_id: str) -> None:
    """Register the clientside callback that mounts the deferred component of a holder."""
    app.clientside_callback(
        LOADER_JS,
        Output(component_id, "children"),
        Input(store_id, "data"),
    )
