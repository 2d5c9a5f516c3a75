"""Account pages: log in, second factor, log out, set a password from a link, change it.

Moderators and admins log in with a second factor (TOTP), enrolled at their first login.

Plain HTML forms served by Flask (no JavaScript needed), every POST checked for the session's
CSRF token, every answer marked ``no-store``. Passwords are never echoed back into a form.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import flask
from markupsafe import Markup

from dashboard.auth.sessions import CSRF_FIELD, csrf_ok, csrf_token, current_user, log_in, log_out
from dashboard.context import current
from dashboard.views.odihr import own_organisation_only
from data.people.accounts import AccountError, change_password, get_user, redeem_password_link
from data.people.logins import (
    LoginThrottled,
    authenticate,
    check_totp,
    confirm_totp,
    totp_enrolment,
)
from data.people.passwords import PasswordRejected

blueprint = flask.Blueprint("account", __name__, url_prefix="/account")

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · incidentmap</title>
<link rel="stylesheet" href="/assets/style.css"></head>
<body><main class="account-page">
<p><a href="/">incidentmap</a></p>
<h1>{{ title }}</h1>
{% if error %}<p class="form-error" role="alert">{{ error }}</p>{% endif %}
{% if message %}<p class="form-message" role="status">{{ message }}</p>{% endif %}
{{ body }}
</main></body></html>"""

CSRF = '<input type="hidden" name="{{ csrf_name }}" value="{{ csrf }}">'

LOGIN = """<form method="post" action="/account/login">""" + CSRF + """
<input type="hidden" name="next" value="{{ next }}">
<p><label for="email">E-mail address</label><br>
<input id="email" name="email" type="email" autocomplete="username" required
 value="{{ email }}"></p>
<p><label for="password">Password</label><br>
<input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">Log in</button></p></form>
<p>Forgotten your password? Ask an admin of your network for a new link.</p>"""

TWO_FACTOR = """<form method="post" action="/account/two-factor">""" + CSRF + """
{% if secret %}
<p>Your role needs a second factor. Add this account to an authenticator app (for example
FreeOTP, Aegis or Google Authenticator) with the key below, then type the 6-digit code it
shows.</p>
<p>Key: <code class="totp-secret">{{ secret }}</code></p>
<p>Or open this link on the phone: <code>{{ uri }}</code></p>
{% else %}<p>Type the 6-digit code your authenticator app shows for incidentmap.</p>{% endif %}
<p><label for="code">One-time code</label><br>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}"
 required></p>
<p><button type="submit">Continue</button></p></form>"""

SET_PASSWORD = """<form method="post" action="/account/password">""" + CSRF + """
<input type="hidden" name="token" value="{{ token }}">
<p>Choose a password of at least 12 characters: a few unrelated words work well.</p>
<p><label for="password">New password</label><br>
<input id="password" name="password" type="password" autocomplete="new-password" required></p>
<p><label for="again">The same again</label><br>
<input id="again" name="again" type="password" autocomplete="new-password" required></p>
<p><button type="submit">Save the password</button></p></form>"""

ACCOUNT = """<p>Logged in as <strong>{{ user.email }}</strong> ({{ user.role }}).</p>
<form method="post" action="/account/logout">""" + CSRF + """
<button type="submit">Log out</button></form>
{% if odihr_form %}
<h2>OSCE/ODIHR submission</h2>
<form method="get" action="/account/odihr.csv">
<p>Your organisation's published incidents as the OSCE/ODIHR civil-society call asks for them
(month, country, bias motivations, type of incident, source, public description).</p>
<p><label for="from">From month</label> <input id="from" name="from" placeholder="2025-01">
<label for="to">to month</label> <input id="to" name="to" placeholder="2025-12">
<button type="submit">Download the CSV</button></p></form>
{% endif %}
<h2>Change your password</h2>
<form method="post" action="/account/change-password">""" + CSRF + """
<p><label for="current">Current password</label><br>
<input id="current" name="current" type="password" autocomplete="current-password" required></p>
<p><label for="password">New password</label><br>
<input id="password" name="password" type="password" autocomplete="new-password" required></p>
<p><label for="again">The same again</label><br>
<input id="again" name="again" type="password" autocomplete="new-password" required></p>
<p><button type="submit">Change the password</button></p></form>"""


def _page(title: str, body: str, status: int = 200, error: str = "", message: str = "",
          **values) -> flask.Response:
    inner = flask.render_template_string(body, csrf=csrf_token(), csrf_name=CSRF_FIELD,
                                         **values)
    html = flask.render_template_string(PAGE, title=title, body=Markup(inner), error=error,
                                        message=message)
    response = flask.make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _engine():
    return current().engine


def _safe_next(target: str | None) -> str:
    """Only paths on this site (no scheme, no host, no ``//``): no open redirects."""
    parts = urlsplit(target or "")
    if target and not parts.scheme and not parts.netloc and target.startswith("/") \
            and not target.startswith("//"):
        return target
    return "/account"


@blueprint.before_request
def _check_csrf():
    if flask.request.method == "POST" and not csrf_ok():
        return _page("Please try again", "<p><a href='{{ back }}'>Back to the form</a></p>",
                     status=403, error="The form had expired or came from another site.",
                     back=flask.request.path)
    return None


@blueprint.get("/login")
def login_form():
    """The login form."""
    return _page("Log in", LOGIN, email="", next=_safe_next(flask.request.args.get("next")))


@blueprint.post("/login")
def login():
    """Check the password; moderators and admins continue to the second factor."""
    email = flask.request.form.get("email", "")
    target = _safe_next(flask.request.form.get("next"))
    try:
        result = authenticate(_engine(), email, flask.request.form.get("password", ""),
                              flask.request.remote_addr or "unknown")
    except LoginThrottled as exc:
        response = _page("Log in", LOGIN, status=429, error=str(exc).capitalize() + ".",
                         email=email, next=target)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if result.user is None:
        return _page("Log in", LOGIN, status=401, email=email, next=target,
                     error="The e-mail address or the password is not right.")
    if result.user.needs_totp:
        flask.session.clear()
        flask.session.update(pending_user=result.user.id, pending_version=
                             result.user.session_version, next=target)
        return flask.redirect("/account/two-factor", 303)
    log_in(result.user)
    return flask.redirect(target, 303)


def _pending_user():
    user_id = flask.session.get("pending_user")
    user = get_user(_engine(), user_id=user_id) if user_id else None
    if user is None or not user.active or \
            user.session_version != flask.session.get("pending_version"):
        return None
    return user


@blueprint.route("/two-factor", methods=["GET", "POST"])
def two_factor():
    """The second step of logging in; enrols an authenticator app the first time."""
    user = _pending_user()
    if user is None:
        return flask.redirect("/account/login", 303)
    engine = _engine()
    secret = uri = None
    if not user.totp_enabled:  # the secret stays in the database, never in the cookie
        secret, uri = totp_enrolment(engine, user.id)
    if flask.request.method == "GET":
        return _page("Second factor", TWO_FACTOR, secret=secret, uri=uri)
    code = flask.request.form.get("code", "")
    ok = check_totp(engine, user.id, code) if user.totp_enabled else \
        confirm_totp(engine, user.id, code)
    if not ok:
        return _page("Second factor", TWO_FACTOR, status=401, secret=secret, uri=uri,
                     error="That code is not right (or has expired); try the next one.")
    target = _safe_next(flask.session.get("next"))
    log_in(get_user(engine, user_id=user.id))
    return flask.redirect(target, 303)


@blueprint.post("/logout")
def logout():
    """End this browser's session."""
    log_out()
    return flask.redirect("/", 303)


@blueprint.get("/password")
def password_form():
    """Choose a password from a one-time link."""
    return _page("Choose your password", SET_PASSWORD,
                 token=flask.request.args.get("token", ""))


@blueprint.post("/password")
def set_password():
    """Spend the link's token on the new password; then log in with it."""
    token = flask.request.form.get("token", "")
    password = flask.request.form.get("password", "")
    if password != flask.request.form.get("again", ""):
        return _page("Choose your password", SET_PASSWORD, status=400, token=token,
                     error="The two passwords differ.")
    try:
        redeem_password_link(_engine(), token, password)
    except PasswordRejected as exc:
        return _page("Choose your password", SET_PASSWORD, status=400, token=token,
                     error=f"Please choose another password: {exc}.")
    except AccountError as exc:
        return _page("Choose your password", "", status=400, error=str(exc).capitalize() + ".")
    log_out()
    return _page("Password saved", "<p><a href='/account/login'>Log in</a></p>",
                 message="Your password is saved.")


@blueprint.get("")
def account():
    """Who is logged in, log out, change the password."""
    user = current_user(_engine())
    if user is None:
        return flask.redirect("/account/login?next=/account", 303)
    return _page("Your account", ACCOUNT, user=user, odihr_form=own_organisation_only(user))


@blueprint.post("/change-password")
def change():
    """Change the password (the current one is needed); other sessions end."""
    engine = _engine()
    user = current_user(engine)
    if user is None:
        flask.abort(401)
    form = flask.request.form
    error = ""
    if form.get("password", "") != form.get("again", ""):
        error = "The two new passwords differ."
    else:
        try:
            change_password(engine, user.id, form.get("current", ""), form.get("password", ""))
        except (AccountError, PasswordRejected) as exc:
            error = str(exc).capitalize() + "."
    if error:
        return _page("Your account", ACCOUNT, status=400, user=user, error=error,
                     odihr_form=own_organisation_only(user))
    log_in(get_user(engine, user_id=user.id))  # this session goes on with the new version
    return _page("Your account", ACCOUNT, user=get_user(engine, user_id=user.id),
                 odihr_form=own_organisation_only(user),
                 message="Your password is changed; other sessions have ended.")
