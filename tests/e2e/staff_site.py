"""A server of a test module's own with staff accounts, and logging in through the page."""

from __future__ import annotations

from data.store import db
from tests.e2e.conftest import _serve
from tests.factories import add_accounts

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


def log_in(page, email: str) -> None:
    """Fill and send the login form the page shows (password only; TOTP is the caller's)."""
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
