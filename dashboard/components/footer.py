"""The site's footer on every page: the program, its version, its licence and its source.

The AGPL (section 13) asks that people using the service over a network be offered its
source: the footer's "Source code" link does that (``INCIDENTMAP_SOURCE_URL``, else
``/source``, see :mod:`dashboard.views.service`).
"""

from __future__ import annotations

from dash import Input, Output, html

from dashboard import i18n, ids
from dashboard.i18n import N_
from data import software
from data.settings import Settings

LICENCE_TEXT = N_("Free software under the GNU Affero General Public License")
SOURCE_TEXT = N_("Source code")


def source_href(settings: Settings) -> str:
    """Where the "Source code" link leads: the configured repository, else ``/source``."""
    return settings.source_url or "/source"


def texts(lang: str) -> tuple[str, str]:
    """The footer's words in ``lang``: the licence, then the source link's text."""
    return i18n.translate(LICENCE_TEXT, lang), i18n.translate(SOURCE_TEXT, lang)


def footer(settings: Settings) -> html.Footer:
    """The footer of the Dash pages (its words follow the URL's language, see :func:`register`)."""
    return html.Footer([
        html.Span(f"{software.NAME} {software.version()}"), " · ",
        html.Span(id=ids.FOOTER_LICENCE), " · ",
        html.A(id=ids.FOOTER_SOURCE, href=source_href(settings), rel="license source"),
    ], className="site-footer")


def footer_texts(search: str | None) -> tuple[str, str]:
    """The footer's words in the language of the URL's query ``search`` (a callback)."""
    return texts(i18n.lang_of(search))


def register(app) -> None:
    """Keep the footer's words in the URL's language."""
    app.callback(Output(ids.FOOTER_LICENCE, "children"), Output(ids.FOOTER_SOURCE, "children"),
                 Input(ids.SHELL_URL, "search"))(footer_texts)
