"""The small navigation on every page (map, incidents, about) and the language switch.

The map and table links carry the current URL query, so switching between the two views keeps
the filter; every link keeps the interface language (``lang``). The links are updated in the
browser (no server round trip per filter change); their words follow the language.

Logged-in users also get links to the pages their role can use (:data:`ROLE_LINKS`: recording
form, their organisation's records, moderation queue, administration), filled in by a server
callback that reads the session; anonymous visitors get none. The pages check the role again
themselves: the links are a convenience, not the access control.
"""

from __future__ import annotations

import json

from dash import Input, Output, dcc, html

from dashboard import i18n, ids
from dashboard.auth.sessions import current_user
from dashboard.context import current
from dashboard.i18n import N_
from data.privacy.roles import roles_that_can

LINKS = ((ids.NAV_MAP, N_("Map"), "/"), (ids.NAV_TABLE, N_("Incidents"), "/incidents"),
         (ids.NAV_ABOUT, N_("About"), "/about"))
#: Pages for logged-in users: (text, path, the action of data.privacy.roles the page itself
#: checks, needs an organisation).
ROLE_LINKS = ((N_("Record an incident"), "/report", "record", True),
              (N_("Your organisation's records"), "/my-records", "read_records", True),
              (N_("Moderation queue"), "/moderate", "moderate", False),
              (N_("Subject access"), "/moderate/subject-access", "subject_access", False),
              (N_("Administration"), "/admin", "administer", False))
TAGLINE = N_("Anti-migrant hate incidents recorded across the 27 EU member states")
#: Carries the query over between the map and the table, the language everywhere, and marks
#: the current page.
UPDATE_JS = """
function (pathname, search) {
    const path = pathname || '/';
    const onView = path === '/' || path === '/incidents';
    const lang = new URLSearchParams(search || '').get('lang');
    const langQuery = LANGUAGES.indexOf(lang) > 0 ? '?lang=' + lang : '';
    const query = onView ? (search || '') : langQuery;
    const current = function (href) {
        const here = href === '/' ? path === '/' : path === href || path.startsWith(href + '/');
        return here ? 'nav-link current' : 'nav-link';
    };
    return ['/' + query, '/incidents' + query, '/about' + langQuery, current('/'),
            current('/incidents'), current('/about')];
}
""".replace("LANGUAGES", json.dumps(list(i18n.LANGUAGES)))
#: The switch's links: the current URL with only ``lang`` changed (English: no ``lang``);
#: also sets ``<html lang>`` for screen readers.
SWITCH_JS = """
function (pathname, search) {
    const languages = LANGUAGES;
    const wanted = new URLSearchParams(search || '').get('lang');
    const lang = languages.indexOf(wanted) >= 0 ? wanted : languages[0];
    document.documentElement.lang = lang;
    const kept = (search || '').replace(/^\\?/, '').split('&').filter(
        function (part) { return part && part.split('=')[0] !== 'lang'; });
    const out = [];
    languages.forEach(function (code, i) {
        const parts = i === 0 ? kept : kept.concat(['lang=' + code]);
        out.push((pathname || '/') + (parts.length ? '?' + parts.join('&') : ''));
    });
    languages.forEach(function (code) {
        out.push(code === lang ? 'lang-link current' : 'lang-link');
    });
    return out;
}
""".replace("LANGUAGES", json.dumps(list(i18n.LANGUAGES)))


def switch_id(lang: str) -> str:
    """Component id of the language switch's link to ``lang``."""
    return f"lang-{lang}"


def language_switch() -> html.Nav:
    """Links to the current page in each language (plain links: a full reload).

    Each link names its language in that language and says so (``lang``, ``hreflang``), so a
    screen reader pronounces it right.
    """
    return html.Nav(html.Ul([
        html.Li(html.A(code.upper(), href=i18n.href("/", code), id=switch_id(code),
                       className="lang-link", lang=code, hrefLang=code, title=name))
        for code, name in i18n.NAMES.items()
    ]), id=ids.LANG_SWITCH, className="lang-switch",
        **{"aria-label": "Language · Langue · Sprache"})


def nav() -> html.Nav:
    """The navigation links (plain hrefs until the browser updates them)."""
    return html.Nav([html.Ul([
        html.Li(dcc.Link(text, href=href, id=link_id, className="nav-link"))
        for link_id, text, href in LINKS
    ]), html.Ul(id=ids.NAV_ROLES, className="role-links")], id=ids.NAV, className="site-nav",
        **{"aria-label": "Pages"})


def role_links(role: str | None, has_organisation: bool) -> list[tuple[str, str]]:
    """The (text, path) of each page of :data:`ROLE_LINKS` a user can use.

    Parameters
    ----------
    role : str or None
        The logged-in user's role; None for an anonymous visitor (no links).
    has_organisation : bool
        Whether the user belongs to an organisation (recording needs one).

    Returns
    -------
    list of (str, str)
        Untranslated link texts and paths, in :data:`ROLE_LINKS` order.
    """
    return [(text, path) for text, path, action, needs_org in ROLE_LINKS
            if role in roles_that_can(action) and (has_organisation or not needs_org)]


def role_items(pathname: str | None, search: str | None) -> list:
    """The header's links for the session's user, in the URL's language (a callback)."""
    user = current_user(current().engine)
    if user is None:
        return []
    lang = i18n.lang_of(search)
    path = pathname or "/"
    return [html.Li(html.A(i18n.translate(text, lang), href=i18n.href(href, lang),
                           className="nav-link current" if path == href else "nav-link"))
            for text, href in role_links(user.role, user.organisation_id is not None)]


def shell_texts(search: str | None) -> tuple:
    """The header's words in the URL's language: tagline, then the three link texts."""
    lang = i18n.lang_of(search)
    return (i18n.translate(TAGLINE, lang),
            *(i18n.translate(text, lang) for _, text, _ in LINKS))


def register(app) -> None:
    """Register the callbacks keeping the links' query, language and current page."""
    app.clientside_callback(
        UPDATE_JS,
        Output(ids.NAV_MAP, "href"), Output(ids.NAV_TABLE, "href"),
        Output(ids.NAV_ABOUT, "href"),
        Output(ids.NAV_MAP, "className"), Output(ids.NAV_TABLE, "className"),
        Output(ids.NAV_ABOUT, "className"),
        Input(ids.SHELL_URL, "pathname"), Input(ids.SHELL_URL, "search"),
    )
    app.clientside_callback(
        SWITCH_JS,
        *(Output(switch_id(code), "href") for code in i18n.LANGUAGES),
        *(Output(switch_id(code), "className") for code in i18n.LANGUAGES),
        Input(ids.SHELL_URL, "pathname"), Input(ids.SHELL_URL, "search"),
    )
    app.callback(Output(ids.NAV_ROLES, "children"), Input(ids.SHELL_URL, "pathname"),
                 Input(ids.SHELL_URL, "search"))(role_items)
    app.callback(
        Output(ids.TAGLINE, "children"),
        *(Output(link_id, "children") for link_id, _, _ in LINKS),
        Input(ids.SHELL_URL, "search"),
    )(shell_texts)
