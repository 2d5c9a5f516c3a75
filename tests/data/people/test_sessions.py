"""Server-side login sessions on both backends: revocation, idle timeout, lifetime, cleanup."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import delete, func, select, update

from data.people.accounts import (
    add_user,
    change_password,
    get_user,
    issue_password_link,
    redeem_password_link,
    set_active,
)
from data.people.sessions import (
    TOUCH_EVERY,
    Limits,
    end_session,
    end_sessions,
    ended_because,
    open_sessions,
    purge_sessions,
    session_user,
    start_session,
    token_hash,
)
from data.people.two_factor import SecretBox, check_code, start
from data.settings import Settings
from data.store.schema import user_sessions, users

GOOD = "correct horse battery staple"
LIMITS = Limits(idle=dt.timedelta(hours=2), lifetime=dt.timedelta(hours=12))
T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def user(engine):
    add_user(engine, "ana@example.org", "researcher")
    redeem_password_link(engine, issue_password_link(engine, "ana@example.org"), GOOD)
    return get_user(engine, email="ana@example.org")


def _rows(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(user_sessions).order_by(user_sessions.c.id)).all()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def test_the_defaults_are_two_hours_idle_and_twelve_hours_in_all():
    assert Limits.from_settings(Settings()) == LIMITS
    assert Limits.from_settings(Settings(session_idle_minutes=15, session_hours=1)) == Limits(
        dt.timedelta(minutes=15), dt.timedelta(hours=1))


def test_only_a_hash_of_the_id_is_stored_and_the_id_opens_the_session(engine, user):
    token = start_session(engine, user, now=T0)
    (row,) = _rows(engine)
    assert row.token_hash == token_hash(token) and token not in tuple(map(str, row))
    assert row.user_id == user.id and row.session_version == user.session_version
    assert session_user(engine, token, LIMITS, now=T0) == user
    assert session_user(engine, token + "x", LIMITS, now=T0) is None
    assert session_user(engine, "", LIMITS, now=T0) is None


def test_logout_ends_one_session_and_end_sessions_every_one(engine, user):
    first, second, third = (start_session(engine, user, now=T0) for _ in range(3))
    assert end_session(engine, first, now=T0) and not end_session(engine, first, now=T0)
    assert session_user(engine, first, LIMITS, now=T0) is None
    assert session_user(engine, second, LIMITS, now=T0) == user
    assert open_sessions(engine, user.id, LIMITS, now=T0) == 2
    assert end_sessions(engine, user.id, now=T0) == 2
    assert session_user(engine, second, LIMITS, now=T0) is None
    assert session_user(engine, third, LIMITS, now=T0) is None
    assert get_user(engine, user_id=user.id).session_version == user.session_version + 1
    fresh = start_session(engine, get_user(engine, user_id=user.id), now=T0)
    assert session_user(engine, fresh, LIMITS, now=T0) is not None  # a new login works


@pytest.mark.parametrize("change", ["password", "disable", "second_factor", "version_bump"])
def test_account_changes_end_every_earlier_session(engine, user, change):
    token = start_session(engine, user, now=T0)
    if change == "password":
        change_password(engine, user.id, GOOD, "another long passphrase")
    elif change == "disable":
        set_active(engine, user.email, False)
    elif change == "second_factor":
        box = SecretBox(Fernet.generate_key().decode("ascii"))
        enrolment = start(engine, box, user.id)  # a new set-up ends the earlier sessions
        assert check_code(engine, box, get_user(engine, user_id=user.id),
                          pyotp.TOTP(enrolment.secret).now(), "192.0.2.1").ok
    else:  # what any other code that ends all sessions does (e.g. a second-factor reset)
        with engine.begin() as conn:
            conn.execute(update(users).values(session_version=user.session_version + 5))
    assert session_user(engine, token, LIMITS, now=T0) is None
    if change == "disable":
        set_active(engine, user.email, True)  # enabling again does not bring it back
        assert session_user(engine, token, LIMITS, now=T0) is None


def test_idle_timeout_and_absolute_lifetime(engine, user):
    token = start_session(engine, user, now=T0)
    idle = LIMITS.idle - dt.timedelta(seconds=1)
    # used every (idle - 1 s): alive until the absolute lifetime, however active
    moment = T0
    while moment + idle < T0 + LIMITS.lifetime:
        moment += idle
        assert session_user(engine, token, LIMITS, now=moment) == user, moment
    assert session_user(engine, token, LIMITS, now=T0 + LIMITS.lifetime) is None
    quiet = start_session(engine, user, now=T0)
    assert session_user(engine, quiet, LIMITS, now=T0 + idle) == user
    assert session_user(engine, quiet, LIMITS, now=T0 + idle + LIMITS.idle) is None
    # a refused request does not count as activity: the session stays timed out
    assert session_user(engine, quiet, LIMITS, now=T0 + idle + LIMITS.idle + TOUCH_EVERY) \
        is None


def test_last_seen_is_written_at_most_once_a_minute(engine, user):
    token = start_session(engine, user, now=T0)

    def last_seen():
        with engine.connect() as conn:
            return _aware(conn.execute(select(user_sessions.c.last_seen_at)).scalar())

    for seconds in (1, 30, 59):
        session_user(engine, token, LIMITS, now=T0 + dt.timedelta(seconds=seconds))
    assert last_seen() == T0
    later = T0 + TOUCH_EVERY
    session_user(engine, token, LIMITS, now=later)
    assert last_seen() == later


def test_purge_deletes_only_sessions_that_can_never_be_valid_again(engine, user):
    live = start_session(engine, user, now=T0)
    ended = start_session(engine, user, now=T0)
    end_session(engine, ended, now=T0)
    start_session(engine, user, now=T0 - LIMITS.lifetime)  # too old
    start_session(engine, user, now=T0 - LIMITS.idle)  # idle too long
    other = add_user(engine, "bo@example.org", "researcher")
    start_session(engine, get_user(engine, user_id=other), now=T0)
    set_active(engine, "bo@example.org", False)  # its session can never come back
    assert purge_sessions(engine, LIMITS, now=T0, dry_run=True) == 4
    assert len(_rows(engine)) == 5
    assert purge_sessions(engine, LIMITS, now=T0) == 4
    (row,) = _rows(engine)
    assert row.token_hash == token_hash(live)
    assert session_user(engine, live, LIMITS, now=T0) == user


def test_rows_go_with_their_account(engine, user):
    start_session(engine, user, now=T0)
    with engine.begin() as conn:
        conn.execute(delete(users).where(users.c.id == user.id))
        assert conn.execute(select(func.count()).select_from(user_sessions)).scalar() == 0


@pytest.mark.parametrize("times, expected", [
    ({}, None),
    ({"ended": T0}, "ended"),
    ({"active": False}, "account"),
    ({"account_version": 2}, "account"),
    ({"last_seen": T0 - LIMITS.idle}, "idle"),
    ({"created": T0 - LIMITS.lifetime, "last_seen": T0}, "lifetime"),
])
def test_why_a_session_is_over(times, expected):
    values = {"created": T0 - dt.timedelta(hours=1), "last_seen": T0, "ended": None,
              "started_version": 1, "account_version": 1, "active": True, **times}
    assert ended_because(**values, now=T0, limits=LIMITS) == expected
