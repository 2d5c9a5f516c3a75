"""Password reset by e-mail on both backends: throttled requests, the message, the link."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, update

from data.people.accounts import (
    AccountError,
    add_user,
    get_user,
    issue_password_link,
    redeem_password_link,
    set_active,
)
from data.people.password_reset import (
    MAX_PER_ADDRESS,
    MAX_PER_CLIENT,
    WINDOW,
    ResetThrottled,
    record_request,
    reset_message,
)
from data.store.schema import account_tokens, reset_requests

GOOD = "correct horse battery staple"
NEW = "a brand new passphrase here"
HOUR = dt.timedelta(hours=1)


def _requests(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(reset_requests)).scalar()


def test_requests_are_throttled_per_address_the_same_whether_or_not_it_exists(engine):
    add_user(engine, "res@example.org", "researcher")
    now = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    for email in ("res@example.org", "nobody@example.org"):
        for i in range(MAX_PER_ADDRESS):
            assert record_request(engine, email.upper(), f"10.0.0.{i}", now) == email
        with pytest.raises(ResetThrottled) as caught:
            record_request(engine, email, "10.0.0.99", now + dt.timedelta(minutes=10))
        assert 49 * 60 <= caught.value.retry_after <= 50 * 60
    later = now + WINDOW + dt.timedelta(seconds=1)
    assert record_request(engine, "res@example.org", "10.0.0.1", later)  # the window passed
    with engine.connect() as conn:
        stored = conn.execute(select(reset_requests.c.account_key)).scalars().all()
    assert all("example.org" not in key for key in stored)  # only hashes of addresses


def test_requests_are_throttled_per_client(engine):
    now = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    for i in range(MAX_PER_CLIENT):
        record_request(engine, f"p{i}@example.org", "10.9.9.9", now)
    with pytest.raises(ResetThrottled):
        record_request(engine, "another@example.org", "10.9.9.9", now)
    record_request(engine, "another@example.org", "10.9.9.8", now)  # another client may


def test_parallel_requests_cannot_race_past_the_limit(engine):
    now = dt.datetime.now(dt.UTC)

    def one(i: int) -> bool:
        try:
            record_request(engine, "target@example.org", f"10.1.0.{i}", now)
            return True
        except ResetThrottled:
            return False

    with ThreadPoolExecutor(max_workers=20) as pool:
        passed = sum(pool.map(one, range(40)))
    assert 1 <= passed <= MAX_PER_ADDRESS
    assert _requests(engine) == passed  # refused requests are not kept


def test_a_malformed_address_is_refused_and_not_recorded(engine):
    with pytest.raises(AccountError, match="not an e-mail address"):
        record_request(engine, "not an address", "10.0.0.1")
    assert _requests(engine) == 0


def test_the_message_holds_a_working_single_use_link_and_nothing_else(engine):
    add_user(engine, "res@example.org", "researcher")
    redeem_password_link(engine, issue_password_link(engine, "res@example.org"), GOOD)
    version = get_user(engine, email="res@example.org").session_version
    message = reset_message(engine, "res@example.org", "https://map.example.org/", HOUR)
    assert message.to == "res@example.org" and "60 minutes" in message.body
    link = next(w for w in message.body.split() if w.startswith("https://"))
    assert link.startswith("https://map.example.org/account/password?token=")
    token = link.split("token=")[1]
    with engine.connect() as conn:
        row = conn.execute(select(account_tokens.c.purpose, account_tokens.c.token_hash,
                                  account_tokens.c.expires_at)
                           .where(account_tokens.c.used_at.is_(None))).one()
    assert row.purpose == "reset_password" and token not in row.token_hash
    user = redeem_password_link(engine, token, NEW)
    assert user.session_version == version + 1  # every session ends
    with pytest.raises(AccountError, match="not valid any more"):
        redeem_password_link(engine, token, "yet another passphrase")


def test_an_expired_link_is_refused(engine):
    add_user(engine, "res@example.org", "researcher")
    message = reset_message(engine, "res@example.org", "http://x", HOUR)
    token = message.body.split("token=")[1].split()[0]
    with engine.begin() as conn:
        conn.execute(update(account_tokens).values(
            expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    with pytest.raises(AccountError, match="not valid any more"):
        redeem_password_link(engine, token, NEW)


def test_unknown_and_disabled_accounts_get_no_message(engine):
    assert reset_message(engine, "nobody@example.org", "http://x", HOUR) is None
    add_user(engine, "gone@example.org", "researcher")
    set_active(engine, "gone@example.org", False)
    assert reset_message(engine, "gone@example.org", "http://x", HOUR) is None
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(account_tokens)).scalar() == 0


def test_only_known_purposes_make_links(engine):
    add_user(engine, "res@example.org", "researcher")
    with pytest.raises(ValueError, match="purpose"):
        issue_password_link(engine, "res@example.org", purpose="login")
