"""Account pages: log in, second factor, log out, set a password, change it, API tokens.

Personal API tokens are made and revoked on the account page (:mod:`data.people.api_tokens`).

Every role that reads personal data logs in with a second factor (TOTP), set up at its first
login with a key, an ``otpauth://`` link and a QR code drawn by the server; recovery codes are
shown once when it is turned on and can be made anew here. Reporters may be exempted by
``INCIDENTMAP_REPORTER_TWO_FACTOR`` (:func:`data.people.two_factor.required`).

Plain HTML forms served by Flask (no JavaScript needed), every POST checked for the session's
CSRF token, every answer marked ``no-store``. Passwords are never echoed back into a form.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import flask

from dashboard.auth.sessions import csrf_ok, current_user, log_in, log_out
from dashboard.components.qr import qr_image
from dashboard.context import current
from dashboard.views import account_texts as at
from dashboard.views.layout import TEMPLATES, render
from dashboard.views.odihr import own_organisation_only
from data.people import two_factor
from data.people.accounts import AccountError, change_password, get_user, redeem_password_link
from data.people.api_tokens import TokenError, create_token, list_tokens, revoke_token
from data.people.logins import LoginThrottled, authenticate
from data.people.passwords import PasswordRejected
from data.people.vault import VaultLocked
from data.privacy.roles import can

blueprint = flask.Blueprint("account", __name__, url_prefix="/account",
                            template_folder=TEMPLATES)

def _box() -> two_factor.SecretBox:
    return two_factor.SecretBox.from_settings(current().settings)


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
    if two_factor.required(result.user, current().settings):
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


def _two_factor_page(enrolment, status: int = 200, error: str = "") -> flask.Response:
    lang = at.lang()
    t = at.texts(lang)
    qr = qr_image(enrolment.uri) if enrolment else None
    return _page("two_factor.html", t["title"], status=status, error=error, lang=lang, t=t,
                 secret=enrolment.secret if enrolment else None,
                 uri=enrolment.uri if enrolment else None, qr=qr)


@blueprint.route("/two-factor", methods=["GET", "POST"])
def two_factor_step():
    """The second step of logging in; enrols an authenticator app the first time."""
    try:
        return _second_step()
    except VaultLocked:  # the vault key was lost or changed: only an admin's reset helps
        lang = at.lang()
        return _page("notice.html", at.texts(lang)["title"], status=403, lang=lang,
                     error=at.texts(lang)["locked"])


def _second_step() -> flask.Response:
    user = _pending_user()
    if user is None:
        return flask.redirect("/account/login", 303)
    engine = _engine()
    enrolment = None
    if not user.totp_enabled:  # the secret stays in the database, never in the cookie
        enrolment = two_factor.enrolment(engine, _box(), user.id)
        # a new set-up ends every other session: this one goes on with the new version
        user = get_user(engine, user_id=user.id)
        flask.session["pending_version"] = user.session_version
    if flask.request.method == "GET":
        return _two_factor_page(enrolment)
    t = at.texts(at.lang())
    address = flask.request.remote_addr or "unknown"
    try:
        checked = two_factor.check_code(engine, _box(), user,
                                        flask.request.form.get("code", ""), address)
    except LoginThrottled as exc:
        response = _two_factor_page(enrolment, 429, t["codes_throttled"].format(
            minutes=exc.retry_after // 60 + 1))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if not checked.ok:
        return _two_factor_page(enrolment, 401, t["wrong"])
    target = _safe_next(flask.session.get("next"))
    log_in(get_user(engine, user_id=user.id))
    if checked.recovery_codes:  # the factor was just turned on: show the codes once
        return _page("recovery_codes.html", t["codes_title"], lang=at.lang(), t=t,
                     codes=checked.recovery_codes, link=target)
    if checked.recovery_code_used:
        return _page("notice.html", t["title"], lang=at.lang(), link=target,
                     link_text=t["continue"],
                     message=t["used_recovery"].format(left=checked.codes_left))
    return flask.redirect(target, 303)


@blueprint.post("/recovery-codes")
def recovery_codes():
    """Replace the recovery codes by new ones, shown once."""
    engine = _engine()
    user = current_user(engine)
    if user is None:
        flask.abort(401)
    lang = at.lang()
    t = at.texts(lang)
    try:
        codes = two_factor.new_recovery_codes(engine, user.id,
                                              flask.request.remote_addr or "unknown")
    except AccountError as exc:
        return _account_page(user, status=400, error=str(exc).capitalize() + ".")
    return _page("recovery_codes.html", t["codes_title"], lang=lang, t=t, codes=codes,
                 link="/account", message=t["codes_replaced"])


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
    return _account_page(user)


def _account_page(user, status: int = 200, error: str = "", message: str = "",
                  new_token: str = "") -> flask.Response:
    """The account page; with ``new_token``, the token just made (shown this once)."""
    lang = at.lang()
    t = at.texts(lang)
    factor = (t["codes_left"].format(left=two_factor.recovery_codes_left(_engine(), user.id))
              if user.totp_enabled else "")
    tokens = None
    if can(user, "use_api_token"):
        now = dt.datetime.now(dt.UTC)
        tokens = [(token, token.state(now)) for token in list_tokens(_engine(), user.id)]
    return _page("account.html", "Your account", status=status, error=error, message=message,
                 user=user, odihr_form=own_organisation_only(user), t=t, factor=factor,
                 tokens=tokens, new_token=new_token, lang_value=lang)


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
        return _account_page(user, status=400, error=error)
    log_in(get_user(engine, user_id=user.id))  # this session goes on with the new version
    return _account_page(get_user(engine, user_id=user.id),
                         message="Your password is changed; other sessions have ended.")


def _token_user():
    user = current_user(_engine())
    if user is None:
        flask.abort(401)
    if not can(user, "use_api_token"):
        flask.abort(403)
    return user


@blueprint.post("/api-tokens")
def create_api_token():
    """Make a personal API token and show it once."""
    user = _token_user()
    t = at.texts(at.lang())
    form = flask.request.form
    expires = None
    if form.get("expires", "").strip():
        try:
            expires = dt.date.fromisoformat(form["expires"].strip())
        except ValueError:
            return _account_page(user, status=400, error=t["bad_date"])
    try:
        _token, secret = create_token(_engine(), user, form.get("name", ""), expires)
    except TokenError as exc:
        return _account_page(user, status=400, error=at.message(exc, at.lang()))
    return _account_page(user, new_token=secret)


@blueprint.post("/api-tokens/<int:token_id>/revoke")
def revoke_api_token(token_id: int):
    """Revoke one of the account's tokens."""
    user = _token_user()
    try:
        revoke_token(_engine(), user.id, token_id)
    except TokenError as exc:
        return _account_page(user, status=404, error=at.message(exc, at.lang()))
    return _account_page(user, message=at.texts(at.lang())["token_revoked"])
