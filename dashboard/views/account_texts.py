"""The texts of the account pages' newer parts: second factor, password reset, API tokens.

Each is marked for translation (``dashboard/locales``); the pages pick the language from the
request's ``lang`` value, English by default.
"""

from __future__ import annotations

import flask
from werkzeug.exceptions import HTTPException

from dashboard import i18n
from dashboard.i18n import N_, translate

UI = {
    "forgot_link": N_("Forgot your password?"),
    "forgot_title": N_("Forgotten password"),
    "forgot_intro": N_("Type the e-mail address of your account. If an account uses it, we "
                       "send it a link to choose a new password; the link works once, for "
                       "{minutes} minutes."),
    "no_mail": N_("This site sends no e-mail: ask an admin of your network for a link to "
                  "choose a new password."),
    "email": N_("E-mail address"),
    "send": N_("Send the link"),
    "sent": N_("If an account uses this address, we sent a link to it. It works once, for "
               "{minutes} minutes; look in your spam folder too."),
    "bad_email": N_("That is not an e-mail address; check it and try again."),
    "throttled": N_("Too many requests; try again in {minutes} minutes."),
    "back_login": N_("Back to the login"),
    "tokens": N_("API tokens"),
    "tokens_intro": N_("Scripts read the API (/api/v1/) with a personal token, sent in the "
                       "header 'Authorization: Bearer TOKEN', instead of your browser's "
                       "cookie. A token reads what you may read through the API, never "
                       "changes anything, and every use is logged. Revoke a token you no "
                       "longer need or may have shared."),
    "token_name": N_("Name (e.g. the script that uses it)"),
    "token_expires": N_("Last day it works (optional)"),
    "create": N_("Create a token"),
    "new_token": N_("Your new token. Copy it now: it is not shown again."),
    "name": N_("Name"), "created": N_("Created"), "expires": N_("Expires"),
    "last_used": N_("Last used"), "state": N_("State"), "never": N_("never"),
    "no_expiry": N_("when revoked"), "revoke": N_("Revoke"),
    "active": N_("active"), "expired": N_("expired"), "revoked": N_("revoked"),
    "no_tokens": N_("No tokens yet."),
    "token_revoked": N_("The token is revoked."),
    "bad_date": N_("The last day must be a date such as 2027-06-30."),
    # the second factor (the page's title, messages and the templates' parts)
    "title": N_("Second factor"),
    "codes_title": N_("Your recovery codes"),
    "codes_throttled": N_("Too many wrong codes; try again in {minutes} minutes."),
    "wrong": N_("That code is not right (or was already used); wait for the next one."),
    "scan": N_("Or scan this QR code with the app:"),
    "qr_label": N_("QR code of the otpauth link"),
    "codes_once": N_("Each of these codes logs you in once in place of a one-time code, if "
                     "you lose your phone. Keep them somewhere safe, apart from your "
                     "password: they are shown only now."),
    "recovery_hint": N_("Lost your phone? Type one of your recovery codes instead."),
    "used_recovery": N_("You logged in with a recovery code; {left} left. Make new ones on "
                        "your account page."),
    "continue": N_("Continue"),
    "new_codes": N_("Make new recovery codes"),
    "codes_left": N_("Second factor on; {left} unused recovery codes."),
    "codes_replaced": N_("New recovery codes made; the old ones no longer work."),
    "locked": N_("Your second factor cannot be read with this server's keys; ask an admin to "
                 "reset it."),
}

#: The messages of data.people.api_tokens.TokenError, marked here so that they get translated.
MESSAGES = (
    N_("your role does not use API tokens"),
    N_("give the token a name, e.g. the script that will use it"),
    N_("a token's name has at most {limit} characters"),
    N_("the expiry date is in the past; give a later one or none"),
    N_("the expiry date is more than {years} years away; give an earlier one or none"),
    N_("you have {limit} working tokens; revoke one first"),
    N_("there is no such token on your account"),
)


def lang() -> str:
    """The language of the current request (its ``lang`` value; English by default).

    The URL's value first; a form's only when its body can be read: a refused body (413, a
    malformed one) must not fail again while its error page is drawn.
    """
    value = flask.request.args.get(i18n.PARAM)
    if value is None:
        try:
            value = flask.request.form.get(i18n.PARAM)
        except HTTPException:
            value = None
    return i18n.normal(value)


def texts(language: str) -> dict[str, str]:
    """The texts in ``language``."""
    return {key: translate(text, language) for key, text in UI.items()}


def message(error, language: str) -> str:
    """The message of a ``data.people.api_tokens.TokenError`` in ``language``, as a sentence."""
    text = translate(error.args[0], language).format(**error.values)
    return text[:1].upper() + text[1:] + "."
