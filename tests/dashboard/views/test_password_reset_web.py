"""Password reset over HTTP against a real SMTP server (aiosmtpd).

The mail arrives with a working link; the link works once and expires; an unknown address
gets the same page (and about the same time) and no mail; requests are throttled; the reset
ends old sessions and does not skip the second factor; without SMTP there is no link.
"""

from __future__ import annotations

import re
import statistics
import time

import pytest
from sqlalchemy import update

from data.people.password_reset import MAX_PER_ADDRESS
from data.store.schema import account_tokens
from tests.mail_server import mail_server
from tests.security.web import log_in_as

GOOD = "correct horse battery staple"
NEW = "a brand new passphrase here"
BASE = "https://map.example.org"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SENT = "If an account uses this address, we sent a link to it."


@pytest.fixture
def mail(tmp_path):
    with mail_server(tmp_path) as server:
        yield server


@pytest.fixture
def site(mail, make_site):
    built = make_site(accounts=(("res@example.org", "researcher", None),
                                ("mod@example.org", "moderator", None)), password=GOOD,
                      smtp_url=mail.url, mail_from="incidentmap <noreply@example.org>",
                      base_url=BASE + "/")
    return built


def _csrf(client, path="/account/forgot") -> str:
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def _ask(client, email, address="10.0.0.1"):
    token = _csrf(client)
    return client.post("/account/forgot", data={"email": email, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def _link(message) -> str:
    body = message.get_content()
    [link] = re.findall(r"https://\S+", body)
    return link


def test_the_login_page_links_to_the_form(site):
    page = site.server.test_client().get("/account/login").get_data(as_text=True)
    assert 'href="/account/forgot"' in page and "Forgot your password?" in page
    french = site.server.test_client().get("/account/login?lang=fr").get_data(as_text=True)
    assert 'href="/account/forgot?lang=fr"' in french and "Mot de passe oublié ?" in french


def test_the_mailed_link_works_once_and_ends_every_session(site, mail):
    old = site.server.test_client()
    log_in_as(old, site.engine, "mod@example.org")
    assert old.get("/account").status_code == 200
    client = site.server.test_client()
    answer = _ask(client, "MOD@example.org")
    assert answer.status_code == 200 and SENT in answer.get_data(as_text=True)
    site.context.outbox.flush(10)
    [message] = mail.wait(1)
    assert message["To"] == "mod@example.org" and message["From"].endswith("@example.org>")
    link = _link(message)
    assert link.startswith(BASE + "/account/password?token=")
    assert "moderator" not in message.get_content()  # the link only: no role, no content
    path = link[len(BASE):]
    form = client.get(path).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', form).group(1)
    data = {"token": token, "password": NEW, "again": NEW, "csrf_token": _csrf(client, path)}
    saved = client.post("/account/password", data=data)
    assert saved.status_code == 200 and "Your password is saved" in saved.get_data(as_text=True)
    again = client.post("/account/password", data={**data, "csrf_token": _csrf(client, path)})
    assert again.status_code == 400 and "not valid any more" in again.get_data(as_text=True)
    # the old session is over: the replayed cookie lands on the login page
    replay = old.get("/account")
    assert replay.status_code == 303 and replay.headers["Location"].startswith("/account/login")
    # the new password works, and the second factor is still asked for
    fresh = site.server.test_client()
    login = fresh.post("/account/login", data={"email": "mod@example.org", "password": NEW,
                                               "csrf_token": _csrf(fresh, "/account/login")})
    assert login.status_code == 303 and login.headers["Location"] == "/account/two-factor"
    assert fresh.get("/account").status_code == 303  # not logged in before the code


def test_an_expired_link_is_refused(site, mail):
    client = site.server.test_client()
    _ask(client, "res@example.org")
    site.context.outbox.flush(10)
    path = _link(mail.wait(1)[0])[len(BASE):]
    with site.engine.begin() as conn:
        conn.execute(update(account_tokens).where(account_tokens.c.used_at.is_(None))
                     .values(expires_at=account_tokens.c.created_at))
    token = path.split("token=")[1]
    answer = client.post("/account/password", data={
        "token": token, "password": NEW, "again": NEW, "csrf_token": _csrf(client, path)})
    assert answer.status_code == 400 and "not valid any more" in answer.get_data(as_text=True)


def test_an_unknown_address_gets_the_same_page_in_about_the_same_time_and_no_mail(site, mail):
    def timed(email: str, address: str) -> tuple[float, str]:
        client = site.server.test_client()
        token = _csrf(client)
        start = time.perf_counter()
        answer = client.post("/account/forgot", data={"email": email, "csrf_token": token},
                             environ_base={"REMOTE_ADDR": address})
        elapsed = time.perf_counter() - start
        assert answer.status_code == 200
        return elapsed, CSRF.sub("", answer.get_data(as_text=True))

    known = [timed("res@example.org", f"10.0.1.{i}") for i in range(MAX_PER_ADDRESS)]
    site.context.outbox.flush(10)
    unknown = [timed(f"nobody{i}@example.org", f"10.0.2.{i}") for i in range(MAX_PER_ADDRESS)]
    site.context.outbox.flush(10)
    assert {page for _, page in known} == {page for _, page in unknown}
    assert SENT in known[0][1]
    assert [m["To"] for m in mail.messages] == ["res@example.org"] * MAX_PER_ADDRESS
    fast, slow = (statistics.median(t for t, _ in group) for group in (known, unknown))
    print(f"median answer: known address {fast * 1000:.1f} ms, unknown {slow * 1000:.1f} ms")
    assert abs(fast - slow) < 0.1


def test_requests_are_throttled_per_address_and_per_client(site, mail):
    client = site.server.test_client()
    for email in ("res@example.org", "nobody@example.org"):  # the same for both
        for i in range(MAX_PER_ADDRESS):
            assert _ask(client, email, f"10.0.3.{i}").status_code == 200
        refused = _ask(client, email, "10.0.3.99")
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
        assert "Too many requests" in refused.get_data(as_text=True)
    for i in range(7):  # the client 10.0.4.1 reaches its limit of 10 requests
        _ask(client, f"p{i}@example.org", "10.0.4.1")
    for i in range(3):
        _ask(client, f"q{i}@example.org", "10.0.4.1")
    assert _ask(client, "late@example.org", "10.0.4.1").status_code == 429
    site.context.outbox.flush(10)
    assert len(mail.messages) == MAX_PER_ADDRESS


def test_bad_input_gets_a_clear_answer(site):
    client = site.server.test_client()
    answer = _ask(client, "not an address")
    assert answer.status_code == 400 and "not an e-mail address" in answer.get_data(as_text=True)
    forged = client.post("/account/forgot", data={"email": "res@example.org"})
    assert forged.status_code == 403


def test_without_smtp_there_is_no_link_and_the_page_sends_people_to_an_admin(make_site):
    site = make_site(accounts=(("res@example.org", "researcher", None),), password=GOOD)
    client = site.server.test_client()
    login = client.get("/account/login").get_data(as_text=True)
    assert "/account/forgot" not in login and "Ask an admin" in login
    page = client.get("/account/forgot?lang=de").get_data(as_text=True)
    assert "Diese Seite verschickt keine E-Mails" in page and 'name="email"' not in page
    answer = client.post("/account/forgot", data={"email": "res@example.org",
                                                  "csrf_token": _csrf(client, "/account/login")})
    assert answer.status_code == 200 and "ask an admin" in answer.get_data(as_text=True)
