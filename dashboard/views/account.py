"""Account pages: log in, second factor, log out, set a password from a link, change it.

Moderators and admins log in with a second factor (TOTP), enrolled at their first login.

Plain HTML forms served by Flask (no JavaScript needed), every POST checked for the session's
CSRF token, every answer marked ``no-store``. Passwords are never echoed back into a form.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import flask

from dashboard.auth.sessions import csrf_ok, current_user, log_in, log_out
from dashboard.context import current
from dashboard.views.layout import TEMPLATES, render
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

blueprint = flask.Blueprint("account", __name__, url_prefix="/account",
                            template_folder=TEMPLATES)


def _page(template: str, title: str, status: int = 200, error: str = "", message: str = "",
          **values) -> flask.Response:
    return render(template, title=title, page_class="account-page", status=status,
                  errors=[error] if error else [], message=message, **values)


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
        return _page("notice.html", "Please try again", status=403,
                     error="The form had expired or came from another site.",
                     link=flask.request.path, link_text="Back to the form")
    return None


@blueprint.get("/login")
def login_form():
    """The login form."""
    return _page("login.html", "Log in", email="", next=_safe_next(flask.request.args.get("next")))


@blueprint.post("/login")
def login():
    """Check the password; moderators and admins continue to the second factor."""
    email = flask.request.form.get("email", "")
    target = _safe_next(flask.request.form.get("next"))
    try:
        result = authenticate(_engine(), email, flask.request.form.get("password", ""),
                              flask.request.remote_addr or "unknown")
    except LoginThrottled as exc:
        response = _page("login.html", "Log in", status=429, error=str(exc).capitalize() + ".",
                         email=email, next=target)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if result.user is None:
        return _page("login.html", "Log in", status=401, email=email, next=target,
                     error="The e-mail address or the password is not right.")
    if result.user.needs_totp:
        log_out()  # a session of this browser ends before the second step
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
        return _page("two_factor.html", "Second factor", secret=secret, uri=uri)
    code = flask.request.form.get("code", "")
    ok = check_totp(engine, user.id, code) if user.totp_enabled else \
        confirm_totp(engine, user.id, code)
    if not ok:
        return _page("two_factor.html", "Second factor", status=401, secret=secret, uri=uri,
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
    return _page("choose_password.html", "Choose your password",
                 token=flask.request.args.get("token", ""))


@blueprint.post("/password")
def set_password():
    """Spend the link's token on the new password; then log in with it."""
    token = flask.request.form.get("token", "")
    password = flask.request.form.get("password", "")
    if password != flask.request.form.get("again", ""):
        return _page("choose_password.html", "Choose your password", status=400, token=token,
                     error="The two passwords differ.")
    try:
        redeem_password_link(_engine(), token, password)
    except PasswordRejected as exc:
        return _page("choose_password.html", "Choose your password", status=400, token=token,
                     error=f"Please choose another password: {exc}.")
    except AccountError as exc:
        return _page("notice.html", "Choose your password", status=400,
                     error=str(exc).capitalize() + ".")
    log_out()
    return _page("notice.html", "Password saved", message="Your password is saved.",
                 link="/account/login", link_text="Log in")


@blueprint.get("")
def account():
    """Who is logged in, log out, change the password."""
    user = current_user(_engine())
    if user is None:
        return flask.redirect("/account/login?next=/account", 303)
    return _page("account.html", "Your account", user=user, odihr_form=own_organisation_only(user))


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
        return _page("account.html", "Your account", status=400, user=user, error=error,
                     odihr_form=own_organisation_only(user))
    log_in(get_user(engine, user_id=user.id))  # this session goes on with the new version
    return _page("account.html", "Your account", user=get_user(engine, user_id=user.id),
                 odihr_form=own_organisation_only(user),
                 message="Your password is changed; other sessions have ended.")
