"""The account-event log: second-factor set-ups, resets and recovery codes, append-only.

The record-access log (:mod:`data.people.access_log`) is about records and the audit log
(:mod:`data.records.audit`) about changes to records; neither has a place for what happens to
an account's second factor. This log does: who set one up, which admin reset whose, when
recovery codes were made and each time one was used (migration 0014 adds triggers that refuse
UPDATE and DELETE). An entry never holds a code or a secret.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, insert, select

from data.store.account_schema import ACCOUNT_EVENTS
from data.store.schema import account_events, users


@dataclass(frozen=True)
class AccountEvent:
    """One entry, with the e-mail addresses of the account and of the actor (if any)."""

    at: dt.datetime
    email: str | None
    event: str
    actor: str | None
    detail: str
    address: str


def record_event(conn, user_id: int, event: str, *, detail: str = "",
                 actor_id: int | None = None, address: str = "",
                 now: dt.datetime | None = None) -> None:
    """Append one entry inside the caller's transaction.

    Parameters
    ----------
    conn : sqlalchemy.Connection
    user_id : int
        The account concerned.
    event : str
        One of :data:`data.store.account_schema.ACCOUNT_EVENTS`.
    detail : str, optional
        E.g. how many recovery codes are left; never a code or a secret.
    actor_id : int, optional
        The admin who did it, when not the account itself.
    address : str, optional
        The client address of the request.
    now : datetime, optional
        For tests.
    """
    if event not in ACCOUNT_EVENTS:
        raise ValueError(f"event {event!r}: choose one of {', '.join(ACCOUNT_EVENTS)}")
    conn.execute(insert(account_events).values(
        at=now or dt.datetime.now(dt.UTC), user_id=user_id, actor_id=actor_id, event=event,
        detail=detail, address=(address or "")[:64]))


def recent_events(engine: Engine, user_id: int | None = None,
                  limit: int = 200) -> list[AccountEvent]:
    """The newest ``limit`` entries (of one account when ``user_id`` is given), newest first."""
    subject, actor = users.alias("subject"), users.alias("actor")
    stmt = (select(account_events.c.at, subject.c.email, account_events.c.event,
                   actor.c.email.label("actor"), account_events.c.detail,
                   account_events.c.address)
            .outerjoin(subject, subject.c.id == account_events.c.user_id)
            .outerjoin(actor, actor.c.id == account_events.c.actor_id)
            .order_by(account_events.c.id.desc()).limit(limit))
    if user_id is not None:
        stmt = stmt.where(account_events.c.user_id == user_id)
    with engine.connect() as conn:
        return [AccountEvent(*row) for row in conn.execute(stmt)]
