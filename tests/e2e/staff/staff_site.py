"""A server of a test module's own with staff accounts, and logging in through the page."""

from __future__ import annotations

import time

from data.people.two_factor import STEP
from data.store import db
from tests.e2e.conftest import _serve
from tests.factories import add_accounts
from tests.logins import one_time_code

PASSWORD = "correct horse battery staple"
#: (e-mail, role, organisation) of the accounts every staff site has.
ACCOUNTS = (("rep@example.org", "reporter", "ngo-leipzig"),
            ("mod@example.org", "moderator", None))


def staff_site(tmp_path_factory, accounts=ACCOUNTS):
    """Start a server on an instance folder the test can reach; yield ``(base, engine)``.

    The organisation ``ngo-leipzig`` and ``accounts`` exist, each with :data:`PASSWORD`.
    Use it as a module fixture: ``yield from staff_site(tmp_path_factory)``.
    """
    instance = tmp_path_factory.mktemp("staff-instance")
    serving = _serve(tmp_path_factory, {"INCIDENTMAP_INSTANCE_DIR": str(instance)})
    base = next(serving)
    engine = db.make_engine(f"sqlite:///{instance / 'incidentmap.sqlite'}")
    add_accounts(engine, (("ngo-leipzig", "An NGO in Leipzig", "DE"),), accounts, PASSWORD)
    try:
        yield base, engine
    finally:
        engine.dispose()
        serving.close()


#: Secrets seen on set-up pages and the last step used, by (site, e-mail): a later login of
#: the same account gives a code of a later step (a code is accepted once).
SEEN: dict[tuple[str, str], list] = {}


def log_in(page, email: str) -> None:
    """Log in through the pages: the password, then a real one-time code when asked for one.

    At the first login the set-up page's key gives the code, and the recovery codes shown
    once are passed by with their "Continue" link; later logins use the key seen then.
    """
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    if "/account/two-factor" not in page.url:
        return
    site = page.url.split("/account/", 1)[0]
    if page.locator(".totp-secret").count():
        SEEN[(site, email)] = [page.inner_text(".totp-secret").strip(), None]
    secret, last = SEEN[(site, email)]
    code = one_time_code(secret, last)
    SEEN[(site, email)][1] = max(int(time.time()) // STEP, (last or 0) + 1)
    page.fill("#code", code)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    if page.locator(".recovery-codes").count():
        page.click("text=Continue")
