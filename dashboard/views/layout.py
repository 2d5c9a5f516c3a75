"""The one layout of the Flask pages: every template in ``templates/`` extends ``base.html``.

``base.html`` gives a page what the Dash pages show: ``<html lang>``, the site's stylesheets
(:func:`dashboard.theme.stylesheets`) and the header with the site's name, its tagline and the
navigation of :mod:`dashboard.components.nav` (map, incidents, about, then the pages the
session's role can use, then the visitor's account), in the page's language. Below the header
come the page's title, its errors and its message, then the template's ``{% block content %}``.

Templates are ``.html`` files, so Jinja escapes every value put into them, as
``render_template_string`` did; no value is marked safe (tests/dashboard/views/test_templates.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import flask

from dashboard import i18n, theme
from dashboard.auth.sessions import CSRF_FIELD, csrf_token, current_user
from dashboard.components.footer import source_href
from dashboard.components.footer import texts as footer_texts
from dashboard.components.nav import LINKS, TAGLINE, role_links
from dashboard.context import current
from dashboard.i18n import N_
from data import software

#: The folder of the pages' templates (each blueprint of dashboard/views loads from it).
TEMPLATES = Path(__file__).resolve().parent / "templates"
#: The header's last link, for every visitor (the page sends anonymous ones to the login).
ACCOUNT_LINK = (N_("Your account"), "/account")


@dataclass(frozen=True)
class HeaderLink:
    """One link of the header's navigation, in the page's language."""

    text: str
    href: str
    current: bool

    @property
    def css_class(self) -> str:
        """The link's class, as the Dash pages' navigation marks the current page."""
        return "nav-link current" if self.current else "nav-link"


def header_links(path: str, lang: str, role: str | None,
                 has_organisation: bool) -> tuple[list[HeaderLink], list[HeaderLink]]:
    """The header's links on the page at ``path``: the site's pages, then the visitor's.

    Parameters
    ----------
    path : str
        The page's path (its link is marked current).
    lang : str
        The page's language: the link texts are in it and the links keep it.
    role : str or None
        The session's role (None: anonymous, no role links).
    has_organisation : bool
        Whether the session's user belongs to an organisation.

    Returns
    -------
    (list of HeaderLink, list of HeaderLink)
        The links of :data:`dashboard.components.nav.LINKS`; then those of
        :func:`dashboard.components.nav.role_links` and :data:`ACCOUNT_LINK`.
    """
    def link(text: str, href: str) -> HeaderLink:
        return HeaderLink(i18n.translate(text, lang), i18n.href(href, lang), path == href)

    site = [link(text, href) for _, text, href in LINKS]
    mine = [link(text, href) for text, href in [*role_links(role, has_organisation),
                                                  ACCOUNT_LINK]]
    return site, mine


def render(template: str, *, title: str, page_class: str, lang: str = i18n.DEFAULT,
           status: int = 200, errors: Iterable[str] = (), message: str = "",
           message_id: str | None = None, forms: bool = True, no_store: bool = True,
           **values) -> flask.Response:
    """Answer with ``template`` rendered inside the base layout.

    Parameters
    ----------
    template : str
        A file of :data:`TEMPLATES`.
    title : str
        The page's title (``<title>`` and ``<h1>``).
    page_class : str
        The class of the page's ``<main>`` (its style).
    lang : str, optional
        The page's language (``<html lang>``, the header's texts).
    status : int, optional
        The HTTP status.
    errors : iterable of str, optional
        Shown as alerts above the content.
    message : str, optional
        Shown as a status line above the content (with the id ``message_id``, if given).
    message_id : str, optional
        The status line's ``id``.
    forms : bool, optional
        Whether the page has forms: then the template gets the session's CSRF token
        (``csrf``, ``csrf_name``; see ``form_fields.html``).
    no_store : bool, optional
        Whether the answer is ``Cache-Control: no-store``.
    **values
        The template's own values.

    Returns
    -------
    flask.Response
    """
    # the user first: an expired session is cleared there, and a CSRF token with it
    user = current_user(current().engine)
    site_links, user_links = header_links(
        flask.request.path, lang, user.role if user else None,
        user is not None and user.organisation_id is not None)
    if forms:
        values.update(csrf=csrf_token(), csrf_name=CSRF_FIELD)
    html = flask.render_template(
        template, title=title, page_class=page_class, lang=lang, errors=list(errors),
        message=message, message_id=message_id, stylesheets=theme.stylesheets(),
        home=i18n.href("/", lang), tagline=i18n.translate(TAGLINE, lang),
        site_links=site_links, user_links=user_links, software=software.NAME,
        version=software.version(), footer_texts=footer_texts(lang),
        source_href=source_href(current().settings), **values)
    response = flask.make_response(html, status)
    if no_store:
        response.headers["Cache-Control"] = "no-store"
    return response
