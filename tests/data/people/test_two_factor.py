"""The second factor and the guessing throttle on both backends.

- 40 tries at once get no more real checks than the limit, for passwords and for codes.
- A code is accepted once (its step is stored), even by requests racing each other.
- Secrets are encrypted at rest; plain ones from before are encrypted at their next use.
- Recovery codes: shown once, stored hashed, one use each, throttled, every use logged.
- An admin's reset and a new set-up end every session of the account.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pyotp
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

from data.people.account_events import recent_events
from data.people.accounts import (
    AccountError,
    add_organisation,
    add_user,
    get_user,
    issue_password_link,
    redeem_password_link,
)
from data.people.logins import MAX_ACCOUNT_FAILURES, MAX_ADDRESS_FAILURES, authenticate
from data.people.throttle import LoginThrottled, account_key
from data.people.two_factor import (
    RECOVERY_CODES,
    STEP,
    SecretBox,
    check_code,
    enrolment,
    is_sealed,
    new_recovery_codes,
    required,
    reset,
    start,
)
from data.settings import Settings
from data.store.schema import login_attempts, recovery_codes, users

GOOD = "correct horse battery staple"
NOW = dt.datetime(2026, 5, 1, 12, 0, 10, tzinfo=dt.UTC)
TRIES = 40


@pytest.fixture
def box():
    return SecretBox(Fernet.generate_key().decode("ascii"))


@pytest.fixture
def staff(engine):
    add_organisation(engine, "ngo-athens", "An NGO in Athens", "GR")
    for email, role, org in (("rep@example.org", "reporter", "ngo-athens"),
                             ("mod@example.org", "moderator", None),
                             ("admin@example.org", "admin", None)):
        add_user(engine, email, role, org)
        redeem_password_link(engine, issue_password_link(engine, email), GOOD)
    return engine


def _code(secret: str, when: dt.datetime, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(when + dt.timedelta(seconds=steps * STEP))


def _enrolled(engine, box, email="mod@example.org"):
    """An account with the factor on: (user, secret, recovery codes)."""
    user = get_user(engine, email=email)
    secret = start(engine, box, user.id).secret
    checked = check_code(engine, box, user, _code(secret, NOW), "10.0.0.1", now=NOW)
    assert checked.ok and len(checked.recovery_codes) == RECOVERY_CODES
    return get_user(engine, email=email), secret, checked.recovery_codes


def _all_at_once(count: int, attempt) -> list:
    """Run ``attempt(i)`` in ``count`` threads released together; their results or errors."""
    barrier, results = threading.Barrier(count), [None] * count

    def run(i):
        barrier.wait()
        try:
            results[i] = attempt(i)
        except Exception as exc:  # noqa: BLE001 (the test counts them)
            results[i] = exc
    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _recorded(engine, kind: str, **where) -> int:
    query = select(func.count()).select_from(login_attempts).where(
        login_attempts.c.kind == kind,
        *(login_attempts.c[column] == value for column, value in where.items()))
    with engine.connect() as conn:
        return conn.execute(query).scalar()


# --- the throttle holds when the tries come all at once -----------------------------------

def test_forty_parallel_wrong_passwords_get_at_most_five_checks(staff):
    engine = staff
    results = _all_at_once(TRIES, lambda i: authenticate(
        engine, "rep@example.org", f"guess {i}", f"10.2.0.{i}", now=NOW))
    checked = [r for r in results if not isinstance(r, Exception)]
    assert all(r.user is None for r in checked)
    assert all(isinstance(r, LoginThrottled) for r in results if isinstance(r, Exception))
    assert len(checked) == MAX_ACCOUNT_FAILURES
    assert _recorded(engine, "password", account_key=account_key("rep@example.org")) == \
        MAX_ACCOUNT_FAILURES


def test_forty_parallel_guesses_from_one_address_get_at_most_twenty_checks(staff):
    engine = staff
    results = _all_at_once(TRIES, lambda i: authenticate(
        engine, f"user{i}@example.org", "guess", "10.3.0.1", now=NOW))
    assert sum(not isinstance(r, Exception) for r in results) == MAX_ADDRESS_FAILURES
    assert sum(isinstance(r, LoginThrottled) for r in results) == TRIES - MAX_ADDRESS_FAILURES
    assert _recorded(engine, "password", address="10.3.0.1") == MAX_ADDRESS_FAILURES


def test_forty_parallel_wrong_codes_get_at_most_five_checks(staff, box):
    engine = staff
    user, secret, _codes = _enrolled(engine, box)
    right = {_code(secret, NOW, steps) for steps in (-1, 0, 1)}
    wrong = [f"{n:06d}" for n in range(TRIES * 2) if f"{n:06d}" not in right][:TRIES]
    results = _all_at_once(TRIES, lambda i: check_code(
        engine, box, user, wrong[i], f"10.4.0.{i}", now=NOW))
    checked = [r for r in results if not isinstance(r, Exception)]
    assert not any(r.ok for r in checked)
    assert all(isinstance(r, LoginThrottled) for r in results if isinstance(r, Exception))
    assert len(checked) == MAX_ACCOUNT_FAILURES
    key = account_key("mod@example.org")
    assert _recorded(engine, "code", account_key=key, succeeded=False) == MAX_ACCOUNT_FAILURES
    # the right code is refused too until the window has passed; passwords are counted apart
    with pytest.raises(LoginThrottled):
        check_code(engine, box, user, _code(secret, NOW, 1), "10.4.1.1", now=NOW)
    assert authenticate(engine, "mod@example.org", GOOD, "10.4.1.1", now=NOW).user


def test_the_same_code_sent_ten_times_at_once_is_accepted_once(staff, box):
    engine = staff
    user, secret, _codes = _enrolled(engine, box)
    code = _code(secret, NOW, 1)
    results = _all_at_once(10, lambda i: check_code(engine, box, user, code, f"10.5.0.{i}",
                                                    now=NOW))
    accepted = [r for r in results if not isinstance(r, Exception) and r.ok]
    assert len(accepted) == 1, results  # the others: refused, or throttled after five
    assert all(isinstance(r, LoginThrottled) for r in results if isinstance(r, Exception))


# --- codes --------------------------------------------------------------------------------

def test_set_up_needs_a_valid_code_and_a_used_step_is_refused(staff, box):
    engine = staff
    user = get_user(engine, email="mod@example.org")
    assert required(user, Settings())
    set_up = start(engine, box, user.id)
    assert set_up.uri.startswith("otpauth://totp/") and "mod%40example.org" in set_up.uri
    assert enrolment(engine, box, user.id) == set_up  # the same until confirmed
    secret = set_up.secret
    wrong = "000000" if _code(secret, NOW) != "000000" else "111111"
    assert not check_code(engine, box, user, wrong, "10.6.0.1", now=NOW).ok
    assert not get_user(engine, user_id=user.id).totp_enabled
    assert check_code(engine, box, user, _code(secret, NOW), "10.6.0.1", now=NOW).ok
    user = get_user(engine, user_id=user.id)
    assert user.totp_enabled
    replay = check_code(engine, box, user, _code(secret, NOW), "10.6.0.1", now=NOW)
    assert not replay.ok  # the same step again, within its window
    assert not check_code(engine, box, user, _code(secret, NOW, -1), "10.6.0.1", now=NOW).ok
    assert check_code(engine, box, user, _code(secret, NOW, 1), "10.6.0.1", now=NOW).ok
    later = NOW + dt.timedelta(minutes=5)
    assert not check_code(engine, box, user, _code(secret, NOW, 2), "10.6.0.1", now=later).ok
    assert not check_code(engine, box, user, "12 34", "10.6.0.1", now=later).ok


def test_a_new_set_up_ends_every_session(staff, box):
    engine = staff
    user, _secret, _codes = _enrolled(engine, box)
    start(engine, box, user.id)
    again = get_user(engine, user_id=user.id)
    assert again.session_version > user.session_version and not again.totp_enabled
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(recovery_codes)).scalar() == 0


# --- secrets at rest ----------------------------------------------------------------------

def _stored(engine, email: str) -> str:
    with engine.connect() as conn:
        return conn.execute(select(users.c.totp_secret).where(users.c.email == email)).scalar()


def test_the_database_never_holds_the_plain_secret(staff, box):
    engine = staff
    _user, secret, codes = _enrolled(engine, box)
    stored = _stored(engine, "mod@example.org")
    assert is_sealed(stored) and secret not in stored
    if engine.dialect.name == "sqlite":
        engine.dispose()  # every connection closed: what is on disk is all there is
        database = Path(engine.url.database)
        files = [p for p in database.parent.iterdir() if p.name.startswith(database.name)]
        content = b"".join(p.read_bytes() for p in files)
        assert secret.encode() not in content
        assert not any(code.replace("-", "").encode() in content for code in codes)
    else:
        with engine.connect() as conn:
            dump = conn.execute(text("SELECT string_agg(u::text, ' ') FROM users u")).scalar()
            dump += conn.execute(text(
                "SELECT string_agg(r::text, ' ') FROM recovery_codes r")).scalar()
        assert secret not in dump
        assert not any(code.replace("-", "") in dump for code in codes)


def test_a_plain_secret_from_before_keeps_working_and_is_encrypted(staff, box):
    engine = staff
    secret = pyotp.random_base32()
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.email == "mod@example.org").values(
            totp_secret=secret, totp_enabled=True))
    user = get_user(engine, email="mod@example.org")
    assert check_code(engine, box, user, _code(secret, NOW), "10.7.0.1", now=NOW).ok
    stored = _stored(engine, "mod@example.org")
    assert is_sealed(stored) and box.open(stored) == secret


# --- recovery codes -----------------------------------------------------------------------

def test_recovery_codes_log_in_once_each_and_every_use_is_logged(staff, box):
    engine = staff
    user, _secret, codes = _enrolled(engine, box)
    used = check_code(engine, box, user, codes[0].upper().replace("-", " "), "10.8.0.1",
                      now=NOW)
    assert used.ok and used.recovery_code_used and used.codes_left == RECOVERY_CODES - 1
    assert not check_code(engine, box, user, codes[0], "10.8.0.1", now=NOW).ok
    events = recent_events(engine, user_id=user.id)
    assert [e.event for e in events] == ["recovery_code_used", "recovery_codes_made",
                                         "second_factor_on"]
    assert events[0].detail == f"{RECOVERY_CODES - 1} left" and events[0].address == "10.8.0.1"
    fresh = new_recovery_codes(engine, user.id, "10.8.0.2", now=NOW)
    assert set(fresh).isdisjoint(codes)
    assert not check_code(engine, box, user, codes[1], "10.8.0.1", now=NOW).ok  # replaced
    assert check_code(engine, box, user, fresh[1], "10.8.0.1", now=NOW).ok


def test_recovery_codes_are_throttled_like_codes(staff, box):
    engine = staff
    user, _secret, codes = _enrolled(engine, box)
    for i in range(MAX_ACCOUNT_FAILURES):
        assert not check_code(engine, box, user, f"aaaa-bbbb-cccc-ddd{i + 2}", "10.9.0.1",
                              now=NOW).ok
    with pytest.raises(LoginThrottled):
        check_code(engine, box, user, codes[0], "10.9.0.2", now=NOW)


def test_no_recovery_code_before_the_factor_is_on(staff, box):
    engine = staff
    user = get_user(engine, email="mod@example.org")
    start(engine, box, user.id)
    with pytest.raises(AccountError, match="set up the second factor first"):
        new_recovery_codes(engine, user.id)


# --- an admin's reset ---------------------------------------------------------------------

def test_an_admin_resets_a_lost_factor_audited_and_the_sessions_end(staff, box):
    engine = staff
    user, _secret, codes = _enrolled(engine, box)
    admin = get_user(engine, email="admin@example.org")
    reset(engine, "MOD@example.org", actor_id=admin.id, address="10.10.0.1")
    after = get_user(engine, user_id=user.id)
    assert not after.totp_enabled and after.session_version > user.session_version
    assert _stored(engine, "mod@example.org") is None
    assert not check_code(engine, box, after, codes[0], "10.10.0.2", now=NOW).ok
    event = recent_events(engine, user_id=user.id)[0]
    assert (event.event, event.actor, event.address) == ("second_factor_reset",
                                                         "admin@example.org", "10.10.0.1")
    with pytest.raises(AccountError, match="no account"):
        reset(engine, "nobody@example.org")


def test_the_account_event_log_is_append_only(staff, box):
    engine = staff
    _enrolled(engine, box)
    for statement in ("UPDATE account_events SET detail = 'x'", "DELETE FROM account_events"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))


# --- who needs it -------------------------------------------------------------------------

def test_reporters_need_it_unless_the_setting_exempts_them(staff):
    engine = staff
    strict, relaxed = Settings(), Settings(reporter_two_factor=False)
    reporter = get_user(engine, email="rep@example.org")
    moderator = get_user(engine, email="mod@example.org")
    assert strict.reporter_two_factor
    assert required(reporter, strict) and not required(reporter, relaxed)
    assert required(moderator, strict) and required(moderator, relaxed)
    add_user(engine, "res@example.org", "researcher")
    assert not required(get_user(engine, email="res@example.org"), strict)
    box = SecretBox(Fernet.generate_key().decode("ascii"))
    enrolled, _secret, _codes = _enrolled(engine, box, "rep@example.org")
    assert required(enrolled, relaxed)  # a factor once on is always asked for
