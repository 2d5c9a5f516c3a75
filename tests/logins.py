"""Logging in as a person does: the password form, then a real one-time code from the secret.

Every role that reads personal data needs a second factor (reporters included), and a code is
accepted once, so a helper that logs the same account in twice within 30 seconds must use a
later step: :func:`one_time_code` picks the first step after the last one the store accepted,
waiting for the clock when the window (one step either side) is used up.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pyotp
from sqlalchemy import Engine, select

from dashboard.context import EXTENSION_KEY
from data.people.two_factor import STEP, SecretBox
from data.store.schema import users

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SECRET = re.compile(r'class="totp-secret">([A-Z2-7]+)<')
TWO_FACTOR = "/account/two-factor"


def one_time_code(secret: str, after_step: int | None = None) -> str:
    """A code of ``secret`` the server accepts now: of the current step or, when that one is
    used (``after_step``), the next; waits for the clock when both are used."""
    while True:
        current = int(time.time()) // STEP
        step = current if after_step is None else max(current, after_step + 1)
        if step <= current + 1:
            return pyotp.TOTP(secret).at(step * STEP)
        time.sleep(STEP - time.time() % STEP + 0.05)


def last_step(engine: Engine, email: str) -> int | None:
    """The last step the store accepted a code of for ``email``."""
    with engine.connect() as conn:
        return conn.execute(select(users.c.totp_last_step)
                            .where(users.c.email == email)).scalar()


def stored_secret(engine: Engine, box: SecretBox, email: str) -> str:
    """The account's TOTP secret, decrypted with the site's keys (``box``)."""
    with engine.connect() as conn:
        sealed = conn.execute(select(users.c.totp_secret)
                              .where(users.c.email == email)).scalar_one()
    return box.open(sealed)


def box_of(instance_dir: Path) -> SecretBox:
    """The secret box of a site whose vault key is kept in ``instance_dir``."""
    return SecretBox((Path(instance_dir) / "vault_key").read_text(encoding="ascii").strip())


def code_for(engine: Engine, box: SecretBox, email: str, page: str = "") -> str:
    """The next code for ``email``: from the enrolment ``page``'s key if it shows one."""
    shown = SECRET.search(page)
    secret = shown.group(1) if shown else stored_secret(engine, box, email)
    return one_time_code(secret, last_step(engine, email))


def log_in(client, engine: Engine, box: SecretBox, email: str, password: str,
           next_path: str = "/account"):
    """Log ``client`` (a Flask test client) in through the forms; returns the last answer.

    After the password, a second factor is given when the page asks for one: the code of
    the key the set-up page shows, else of the stored secret.
    """
    form = client.get("/account/login").get_data(as_text=True)
    answer = client.post("/account/login", data={
        "email": email, "password": password, "next": next_path,
        "csrf_token": CSRF.search(form).group(1)})
    if answer.status_code != 303 or answer.headers["Location"] != TWO_FACTOR:
        return answer
    page = client.get(TWO_FACTOR).get_data(as_text=True)
    return client.post(TWO_FACTOR, data={"code": code_for(engine, box, email, page),
                                         "csrf_token": CSRF.search(page).group(1)})


def log_in_to(client, email: str, password: str, next_path: str = "/account"):
    """:func:`log_in` with the engine and keys of the app ``client`` talks to."""
    context = client.application.extensions[EXTENSION_KEY]
    return log_in(client, context.engine, SecretBox.from_settings(context.settings), email,
                  password, next_path)
