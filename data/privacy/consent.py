"""What a record's consents allow: who reads its personal data, whether it is published.

The four consents of the recording form (DOMAIN §2.1 item 9, §8.3 rule 9) are stored with
each member record and decide, everywhere at once, how the record is used:

``consent_record``
    The organisation may keep the details of the incident (the account, the place, the
    people involved). The form records nothing without it; withdrawn later, it makes the
    record *count only*: the record is anonymised at once (codes, month and region stay,
    nothing personal is kept) and the vault takes nothing more for it.
``consent_share_network``
    Moderators of other organisations in the network may read the record's personal data
    (the account and the vault). Without it only the recording organisation reads them;
    moderators elsewhere still see the coded fields they need to verify it.
``consent_publish_aggregate``
    The record may be counted in public statistics. Without it the record is never
    published; withdrawing it takes a published record out of every public output at once.
``consent_police_referral``
    The organisation may pass the case on to the police. Shown to those who read the
    record; the product itself never sends anything anywhere.

A consent that is ``None`` was not recorded through the form (records of ingested member
datasets): the organisation that supplied the dataset answers for it, and the rules treat
it as given. The rules here are pure functions; :mod:`data.records.consent_changes` applies a
change, and :mod:`data.people.vault` and the moderation pages ask :func:`personal_access`.
"""

from __future__ import annotations

from dataclasses import dataclass

from data.privacy.roles import roles_that_can
from data.records.form_fields import CONSENTS

#: Why personal data is withheld from a reader (code -> plain-language explanation).
WITHHELD = {
    "role": "Only the recording organisation and the network's moderators read personal "
            "data.",
    "count_only": "The person agreed to a count only: no personal data is kept for this "
                  "record.",
    "other_organisation": "This record belongs to another organisation.",
    "not_shared": "The person did not agree to share their data beyond the organisation "
                  "that recorded it.",
}


@dataclass(frozen=True)
class Consents:
    """The consents stored with one record (``None``: not recorded through the form)."""

    record: bool | None = None
    share_network: bool | None = None
    publish_aggregate: bool | None = None
    police_referral: bool | None = None

    @classmethod
    def of(cls, row) -> Consents:
        """The consents of a row (a mapping or a Row with the ``consent_*`` columns)."""
        values = row if isinstance(row, dict) else row._mapping
        return cls(*(None if values.get(name) is None else bool(values.get(name))
                     for name in CONSENTS))

    def as_columns(self) -> dict[str, bool | None]:
        """The consents as the ``incidents`` columns they are stored in."""
        return dict(zip(CONSENTS, (self.record, self.share_network, self.publish_aggregate,
                                   self.police_referral), strict=True))


def personal_access(role: str | None, user_organisation: int | None,
                    record_organisation: int | None, consents: Consents) -> str | None:
    """Whether a reader may see a record's personal data (its account and its vault).

    Parameters
    ----------
    role : str or None
        The reader's role (None: not logged in).
    user_organisation, record_organisation : int or None
        The reader's organisation and the organisation that recorded the record.
    consents : Consents

    Returns
    -------
    str or None
        None when allowed, else a key of :data:`WITHHELD` saying why not.
    """
    if role not in roles_that_can("read_personal_data"):
        return "role"
    if consents.record is False:
        return "count_only"
    if user_organisation is not None and user_organisation == record_organisation:
        return None
    if role not in roles_that_can("every_organisation"):
        return "other_organisation"
    if consents.share_network is False:
        return "not_shared"
    return None


def may_publish(policy: str, consents: Consents) -> bool:
    """True when a record of ``policy`` may be published with these consents."""
    return policy != "member" or consents.publish_aggregate is not False
