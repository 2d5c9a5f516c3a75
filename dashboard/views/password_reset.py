"""``/account/forgot``: ask for a password-reset link by e-mail (when e-mail is configured).

The answer is the same page, at about the same speed, whether or not an account uses the
address typed (:mod:`data.people.password_reset` explains how). Requests are throttled per
address and per client (429). Without a mail server the page, and the login page's link to
it, send people to an admin instead.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

import flask

from dashboard.auth.sessions import csrf_ok
from dashboard.context import current
from dashboard.views import account_texts as at
from dashboard.views.layout import TEMPLATES, render
from data.people.accounts import AccountError
from data.people.password_reset import ResetThrottled, record_request, reset_message

blueprint = flask.Blueprint("password_reset", __name__, url_prefix="/account",
                            template_folder=TEMPLATES)


@blueprint.app_context_processor
def _forgot_link() -> dict:
    """The login page's "Forgot your password?" link (None without e-mail)."""
    if not flask.has_request_context():
        return {}
    lang = at.lang()
    enabled = current().outbox.enabled
    href = "/account/forgot" + ("" if lang == "en" else f"?lang={lang}")
    return {"forgot_password": (at.texts(lang)["forgot_link"], href) if enabled else None}


def _page(status: int = 200, error: str = "", message: str = "",
          email: str = "") -> flask.Response:
    ctx, lang = current(), at.lang()
    t = at.texts(lang)
    minutes = ctx.settings.password_reset_minutes
    return render("forgot_password.html", title=t["forgot_title"], page_class="account-page",
                  lang=lang, status=status, errors=[error] if error else [], message=message,
                  t=t, enabled=ctx.outbox.enabled, email=email,
                  intro=t["forgot_intro"].format(minutes=minutes))


@blueprint.get("/forgot")
def forgot_form():
    """The form asking for the account's address (or, without e-mail, where to turn)."""
    return _page()


@blueprint.post("/forgot")
def forgot():
    """Record the request and post the e-mail; the same answer for every address."""
    ctx = current()
    t = at.texts(at.lang())
    if not csrf_ok():
        return _page(403, "The form had expired or came from another site.")
    if not ctx.outbox.enabled:
        return _page()
    email = flask.request.form.get("email", "")
    try:
        address = record_request(ctx.engine, email, flask.request.remote_addr or "unknown")
    except AccountError:
        return _page(400, t["bad_email"], email=email)
    except ResetThrottled as exc:
        response = _page(429, t["throttled"].format(minutes=exc.retry_after // 60 + 1),
                         email=email)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    lifetime = dt.timedelta(minutes=ctx.settings.password_reset_minutes)
    ctx.outbox.post(partial(reset_message, ctx.engine, address, ctx.settings.base_url,
                            lifetime))
    return _page(message=t["sent"].format(minutes=ctx.settings.password_reset_minutes))
