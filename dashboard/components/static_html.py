"""Large read-only HTML (tables of numbers) sent as one escaped string, not as components.

Every Dash component costs the browser far more than the HTML element it draws: the Dash
renderer wraps it, subscribes it to the store and re-checks it on every state change of the
page. The map page's text-alternative tables and its coverage heat table hold about a
thousand cells; as components they nearly doubled the time until the page was interactive
(5.0 s against 2.7 s in headless Chromium on the 2-core benchmark machine), and drawing the
same HTML through ``dcc.Markdown`` cost a few hundred milliseconds more (its parser is 320 KB
of script). They hold no inputs and no callbacks, so they are built as usual with
``dash.html`` components (pure functions, tested as such) and serialised here by
:func:`to_html` to one string, every text and attribute value escaped. A callback writes that
string to a ``dcc.Store`` beside an empty :func:`holder`, and a clientside callback
(``assets/static_html.js``) sets it as the holder's content. React renders no children into a
holder, so it never touches what is set there.
"""

from __future__ import annotations

import html as html_escape
from collections.abc import Iterable
from numbers import Number

from dash import ClientsideFunction, Input, State, dcc, html
from dash.development.base_component import Component

#: Component props written as HTML attributes (Dash name -> HTML name); ``data-*`` and
#: ``aria-*`` props pass as they are. Any other prop with a value is refused: a fragment
#: must not silently drop behaviour (``n_clicks``, ``style`` objects...) it cannot carry.
ATTRIBUTES = {"id": "id", "className": "class", "title": "title", "scope": "scope",
              "role": "role", "tabIndex": "tabindex", "colSpan": "colspan",
              "rowSpan": "rowspan", "lang": "lang", "dir": "dir", "hidden": "hidden"}
#: Props every dash.html component has that a static fragment leaves out when unset or
#: at their defaults.
IGNORED = {"children", "n_clicks", "n_clicks_timestamp", "disable_n_clicks", "key",
           "loading_state", "setProps"}


class UnsupportedProp(ValueError):
    """A component prop that a static fragment cannot carry."""


def to_html(node) -> str:
    """Serialise a tree of ``dash.html`` components, strings and numbers to escaped HTML.

    Parameters
    ----------
    node : Component, str, number, list or None
        What a component's ``children`` may hold.

    Returns
    -------
    str
        HTML with every text and attribute value escaped (``html.escape``, quotes
        included; line breaks as ``&#10;``, so the string holds no raw newline).

    Raises
    ------
    UnsupportedProp
        For a component outside ``dash.html`` or a prop other than :data:`ATTRIBUTES`,
        ``data-*`` and ``aria-*``.
    """
    if node is None:
        return ""
    if isinstance(node, str | Number):
        return _escape(node)
    if isinstance(node, Iterable) and not isinstance(node, Component):
        return "".join(to_html(child) for child in node)
    if not isinstance(node, Component) or node._namespace != "dash_html_components":
        raise UnsupportedProp(f"{type(node).__name__} is not a dash.html component")
    tag = type(node).__name__.lower()
    attrs = "".join(f' {name}="{_escape(value)}"' for name, value in _attributes(node))
    return f"<{tag}{attrs}>{to_html(getattr(node, 'children', None))}</{tag}>"


def _escape(value) -> str:
    """Text or attribute value as HTML: markup escaped, line breaks as character references."""
    text = html_escape.escape(str(value), quote=True)
    return text.replace("\r", "&#13;").replace("\n", "&#10;")


def _attributes(node: Component) -> list[tuple[str, object]]:
    out = []
    for prop, value in node.to_plotly_json()["props"].items():
        if prop in IGNORED or value is None:
            continue
        if prop.startswith(("data-", "aria-")):
            out.append((prop, value))
        elif prop in ATTRIBUTES:
            out.append((ATTRIBUTES[prop], value))
        else:
            raise UnsupportedProp(f"{type(node).__name__}.{prop} cannot be written as static "
                                  "HTML")
    return sorted(out)  # Dash keeps wildcard props in a set: fix the order


def store_id(holder_id: str) -> str:
    """Id of the ``dcc.Store`` holding the HTML of the holder ``holder_id``."""
    return f"{holder_id}-html"


def holder(holder_id: str, **props) -> list:
    """An empty ``html.Div`` that shows the HTML written to its store, and that store.

    Parameters
    ----------
    holder_id : str
        Id of the ``div`` (what pages and tests select).
    **props
        Further ``html.Div`` props (``className``, ``role``, ``aria-*``...), never
        ``children``.

    Returns
    -------
    list of Dash components
        The holder and its store; a callback writes :func:`to_html` output to
        ``Output(store_id(holder_id), "data")``.
    """
    return [html.Div(id=holder_id, **props), dcc.Store(id=store_id(holder_id))]


def register(app, holder_ids) -> None:
    """Register the clientside callback that puts each holder's HTML into it.

    Parameters
    ----------
    app : dash.Dash
    holder_ids : iterable of str
        Holders made by :func:`holder`.
    """
    for holder_id in holder_ids:
        app.clientside_callback(ClientsideFunction("incidentmap", "staticHtml"),
                                Input(store_id(holder_id), "data"), State(holder_id, "id"))
