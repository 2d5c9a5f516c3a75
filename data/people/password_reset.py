"""Password reset by e-mail: throttled requests, and the message with a one-time link.

Someone who forgot their password types their address on ``/account/forgot``. The answer is
the same whether or not an account uses the address: the request is recorded and throttled
(:func:`record_request`, the same work for every address), and the rest, looking the account
up, issuing the link and sending it, runs later on the outbox's thread
(:func:`reset_message`, posted to :meth:`data.outbox.Outbox.post`), so the time of the
answer does not tell either.

The link is the one-time password link of :mod:`data.people.accounts` (purpose
``reset_password``; only a hash of its token is stored; a newer link replaces an older one;
it works once and expires after ``INCIDENTMAP_PASSWORD_RESET_MINUTES``). Redeeming it sets
the password and ends every session of the account; the second factor is still asked for
at the next login. The message holds the link only: no incident content, no role.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import Engine, delete, func, insert, select

from data.outbox import Message
from data.people.accounts import get_user, issue_password_link, normalise_email
from data.store.schema import reset_requests

#: Requests counted for throttling are those of the last WINDOW.
WINDOW = dt.timedelta(hours=1)
#: Requests per address typed within :data:`WINDOW` (more mails would only annoy its owner).
MAX_PER_ADDRESS = 3
#: Requests per client within :data:`WINDOW`.
MAX_PER_CLIENT = 10
SUBJECT = "Choose a new password for incidentmap"
BODY = """Hello,

someone (we hope you) asked for a new password for the incidentmap account of this address.
To choose one, open this link within {minutes} minutes; it works once:

{link}

If you did not ask for it, ignore this message: your password stays as it is.
"""


class ResetThrottled(Exception):
    """Too many requests for this address or from this client; ``retry_after`` in seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"too many requests; try again in {retry_after // 60 + 1} minutes")
        self.retry_after = retry_after


def _account_key(email: str) -> str:
    return hashlib.sha256(email.encode("utf-8")).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # SQLite keeps naive UTC


def record_request(engine: Engine, email: str, client: str,
                   now: dt.datetime | None = None) -> str:
    """Record a reset request, or refuse it when there were too many.

    The request is written (and committed) first and counted after, so requests racing in
    parallel cannot all pass: at most :data:`MAX_PER_ADDRESS` per address and
    :data:`MAX_PER_CLIENT` per client within :data:`WINDOW`. A refused request is removed
    again, so that refusals do not prolong the wait.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    email : str
        As typed.
    client : str
        The client's IP address.
    now : datetime, optional
        For tests.

    Returns
    -------
    str
        The address in its stored form (for :func:`reset_message`).

    Raises
    ------
    data.people.accounts.AccountError
        ``email`` is not an e-mail address (nothing is recorded).
    ResetThrottled
        Too many requests for the address or from the client.
    """
    address = normalise_email(email)
    now = now or dt.datetime.now(dt.UTC)
    key, client = _account_key(address), client[:64]
    with engine.begin() as conn:
        conn.execute(delete(reset_requests).where(reset_requests.c.at < now - WINDOW))
        mine = conn.execute(insert(reset_requests).values(
            account_key=key, address=client, at=now)).inserted_primary_key[0]
    wait = None
    with engine.begin() as conn:
        for column, value, limit in ((reset_requests.c.account_key, key, MAX_PER_ADDRESS),
                                     (reset_requests.c.address, client, MAX_PER_CLIENT)):
            count, oldest = conn.execute(
                select(func.count(), func.min(reset_requests.c.at)).where(
                    column == value, reset_requests.c.at >= now - WINDOW)).one()
            if count > limit:
                conn.execute(delete(reset_requests).where(reset_requests.c.id == mine))
                wait = _aware(oldest) + WINDOW - now
                break
    if wait is not None:  # raised once the refused request's removal is committed
        raise ResetThrottled(max(1, int(wait.total_seconds())))
    return address


def reset_message(engine: Engine, address: str, base_url: str,
                  lifetime: dt.timedelta) -> Message | None:
    """The e-mail with a new reset link for the active account of ``address``, else None.

    Parameters
    ----------
    engine : sqlalchemy.Engine
    address : str
        As :func:`record_request` returned it.
    base_url : str
        Where people reach the dashboard (``INCIDENTMAP_BASE_URL``; never a request's host).
    lifetime : datetime.timedelta
        How long the link works.

    Returns
    -------
    data.outbox.Message or None
        None when no active account uses the address (nothing is sent).
    """
    user = get_user(engine, email=address)
    if user is None or not user.active:
        return None
    token = issue_password_link(engine, address, purpose="reset_password", lifetime=lifetime)
    link = f"{base_url.rstrip('/')}/account/password?token={token}"
    minutes = int(lifetime.total_seconds() // 60)
    return Message(address, SUBJECT, BODY.format(minutes=minutes, link=link))
